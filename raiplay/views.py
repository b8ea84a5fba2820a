from django.shortcuts import render


def home(request):
    """Landing page for visitors; the dashboard for learners once the reward layer fills it."""
    if request.user.is_authenticated:
        return render(request, "dashboard.html", {})
    return render(request, "home.html")
