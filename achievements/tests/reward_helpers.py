"""Fixtures and helpers for the leaderboard, shop, page and daily-quest tests.

Import the fixtures by their function name (`from .reward_helpers import clock_fixture`);
pytest knows them by their `name` (`clock`, `boards`).
"""

import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import redis
from django.conf import settings as django_settings
from django.db import transaction
from django.utils import timezone

from achievements import leaderboards, services
from achievements.models import Reason

TIRANE = ZoneInfo("Europe/Tirane")
TOKYO = ZoneInfo("Asia/Tokyo")


class Clock:
    """A settable `timezone.now()`: the ledger, week boundaries and local dates all read it."""

    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def set(self, when: datetime) -> datetime:
        self.now = when
        return when

    def tick(self, **delta) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture(name="clock")
def clock_fixture(monkeypatch):
    # Wednesday 14 May 2025, noon in Tirane: mid-week, far from any boundary.
    clock = Clock(datetime(2025, 5, 14, 12, 0, tzinfo=TIRANE))
    monkeypatch.setattr(timezone, "now", clock)
    return clock


@pytest.fixture(name="boards", autouse=True)
def boards_fixture(settings):
    """Each test gets its own Redis key prefix (when Redis is configured) and leaves nothing behind."""
    settings.LEADERBOARD_PREFIX = f"{settings.LEADERBOARD_PREFIX}:{uuid.uuid4().hex[:10]}"
    yield settings.LEADERBOARD_PREFIX
    client = leaderboards._client()
    if client is not None:
        try:
            keys = list(client.scan_iter(f"{settings.LEADERBOARD_PREFIX}:*"))
            if keys:
                client.delete(*keys)
        except redis.RedisError:
            pass  # the "Redis is down" tests point REDIS_URL at a closed port


def redis_keys(prefix: str) -> list[str]:
    client = leaderboards._client()
    return sorted(k.decode() for k in client.scan_iter(f"{prefix}:*"))


def earn(user, xp: int = 0, *, coins: int = 0, reason: str = Reason.GAME, note: str = ""):
    """One committed-looking grant with a fresh key (wrap in django_capture_on_commit_callbacks
    to run the after-commit Redis update)."""
    with transaction.atomic():
        return services.grant(user=user, key=f"test:{uuid.uuid4().hex}", reason=reason, xp=xp, coins=coins, note=note)


def redis_configured() -> bool:
    return bool(django_settings.REDIS_URL)


def play(user, *, xp=10, coins=0, games=1, category="budgeting"):
    """What a first pass of a game delivers to the reward layer, with a fresh key each time."""
    from core import metrics
    from core.events import Event

    return services.record_activity(
        event=Event(
            user=user,
            source=None,
            key=f"test-game:{uuid.uuid4().hex}",
            reason=Reason.GAME,
            xp=xp,
            coins=coins,
            increments={metrics.GAMES_COMPLETED: games, metrics.category_metric(category): games},
        )
    )
