"""Every write of the game layer: the ledger, progression, stats, achievements, daily quests, shop."""

import uuid
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from raiplay.exceptions import DomainError
from raiplay.rewards import Rewards

from . import leaderboards, levels, metrics, selectors, streaks
from .models import (
    ACTIVITY_REASONS,
    Achievement,
    DailyQuest,
    LedgerEntry,
    Reason,
    Redemption,
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
class Activity:
    """What one event is worth: its reward and the stats it moves."""

    key: str
    reason: str
    xp: int = 0
    coins: int = 0
    source: object = None
    increments: dict[str, int] = field(default_factory=dict)  # metric -> delta
    marks: dict[str, int] = field(default_factory=dict)  # metric -> value to raise to (game:<slug> = 1)


class InsufficientCoins(DomainError):
    http_status = 409
    default_message = "Not enough coins for this item."


class OutOfStock(DomainError):
    http_status = 409
    default_message = "This item is out of stock."


class ItemUnavailable(DomainError):
    http_status = 404
    default_message = "This item is not available."


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
        raise DomainError("XP cannot go below zero.")
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
        leaderboards.record_after_commit(user=user, xp=xp, at=entry.created_at)
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


@transaction.atomic
def record_activity(*, user: User, activity: Activity) -> Rewards:
    """Turn one event into rewards: XP/coins, streak, stats, daily quests, achievements.

    Runs in the caller's transaction with the user row locked, so two events of one
    learner are applied one after the other and each reward lands once.
    """
    level_before = lock_user(user).level
    rewards = Rewards()
    if activity.xp or activity.coins:
        granted = grant(
            user=user,
            key=activity.key,
            reason=activity.reason,
            xp=activity.xp,
            coins=activity.coins,
            source=activity.source,
        )
        if granted is None:
            return _finish(rewards, user, level_before)  # the same event again: nothing more
        rewards.xp += activity.xp
        rewards.coins += activity.coins
    for metric, delta in activity.increments.items():
        _increment_stat(user, metric, delta)
    for metric, value in activity.marks.items():
        _raise_stat(user, metric, value)

    quest_deltas = dict(activity.increments)
    if activity.xp and activity.reason in ACTIVITY_REASONS:
        quest_deltas[metrics.XP_TOTAL] = activity.xp
    rewards = rewards.merge(_advance_daily_quests(user, quest_deltas))
    rewards = rewards.merge(unlock_achievements(user=user))
    return _finish(rewards, user, level_before)


@transaction.atomic
def record_replay(*, user: User, increments: dict[str, int]) -> Rewards:
    """A pass of a game already completed: no XP and no lifetime stat, but today's daily quests move.

    Without this, a learner who has passed every game could never finish "play a game" again.
    """
    level_before = lock_user(user).level
    rewards = _advance_daily_quests(user, increments)
    rewards = rewards.merge(unlock_achievements(user=user))
    return _finish(rewards, user, level_before)


def _finish(rewards: Rewards, user: User, level_before: int) -> Rewards:
    rewards.level = user.level
    rewards.level_up = user.level > level_before
    rewards.streak = user.streak_count
    return rewards


def _advance_daily_quests(user: User, deltas: dict[str, int]) -> Rewards:
    rewards = Rewards()
    if not deltas:
        return rewards
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
                rewards.xp += quest.template.xp_reward
                rewards.coins += quest.template.coin_reward
            rewards.daily_quests.append(quest.pk)
    return rewards


def ensure_daily_quests(*, user: User, day) -> list[DailyQuest]:
    """The learner's three quests for `day`, created on first sight (deterministic choice)."""
    existing = list(DailyQuest.objects.filter(user=user, date=day).select_related("template"))
    if existing:
        return existing
    chosen = selectors.daily_templates_for(user_id=user.pk, day=day)
    DailyQuest.objects.bulk_create(
        [DailyQuest(user=user, date=day, template=template) for template in chosen], ignore_conflicts=True
    )
    return list(DailyQuest.objects.filter(user=user, date=day).select_related("template"))


@transaction.atomic
def todays_daily_quests(*, user: User) -> list[DailyQuest]:
    """Today's three quests in the learner's time zone, created on first look."""
    return ensure_daily_quests(user=user, day=selectors.today_for(user))


def unlock_achievements(*, user: User) -> Rewards:
    """Award every active achievement whose threshold the learner's stats now meet.

    Also catches up achievements created after the learner qualified. Caller holds the user lock.
    """
    rewards = Rewards()
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
def adjust(*, user: User, xp: int, coins: int, note: str, by: User | None = None) -> LedgerEntry:
    """An operator's correction: a new ledger entry with a reason, never an edit of an old one."""
    if not note.strip():
        raise DomainError("An adjustment needs a reason.")
    if not xp and not coins:
        raise DomainError("An adjustment must change XP or coins.")
    locked = lock_user(user)
    if locked.coins + coins < 0:
        raise InsufficientCoins(f"This would leave {locked.coins + coins} coins: a balance cannot go below zero.")
    # A fresh key per adjustment: two corrections in the same instant are still two entries.
    key = f"{user.pk}:adjustment:{uuid.uuid4().hex}:{by.pk if by else 0}"
    granted = grant(user=user, key=key, reason=Reason.ADJUSTMENT, xp=xp, coins=coins, note=note.strip()[:200])
    return granted.entry


@transaction.atomic
def redeem_item(*, user: User, item: ShopItem) -> Redemption:
    """Spend coins on a shop item. Locks the user, then the item: never a negative balance or oversold stock."""
    locked_user = lock_user(user)
    locked_item = ShopItem.objects.select_for_update().get(pk=item.pk)
    if not locked_item.active:
        raise ItemUnavailable()
    if locked_item.stock is not None and locked_item.stock <= 0:
        raise OutOfStock()
    if locked_user.coins < locked_item.cost_coins:
        raise InsufficientCoins(f"You need {locked_item.cost_coins} coins for this item and have {locked_user.coins}.")
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
