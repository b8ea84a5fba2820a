"""seed_demo keeps the demo usable: passwords survive a second run, the learner has started, nothing doubles."""

import io
import re

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from accounts.models import User
from achievements import selectors as review_selectors
from achievements.models import LedgerEntry, ReviewItem, UserAchievement
from games import selectors
from videos.models import SavedVideo

pytestmark = pytest.mark.django_db

DEMO_ACCOUNTS = ("learner", "editor", "teacher")


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out, stderr=io.StringIO())
    return out.getvalue()


def printed_passwords(output: str) -> dict[str, str]:
    return dict(re.findall(r"^\s+(\w+)\s+password: (\S+)$", output, re.M))


def snapshot() -> dict:
    learner = User.objects.get(username="learner")
    return {
        "ledger": LedgerEntry.objects.count(),
        "learner": (learner.xp, learner.coins, learner.level, learner.streak_count),
        "badges": UserAchievement.objects.filter(user=learner).count(),
        "saved": SavedVideo.objects.filter(user=learner).count(),
        "reviews": list(ReviewItem.objects.filter(user=learner).values_list("question", "due_on", "step")),
    }


def test_a_second_run_keeps_every_password_and_changes_nothing(settings):
    settings.DEMO_PASSWORD = ""
    first_output = seed()
    passwords = printed_passwords(first_output)
    before = snapshot()

    second_output = seed()

    assert set(passwords) == set(DEMO_ACCOUNTS)
    for username in DEMO_ACCOUNTS:
        assert f"{username:<8} password: unchanged" in second_output
        assert authenticate(username=username, password=passwords[username]) is not None, username
    assert snapshot() == before
    call_command("check_ledger", stdout=io.StringIO())  # raises (exit 1) on any mismatch


def test_the_demo_learner_has_started_through_the_services(settings):
    settings.DEMO_PASSWORD = ""
    seed()

    learner = User.objects.get(username="learner")
    storyline = selectors.storyline_for(user=learner)
    assert [step.state for step in storyline[:3]] == [selectors.COMPLETED, selectors.COMPLETED, selectors.AVAILABLE]
    assert learner.streak_count == 4 and learner.longest_streak == 4
    badges = set(UserAchievement.objects.filter(user=learner).values_list("achievement__slug", flat=True))
    assert {"first-steps", "quest-starter", "on-a-roll"} <= badges
    assert SavedVideo.objects.filter(user=learner).count() == 1
    due = list(review_selectors.due_reviews(user=learner, today=review_selectors.today_for(learner)))
    assert len(due) == 1 and due[0].question.game == storyline[1].game
    ledger = LedgerEntry.objects.filter(user=learner)
    assert learner.xp == sum(e.xp for e in ledger) > 0
    assert learner.coins == sum(e.coins for e in ledger) > 0


def test_demo_password_from_the_environment_is_set_and_printed(settings):
    settings.DEMO_PASSWORD = ""
    seed()  # the accounts exist with random passwords first
    settings.DEMO_PASSWORD = "demo-Pass-2026"

    output = seed()
    again = seed()

    for username in DEMO_ACCOUNTS:
        assert f"{username:<8} password: demo-Pass-2026" in output
        assert f"{username:<8} password: demo-Pass-2026" in again
        assert authenticate(username=username, password="demo-Pass-2026") is not None, username
