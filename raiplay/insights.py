"""The editors' dashboard: learners, activity, how each game is going, the hardest questions,
the most watched videos, the shop items running out.

Read-only, and composed from each app's selectors — which is why it lives in `raiplay`. Every
number is one query (or a few), however many learners, games or questions there are.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib import admin
from django.db import models
from django.db.models.functions import TruncDate
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from modeltranslation.translator import translator

from accounts.models import User
from achievements import charts
from achievements import selectors as reward_selectors
from achievements.models import LedgerEntry, Redemption, UserAchievement
from chat import selectors as chat_selectors
from chat.models import SafetyFlag, UnansweredQuestion
from core.translations import lacks_second_language, missing_second_language, translated_fields
from games import selectors as game_selectors
from videos import selectors as video_selectors

ACTIVE_DAYS = 7
ACTIVE_DAYS_LONG = 30  # and the daily chart's span


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
class HardQuestion:
    prompt: str
    game: str
    correct_rate: int  # percent
    answers: int
    url: str  # the question's admin page


@dataclass
class LowStock:
    name: str
    stock: int
    url: str


@dataclass
class Overview:
    learners: int
    active_learners: int
    new_learners: int
    badges_earned: int
    redemptions: int
    active_learners_30: int = 0
    activity: charts.BarChart | None = None  # active learners per day, last ACTIVE_DAYS_LONG days
    games: list[GameRow] = field(default_factory=list)
    videos: list[VideoRow] = field(default_factory=list)
    hardest: list[HardQuestion] = field(default_factory=list)
    low_stock: list[LowStock] = field(default_factory=list)
    translations: "Translations | None" = None
    # FinBot: what it could not answer (grouped, newest first) and what waits for an editor.
    unanswered: list[UnansweredQuestion] = field(default_factory=list)
    open_flags: int = 0
    flags: list[SafetyFlag] = field(default_factory=list)


def game_rows() -> list[GameRow]:
    """Every game with its first-time completions, finished attempts and passes (one query)."""
    rows = game_selectors.completion_stats().values_list("id", "title", "type", "n_completed", "n_finished", "n_passed")
    return [GameRow(*row) for row in rows]


def video_rows(limit: int = 10) -> list[VideoRow]:
    """The most watched videos, most completions first."""
    return [VideoRow(v.title, v.view_count, v.completion_count) for v in video_selectors.top_videos(limit=limit)]


def _learners():
    return User.objects.filter(is_active=True, is_staff=False)


def active_learners(*, since: datetime) -> int:
    """Learners who earned XP or coins since then (a ledger entry is every reward)."""
    return LedgerEntry.objects.filter(created_at__gte=since, user__in=_learners()).values("user").distinct().count()


def daily_active(*, days: int = ACTIVE_DAYS_LONG, today: date | None = None) -> list[tuple[date, int]]:
    """Active learners on each of the last `days` days in TIME_ZONE, zeros included (one query)."""
    today = today or timezone.localdate()
    first = today - timedelta(days=days - 1)
    start = timezone.make_aware(datetime.combine(first, time.min))
    per_day = dict(
        LedgerEntry.objects.filter(created_at__gte=start, user__in=_learners())
        .annotate(day=TruncDate("created_at"))
        .values("day")
        .annotate(n=models.Count("user", distinct=True))
        .values_list("day", "n")
    )
    return [(first + timedelta(days=i), per_day.get(first + timedelta(days=i), 0)) for i in range(days)]


def hardest_questions(limit: int = 10) -> list[HardQuestion]:
    """The questions with the lowest correct rate (at least 20 answers), each linked to its admin page."""
    return [
        HardQuestion(
            prompt=q.prompt,
            game=q.game.title,
            correct_rate=round(100 * q.correct_rate),  # type: ignore[attr-defined]  # annotated by the selector
            answers=q.answered_count,
            url=_admin_url(q._meta, q.pk),
        )
        for q in game_selectors.hardest_questions(limit=limit)
    ]


def low_stock() -> list[LowStock]:
    return [
        LowStock(item.name, item.stock or 0, _admin_url(item._meta, item.pk))
        for item in reward_selectors.low_stock_items()
    ]


def overview(*, list_untranslated: bool = False) -> Overview:
    now = timezone.now()
    since = now - timedelta(days=ACTIVE_DAYS)
    learners = _learners()
    open_count, open_flags = chat_selectors.open_flags()
    return Overview(
        learners=learners.count(),
        active_learners=active_learners(since=since),
        active_learners_30=active_learners(since=now - timedelta(days=ACTIVE_DAYS_LONG)),
        activity=charts.bar_chart(daily_active(), width=600, height=120),
        new_learners=learners.filter(date_joined__gte=since).count(),
        badges_earned=UserAchievement.objects.filter(earned_at__gte=since).count(),
        redemptions=Redemption.objects.filter(created_at__gte=since).count(),
        games=game_rows(),
        videos=video_rows(),
        hardest=hardest_questions(),
        low_stock=low_stock(),
        translations=untranslated(with_items=list_untranslated),
        unanswered=chat_selectors.unanswered_questions(),
        open_flags=open_count,
        flags=open_flags,
    )


# ---- content still in English only ("missing Albanian") -------------------------------

UNTRANSLATED_LIMIT = 200


@dataclass
class Untranslated:
    kind: str  # e.g. "questions"
    label: str  # the item as the admin names it
    fields: list[str]  # texts with no Albanian yet
    url: str  # where an editor writes them


@dataclass
class Translations:
    counts: dict[str, int]  # kind → items with a text in English only (every kind, zeros included)
    items: list[Untranslated]  # the first UNTRANSLATED_LIMIT of them

    @property
    def missing(self) -> int:
        return sum(self.counts.values())


def untranslated(*, with_items: bool = False) -> Translations:
    """Content with a text in English only, per kind: one query per kind (two with the list)."""
    counts: dict[str, int] = {}
    items: list[Untranslated] = []
    for model in sorted(translator.get_registered_models(abstract=False), key=lambda m: m._meta.label):
        kind = str(model._meta.verbose_name_plural)
        missing = model._default_manager.filter(missing_second_language(model))
        counts[kind] = missing.count()
        if with_items and counts[kind] and len(items) < UNTRANSLATED_LIMIT:
            flags = {
                f"lacks_{name}": models.ExpressionWrapper(lacks_second_language(model, name), models.BooleanField())
                for name in translated_fields(model)
            }
            rows = missing.annotate(**flags)
            for obj in rows.order_by("pk")[: UNTRANSLATED_LIMIT - len(items)]:
                fields = [key.removeprefix("lacks_") for key in flags if getattr(obj, key)]
                items.append(Untranslated(kind, str(obj), fields, _edit_url(obj)))
    return Translations(counts=counts, items=items)


def _edit_url(obj: models.Model) -> str:
    """The item's admin page, or its parent's when it is edited inline (a choice on its question)."""
    if type(obj) not in admin.site._registry:
        for field in obj._meta.concrete_fields:
            if isinstance(field, models.ForeignKey) and field.related_model in admin.site._registry:
                parent = field.related_model
                return _admin_url(parent._meta, getattr(obj, field.attname))
    return _admin_url(obj._meta, obj.pk)


def _admin_url(meta, pk) -> str:
    try:
        return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[pk])
    except NoReverseMatch:
        return ""
