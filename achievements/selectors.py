"""Reads of the game layer."""

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from accounts.models import ConsentStatus, User
from core import metrics
from core.prepared import Prepared
from games.models import Choice

from . import streaks
from .models import (
    Achievement,
    DailyQuest,
    DailyQuestTemplate,
    LedgerEntry,
    Redemption,
    ReviewItem,
    ShopItem,
    UserAchievement,
    UserStat,
)

DAILY_QUESTS_PER_DAY = 3


def daily_templates_for(*, user_id: int, day: date, has_reviews: bool | None = None) -> list[DailyQuestTemplate]:
    """Three active templates, the same ones for a learner all day: a hash orders them. The
    choice `daily_quests_on` makes before any quest of the day is stored, from the same read.

    A review quest is offered only to a learner with something to review that day
    (`has_reviews`, read with the templates when not given).
    """
    rows = _templates_with_reviews.rows(user_id, day)
    if has_reviews is None:
        has_reviews = any(getattr(t, "reviews", False) for t in rows)
    return _choose([t for t in rows if t.active], user_id=user_id, day=day, has_reviews=has_reviews)


def _choose(
    templates: list[DailyQuestTemplate], *, user_id: int, day: date, has_reviews: bool
) -> list[DailyQuestTemplate]:
    if not has_reviews:
        templates = [t for t in templates if t.metric != metrics.REVIEWS_DONE]

    def rank(template):
        return hashlib.sha256(f"{user_id}:{day.isoformat()}:{template.slug}".encode()).hexdigest()

    return sorted(templates, key=rank)[:DAILY_QUESTS_PER_DAY]


def _reviews_on(*, user_id: int, day: date) -> QuerySet[ReviewItem]:
    # Due that day, or already reviewed that day (so answering the last due one keeps the quest).
    return ReviewItem.objects.filter(user_id=user_id, retired_at__isnull=True).filter(
        Q(due_on__lte=day) | Q(reviewed_on=day)
    )


def today_for(user: User) -> date:
    return streaks.local_date(timezone.now(), user.timezone)


def _templates_and_quests(user_id: int, day: date) -> QuerySet[DailyQuestTemplate]:
    """The active templates and the day's quests' templates, each with the learner's quest that day."""
    todays = DailyQuest.objects.filter(user_id=user_id, date=day)
    mine = todays.filter(template=OuterRef("pk"))
    return DailyQuestTemplate.objects.filter(Q(active=True) | Q(pk__in=todays.values("template_id"))).annotate(
        quest_id=Subquery(mine.values("pk")[:1]),
        quest_progress=Subquery(mine.values("progress")[:1]),
        quest_completed_at=Subquery(mine.values("completed_at")[:1]),
    )


# quests/daily and the dashboard read these on every call: built and compiled once (core.prepared).
_templates_with_reviews: Prepared[Any] = Prepared(
    lambda user_id, day: _templates_and_quests(user_id, day).annotate(
        reviews=Exists(_reviews_on(user_id=user_id, day=day))
    ),
    int,
    date,
    catalogue=True,
)
# The dashboard's: with how many questions are due for review (the same on every row).
_templates_with_due: Prepared[Any] = Prepared(
    lambda user_id, day: _templates_and_quests(user_id, day).annotate(due=Subquery(_due_count(user_id, day))),
    int,
    date,
    catalogue=True,
)


def todays_daily_quests(*, user: User) -> list[DailyQuest]:
    """Today's three quests in the learner's time zone. A read writes nothing: before the
    day's first activity creates them, they are unsaved (no id) with no progress.

    One query: the active templates and today's quests' templates, each with the learner's
    quest for today (if stored) and whether anything is up for review.
    """
    return daily_quests_on(user=user, day=today_for(user))


def daily_quests_on(*, user: User, day: date) -> list[DailyQuest]:
    """The learner's quests of `day` as stored, or (none stored yet) the three the day's first
    activity will create, unsaved: one query (`todays_daily_quests`, and that first activity)."""
    rows = _templates_with_reviews.rows(user.pk, day)
    return _todays(rows, user=user, day=day, has_reviews=any(getattr(t, "reviews", False) for t in rows))


def dashboard_quests(*, user: User) -> tuple[list[DailyQuest], int]:
    """Today's quests, as `todays_daily_quests`, and how many questions wait for review today
    (as `due_review_count`): one query, where the dashboard asked two."""
    day = today_for(user)
    rows = _templates_with_due.rows(user.pk, day)
    due = (rows[0].due or 0) if rows else due_review_count(user=user)  # no templates at all: ask
    return _todays(rows, user=user, day=day, has_reviews=due > 0), due


def _todays(rows, *, user: User, day: date, has_reviews: bool) -> list[DailyQuest]:
    stored = sorted((t for t in rows if t.quest_id is not None), key=lambda t: t.quest_id)
    if stored:
        return [
            DailyQuest(
                pk=t.quest_id,
                user=user,
                date=day,
                template=t,
                progress=t.quest_progress,
                completed_at=t.quest_completed_at,
            )
            for t in stored
        ]
    chosen = _choose([t for t in rows if t.active], user_id=user.pk, day=day, has_reviews=has_reviews)
    return [DailyQuest(user=user, date=day, template=t) for t in chosen]


@dataclass
class AchievementProgress:
    achievement: Achievement
    earned: bool
    earned_at: datetime | None  # set when earned
    current: int
    target: int

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.current / self.target)) if self.target else 100


# Every call of achievements/ runs this one; built and compiled once (core.prepared).
_achievements_with_progress = Prepared(
    lambda user_id: Achievement.objects.filter(is_active=True).annotate(
        stat=Subquery(UserStat.objects.filter(user_id=user_id, metric=OuterRef("metric")).values("value")[:1]),
        earned_at=Subquery(
            UserAchievement.objects.filter(user_id=user_id, achievement=OuterRef("pk")).values("earned_at")[:1]
        ),
    ),
    int,
    catalogue=True,
)


def achievements_for(*, user: User) -> list[AchievementProgress]:
    """Every active achievement with the learner's progress; secret ones only once earned.

    One query: the learner's stat and award for each rule ride along as subqueries.
    """
    achievements = (
        _achievements_with_progress.rows(user.pk)
        if user.is_authenticated
        else list(Achievement.objects.filter(is_active=True))
    )
    result = []
    for achievement in achievements:
        earned_at = getattr(achievement, "earned_at", None)  # never null once earned
        earned = earned_at is not None
        if achievement.is_secret and not earned:
            continue
        current = (
            achievement.threshold if earned else min(getattr(achievement, "stat", None) or 0, achievement.threshold)
        )
        result.append(AchievementProgress(achievement, earned, earned_at, current, achievement.threshold))
    return result


def learners_due_achievements() -> set[int]:
    """Ids of learners whose stats meet an active achievement they do not hold (one query per rule)."""
    due: set[int] = set()
    for achievement in Achievement.objects.filter(is_active=True).only("pk", "metric", "threshold"):
        due.update(
            UserStat.objects.filter(metric=achievement.metric, value__gte=achievement.threshold)
            .exclude(user__achievements__achievement=achievement)
            .values_list("user_id", flat=True)
        )
    return due


def badges_for(*, user: User) -> QuerySet[UserAchievement]:
    return UserAchievement.objects.filter(user=user).select_related("achievement").order_by("-earned_at")


def activity_for(*, user: User) -> QuerySet[LedgerEntry]:
    return LedgerEntry.objects.filter(user=user).order_by("-created_at", "-id")


def xp_by_day(*, user: User, days: int = 30) -> list[tuple[date, int]]:
    """XP earned on each of the last `days` local days (zeros included), for the profile chart."""
    today = today_for(user)
    first = today - timedelta(days=days - 1)
    totals = dict(
        LedgerEntry.objects.filter(user=user, created_at__date__gte=first - timedelta(days=1))
        .annotate(day=TruncDate("created_at", tzinfo=streaks.ZoneInfo(user.timezone)))
        .values("day")
        .annotate(total=Sum("xp"))
        .values_list("day", "total")
    )
    return [(first + timedelta(days=i), totals.get(first + timedelta(days=i), 0) or 0) for i in range(days)]


def shop_items() -> QuerySet[ShopItem]:
    return ShopItem.objects.filter(active=True).order_by("cost_coins", "name")


def redemptions_for(*, user: User) -> QuerySet[Redemption]:
    return Redemption.objects.filter(user=user).select_related("item").order_by("-created_at")


def public_profiles() -> QuerySet[User]:
    """Active learners with their badges loaded, for public profile pages and the API."""
    badges = UserAchievement.objects.select_related("achievement").order_by("-earned_at")
    # No public profile while a minor waits for a guardian's consent.
    return (
        User.objects.filter(is_active=True)
        .exclude(consent_status=ConsentStatus.PENDING)
        .prefetch_related(Prefetch("achievements", queryset=badges, to_attr="badges"))
    )


def export_data(user: User) -> dict:
    """The game layer's part of the learner's data export."""
    return {
        "ledger": list(
            LedgerEntry.objects.filter(user=user).values("xp", "coins", "reason", "key", "note", "created_at")
        ),
        "stats": dict(UserStat.objects.filter(user=user).values_list("metric", "value")),
        "achievements": list(
            UserAchievement.objects.filter(user=user).values("achievement__slug", "achievement__title", "earned_at")
        ),
        "daily_quests": list(
            DailyQuest.objects.filter(user=user).values("date", "template__slug", "progress", "completed_at")
        ),
        "redemptions": list(Redemption.objects.filter(user=user).values("item__slug", "code", "coins", "created_at")),
        "review": review_export(user),
    }


def ledger_mismatches() -> list[Mapping[str, Any]]:
    """Learners whose counters disagree with their ledger (the invariant check_ledger verifies)."""
    users = User.objects.annotate(
        ledger_xp=Coalesce(Sum("ledger__xp"), Value(0)), ledger_coins=Coalesce(Sum("ledger__coins"), Value(0))
    ).filter(~Q(ledger_xp=F("xp")) | ~Q(ledger_coins=F("coins")) | Q(coins__lt=0))
    return list(users.values("id", "username", "xp", "ledger_xp", "coins", "ledger_coins"))


LOW_STOCK = 5


def low_stock_items(*, at_most: int = LOW_STOCK) -> QuerySet[ShopItem]:
    """Active shop items with a stock and at most `at_most` left, the emptiest first (for editors)."""
    return ShopItem.objects.filter(active=True, stock__isnull=False, stock__lte=at_most).order_by("stock", "name")


# ---- review --------------------------------------------------------------------------------


def due_reviews(*, user: User, today: date | None = None) -> QuerySet[ReviewItem]:
    """The learner's questions due for review on their local `today`, oldest first, with each
    question's game and choices: three queries however many (one more for a page count)."""
    today = today or today_for(user)
    choices = Prefetch("question__choices", queryset=Choice.objects.order_by("position", "id"))
    return (
        ReviewItem.objects.filter(
            user=user, retired_at__isnull=True, due_on__lte=today, question__game__is_published=True
        )
        .select_related("question__game")
        .prefetch_related(choices)
        .order_by("due_on", "id")
    )


def _due_count(user: int | OuterRef, day: date) -> QuerySet[Any]:
    """How many of the learner's questions wait for review on `day`, as a one-value subquery."""
    return (
        ReviewItem.objects.filter(
            user_id=user, retired_at__isnull=True, due_on__lte=day, question__game__is_published=True
        )
        .order_by()
        .values("user_id")
        .annotate(n=Count("pk"))
        .values("n")
    )


def _due_reviews(user_id: int, day: date) -> QuerySet[User]:
    """The learner's row (its id only) with how many questions wait for review on `day`."""
    return User.objects.filter(pk=user_id).only("pk").annotate(due=Subquery(_due_count(OuterRef("pk"), day)))


_due_reviews_of: Prepared[Any] = Prepared(_due_reviews, int, date)  # the dashboard asks on every visit


def due_review_count(*, user: User) -> int:
    """How many questions wait for review today: one query."""
    row = _due_reviews_of.first(user.pk, today_for(user))
    return (row.due if row else 0) or 0


def review_export(user: User) -> list[dict]:
    """The learner's review schedule, for their data export."""
    fields = ("step", "due_on", "missed_on", "reviewed_on", "reviews", "retired_at")
    rows = ReviewItem.objects.filter(user=user).order_by("due_on", "id")
    return [
        {"question": question, "game": game, **dict(zip(fields, values, strict=True))}
        for question, game, *values in rows.values_list("question_id", "question__game__slug", *fields)
    ]
