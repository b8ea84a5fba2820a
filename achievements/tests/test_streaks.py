from datetime import UTC, date, datetime, timedelta

import pytest

from accounts.tests.factories import UserFactory
from achievements import streaks
from achievements.models import Reason
from achievements.services import grant
from achievements.streaks import StreakState, advance, local_date

MONDAY = date(2025, 3, 10)


def state(count=3, longest=5, last=MONDAY, freezes=0):
    return StreakState(count=count, longest=longest, last_active=last, freezes=freezes)


# ---- local days -----------------------------------------------------------------------


def test_the_same_moment_is_a_different_local_day_in_auckland_and_tirane():
    moment = datetime(2025, 3, 10, 11, 30, tzinfo=UTC)  # Auckland 00:30 on the 11th (NZDT), Tirane 12:30 on the 10th
    assert local_date(moment, "Pacific/Auckland") == date(2025, 3, 11)
    assert local_date(moment, "Europe/Tirane") == date(2025, 3, 10)


def test_local_midnight_is_the_day_boundary():
    before = datetime(2025, 3, 10, 22, 59, 59, tzinfo=UTC)  # 23:59:59 in Tirane (CET, UTC+1)
    after = before + timedelta(seconds=1)
    assert local_date(before, "Europe/Tirane") == date(2025, 3, 10)
    assert local_date(after, "Europe/Tirane") == date(2025, 3, 11)


def test_two_plays_one_utc_day_are_two_learning_days_in_auckland_but_one_in_tirane():
    morning = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)  # Auckland 22:00 on the 10th; Tirane 10:00 on the 10th
    evening = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)  # Auckland 01:00 on the 11th; Tirane 13:00 on the 10th
    start = StreakState(count=0, longest=0, last_active=None, freezes=0)
    for zone, expected in (("Pacific/Auckland", 2), ("Europe/Tirane", 1)):
        after = advance(advance(start, local_date(morning, zone)), local_date(evening, zone))
        assert after.count == expected, zone


# ---- the rules ----------------------------------------------------------------------


def test_first_learning_day_starts_a_streak_of_one():
    after = advance(StreakState(count=0, longest=0, last_active=None, freezes=0), MONDAY)
    assert after == StreakState(count=1, longest=1, last_active=MONDAY, freezes=0)


def test_next_day_adds_one():
    after = advance(state(count=3), MONDAY + timedelta(days=1))
    assert (after.count, after.last_active) == (4, MONDAY + timedelta(days=1))


def test_same_day_is_unchanged():
    before = state(count=3)
    assert advance(before, MONDAY) == before


def test_an_earlier_day_is_unchanged():
    before = state(count=3)
    assert advance(before, MONDAY - timedelta(days=1)) == before


def test_a_missed_day_without_a_freeze_restarts_at_one():
    after = advance(state(count=3, freezes=0), MONDAY + timedelta(days=2))
    assert (after.count, after.freezes) == (1, 0)


def test_a_missed_day_with_a_freeze_uses_it_and_goes_on():
    after = advance(state(count=3, freezes=2), MONDAY + timedelta(days=2))
    assert (after.count, after.freezes, after.last_active) == (4, 1, MONDAY + timedelta(days=2))


def test_two_missed_days_restart_even_with_freezes():
    after = advance(state(count=3, freezes=2), MONDAY + timedelta(days=3))
    assert (after.count, after.freezes) == (1, 2)


def test_longest_streak_is_kept_after_a_restart():
    after = advance(state(count=7, longest=7), MONDAY + timedelta(days=5))
    assert (after.count, after.longest) == (1, 7)


def test_longest_streak_grows_with_the_streak():
    after = advance(state(count=5, longest=5), MONDAY + timedelta(days=1))
    assert (after.count, after.longest) == (6, 6)


# ---- through grant(): the learner's time zone and the stored state -----------------------


def today_in(zone: str) -> date:
    return local_date(datetime.now(UTC), zone)


def play(user, key="play", reason=Reason.GAME, xp=10):
    grant(user=user, key=f"{user.pk}:{key}", reason=reason, xp=xp)
    user.refresh_from_db()
    return user


# Kiritimati (UTC+14) and Pago Pago (UTC−11) never share a date, so this pair tells a grant that
# uses the learner's zone from one that uses the server's, whatever the time the test runs.
ZONES = ["Pacific/Auckland", "Europe/Tirane", "Pacific/Kiritimati", "Pacific/Pago_Pago"]


@pytest.mark.django_db
@pytest.mark.parametrize("zone", ZONES)
def test_grant_counts_the_learning_day_in_the_learners_time_zone(zone):
    today = today_in(zone)
    user = UserFactory(timezone=zone, streak_count=4, longest_streak=4, last_active_date=today - timedelta(days=1))
    play(user)
    assert (user.streak_count, user.longest_streak, user.last_active_date) == (5, 5, today)


@pytest.mark.django_db
@pytest.mark.parametrize("zone", ZONES)
def test_grant_on_the_same_local_day_leaves_the_streak(zone):
    today = today_in(zone)
    user = UserFactory(timezone=zone, streak_count=4, longest_streak=6, last_active_date=today)
    play(user)
    assert (user.streak_count, user.longest_streak, user.last_active_date) == (4, 6, today)


@pytest.mark.django_db
def test_grant_after_a_missed_day_uses_a_freeze():
    today = today_in("Europe/Tirane")
    user = UserFactory(streak_count=4, longest_streak=4, last_active_date=today - timedelta(days=2), streak_freezes=1)
    play(user)
    assert (user.streak_count, user.streak_freezes, user.last_active_date) == (5, 0, today)


@pytest.mark.django_db
def test_grant_after_a_missed_day_without_a_freeze_restarts():
    today = today_in("Europe/Tirane")
    user = UserFactory(streak_count=9, longest_streak=9, last_active_date=today - timedelta(days=2))
    play(user)
    assert (user.streak_count, user.longest_streak, user.last_active_date) == (1, 9, today)


@pytest.mark.django_db
def test_two_plays_on_one_day_count_once():
    user = UserFactory()
    play(user, key="one")
    play(user, key="two")
    assert user.streak_count == 1


@pytest.mark.django_db
@pytest.mark.parametrize("reason", [Reason.ACHIEVEMENT, Reason.ADJUSTMENT, Reason.STREAK])
def test_rewards_for_rewards_do_not_make_a_learning_day(reason):
    today = today_in("Europe/Tirane")
    user = UserFactory(streak_count=2, longest_streak=2, last_active_date=today - timedelta(days=1))
    play(user, reason=reason)
    assert (user.streak_count, user.last_active_date) == (2, today - timedelta(days=1))


@pytest.mark.django_db
def test_coins_alone_do_not_make_a_learning_day():
    user = UserFactory()
    grant(user=user, key="coins", reason=Reason.GAME, coins=5)
    user.refresh_from_db()
    assert user.streak_count == 0 and user.last_active_date is None


class TestCurrentStreak:
    """What the learner sees: a streak that can no longer go on reads 0."""

    today = date(2026, 3, 10)

    def state(self, last, count=5, freezes=0):
        return streaks.StreakState(count=count, longest=count, last_active=last, freezes=freezes)

    def test_learned_today_or_yesterday_keeps_the_streak(self):
        assert streaks.current(self.state(self.today), self.today) == 5
        assert streaks.current(self.state(self.today - timedelta(days=1)), self.today) == 5

    def test_a_missed_day_without_a_freeze_reads_zero(self):
        assert streaks.current(self.state(self.today - timedelta(days=2)), self.today) == 0

    def test_a_missed_day_with_a_freeze_still_counts(self):
        assert streaks.current(self.state(self.today - timedelta(days=2), freezes=1), self.today) == 5

    def test_two_missed_days_read_zero_even_with_a_freeze(self):
        assert streaks.current(self.state(self.today - timedelta(days=3), freezes=2), self.today) == 0

    def test_never_active_is_zero(self):
        assert streaks.current(self.state(None, count=0), self.today) == 0


# ---- backfill_streak (seed_demo's stand-in for the days before today) ----------------------


@pytest.mark.django_db
def test_backfill_streak_gives_a_learner_active_today_the_days_before_and_its_badge():
    from achievements.models import LedgerEntry, UserStat
    from achievements.services import backfill_streak
    from achievements.tests.factories import AchievementFactory

    AchievementFactory(slug="on-a-roll", metric="streak_days", threshold=3, xp_reward=20, coin_reward=10)
    learner = UserFactory()
    grant(user=learner, key="played-today", reason=Reason.GAME, xp=50)

    result = backfill_streak(user=learner, days=4)
    again = backfill_streak(user=learner, days=4)

    learner.refresh_from_db()
    assert (learner.streak_count, learner.longest_streak, learner.xp, learner.coins) == (4, 4, 70, 10)
    assert [a["slug"] for a in result.achievements] == ["on-a-roll"] and again.achievements == []
    assert UserStat.objects.get(user=learner, metric="streak_days").value == 4
    assert LedgerEntry.objects.filter(user=learner).count() == 2


@pytest.mark.django_db
def test_backfill_streak_does_nothing_for_a_learner_not_active_today_and_never_lowers_one():
    from achievements.services import backfill_streak

    idle = UserFactory()
    backfill_streak(user=idle, days=4)
    long_runner = UserFactory(
        streak_count=9, longest_streak=9, last_active_date=local_date(datetime.now(UTC), "Europe/Tirane")
    )
    backfill_streak(user=long_runner, days=4)

    idle.refresh_from_db()
    long_runner.refresh_from_db()
    assert (idle.streak_count, idle.last_active_date) == (0, None)
    assert (long_runner.streak_count, long_runner.longest_streak) == (9, 9)
