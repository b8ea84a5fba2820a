"""The editors' dashboard: learners, activity, how each game is going, the most watched videos.

Read-only. Games and videos are read through the app registry (and the videos app's own
`top_videos` selector when it offers one), so this module imports neither app and works
whichever of them is installed.
"""

import importlib
from dataclasses import dataclass, field
from datetime import timedelta

from django.apps import apps
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import User

from .models import LedgerEntry, Redemption, UserAchievement

ACTIVE_DAYS = 7


@dataclass
class GameRow:
    id: int
    title: str
    type: str
    completions: int
    attempts: int
    passed: int

    @property
    def pass_rate(self) -> int | None:
        """Percent of finished attempts that passed; None before anyone finished one."""
        return round(100 * self.passed / self.attempts) if self.attempts else None


@dataclass
class VideoRow:
    title: str
    views: int
    completions: int


@dataclass
class Overview:
    learners: int
    active_learners: int
    new_learners: int
    badges_earned: int
    redemptions: int
    games: list[GameRow] = field(default_factory=list)
    videos: list[VideoRow] | None = None  # None: the videos app offers no top list (yet)


def _count_of(model, *, where: Q) -> Subquery:
    rows = model.objects.filter(where, game=OuterRef("pk")).order_by().values("game")
    return Coalesce(Subquery(rows.annotate(n=Count("pk")).values("n")[:1]), Value(0), output_field=IntegerField())


def game_rows() -> list[GameRow]:
    """Every game with its first-time completions, finished attempts and passes (one query)."""
    if not apps.is_installed("games"):
        return []
    game, attempt, user_game = (apps.get_model("games", name) for name in ("Game", "Attempt", "UserGame"))
    rows = (
        game.objects.annotate(
            n_completed=_count_of(user_game, where=Q(completed_at__isnull=False)),
            n_finished=_count_of(attempt, where=Q(finished_at__isnull=False)),
            n_passed=_count_of(attempt, where=Q(finished_at__isnull=False, passed=True)),
        )
        .order_by("-n_completed", "title")
        .values_list("id", "title", "type", "n_completed", "n_finished", "n_passed")
    )
    return [GameRow(*row) for row in rows]


def video_rows(limit: int = 10) -> list[VideoRow] | None:
    """The most watched videos, from the videos app's own selector when it has one."""
    if not apps.is_installed("videos"):
        return None
    try:
        selectors = importlib.import_module("videos.selectors")
    except ModuleNotFoundError:
        return None
    top = getattr(selectors, "top_videos", None)
    if top is None:
        return None
    return [
        VideoRow(video.title, getattr(video, "view_count", 0), getattr(video, "completion_count", 0))
        for video in top(limit=limit)
    ]


def overview() -> Overview:
    since = timezone.now() - timedelta(days=ACTIVE_DAYS)
    learners = User.objects.filter(is_active=True, is_staff=False)
    return Overview(
        learners=learners.count(),
        active_learners=LedgerEntry.objects.filter(created_at__gte=since, user__in=learners)
        .values("user")
        .distinct()
        .count(),
        new_learners=learners.filter(date_joined__gte=since).count(),
        badges_earned=UserAchievement.objects.filter(earned_at__gte=since).count(),
        redemptions=Redemption.objects.filter(created_at__gte=since).count(),
        games=game_rows(),
        videos=video_rows(),
    )
