"""The editors' dashboard: learners, activity, how each game is going, the most watched videos.

Read-only, and composed from each app's selectors — which is why it lives in `raiplay`.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from achievements.models import LedgerEntry, Redemption, UserAchievement
from games import selectors as game_selectors
from videos import selectors as video_selectors

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
    videos: list[VideoRow] = field(default_factory=list)


def game_rows() -> list[GameRow]:
    """Every game with its first-time completions, finished attempts and passes (one query)."""
    rows = game_selectors.completion_stats().values_list("id", "title", "type", "n_completed", "n_finished", "n_passed")
    return [GameRow(*row) for row in rows]


def video_rows(limit: int = 10) -> list[VideoRow]:
    """The most watched videos, most completions first."""
    return [VideoRow(v.title, v.view_count, v.completion_count) for v in video_selectors.top_videos(limit=limit)]


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
