"""`manage.py award_achievements`: learners who already qualify are caught up, once."""

import io

import pytest
from django.core.management import call_command

from accounts.tests.factories import UserFactory
from achievements import selectors, services
from achievements.models import LedgerEntry, Reason, UserAchievement

from .factories import AchievementFactory
from .reward_helpers import boards_fixture  # noqa: F401
from .reward_helpers import play as record_play

pytestmark = pytest.mark.django_db


def play(user, **kwargs):
    record_play(user, coins=2, **kwargs)


def award() -> str:
    out = io.StringIO()
    call_command("award_achievements", stdout=out)
    return out.getvalue()


def test_a_rule_added_after_learners_qualified_is_awarded_retroactively_with_its_reward():
    veteran, newcomer = UserFactory(), UserFactory()
    play(veteran, games=3)
    play(newcomer, games=1)
    rule = AchievementFactory(slug="three-games", metric="games_completed", threshold=3, xp_reward=25, coin_reward=7)

    output = award()

    assert "1 achievement(s) awarded to 1 learner(s)." in output
    assert list(UserAchievement.objects.values_list("user", "achievement")) == [(veteran.pk, rule.pk)]
    entry = LedgerEntry.objects.get(user=veteran, reason=Reason.ACHIEVEMENT)
    assert (entry.xp, entry.coins) == (25, 7)
    veteran.refresh_from_db()
    assert (veteran.xp, veteran.coins) == (35, 9)
    call_command("check_ledger")


def test_running_it_again_awards_nothing_more():
    learner = UserFactory()
    play(learner, games=2)
    AchievementFactory(metric="games_completed", threshold=2, xp_reward=10)

    first, second = award(), award()

    assert "1 achievement(s) awarded" in first
    assert "0 achievement(s) awarded to 0 learner(s)." in second
    assert LedgerEntry.objects.filter(reason=Reason.ACHIEVEMENT).count() == 1


def test_a_lowered_threshold_catches_learners_up():
    learner = UserFactory()
    play(learner, games=2)
    rule = AchievementFactory(metric="games_completed", threshold=5)
    assert "0 achievement(s)" in award()

    rule.threshold = 2
    rule.save()

    assert "1 achievement(s) awarded" in award()
    assert UserAchievement.objects.filter(user=learner, achievement=rule).exists()


def test_a_chain_of_rules_unlocks_in_one_run():
    learner = UserFactory()
    play(learner, games=1)  # 10 XP
    AchievementFactory(slug="first", metric="games_completed", threshold=1, xp_reward=100)
    AchievementFactory(slug="xp-100", metric="xp_total", threshold=100)  # met only by the first one's reward

    output = award()

    assert "2 achievement(s) awarded to 1 learner(s)." in output
    assert set(UserAchievement.objects.values_list("achievement__slug", flat=True)) == {"first", "xp-100"}


def test_inactive_learners_and_inactive_rules_are_left_alone():
    gone = UserFactory()
    play(gone, games=4)
    gone.is_active = False
    gone.save()
    learner = UserFactory()
    play(learner, games=4)
    AchievementFactory(metric="games_completed", threshold=1, is_active=False)

    assert "0 achievement(s)" in award()
    assert not UserAchievement.objects.exists()


def test_only_learners_who_meet_a_rule_they_lack_are_visited():
    holder, due, short, saver = UserFactory(), UserFactory(), UserFactory(), UserFactory()
    play(holder, games=2)
    play(due, games=2)
    play(short, games=1)
    play(saver, games=1, category="saving")
    rule = AchievementFactory(metric="games_completed", threshold=2)
    AchievementFactory(metric="games_completed:saving", threshold=1, is_active=False)
    services.award_achievements(user=holder)

    assert UserAchievement.objects.filter(user=holder, achievement=rule).exists()
    assert selectors.learners_due_achievements() == {due.pk}
