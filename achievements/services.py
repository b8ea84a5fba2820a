"""Every write of the game layer: the ledger, progression, stats, achievements, daily quests, shop, review."""

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy

from accounts.models import User
from core import metrics
from core.errors import Conflict, DomainError, NotFound
from core.events import Event
from core.rewards import Rewards
from games import scoring

from . import leaderboards, levels, selectors, spacing, streaks
from .models import (
    ACTIVITY_REASONS,
    Achievement,
    DailyQuest,
    LedgerEntry,
    Reason,
    Redemption,
    ReviewItem,
    ShopItem,
    UserAchievement,
    UserStat,
)

# An achievement's reward can unlock another (xp_total, level); this bounds the chain.
MAX_UNLOCK_ROUNDS = 10


@dataclass
class Grant:
    entry: LedgerEntry
    level_before: int
    level_after: int


@dataclass
class Earned:
    """What one action earned so far, before the learner's level and streak are read back."""

    xp: int = 0
    coins: int = 0
    achievements: list[dict] = field(default_factory=list)  # [{"slug", "title"}]
    daily_quests: list[int] = field(default_factory=list)

    def add(self, other: "Earned") -> None:
        self.xp += other.xp
        self.coins += other.coins
        self.achievements += other.achievements
        self.daily_quests += other.daily_quests


class InsufficientCoins(Conflict):
    default_message = gettext_lazy("Not enough coins for this item.")


class OutOfStock(Conflict):
    default_message = gettext_lazy("This item is out of stock.")


class ItemUnavailable(NotFound):
    default_message = gettext_lazy("This item is not available.")


def lock_user(user: User) -> User:
    """Lock the learner's row: every change of progression happens under this lock."""
    return User.objects.select_for_update().get(pk=user.pk)


def _source(source) -> tuple[str, str]:
    if source is None:
        return "", ""
    return source._meta.label_lower, str(source.pk)


def grant(
    *, user: User, key: str, reason: str, xp: int = 0, coins: int = 0, source=None, note: str = ""
) -> Grant | None:
    """Record one reward; the same key twice grants once. Call inside the caller's transaction.

    Locks the user row, so the balance check and the counters move together.
    """
    locked = lock_user(user)
    if locked.coins + coins < 0:
        raise InsufficientCoins()
    if locked.xp + xp < 0:
        raise DomainError(gettext_lazy("XP cannot go below zero."))
    source_type, source_id = _source(source)
    try:
        with transaction.atomic():
            entry = LedgerEntry.objects.create(
                user=locked,
                key=key,
                reason=reason,
                xp=xp,
                coins=coins,
                source_type=source_type,
                source_id=source_id,
                note=note,
            )
    except IntegrityError:
        return None  # this key was granted already
    level_before = locked.level
    new_xp = locked.xp + xp
    level_after = levels.level_for(new_xp)
    changes = {"xp": F("xp") + xp, "coins": F("coins") + coins, "level": level_after}
    if xp > 0 and reason in ACTIVITY_REASONS:
        state = streaks.advance(
            streaks.StreakState(
                count=locked.streak_count,
                longest=locked.longest_streak,
                last_active=locked.last_active_date,
                freezes=locked.streak_freezes,
            ),
            streaks.local_date(entry.created_at, locked.timezone),
        )
        changes.update(
            streak_count=state.count,
            longest_streak=state.longest,
            last_active_date=state.last_active,
            streak_freezes=state.freezes,
        )
    User.objects.filter(pk=locked.pk).update(**changes)
    user.refresh_from_db(
        fields=["xp", "coins", "level", "streak_count", "longest_streak", "last_active_date", "streak_freezes"]
    )
    _sync_progress_stats(
        user, earned_coins=max(coins, 0) if reason != Reason.SHOP else 0, xp_changed_at=entry.created_at if xp else None
    )
    if xp:
        leaderboards.record(user=locked, xp=xp, at=entry.created_at)  # `locked` still holds the XP before
    return Grant(entry=entry, level_before=level_before, level_after=level_after)


def _sync_progress_stats(user: User, *, earned_coins: int, xp_changed_at) -> None:
    if xp_changed_at is not None:
        _set_xp_stat(user, at=xp_changed_at)
    else:
        _set_stat(user, metrics.XP_TOTAL, user.xp)
    _set_stat(user, metrics.LEVEL, user.level)
    _set_stat(user, metrics.STREAK_DAYS, user.streak_count)
    if earned_coins:
        _increment_stat(user, metrics.COINS_EARNED, earned_coins)


def _set_stat(user: User, metric: str, value: int) -> None:
    # Written only on change: `updated_at` is when the learner reached this value (leaderboard ties).
    stat, created = UserStat.objects.get_or_create(user=user, metric=metric, defaults={"value": value})
    if not created and stat.value != value:
        UserStat.objects.filter(pk=stat.pk).update(value=value, updated_at=timezone.now())


def _set_xp_stat(user: User, *, at) -> None:
    # The all-time leaderboard breaks ties by when the learner reached their XP: the very
    # time of the ledger entry, which is also what the Redis score carries.
    # (`updated_at` is auto_now, so it is set by update(), which skips auto_now.) Caller holds the user lock.
    stat = UserStat.objects.filter(user=user, metric=metrics.XP_TOTAL)
    if not stat.update(value=user.xp, updated_at=at):
        UserStat.objects.get_or_create(user=user, metric=metrics.XP_TOTAL, defaults={"value": user.xp})
        stat.update(updated_at=at)


def _raise_stat(user: User, metric: str, value: int) -> None:
    stat, created = UserStat.objects.get_or_create(user=user, metric=metric, defaults={"value": value})
    if not created and stat.value < value:
        UserStat.objects.filter(pk=stat.pk).update(value=value, updated_at=timezone.now())


def _increment_stat(user: User, metric: str, delta: int) -> None:
    stat, created = UserStat.objects.get_or_create(user=user, metric=metric, defaults={"value": delta})
    if not created:
        UserStat.objects.filter(pk=stat.pk).update(value=F("value") + delta, updated_at=timezone.now())


class RewardLayer:
    """The port `core.events` delivers every domain event to (registered in `ready()`)."""

    def deliver(self, event: Event) -> Rewards:
        if event.first_time:
            return record_activity(event=event)
        return record_replay(user=event.user, increments=event.increments)

    def standing(self, user: User) -> Rewards:
        return Rewards(level=user.level, streak=streaks.current_for(user))


@transaction.atomic
def record_activity(*, event: Event) -> Rewards:
    """Turn one event into rewards: XP/coins, streak, stats, daily quests, achievements.

    Runs in the caller's transaction with the user row locked, so two events of one
    learner are applied one after the other and each reward lands once.
    """
    user = event.user
    level_before = lock_user(user).level
    earned = Earned()
    if event.xp or event.coins:
        granted = grant(
            user=user, key=event.key, reason=event.reason, xp=event.xp, coins=event.coins, source=event.source
        )
        if granted is None:
            return _finish(earned, user, level_before)  # the same event again: nothing more
        earned.xp += event.xp
        earned.coins += event.coins
    for metric, delta in event.increments.items():
        _increment_stat(user, metric, delta)
    for metric, value in event.marks.items():
        _raise_stat(user, metric, value)

    quest_deltas = dict(event.increments)
    if event.xp and event.reason in ACTIVITY_REASONS:
        quest_deltas[metrics.XP_TOTAL] = event.xp
    earned.add(_advance_daily_quests(user, quest_deltas))
    earned.add(unlock_achievements(user=user))
    return _finish(earned, user, level_before)


@transaction.atomic
def record_replay(*, user: User, increments: Mapping[str, int]) -> Rewards:
    """A pass of a game already completed: no XP and no lifetime stat, but today's daily quests move.

    Without this, a learner who has passed every game could never finish "play a game" again.
    """
    level_before = lock_user(user).level
    earned = _advance_daily_quests(user, increments)
    earned.add(unlock_achievements(user=user))
    return _finish(earned, user, level_before)


def _finish(earned: Earned, user: User, level_before: int) -> Rewards:
    return Rewards(
        level=user.level,
        streak=streaks.current_for(user),
        xp=earned.xp,
        coins=earned.coins,
        level_up=user.level > level_before,
        achievements=earned.achievements,
        daily_quests=earned.daily_quests,
    )


def _advance_daily_quests(user: User, deltas: Mapping[str, int]) -> Earned:
    earned = Earned()
    if not deltas:
        return earned
    today = streaks.local_date(timezone.now(), user.timezone)
    quests = ensure_daily_quests(user=user, day=today)
    for quest in quests:
        delta = deltas.get(quest.template.metric, 0)
        if not delta or quest.completed_at:
            continue
        quest.progress = min(quest.progress + delta, quest.template.target)
        done = quest.progress >= quest.template.target
        if done:
            quest.completed_at = timezone.now()
        quest.save(update_fields=["progress", "completed_at"])
        if done:
            granted = grant(
                user=user,
                key=f"{user.pk}:daily:{quest.pk}",
                reason=Reason.DAILY_QUEST,
                xp=quest.template.xp_reward,
                coins=quest.template.coin_reward,
                source=quest,
            )
            if granted:
                earned.xp += quest.template.xp_reward
                earned.coins += quest.template.coin_reward
            earned.daily_quests.append(quest.pk)
    return earned


def ensure_daily_quests(*, user: User, day) -> list[DailyQuest]:
    """The learner's three quests for `day`, created by the first activity that moves them.

    Reads (`selectors.todays_daily_quests`) never create them; the choice is deterministic,
    so what a learner saw before is what gets created.
    """
    existing = list(DailyQuest.objects.filter(user=user, date=day).select_related("template"))
    if existing:
        return existing
    chosen = selectors.daily_templates_for(user_id=user.pk, day=day)
    DailyQuest.objects.bulk_create(
        [DailyQuest(user=user, date=day, template=template) for template in chosen], ignore_conflicts=True
    )
    return list(DailyQuest.objects.filter(user=user, date=day).select_related("template"))


def unlock_achievements(*, user: User) -> Earned:
    """Award every active achievement whose threshold the learner's stats now meet.

    Also catches up achievements created after the learner qualified. Caller holds the user lock.
    """
    rewards = Earned()
    for _round in range(MAX_UNLOCK_ROUNDS):
        stats = dict(UserStat.objects.filter(user=user).values_list("metric", "value"))
        held = set(UserAchievement.objects.filter(user=user).values_list("achievement_id", flat=True))
        due = [
            a
            for a in Achievement.objects.filter(is_active=True).exclude(pk__in=held)
            if stats.get(a.metric, 0) >= a.threshold
        ]
        if not due:
            break
        for achievement in due:
            _, created = UserAchievement.objects.get_or_create(user=user, achievement=achievement)
            if not created:
                continue
            rewards.achievements.append({"slug": achievement.slug, "title": achievement.title})
            if achievement.xp_reward or achievement.coin_reward:
                grant(
                    user=user,
                    key=f"{user.pk}:achievement:{achievement.pk}",
                    reason=Reason.ACHIEVEMENT,
                    xp=achievement.xp_reward,
                    coins=achievement.coin_reward,
                    source=achievement,
                )
                rewards.xp += achievement.xp_reward
                rewards.coins += achievement.coin_reward
    return rewards


@transaction.atomic
def award_achievements(*, user: User) -> Rewards:
    """Catch one learner up with the current rules (used by `manage.py award_achievements`)."""
    level_before = lock_user(user).level
    return _finish(unlock_achievements(user=user), user, level_before)


@transaction.atomic
def backfill_streak(*, user: User, days: int) -> Rewards:
    """Demo data only (`seed_demo`): a learner who learned today is given a streak of `days` days.

    A streak can only grow by earning XP on consecutive local days, which one run of a command
    cannot do; this stands in for the days before today. It never lowers a streak, never
    touches XP or coins (the ledger stays their only source), and streak badges unlock
    through the usual rules, their rewards through `grant`. Nothing happens unless the
    learner was active today, so the streak it makes is one the learner could really have.
    """
    locked = lock_user(user)
    level_before = locked.level
    today = streaks.local_date(timezone.now(), locked.timezone)
    if locked.last_active_date == today and locked.streak_count < days:
        User.objects.filter(pk=locked.pk).update(streak_count=days, longest_streak=max(locked.longest_streak, days))
        user.refresh_from_db(fields=["streak_count", "longest_streak"])
        _set_stat(user, metrics.STREAK_DAYS, days)
    return _finish(unlock_achievements(user=user), user, level_before)


@transaction.atomic
def adjust(*, user: User, xp: int, coins: int, note: str, by: User | None = None) -> LedgerEntry:
    """An operator's correction: a new ledger entry with a reason, never an edit of an old one."""
    if not note.strip():
        raise DomainError(gettext_lazy("An adjustment needs a reason."))
    if not xp and not coins:
        raise DomainError(gettext_lazy("An adjustment must change XP or coins."))
    locked = lock_user(user)
    if locked.coins + coins < 0:
        raise InsufficientCoins(
            gettext_lazy("This would leave %(coins)s coins: a balance cannot go below zero."),
            coins=locked.coins + coins,
        )
    # A fresh key per adjustment: two corrections in the same instant are still two entries.
    key = f"{user.pk}:adjustment:{uuid.uuid4().hex}:{by.pk if by else 0}"
    granted = grant(user=user, key=key, reason=Reason.ADJUSTMENT, xp=xp, coins=coins, note=note.strip()[:200])
    assert granted is not None  # the key is new, so it cannot have been granted already
    return granted.entry


@transaction.atomic
def redeem_item(*, user: User, item: ShopItem) -> Redemption:
    """Spend coins on a shop item. Locks the user, then the item: never a negative balance or oversold stock."""
    locked_user = lock_user(user)
    locked_item = ShopItem.objects.select_for_update().get(pk=item.pk)
    if not locked_item.active:
        raise ItemUnavailable(gettext_lazy("“%(item)s” is no longer available."), item=locked_item.name)
    if locked_item.stock is not None and locked_item.stock <= 0:
        raise OutOfStock(gettext_lazy("Sorry, “%(item)s” is sold out."), item=locked_item.name)
    if locked_user.coins < locked_item.cost_coins:
        raise InsufficientCoins(
            gettext_lazy("You need %(cost)s coins for “%(item)s” and have %(coins)s."),
            cost=locked_item.cost_coins,
            item=locked_item.name,
            coins=locked_user.coins,
        )
    redemption = Redemption.objects.create(user=locked_user, item=locked_item, coins=locked_item.cost_coins)
    grant(
        user=user,
        key=f"{user.pk}:shop:{redemption.pk}",
        reason=Reason.SHOP,
        coins=-locked_item.cost_coins,
        source=redemption,
    )
    if locked_item.stock is not None:
        ShopItem.objects.filter(pk=locked_item.pk).update(stock=F("stock") - 1)
    if locked_item.kind == ShopItem.Kind.STREAK_FREEZE:
        User.objects.filter(pk=user.pk).update(streak_freezes=F("streak_freezes") + 1)
        user.refresh_from_db(fields=["streak_freezes"])
    return redemption


# ---- review: missed questions coming back ------------------------------------------------

REVIEW_XP = 2  # a right review
REVIEW_XP_DAILY_LIMIT = 10  # rewarded reviews per local day; more still count, without XP


class NotDueForReview(Conflict):
    default_message = gettext_lazy("This question is not waiting for review today.")


@dataclass
class ReviewOutcome:
    item: ReviewItem
    result: scoring.QuestionResult  # right or wrong, the explanation, the right answer
    next_due: date | None  # None: answered right at the last step, it does not come back
    rewards: Rewards


def schedule_misses(*, user: User, questions: Iterable[int], missed_on: date | None = None) -> None:
    """Put missed questions on the learner's review schedule, due the day after the miss (back to
    the start if there). `missed_on` defaults to the learner's today (seed_demo dates a miss earlier).

    Runs in the caller's transaction (a play), before the user row is locked for its rewards.
    """
    ids = sorted(set(questions))
    if not ids:
        return
    today = missed_on or selectors.today_for(user)
    slot = spacing.missed(today)
    assert slot.due_on is not None
    # Insert what is new (a racing twin's row is left alone), then start every one of them over.
    ReviewItem.objects.bulk_create(
        [ReviewItem(user=user, question_id=q, step=slot.step, due_on=slot.due_on, missed_on=today) for q in ids],
        ignore_conflicts=True,
    )
    ReviewItem.objects.filter(user=user, question_id__in=ids).update(
        step=slot.step, due_on=slot.due_on, missed_on=today, retired_at=None
    )


def rewarded_reviews_on(*, user: User, day: date) -> int:
    start, end = streaks.local_day_bounds(day, user.timezone)
    return LedgerEntry.objects.filter(
        user=user, reason=Reason.REVIEW, created_at__gte=start, created_at__lt=end, xp__gt=0
    ).count()


@transaction.atomic
def answer_review(*, user: User, answer: scoring.Answer) -> ReviewOutcome:
    """Score one due review, move the question on its schedule, and reward a right answer.

    Locks the review row, then the learner (the order a play takes too): two answers of one
    due item at once are one review and one 409. A right review earns REVIEW_XP, at most
    REVIEW_XP_DAILY_LIMIT times a local day, keyed per item and due step so it grants once.
    """
    today = selectors.today_for(user)
    item = (
        selectors.due_reviews(user=user, today=today)
        .select_for_update(of=("self",))
        .filter(question_id=answer.question)
        .first()
    )
    if item is None:
        raise NotDueForReview()
    result = scoring.score([item.question], [answer]).results[0]  # InvalidAnswers -> 400, nothing stored
    slot = spacing.reviewed(item.step, correct=result.correct, today=today)
    key = f"{user.pk}:review:{item.pk}:{item.step}:{item.due_on.isoformat()}"
    # The row is locked: its own values can be moved here (and the question stays loaded).
    item.step = slot.step
    item.due_on = slot.due_on or item.due_on
    item.missed_on = item.missed_on if result.correct else today
    item.reviewed_on = today
    item.reviews += 1
    item.retired_at = None if slot.due_on else timezone.now()
    item.save(update_fields=["step", "due_on", "missed_on", "reviewed_on", "reviews", "retired_at"])
    xp = 0
    if result.correct:
        lock_user(user)  # the daily count and the grant move together
        if rewarded_reviews_on(user=user, day=today) < REVIEW_XP_DAILY_LIMIT:
            xp = REVIEW_XP
    event = Event(
        user=user,
        source=item.question,
        key=key,
        reason=Reason.REVIEW,
        xp=xp,
        increments={metrics.REVIEWS_DONE: 1},
    )
    rewards = record_activity(event=event)
    return ReviewOutcome(item=item, result=result, next_due=slot.due_on, rewards=rewards)
