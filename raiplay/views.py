from django.shortcuts import render

from accounts.models import ConsentStatus
from achievements import selectors as rewards
from classrooms import selectors as classes
from games import selectors as games

ASKED_AGE = "asked-birth-year"


def home(request):
    """Landing page for visitors; for learners, the dashboard that brings several apps together."""
    if not request.user.is_authenticated:
        return render(request, "home.html")
    # A learner from the old app has no birth year: ask once per visit, on the dashboard.
    ask_age = request.user.consent_status == ConsentStatus.UNKNOWN and not request.session.get(ASKED_AGE)
    if ask_age:
        request.session[ASKED_AGE] = True
    daily_quests, review_due = rewards.dashboard_quests(user=request.user)
    context = {
        "next_step": games.next_quest(user=request.user),
        "daily_quests": daily_quests,
        "ask_age": ask_age,
        "assignments": classes.due_for(user=request.user),
        "review_due": review_due,
    }
    return render(request, "dashboard.html", context)
