from django.shortcuts import render

from achievements import selectors as rewards
from games import selectors as games


def home(request):
    """Landing page for visitors; for learners, the dashboard that brings several apps together."""
    if not request.user.is_authenticated:
        return render(request, "home.html")
    context = {
        "next_step": games.next_quest(user=request.user),
        "daily_quests": rewards.todays_daily_quests(user=request.user),
    }
    return render(request, "dashboard.html", context)
