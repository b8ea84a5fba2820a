"""Every write of the game layer: the ledger, progression, stats, achievements, daily quests, shop, review."""

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from django.db import connection, transaction
from django.db.models import F, Field, OuterRef, QuerySet, Subquery
from django.db.transaction import TransactionManagementError
from django.utils import timezone
from django.utils.translation import gettext_lazy

from accounts.models import User
from core import metrics
from core.errors import Conflict, DomainError, NotFound
from core.events import Event
from core.prepared import Prepared
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


# Compiled inside the first caller's transaction, as select_for_update requires (core.prepared).
_locked_learner = Prepared(lambda pk: User.objects.select_for_update().filter(pk=pk), int)


def lock_user(user: User) -> User:
    """Lock the learner's row: every change of progression happens under this lock.

    Call inside a transaction. Raises User.DoesNotExist for a learner deleted meanwhile.
    """
    if connection.features.has_select_for_update and connection.get_autocommit():
        # What Django's compiler checks on every select_for_update; the prepared SQL is compiled once.
        raise TransactionManagementError("select_for_update cannot be used outside of a transaction.")
    locked = _locked_learner.first(user.pk)
    if locked is None:
        raise User.DoesNotExist("The learner was deleted.")
    return locked


def _source(source) -> tuple[str, str]:
    if source is None:
        return "", ""
    return source._meta.label_lower, str(source.pk)


# How one action writes a stat (`_write_stats`): SET a value (the time moves only when the
# value does), RAISE to a value (keep the larger), ADD a delta, or STAMP a value with a
# given time (XP_TOTAL: the time of the ledger entry, which breaks leaderboard ties).
SET, RAISE, ADD, STAMP = "set", "raise", "add", "stamp"
PROGRESS_METRICS = {metrics.XP_TOTAL, metrics.LEVEL, metrics.STREAK_DAYS, metrics.COINS_EARNED}
COUNTERS = ["xp", "coins", "level", "streak_count", "longest_streak", "last_active_date", "streak_freezes"]


@dataclass
class Action:
    """One action of one learner, under the learner's row lock taken once (`begin`).

    Grants move `locked`'s counters in memory; the row, the stats and the boards are written
    once at the end (`_flush`), so an action costs the same few statements however many
    rewards it brings.
    """

    user: User  # the caller's object: its counters are brought up to date at the end
    locked: User  # read under the lock; its counters are kept current in memory
    level_before: int
    xp_before: int
    xp: int = 0  # XP and coins granted in this action
    coins: int = 0
    earned_coins: int = 0  # the part of `coins` that counts as earned (COINS_EARNED)
    xp_at: datetime | None = None  # the last XP entry's time
    granted: bool = False
    dirty: bool = False  # the user row must be written
    writes: dict[str, tuple[str, int, datetime]] = field(default_factory=dict)  # metric -> (kind, value, at)
    stats: dict[str, int] | None = None  # the watched stats as they stand after this action's writes (`watch`)
    watched: set[str] = field(default_factory=set)

    def watch(self, stored: Mapping[str, int | None]) -> dict[str, int]:
        """The stats achievements watch, from their stored values (None: no row) to where this
        action takes them; kept current in memory by later writes and grants."""
        stats = {metric: value for metric, value in stored.items() if value is not None}
        for metric in stored:
            if metric in self.writes:
                kind, value, _at = self.writes[metric]
                stats[metric] = _applied(kind, stats.get(metric), value)
        if self.earned_coins and metrics.COINS_EARNED in stored:
            stats[metrics.COINS_EARNED] = stats.get(metrics.COINS_EARNED, 0) + self.earned_coins
        self.stats, self.watched = stats, set(stored)
        self.sync_progress()
        return stats

    def write(self, metric: str, kind: str, value: int, at: datetime | None = None) -> None:
        """Note one stat write, done at the end in `_write_stats`."""
        at = at or timezone.now()
        pending = self.writes.get(metric)
        if pending is not None and pending[0] != kind:
            # Two kinds of write to one metric (no event does this): SET the value it ends at.
            stored = UserStat.objects.filter(user=self.locked, metric=metric).values_list("value", flat=True).first()
            now = _applied(kind, _applied(pending[0], stored, pending[1]), value)
            self.writes[metric] = (SET, now, at)
        elif pending is not None:
            self.writes[metric] = (kind, _applied(kind, pending[1], value), at)
        else:
            self.writes[metric] = (kind, value, at)
        if self.stats is not None and metric in self.watched:
            self.stats[metric] = _applied(kind, self.stats.get(metric), value)

    def sync_progress(self) -> None:
        # What `_flush` will write for the progression stats, for the achievements checked before it.
        if self.stats is not None and self.granted:
            self.stats[metrics.XP_TOTAL] = self.locked.xp
            self.stats[metrics.LEVEL] = self.locked.level
            self.stats[metrics.STREAK_DAYS] = self.locked.streak_count


def _applied(kind: str, current: int | None, value: int) -> int:
    if current is None:
        return value
    if kind == ADD:
        return current + value
    if kind == RAISE:
        return max(current, value)
    return value


def begin(user: User) -> Action:
    """Lock the learner's row for one action (inside the caller's transaction)."""
    locked = lock_user(user)
    return Action(user=user, locked=locked, level_before=locked.level, xp_before=locked.xp)


@dataclass
class GrantSpec:
    key: str
    reason: str
    xp: int = 0
    coins: int = 0
    source: object = None
    note: str = ""


def _grant_all(action: Action, specs: list[GrantSpec]) -> list[LedgerEntry]:
    """Record these rewards in one statement; keys granted before are skipped. Returns the new entries.

    The ledger key's uniqueness is the guarantee (INSERT … ON CONFLICT DO NOTHING): no
    savepoint, and a racing twin of the same key grants once. The learner's row is locked
    (`action`), so the balance checks and the counters move together.
    """
    if not specs:
        return []
    locked = action.locked
    if locked.coins + sum(s.coins for s in specs) < 0:
        raise InsufficientCoins()
    if locked.xp + sum(s.xp for s in specs) < 0:
        raise DomainError(gettext_lazy("XP cannot go below zero."))
    now = timezone.now()
    entries = {}
    for spec in specs:
        source_type, source_id = _source(spec.source)
        entries[spec.key] = LedgerEntry(
            user_id=locked.pk,
            key=spec.key,
            reason=spec.reason,
            xp=spec.xp,
            coins=spec.coins,
            source_type=source_type,
            source_id=source_id,
            note=spec.note,
            created_at=now,
        )
    fields = ["user_id", "xp", "coins", "reason", "source_type", "source_id", "key", "note", "created_at"]
    created = dict(_insert_new(LedgerEntry, list(entries.values()), fields, conflict=["key"], returning=["key", "id"]))
    new = []
    for spec in specs:
        if spec.key not in created:
            continue  # this key was granted already
        entry = entries[spec.key]
        entry.pk = created[spec.key]
        _apply(action, entry)
        new.append(entry)
    return new


def _apply(action: Action, entry: LedgerEntry) -> None:
    locked = action.locked
    locked.xp += entry.xp
    locked.coins += entry.coins
    locked.level = levels.level_for(locked.xp)
    if entry.xp > 0 and entry.reason in ACTIVITY_REASONS:
        state = streaks.advance(
            streaks.StreakState(
                count=locked.streak_count,
                longest=locked.longest_streak,
                last_active=locked.last_active_date,
                freezes=locked.streak_freezes,
            ),
            streaks.local_date(entry.created_at, locked.timezone),
        )
        locked.streak_count, locked.longest_streak = state.count, state.longest
        locked.last_active_date, locked.streak_freezes = state.last_active, state.freezes
    action.xp += entry.xp
    action.coins += entry.coins
    if entry.xp:
        action.xp_at = entry.created_at
    if entry.coins > 0 and entry.reason != Reason.SHOP:
        action.earned_coins += entry.coins
        if action.stats is not None:
            action.stats[metrics.COINS_EARNED] = action.stats.get(metrics.COINS_EARNED, 0) + entry.coins
    action.granted = action.dirty = True
    action.sync_progress()


def _insert_new(model, objs: list, fields: list[str], *, conflict: list[str], returning: list[str]) -> list[tuple]:
    """INSERT these rows, skipping those whose `conflict` key exists; returns the inserted rows' `returning`.

    Portable SQL (PostgreSQL, SQLite ≥ 3.35): a conflict costs no savepoint and no error.
    """
    if not objs:
        return []
    opts, qn = model._meta, connection.ops.quote_name
    model_fields = [opts.get_field(name) for name in fields]
    columns = [f.column for f in model_fields]
    params = [f.get_db_prep_save(getattr(obj, f.attname), connection) for obj in objs for f in model_fields]
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    into = f"INSERT INTO {qn(opts.db_table)} ({', '.join(map(qn, columns))})"
    sql = (
        f"{into} VALUES {', '.join([row] * len(objs))} "
        f"ON CONFLICT ({', '.join(qn(opts.get_field(c).column) for c in conflict)}) DO NOTHING "
        f"RETURNING {', '.join(qn(opts.get_field(r).column) for r in returning)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [tuple(r) for r in cursor.fetchall()]


def _write_stats(user_id: int, writes: Mapping[str, tuple[str, int, datetime]]) -> None:
    """Write one action's stats in one statement, each by its kind (SET, RAISE, ADD, STAMP).

    Caller holds the user lock. `updated_at` moves when the value does (SET, RAISE), on
    every ADD, and to the given time on a STAMP.
    """
    if not writes:
        return
    qn = connection.ops.quote_name
    table = qn(UserStat._meta.db_table)
    at_field = UserStat._meta.get_field("updated_at")
    rows, params = [], []
    for metric, (_kind, value, at) in sorted(writes.items()):
        rows.append("(%s, %s, %s, %s)")
        params += [user_id, metric, value, at_field.get_db_prep_save(at, connection)]
    by_kind: dict[str, list[str]] = {}
    for metric, (kind, _value, _at) in writes.items():
        by_kind.setdefault(kind, []).append(metric)

    def among(*kinds: str) -> tuple[str, list[str]]:
        names = [m for k in kinds for m in by_kind.get(k, [])]
        return "excluded.metric IN (" + ", ".join(["%s"] * len(names)) + ")", names

    value_cases, at_cases, case_params, at_params = [], [], [], []
    if by_kind.get(ADD):
        cond, names = among(ADD)
        value_cases.append(f"WHEN {cond} THEN {table}.value + excluded.value")
        case_params += names
    if by_kind.get(RAISE):
        cond, names = among(RAISE)
        value_cases.append(f"WHEN {cond} AND {table}.value > excluded.value THEN {table}.value")
        case_params += names
        at_cases.append(f"WHEN {cond} AND {table}.value >= excluded.value THEN {table}.updated_at")
        at_params += names
    if by_kind.get(SET):
        cond, names = among(SET)
        at_cases.append(f"WHEN {cond} AND {table}.value = excluded.value THEN {table}.updated_at")
        at_params += names
    value_sql = f"CASE {' '.join(value_cases)} ELSE excluded.value END" if value_cases else "excluded.value"
    at_sql = f"CASE {' '.join(at_cases)} ELSE excluded.updated_at END" if at_cases else "excluded.updated_at"
    into = f"INSERT INTO {table} (user_id, metric, value, updated_at)"
    sql = (
        f"{into} VALUES {', '.join(rows)} "
        f"ON CONFLICT (user_id, metric) DO UPDATE SET value = {value_sql}, updated_at = {at_sql}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params + case_params + at_params)


STANDING = ("level", "streak_count", "longest_streak", "last_active_date", "streak_freezes")  # set as computed


@lru_cache(maxsize=1)
def _counters_statement() -> tuple[str, list[Field]]:
    """The learner's row after an action: XP and coins moved by its amounts, the standing set.

    By hand, its text made once: every rewarded action runs it, and the ORM's update() cost
    more to build than the statement takes to run. Returns the SQL and the standing's fields.
    """
    qn = connection.ops.quote_name
    fields = {field.name: field for field in User._meta.concrete_fields}
    column = {name: qn(str(field.column)) for name, field in fields.items()}
    moved = [f"{column[name]} = {column[name]} + %s" for name in ("xp", "coins")]
    sets = ", ".join([*moved, *(f"{column[name]} = %s" for name in STANDING)])
    sql = f"UPDATE {qn(User._meta.db_table)} SET {sets} WHERE {column['id']} = %s"  # noqa: S608 - names only
    return sql, [fields[name] for name in STANDING]


def _flush(action: Action) -> None:
    """Write what the action changed: the learner's row, their stats, the boards. Once per action."""
    locked = action.locked
    if action.dirty:
        sql, fields = _counters_statement()
        standing = [field.get_db_prep_save(getattr(locked, field.attname), connection) for field in fields]
        with connection.cursor() as cursor:
            cursor.execute(sql, [action.xp, action.coins, *standing, locked.pk])
    if action.granted:
        now = timezone.now()
        if action.xp_at is not None:
            action.writes[metrics.XP_TOTAL] = (STAMP, locked.xp, action.xp_at)
        else:
            action.writes[metrics.XP_TOTAL] = (SET, locked.xp, now)
        action.writes[metrics.LEVEL] = (SET, locked.level, now)
        action.writes[metrics.STREAK_DAYS] = (SET, locked.streak_count, now)
        if action.earned_coins:
            action.write(metrics.COINS_EARNED, ADD, action.earned_coins, now)
    _write_stats(locked.pk, action.writes)
    action.writes = {}
    if action.xp and action.xp_at is not None:
        leaderboards.record(user=locked, xp=action.xp, at=action.xp_at, xp_before=action.xp_before)
    for name in COUNTERS:
        setattr(action.user, name, getattr(locked, name))


def grant(
    *,
    user: User,
    key: str,
    reason: str,
    xp: int = 0,
    coins: int = 0,
    source=None,
    note: str = "",
    action: Action | None = None,
) -> Grant | None:
    """Record one reward; the same key twice grants once. Call inside the caller's transaction.

    With `action` (the learner's row already locked by `begin`), the counters move in memory
    and the caller's `_flush` writes them; without, this locks, grants and writes at once.
    """
    own = action is None
    if action is None:
        action = begin(user)
    level_before = action.locked.level
    spec = GrantSpec(key=key, reason=reason, xp=xp, coins=coins, source=source, note=note)
    entries = _grant_all(action, [spec])
    if own:
        _flush(action)
    if not entries:
        return None
    return Grant(entry=entries[0], level_before=level_before, level_after=action.locked.level)


class RewardLayer:
    """The port `core.events` delivers every domain event to (registered in `ready()`)."""

    def deliver(self, event: Event) -> Rewards:
        if event.first_time:
            return record_activity(event=event)
        return record_replay(user=event.user, increments=event.increments)

    def standing(self, user: User) -> Rewards:
        return Rewards(level=user.level, streak=streaks.current_for(user))


# No savepoint of their own: they run inside the caller's transaction (a play, a video, a
# question), which rolls back whole on any error they raise.
@transaction.atomic(savepoint=False)
def record_activity(*, event: Event, action: Action | None = None) -> Rewards:
    """Turn one event into rewards: XP/coins, streak, stats, daily quests, achievements.

    Runs in the caller's transaction with the user row locked once (`begin`, or the
    caller's `action`), so two events of one learner are applied one after the other and
    each reward lands once.
    """
    action = action or begin(event.user)
    earned = Earned()
    if event.xp or event.coins:
        spec = GrantSpec(key=event.key, reason=event.reason, xp=event.xp, coins=event.coins, source=event.source)
        if not _grant_all(action, [spec]):
            return _finish(earned, action)  # the same event again: nothing more
        earned.xp += event.xp
        earned.coins += event.coins
    for metric, delta in event.increments.items():
        action.write(metric, ADD, delta)
    for metric, value in event.marks.items():
        action.write(metric, RAISE, value)

    quest_deltas = dict(event.increments)
    if event.xp and event.reason in ACTIVITY_REASONS:
        quest_deltas[metrics.XP_TOTAL] = event.xp
    earned.add(_advance_daily_quests(action, quest_deltas))
    earned.add(unlock_achievements(user=event.user, action=action))
    _flush(action)
    return _finish(earned, action)


@transaction.atomic(savepoint=False)
def record_replay(*, user: User, increments: Mapping[str, int]) -> Rewards:
    """A pass of a game already completed: no XP and no lifetime stat, but today's daily quests move.

    Without this, a learner who has passed every game could never finish "play a game" again.
    """
    action = begin(user)
    earned = _advance_daily_quests(action, increments)
    earned.add(unlock_achievements(user=user, action=action))
    _flush(action)
    return _finish(earned, action)


def _finish(earned: Earned, action: Action) -> Rewards:
    user = action.user
    for name in COUNTERS:
        setattr(user, name, getattr(action.locked, name))
    return Rewards(
        level=user.level,
        streak=streaks.current_for(user),
        xp=earned.xp,
        coins=earned.coins,
        level_up=user.level > action.level_before,
        achievements=earned.achievements,
        daily_quests=earned.daily_quests,
    )


def _advance_daily_quests(action: Action, deltas: Mapping[str, int]) -> Earned:
    earned = Earned()
    if not deltas:
        return earned
    user = action.locked
    today = streaks.local_date(timezone.now(), user.timezone)
    quests = ensure_daily_quests(user=user, day=today)
    moved, specs, done_now = [], [], []
    for quest in quests:
        delta = deltas.get(quest.template.metric, 0)
        if not delta or quest.completed_at:
            continue
        quest.progress = min(quest.progress + delta, quest.template.target)
        if quest.progress >= quest.template.target:
            quest.completed_at = timezone.now()
            done_now.append(quest)
            specs.append(
                GrantSpec(
                    key=f"{user.pk}:daily:{quest.pk}",
                    reason=Reason.DAILY_QUEST,
                    xp=quest.template.xp_reward,
                    coins=quest.template.coin_reward,
                    source=quest,
                )
            )
        moved.append(quest)
    _save_progress(moved)
    for entry in _grant_all(action, specs):
        earned.xp += entry.xp
        earned.coins += entry.coins
    earned.daily_quests += [quest.pk for quest in done_now]
    return earned


def _save_progress(quests: list[DailyQuest]) -> None:
    """Write these quests' progress and completion: one short UPDATE each, sent together.

    By hand: Django's bulk_update (a CASE per column) took longer to build than to run.
    """
    if not quests:
        return
    opts, qn = DailyQuest._meta, connection.ops.quote_name
    progress, completed_at = opts.get_field("progress"), opts.get_field("completed_at")
    sql = (
        f"UPDATE {qn(opts.db_table)} SET {qn(str(progress.column))} = %s, {qn(str(completed_at.column))} = %s "  # noqa: S608 - names only
        f"WHERE {qn(str(opts.pk.column))} = %s"
    )
    rows = [
        (quest.progress, completed_at.get_db_prep_save(quest.completed_at, connection), quest.pk) for quest in quests
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def ensure_daily_quests(*, user: User, day) -> list[DailyQuest]:
    """The learner's three quests for `day`, created by the first activity that moves them.

    Reads (`selectors.todays_daily_quests`) never create them; the choice is deterministic,
    so what a learner saw before is what gets created. Caller holds the user lock.
    """
    quests = selectors.daily_quests_on(user=user, day=day)
    if not quests or quests[0].pk is not None:
        return quests  # stored (or no active templates at all)
    created = dict(
        _insert_new(
            DailyQuest,
            quests,
            ["user_id", "date", "template_id", "progress", "completed_at"],
            conflict=["user", "date", "template"],
            returning=["template", "id"],
        )
    )
    if len(created) < len(quests):  # a twin made some of them meanwhile: read what is there
        return _quests_on.rows(user.pk, day)
    for quest in quests:
        quest.pk = created[quest.template.pk]
    return quests


def _not_held(user_id: int) -> QuerySet[Achievement]:
    held = UserAchievement.objects.filter(user_id=user_id).values("achievement_id")
    stored = UserStat.objects.filter(user_id=user_id, metric=OuterRef("metric")).values("value")[:1]
    return Achievement.objects.filter(is_active=True).exclude(pk__in=held).annotate(stored=Subquery(stored))


# Every rewarded action reads these: built and compiled once (core.prepared). The achievements
# are the same rows for every learner (a catalogue): built once, copied after, `stored` set per call.
_waiting_achievements: Prepared[Any] = Prepared(_not_held, int, catalogue=True)
_quests_on = Prepared(
    lambda user_id, day: DailyQuest.objects.filter(user_id=user_id, date=day).select_related("template"), int, date
)


def unlock_achievements(*, user: User, action: Action | None = None) -> Earned:
    """Award every active achievement whose threshold the learner's stats now meet.

    Also catches up achievements created after the learner qualified. Caller holds the user
    lock (`action`); the stats and the achievements not held yet are read once, new ones inserted
    in one statement and their rewards granted in another. Another round runs only when
    those rewards moved a stat an achievement still waiting watches (xp_total, level, …).
    """
    own = action is None
    if action is None:
        action = begin(user)
    rewards = Earned()
    # One read: the active achievements not held yet, each with the learner's stored value of its metric.
    waiting = _waiting_achievements.rows(action.locked.pk)
    stats = action.watch({a.metric: a.stored for a in waiting})
    for _round in range(MAX_UNLOCK_ROUNDS):
        due = [a for a in waiting if stats.get(a.metric, 0) >= a.threshold]
        if not due:
            break
        now = timezone.now()
        created = {
            row[0]
            for row in _insert_new(
                UserAchievement,
                [UserAchievement(user=action.locked, achievement=a, earned_at=now) for a in due],
                ["user_id", "achievement_id", "earned_at"],
                conflict=["user", "achievement"],
                returning=["achievement"],
            )
        }
        waiting = [a for a in waiting if a not in due]
        specs = []
        for achievement in due:
            if achievement.pk not in created:
                continue
            rewards.achievements.append({"slug": achievement.slug, "title": achievement.title})
            if achievement.xp_reward or achievement.coin_reward:
                specs.append(
                    GrantSpec(
                        key=f"{action.locked.pk}:achievement:{achievement.pk}",
                        reason=Reason.ACHIEVEMENT,
                        xp=achievement.xp_reward,
                        coins=achievement.coin_reward,
                        source=achievement,
                    )
                )
        granted = _grant_all(action, specs)
        for entry in granted:
            rewards.xp += entry.xp
            rewards.coins += entry.coins
        if not granted or not any(a.metric in PROGRESS_METRICS for a in waiting):
            break
    if own:
        _flush(action)
    return rewards


@transaction.atomic
def award_achievements(*, user: User) -> Rewards:
    """Catch one learner up with the current rules (used by `manage.py award_achievements`)."""
    action = begin(user)
    earned = unlock_achievements(user=user, action=action)
    _flush(action)
    return _finish(earned, action)


@transaction.atomic
def backfill_streak(*, user: User, days: int) -> Rewards:
    """Demo data only (`seed_demo`): a learner who learned today is given a streak of `days` days.

    A streak can only grow by earning XP on consecutive local days, which one run of a command
    cannot do; this stands in for the days before today. It never lowers a streak, never
    touches XP or coins (the ledger stays their only source), and streak badges unlock
    through the usual rules, their rewards through `grant`. Nothing happens unless the
    learner was active today, so the streak it makes is one the learner could really have.
    """
    action = begin(user)
    locked = action.locked
    today = streaks.local_date(timezone.now(), locked.timezone)
    if locked.last_active_date == today and locked.streak_count < days:
        locked.streak_count, locked.longest_streak = days, max(locked.longest_streak, days)
        action.dirty = True
        action.write(metrics.STREAK_DAYS, SET, days)
    earned = unlock_achievements(user=user, action=action)
    _flush(action)
    return _finish(earned, action)


@transaction.atomic
def adjust(*, user: User, xp: int, coins: int, note: str, by: User | None = None) -> LedgerEntry:
    """An operator's correction: a new ledger entry with a reason, never an edit of an old one."""
    if not note.strip():
        raise DomainError(gettext_lazy("An adjustment needs a reason."))
    if not xp and not coins:
        raise DomainError(gettext_lazy("An adjustment must change XP or coins."))
    action = begin(user)
    if action.locked.coins + coins < 0:
        raise InsufficientCoins(
            gettext_lazy("This would leave %(coins)s coins: a balance cannot go below zero."),
            coins=action.locked.coins + coins,
        )
    # A fresh key per adjustment: two corrections in the same instant are still two entries.
    key = f"{user.pk}:adjustment:{uuid.uuid4().hex}:{by.pk if by else 0}"
    granted = grant(
        user=user, key=key, reason=Reason.ADJUSTMENT, xp=xp, coins=coins, note=note.strip()[:200], action=action
    )
    assert granted is not None  # the key is new, so it cannot have been granted already
    _flush(action)
    return granted.entry


@transaction.atomic
def redeem_item(*, user: User, item: ShopItem) -> Redemption:
    """Spend coins on a shop item. Locks the user, then the item: never a negative balance or oversold stock."""
    action = begin(user)
    locked_user = action.locked
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
        action=action,
    )
    if locked_item.stock is not None:
        ShopItem.objects.filter(pk=locked_item.pk).update(stock=F("stock") - 1)
    if locked_item.kind == ShopItem.Kind.STREAK_FREEZE:
        locked_user.streak_freezes += 1  # under the lock: written with the coins by `_flush`
        action.dirty = True
    _flush(action)
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
    action = begin(user)  # the daily count and the grant move together
    if result.correct and rewarded_reviews_on(user=user, day=today) < REVIEW_XP_DAILY_LIMIT:
        xp = REVIEW_XP
    event = Event(
        user=user,
        source=item.question,
        key=key,
        reason=Reason.REVIEW,
        xp=xp,
        increments={metrics.REVIEWS_DONE: 1},
    )
    rewards = record_activity(event=event, action=action)
    return ReviewOutcome(item=item, result=result, next_due=slot.due_on, rewards=rewards)
