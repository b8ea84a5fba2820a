"""Streak rules: a learning day is a local date on which the learner earned activity XP."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone as django_timezone


@dataclass(frozen=True)
class StreakState:
    count: int
    longest: int
    last_active: date | None
    freezes: int


def local_date(moment: datetime, timezone: str) -> date:
    return moment.astimezone(ZoneInfo(timezone)).date()


def local_day_bounds(day: date, timezone: str) -> tuple[datetime, datetime]:
    """The moments a local date starts and ends (the next one starts), for ledger queries by day."""
    start = datetime.combine(day, time.min, tzinfo=ZoneInfo(timezone))
    return start, datetime.combine(day + timedelta(days=1), time.min, tzinfo=ZoneInfo(timezone))


def advance(state: StreakState, today: date) -> StreakState:
    """The streak after learning on `today`.

    Same day: unchanged. Next day: +1. One missed day and a freeze in hand: the freeze
    covers it and the streak goes on. Anything else starts again at 1.
    """
    last = state.last_active
    if last is not None and today <= last:
        return state
    freezes = state.freezes
    if last == today - timedelta(days=1):
        count = state.count + 1
    elif last == today - timedelta(days=2) and freezes > 0:
        freezes -= 1
        count = state.count + 1
    else:
        count = 1
    return StreakState(count=count, longest=max(state.longest, count), last_active=today, freezes=freezes)


def current(state: StreakState, today: date) -> int:
    """The streak as the learner sees it today: a stored streak that can no longer go on reads 0.

    The stored count only changes when the learner earns XP, so after missed days it is stale.
    """
    last = state.last_active
    if last is None:
        return 0
    if last >= today - timedelta(days=1):
        return state.count
    if last == today - timedelta(days=2) and state.freezes > 0:
        return state.count  # a freeze will cover yesterday when they learn today
    return 0


def current_for(user) -> int:
    """`current` for a learner, in their time zone."""
    state = StreakState(user.streak_count, user.longest_streak, user.last_active_date, user.streak_freezes)
    return current(state, local_date(django_timezone.now(), user.timezone))
