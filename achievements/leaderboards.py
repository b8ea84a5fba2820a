"""Leaderboards: all-time (by XP) and weekly (XP earned since Monday 00:00 in TIME_ZONE).

With Redis, two sorted sets answer in O(log n); without it, or while it is down, the
database gives the same answers from indexed queries. Ties: whoever reached the score
first ranks first, to the second; learners who reached it in the same second are ordered
by id, newest account first (the order Redis gives equal scores of zero-padded members).
Redis scores pack both: xp · 2³² + (2³² − 1 − seconds since EPOCH), exact while xp < 2²¹.
"Reached" is the time of the learner's last XP change (all-time) or of their last XP entry
this week (weekly). Hidden (`show_on_leaderboard=False`), inactive and consent-pending
learners are never written to the boards, and are dropped from them when that changes.

The database's boards are summary rows kept in the grant's transaction (`record`); Redis
follows after commit. Rebuilds never run in a request: `rebuild_leaderboards` rewrites both
from the users' XP and the ledger, and the scheduler's `heal_leaderboards` rebuilds Redis
when it is not marked ready and folds the score counts behind the database's ranks.
"""

import contextlib
import logging
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any, NamedTuple, cast
from zoneinfo import ZoneInfo

import redis
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, IntegerField, Max, Q, Sum, Value
from django.db.models.expressions import RawSQL
from django.utils import timezone
from redis.backoff import NoBackoff
from redis.retry import Retry

from accounts.models import ConsentStatus, User
from core.postgresql import unprepared
from core.prepared import Prepared, PreparedSQL

from .models import BoardEntry, BoardScore, BoardScoreChange, LedgerEntry

logger = logging.getLogger(__name__)

ALL, WEEK = "all", "week"
PERIODS = (ALL, WEEK)
SHIFT = 2**32
EPOCH = datetime(2024, 1, 1, tzinfo=ZoneInfo("UTC"))
AROUND = 5
BEST_FIRST = ("-xp", "reached_at", "-user_id")  # the order of the index `achievements_board_order`

# Adds XP to a member of each set in KEYS (the all-time set, then this week's when the grant
# falls in it), keeping the "reached at" half of the score current: one round trip per grant.
# Atomic in Redis, so two app servers recording for one learner never lose an update. The
# later of the two times wins (the smaller tie value): callbacks of two commits may run in
# either order. A learner whose XP falls to zero leaves the set, as the database leaves them
# out. The score goes to ZADD as a formatted integer so no Lua number formatting can round it.
# ARGV: the member, the XP, the tie value, and the TTL of the weekly set.
_ADD_XP = """
for i, key in ipairs(KEYS) do
  local score = redis.call('ZSCORE', key, ARGV[1])
  local xp = 0
  local tie = tonumber(ARGV[3])
  if score then
    score = tonumber(score)
    xp = math.floor(score / 4294967296)
    tie = math.min(tie, score - xp * 4294967296)
  end
  xp = xp + tonumber(ARGV[2])
  if xp <= 0 then
    redis.call('ZREM', key, ARGV[1])
  else
    redis.call('ZADD', key, string.format('%.0f', xp * 4294967296 + tie), ARGV[1])
  end
  if i > 1 then redis.call('EXPIRE', key, ARGV[4]) end
end
return #KEYS
"""
WEEK_TTL = 15 * 86400
READY_TTL = 3600
REBUILD_OVERLAP = timedelta(minutes=2)
HEAL_WINDOW = timedelta(minutes=10)


class Row(NamedTuple):  # hashable (board_tags keeps rendered rows by their values), and quick to make
    rank: int
    id: int
    username: str
    display_name: str
    avatar_url: str
    level: int
    xp: int


@dataclass
class Board:
    period: str
    results: list[Row]
    me: dict | None
    # With `board(viewer_id=…)`: the caller's row, read with the page (None: no such learner).
    viewer: User | None = None
    # With `board(window=True)`: the rows around a caller who ranks below the top `limit`.
    around: list[Row] | None = None


# ---- time --------------------------------------------------------------------------


def week_start(now: datetime | None = None) -> datetime:
    """Monday 00:00 of the current week in TIME_ZONE, as an aware datetime."""
    local = (now or timezone.now()).astimezone(ZoneInfo(settings.TIME_ZONE))
    monday = local.date() - timedelta(days=local.weekday())
    return datetime(monday.year, monday.month, monday.day, tzinfo=ZoneInfo(settings.TIME_ZONE))


def _tie(at: datetime) -> int:
    # Whole seconds, as the entries keep them; clamped so a time outside
    # EPOCH + 136 years can never spill into the XP half of the score.
    seconds = int((at - EPOCH).total_seconds())
    return SHIFT - 1 - min(max(seconds, 0), SHIFT - 1)


def _decode(score: float) -> int:
    return int(score) // SHIFT


# ---- Redis -------------------------------------------------------------------------


@lru_cache(maxsize=8)
def _client_for(url: str, timeout: float) -> redis.Redis:
    # Never retried: a command that timed out may still run once Redis wakes up, and a
    # resent XP script would then count twice. A failure drops the ready marker instead,
    # and `heal_leaderboards` rebuilds the boards from the ledger.
    return redis.Redis.from_url(
        url, socket_connect_timeout=0.3, socket_timeout=timeout, retry=Retry(NoBackoff(), 0), retry_on_timeout=False
    )


def _client(*, timeout: float = 0.5) -> redis.Redis | None:
    """The request-path client (0.5 s), or a patient one for commands (`rebuild_leaderboards`)."""
    return _client_for(settings.REDIS_URL, timeout) if settings.REDIS_URL else None


def _prefix() -> str:
    return settings.LEADERBOARD_PREFIX


def _key(period: str, start: datetime | None = None) -> str:
    if period == ALL:
        return f"{_prefix()}:all"
    return f"{_prefix()}:week:{(start or week_start()).date().isoformat()}"


def _ready_key() -> str:
    return f"{_prefix()}:ready"


def _member(user_id: int) -> str:
    return f"{user_id:012d}"  # zero-padded: equal scores order the same way in Redis and SQL


def _visible(user: User) -> bool:
    return _may_show(user.show_on_leaderboard, user.is_active, user.consent_status)


def _may_show(show_on_leaderboard: bool, is_active: bool, consent_status: str) -> bool:
    # A minor waiting for a guardian's consent stands on no board until they approve.
    return show_on_leaderboard and is_active and consent_status != ConsentStatus.PENDING


def record_after_commit(*, user: User, xp: int, at: datetime) -> None:
    """Add granted XP to the sorted sets once the grant is committed (a rollback leaves no trace)."""
    if not settings.REDIS_URL or not xp or not _visible(user):
        return
    user_id = user.pk
    transaction.on_commit(lambda: _add(user_id, xp, at))


# Learners whose last update failed in this process: their scores are re-read from the
# database at this process's next successful contact with Redis. A failed update may still
# run when a hung Redis wakes, or never: either way the database has the last word.
_unsure: set[int] = set()
_unsure_lock = threading.Lock()


def _heal() -> None:
    with _unsure_lock:
        ids = list(_unsure)
        _unsure.clear()
    if ids and not _refresh_members(ids):
        with _unsure_lock:
            _unsure.update(ids)


@lru_cache(maxsize=8)
def _script(client: redis.Redis, source: str):
    # One Script per client and script: EVALSHA from the first call on (a NOSCRIPT reply loads it once).
    return client.register_script(source)


def _add(user_id: int, xp: int, at: datetime) -> None:
    client = _client()
    if client is None:
        return
    _heal()
    try:
        keys = [_key(ALL), _key(WEEK)] if at >= week_start() else [_key(ALL)]
        _script(client, _ADD_XP)(keys=keys, args=[_member(user_id), xp, _tie(at), WEEK_TTL])
    except redis.RedisError:
        # The sets are now behind the ledger: drop the marker so reads use the database
        # until the scheduler's `heal_leaderboards` rebuilds them.
        logger.warning("leaderboard update failed for user %s; falling back to the database", user_id)
        with _unsure_lock:
            _unsure.add(user_id)
        _forget_ready()


def _forget_ready() -> None:
    client = _client()
    with contextlib.suppress(redis.RedisError):  # Redis down: reads use the database anyway
        if client is not None:
            client.delete(_ready_key())


def visibility_changed(*, user: User) -> None:
    """Re-read one learner's place on the boards: the entries now, the sets once the change commits."""
    refresh_entries([user.pk])
    if settings.REDIS_URL:
        user_id = user.pk
        transaction.on_commit(lambda: _refresh_members([user_id]))


def _score(xp: int, reached: datetime) -> int:
    return xp * SHIFT + _tie(reached)


@unprepared()
def _refresh_members(user_ids, *, client: redis.Redis | None = None) -> bool:
    """Rewrite these learners' scores from the database (absent from it: removed from the sets).

    Returns whether Redis took it.
    """
    client = client or _client()
    ids = list(user_ids)
    if client is None or not ids:
        return True
    start = week_start()
    try:
        for chunk in range(0, len(ids), 1000):
            some = ids[chunk : chunk + 1000]
            pipe = client.pipeline(transaction=True)
            pipe.zrem(_key(ALL), *map(_member, some))
            pipe.zrem(_key(WEEK, start), *map(_member, some))
            # The querysets leave hidden and inactive learners out, so they simply stay removed.
            for key, rows in (
                (_key(ALL), _board_queryset(ALL)),
                (_key(WEEK, start), _board_queryset(_board_name(WEEK, start))),
            ):
                found = rows.filter(uid__in=some).values_list("uid", "score", "reached")
                scores = {_member(uid): _score(xp, at) for uid, xp, at in found}
                if scores:
                    pipe.zadd(key, scores)
            pipe.execute()
    except redis.RedisError:
        _forget_ready()
        return False
    return True


def _drop_members(client: redis.Redis, user_ids) -> None:
    members = [_member(uid) for uid in user_ids]
    if not members:
        return
    try:
        pipe = client.pipeline(transaction=False)
        pipe.zrem(_key(ALL), *members)
        pipe.zrem(_key(WEEK), *members)
        pipe.execute()
    except redis.RedisError:
        _forget_ready()


@unprepared()
def rebuild(*, timeout: float = 0.5) -> int:
    """Rewrite both sorted sets from the database (the ledger is the record). Returns learners written.

    Built aside under temporary keys in chunks, then swapped in with one atomic RENAME each:
    readers see the old board or the new one, never half of one, and Redis is never held
    by one huge transaction.
    """
    client = _client(timeout=timeout)
    if client is None:
        return 0
    started = timezone.now()
    start = week_start(started)
    boards = {
        _key(ALL): _board_queryset(ALL).values_list("uid", "score", "reached"),
        _key(WEEK, start): _board_queryset(_board_name(WEEK, start)).values_list("uid", "score", "reached"),
    }
    written = 0
    swap = client.pipeline(transaction=True)
    for key, rows in boards.items():
        aside = f"{key}:building"
        client.delete(aside)
        count = 0
        for chunk in _chunks(rows.iterator(chunk_size=10_000), 10_000):
            client.zadd(aside, {_member(uid): _score(xp, at) for uid, xp, at in chunk})
            count += len(chunk)
        if count:
            swap.rename(aside, key)
        else:
            swap.delete(key)
        if key == _key(ALL):
            written = count
    swap.expire(_key(WEEK, start), WEEK_TTL)
    # The marker expires so that an update lost in a short outage (when even dropping the
    # marker failed) is repaired by the next rebuild within READY_TTL.
    swap.set(_ready_key(), "1", ex=READY_TTL)
    swap.execute()
    # A grant that committed while the sets were being rewritten may have had its update
    # overwritten: re-read the learners who earned anything around that time.
    _refresh_members(_earners_since(started - REBUILD_OVERLAP), client=client)
    return written


def _chunks(iterable, size: int):
    chunk = []
    for item in iterable:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# ---- healing (the scheduler's work, once a minute) -------------------------------------


@dataclass
class Healed:
    rebuilt: bool  # the sets were rebuilt from scratch (no ready marker)
    learners: int  # learners written: the whole board after a rebuild, else the recent earners


@unprepared()
def heal(*, window: timedelta = HEAL_WINDOW, timeout: float = 60) -> Healed:
    """Bring the sets back to the database's boards, across every app process.

    Without a ready marker the sets are rebuilt. Otherwise every learner who earned XP in
    the last `window` is re-read from the database: an update lost by a process that died,
    or one that a hung Redis ran late, is repaired by the next run. Raises RedisError when
    Redis does not answer.
    """
    client = _client(timeout=timeout)
    if client is None:
        return Healed(rebuilt=False, learners=0)
    if not client.exists(_ready_key()):
        return Healed(rebuilt=True, learners=rebuild(timeout=timeout))
    recent = _earners_since(timezone.now() - window)
    if not _refresh_members(recent, client=client):
        raise redis.ConnectionError("Redis did not take the healed scores")
    return Healed(rebuilt=False, learners=len(recent))


@unprepared()
def differences(*, timeout: float = 60) -> list[str]:
    """Where the sets disagree with the database on a learner's XP (empty: both boards agree)."""
    client = _client(timeout=timeout)
    if client is None:
        return []
    if not client.exists(_ready_key()):
        return ["the sets are not marked ready: reads use the database until the next heal rebuilds them"]
    start = week_start()
    found = []
    boards = (
        (ALL, _key(ALL), _board_queryset(ALL)),
        (WEEK, _key(WEEK, start), _board_queryset(_board_name(WEEK, start))),
    )
    for period, key, rows in boards:
        expected = {_member(uid): xp for uid, xp in rows.values_list("uid", "score").iterator(chunk_size=10_000)}
        actual = {member.decode(): _decode(score) for member, score in client.zscan_iter(key)}
        for member in sorted(expected.keys() | actual.keys()):
            if expected.get(member) != actual.get(member):
                found.append(
                    f"{period}: learner {int(member)} has {actual.get(member)} XP in Redis, "
                    f"{expected.get(member)} in the database"
                )
    return found


def _earners_since(since: datetime) -> list[int]:
    rows = LedgerEntry.objects.filter(created_at__gte=since).exclude(xp=0).order_by()
    return list(rows.values_list("user_id", flat=True).distinct())


# ---- the database ------------------------------------------------------------------
# The boards are `BoardEntry` rows (one per learner and board, kept by `record` in the
# grant's transaction), ordered by the index (board, -xp, reached_at, -user). A rank is
# the learners holding more XP (`BoardScore`, plus the changes the scheduler has not
# folded yet) and those ahead on the same XP (a seek in the index): no request counts or
# skips over the whole board.


def _board_name(period: str, start: datetime | None = None) -> str:
    return ALL if period == ALL else (start or week_start()).date().isoformat()


def _second(at: datetime) -> datetime:
    return at.replace(microsecond=0)


def _score_changes(board: str, before: int, after: int) -> list[BoardScoreChange]:
    if before == after:
        return []
    changes = []
    if before > 0:
        changes.append(BoardScoreChange(board=board, xp=before, change=-1))
    if after > 0:
        changes.append(BoardScoreChange(board=board, xp=after, change=1))
    return changes


def record(*, user: User, xp: int, at: datetime, xp_before: int | None = None) -> None:
    """Move the learner's totals on the all-time and weekly boards by one action's XP.

    Call inside the grant's transaction with the user row locked and `user` read under that
    lock; `xp_before` is the learner's total before this XP (default `user.xp`, a `user`
    read before the grant). `at` is the time of the last XP entry. Redis follows after commit.
    """
    if not xp or not _visible(user):
        return
    before_total = user.xp if xp_before is None else xp_before
    reached = _second(at)
    start = week_start()
    boards = [ALL, _board_name(WEEK, start)] if at >= start else [ALL]
    held = _held(user.pk, boards)
    changes: list[BoardScoreChange] = []
    totals = {}
    for board in boards:
        before = held.get(board, 0)
        # All time: the user row (locked) is the record. The week: a sum kept in the row.
        after = before_total + xp if board == ALL else before + xp
        totals[board] = after
        changes += _score_changes(board, before, after)
    _upsert_entries(user.pk, totals, xp, reached)
    _insert_changes(changes)
    record_after_commit(user=user, xp=xp, at=at)


# Every grant runs the next two: statements by hand, their text made once, where the ORM's
# filter and bulk_create cost more to build than the statements take to run.


@lru_cache(maxsize=4)
def _held_sql(boards: int) -> str:
    table, qn = BoardEntry._meta.db_table, connection.ops.quote_name
    among = ", ".join(["%s"] * boards)
    return f"SELECT board, xp FROM {qn(table)} WHERE user_id = %s AND board IN ({among})"  # noqa: S608 - names only


def _held(user_id: int, boards: list[str]) -> dict[str, int]:
    """The learner's stored totals on these boards (a board they are not on yet is missing)."""
    with connection.cursor() as cursor:
        cursor.execute(_held_sql(len(boards)), [user_id, *boards])
        return dict(cursor.fetchall())


def _insert_changes(changes: list[BoardScoreChange]) -> None:
    if not changes:
        return
    table, qn = BoardScoreChange._meta.db_table, connection.ops.quote_name
    rows = ", ".join(["(%s, %s, %s)"] * len(changes))
    sql = f"INSERT INTO {qn(table)} (board, xp, {qn('change')}) VALUES {rows}"  # noqa: S608 - names only
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for c in changes for value in (c.board, c.xp, c.change)])


def _upsert_entries(user_id: int, totals: dict[str, int], xp: int, reached: datetime) -> None:
    """Write the learner's entries in one statement: all time set to its total, the week moved by `xp`.

    A weekly row that a rebuild committed meanwhile (from a ledger without this grant) gets
    the XP added, as an existing one does.
    """
    table, qn = BoardEntry._meta.db_table, connection.ops.quote_name
    at = BoardEntry._meta.get_field("reached_at").get_db_prep_save(reached, connection)
    rows, params = [], []
    for board, total in totals.items():
        rows.append("(%s, %s, %s, %s)")
        params += [board, user_id, total, at]
    sql = (
        f"INSERT INTO {qn(table)} (board, user_id, xp, reached_at) VALUES {', '.join(rows)} "  # noqa: S608 - names only
        f"ON CONFLICT (board, user_id) DO UPDATE SET reached_at = excluded.reached_at, "
        f"xp = CASE WHEN excluded.board = %s THEN excluded.xp ELSE {qn(table)}.xp + %s END"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, ALL, xp])


@unprepared()
def refresh_entries(user_ids) -> None:
    """Rewrite these learners' all-time and weekly entries from their XP and the ledger.

    For a change of visibility (on or off the boards) and for a rebuild. Locks the
    learners' rows (in id order, a chunk at a time), as grants do.
    """
    start = week_start()
    week = _board_name(WEEK, start)
    ids = sorted(set(user_ids))
    for chunk in range(0, len(ids), 500):
        some = ids[chunk : chunk + 500]
        with transaction.atomic():
            users = list(
                User.objects.select_for_update()
                .filter(pk__in=some)
                .order_by("pk")
                .only("id", "xp", "show_on_leaderboard", "is_active", "consent_status")
            )
            shown = {user.pk: user.xp for user in users if _visible(user)}
            want = _wanted(shown, start, week)
            have = {
                (board, uid): (xp, at)
                for board, uid, xp, at in BoardEntry.objects.filter(
                    user_id__in=some, board__in=[ALL, week]
                ).values_list("board", "user_id", "xp", "reached_at")
            }
            _apply(have, want)


def _wanted(shown: dict[int, int], start: datetime, week: str) -> dict[tuple[str, int], tuple[int, datetime]]:
    ledger = LedgerEntry.objects.filter(user_id__in=list(shown)).exclude(xp=0).order_by().values("user_id")
    want = {}
    for uid, at in ledger.annotate(at=Max("created_at")).values_list("user_id", "at"):
        want[(ALL, uid)] = (shown[uid], _second(at))
    weekly = ledger.filter(created_at__gte=start).annotate(total=Sum("xp"), at=Max("created_at"))
    for uid, total, at in weekly.values_list("user_id", "total", "at"):
        want[(week, uid)] = (total, _second(at))
    return want


def _apply(have: dict, want: dict) -> None:
    changes: list[BoardScoreChange] = []
    gone = [key for key in have if key not in want]
    for board, uid in gone:
        BoardEntry.objects.filter(board=board, user_id=uid).delete()
        changes += _score_changes(board, have[(board, uid)][0], 0)
    new = []
    for (board, uid), (xp, at) in want.items():
        if (board, uid) not in have:
            new.append(BoardEntry(board=board, user_id=uid, xp=xp, reached_at=at))
            changes += _score_changes(board, 0, xp)
        elif have[(board, uid)] != (xp, at):
            BoardEntry.objects.filter(board=board, user_id=uid).update(xp=xp, reached_at=at)
            changes += _score_changes(board, have[(board, uid)][0], xp)
    BoardEntry.objects.bulk_create(new)
    BoardScoreChange.objects.bulk_create(changes)


def forget_learner(*, user_id: int) -> None:
    """A learner is being deleted: their entries go with them (cascade), their places in the counts here."""
    changes: list[BoardScoreChange] = []
    for board, xp in BoardEntry.objects.filter(user_id=user_id, xp__gt=0).values_list("board", "xp"):
        changes += _score_changes(board, xp, 0)
    BoardScoreChange.objects.bulk_create(changes)


@unprepared()
def rebuild_database() -> int:
    """Rewrite the all-time and this week's entries from the users' XP and the ledger, and recount the scores.

    Learner by learner (500 at a time) under their row locks, the order grants lock in, so
    a rebuild never deadlocks with a grant nor loses one; entries are corrected in place,
    so readers see each learner's old or new total, never an empty or half-built board.
    The counts are then rebuilt in one transaction. Returns learners on the all-time board.
    """
    start = week_start()
    ids = User.objects.order_by("pk").values_list("pk", flat=True).iterator(chunk_size=10_000)
    for chunk in _chunks(ids, 500):
        refresh_entries(chunk)
    _recount([ALL, _board_name(WEEK, start)])
    _drop_old_weeks(start)
    _analyze()
    return BoardEntry.objects.filter(board=ALL, xp__gt=0).count()


def _analyze() -> None:
    # Fresh statistics once the boards are rewritten: planned on an empty table's numbers, the
    # top page sorts the whole board instead of reading its index (where autovacuum is off or
    # has not caught up yet, as right after `bench_data`).
    tables = [model._meta.db_table for model in (BoardEntry, BoardScore, BoardScoreChange)]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {', '.join(tables)}")
        else:
            for table in tables:
                cursor.execute(f"ANALYZE {table}")


@transaction.atomic
def _recount(boards: list[str]) -> None:
    # The counts and the changes they replace are read in one statement, so they describe the
    # same entries: a grant committing meanwhile keeps its change (its entry is not counted).
    entry, change = BoardEntry._meta.db_table, BoardScoreChange._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT board, xp, COUNT(*), NULL FROM {entry} WHERE board IN (%s, %s) AND xp > 0 GROUP BY board, xp "  # noqa: S608 - table names only
            f"UNION ALL SELECT NULL, NULL, NULL, id FROM {change} WHERE board IN (%s, %s)",
            [*boards, *boards],
        )
        found = cursor.fetchall()
    replaced = [row[3] for row in found if row[3] is not None]
    for chunk in range(0, len(replaced), 5_000):
        BoardScoreChange.objects.filter(pk__in=replaced[chunk : chunk + 5_000]).delete()
    BoardScore.objects.filter(board__in=boards).delete()
    BoardScore.objects.bulk_create(
        BoardScore(board=board, xp=xp, learners=n) for board, xp, n, _ in found if board is not None
    )


def _drop_old_weeks(start: datetime) -> None:
    # Last week stays a while (nothing reads it yet, but a report might); older weeks go.
    # "all" sorts after every date, so it is never below the cut.
    cut = _board_name(WEEK, start - timedelta(days=7))
    for model in (BoardEntry, BoardScore, BoardScoreChange):
        model.objects.filter(board__lt=cut).delete()


@unprepared()
def fold_score_changes(*, limit: int = 5_000) -> int:
    """The scheduler's part: fold appended score changes into `BoardScore`. Returns changes folded."""
    folded = 0
    while True:
        with transaction.atomic():
            rows = list(
                BoardScoreChange.objects.select_for_update(skip_locked=True)
                .order_by("pk")
                .values_list("pk", "board", "xp", "change")[:limit]
            )
            sums: dict[tuple[str, int], int] = {}
            for _, board, xp, change in rows:
                sums[(board, xp)] = sums.get((board, xp), 0) + change
            for (board, xp), change in sorted(sums.items()):
                if change and not BoardScore.objects.filter(board=board, xp=xp).update(learners=F("learners") + change):
                    BoardScore.objects.create(board=board, xp=xp, learners=change)
            BoardScoreChange.objects.filter(pk__in=[row[0] for row in rows]).delete()
            BoardScore.objects.filter(board__in={board for board, _ in sums}, learners=0).delete()
        folded += len(rows)
        if len(rows) < limit:
            _drop_old_weeks(week_start())
            return folded


def _visible_users_q(prefix: str) -> Q:
    return Q(**{f"{prefix}show_on_leaderboard": True, f"{prefix}is_active": True}) & ~Q(
        **{f"{prefix}consent_status": ConsentStatus.PENDING}
    )


def _board_queryset(board: str):
    """(uid, score, reached), best first: what Redis is written from and compared with."""
    return (
        BoardEntry.objects.filter(_visible_users_q("user__"), board=board, xp__gt=0)
        .annotate(uid=F("user_id"), score=F("xp"), reached=F("reached_at"))
        .order_by("-score", "reached", "-uid")
    )


# The rank of the outer entry row: learners on higher scores (folded counts and changes not
# folded yet), then those ahead of it on its own score. Each part is one range of an index:
# the distinct scores above (BoardScore's unique index), the unfolded changes above, and the
# learners tied with it who reached the score earlier (then, in the same second, newer ids),
# both seeks in `achievements_board_order`. Nothing is counted below the row, and no part
# grows with the board except through the learners tied ahead of it.
_RANK_SQL = """
1 + (SELECT COALESCE(SUM(s.learners), 0) FROM {score} s WHERE s.board = {entry}.board AND s.xp > {entry}.xp)
  + (SELECT COALESCE(SUM(c.change), 0) FROM {change} c WHERE c.board = {entry}.board AND c.xp > {entry}.xp)
  + (SELECT COUNT(*) FROM {entry} e WHERE e.board = {entry}.board AND e.xp = {entry}.xp
     AND e.reached_at < {entry}.reached_at)
  + (SELECT COUNT(*) FROM {entry} e WHERE e.board = {entry}.board AND e.xp = {entry}.xp
     AND e.reached_at = {entry}.reached_at AND e.user_id > {entry}.user_id)
"""

# What a board row shows of a learner, read in the entries' own query (DESIGN: never an email).
_PUBLIC = ("user_id", "user__username", "user__display_name", "user__avatar_url", "user__level")
Entry = tuple[int, datetime, int, str, str, str, int]  # xp, reached_at, then _PUBLIC


def _rank_sql() -> RawSQL:
    sql = _RANK_SQL.format(
        score=BoardScore._meta.db_table, change=BoardScoreChange._meta.db_table, entry=BoardEntry._meta.db_table
    )
    return RawSQL(sql, [], output_field=IntegerField())  # noqa: S611 - table names only, no input


def _shown(board: str):
    return BoardEntry.objects.filter(_visible_users_q("user__"), board=board, xp__gt=0)


def _best_first(entry: Entry) -> tuple:
    xp, reached, uid = entry[0], entry[1], entry[2]
    return (-xp, reached, -uid)


def _union(parts: list) -> tuple[str, list]:
    """The SQL of several ordered, LIMITed querysets as one statement (UNION ALL of derived
    tables: SQLite takes no LIMIT directly inside a UNION, PostgreSQL takes both forms)."""
    statements, params = [], []
    for n, part in enumerate(parts):
        sql, found = part.query.sql_with_params()
        statements.append(f"SELECT * FROM ({sql}) AS part{n}")  # noqa: S608 - compiled querysets
        params.extend(found)
    return " UNION ALL ".join(statements), params


# The fallback's reads are compiled once (core.prepared): board, learner, place are arguments.
_TOP_COLUMNS = ("xp", "reached_at", *_PUBLIC, "part", "rank")


def _top_page(board: str, limit: int):
    page = _shown(board).order_by(*BEST_FIRST).annotate(part=Value(0), rank=Value(0))
    return page.values_list(*_TOP_COLUMNS)[:limit]


def _ranked_entry(board: str, user_id: int):
    """The learner's entry on a board (none when they have no XP there) with its rank."""
    return BoardEntry.objects.filter(board=board, user_id=user_id, xp__gt=0).annotate(rank=_rank_sql())


def _standing_of(board: str, user_id: int):
    return _ranked_entry(board, user_id).annotate(part=Value(1)).values_list(*_TOP_COLUMNS)[:1]


@lru_cache(maxsize=16)
def _top_statements(limit: int) -> tuple[PreparedSQL, PreparedSQL]:
    """The top `limit` entries, alone and with the caller's entry and rank."""
    return (
        PreparedSQL(lambda board: _union([_top_page(board, limit)]), str),
        PreparedSQL(lambda board, user_id: _union([_top_page(board, limit), _standing_of(board, user_id)]), str, int),
    )


def _db_top(board: str, limit: int, user_id: int | None) -> tuple[list[Entry], tuple[int, int] | None]:
    """The top `limit` entries with names, and the caller's (rank, xp): one query.

    The page is the index `achievements_board_order` read from its start, LIMIT `limit`;
    the caller's row is one lookup in the (board, user) unique index plus `_RANK_SQL`.
    """
    alone, with_caller = _top_statements(limit)
    found = alone.fetchall(board) if user_id is None else with_caller.fetchall(board, user_id)
    top = sorted((row[:7] for row in found if row[7] == 0), key=_best_first)
    me = next(((row[8], row[0]) for row in found if row[7] == 1), None)
    return top, me


def _window(board: str, xp: int, reached: datetime, uid: int) -> tuple[str, list]:
    entries = _shown(board)
    near = AROUND + 1
    sides = [
        # Above, nearest first: the index read backwards from the caller's place.
        entries.filter(xp=xp, reached_at=reached, user_id__gt=uid).order_by("user_id")[:AROUND],
        entries.filter(xp=xp, reached_at__lt=reached).order_by("-reached_at", "user_id")[:AROUND],
        entries.filter(xp__gt=xp).order_by("xp", "-reached_at", "user_id")[:AROUND],
        # The caller and below, nearest first: the index read forwards.
        entries.filter(xp=xp, reached_at=reached, user_id__lte=uid).order_by("-user_id")[:near],
        entries.filter(xp=xp, reached_at__gt=reached).order_by("reached_at", "-user_id")[:near],
        entries.filter(xp__lt=xp).order_by(*BEST_FIRST)[:near],
    ]
    return _union([side.values_list("xp", "reached_at", *_PUBLIC) for side in sides])


_window_statement = PreparedSQL(_window, str, int, datetime, int)


def _db_window(board: str, xp: int, reached: datetime, uid: int) -> list[Entry]:
    """The caller's entry with the AROUND entries above and below it, names included, in one query.

    The index's order mixes directions (xp down, reached_at up, user down), so no single seek
    starts at the caller's place: each side is three seeks (same second, same score, other
    scores), each LIMITed, and the closest of them are kept.
    """
    rows = sorted(_window_statement.fetchall(board, xp, reached, uid), key=_best_first)
    at = next((i for i, row in enumerate(rows) if row[2] == uid), None)
    if at is None:  # the caller left the board between the two queries
        return []
    return rows[max(at - AROUND, 0) : at + AROUND + 1]


_standing_statement: Prepared[Any] = Prepared(
    lambda board, user_id: _ranked_entry(board, user_id).only("xp", "reached_at"),
    str,
    int,
)


def _db_standing(board: str, user_id: int) -> tuple[int, datetime, int] | None:
    """The learner's (xp, reached, rank) on a board, in one query, or None when they are not on it."""
    mine = _standing_statement.first(board, user_id)
    return (mine.xp, mine.reached_at, mine.rank) if mine else None


def _db_board(period: str, limit: int, user: User | None, around: bool, window: bool = False) -> Board:
    board = _board_name(period)
    caller = user.pk if user is not None and _visible(user) else None
    if not around:
        top, standing = _db_top(board, limit, caller)
        me = {"rank": standing[0], "xp": standing[1]} if standing else None
        rows = [_row(i + 1, entry) for i, entry in enumerate(top)]
        near = _db_around(board, caller) if window and me and me["rank"] > limit else None
        return Board(period, rows, me, around=near[0] if near else None)
    near = _db_around(board, caller)
    return Board(period, near[0], near[1]) if near else Board(period, [], None)


def _db_around(board: str, caller: int | None) -> tuple[list[Row], dict] | None:
    """The window around the caller and their standing; None when they are not on the board."""
    mine = _db_standing(board, caller) if caller is not None else None
    if mine is None or caller is None:
        return None
    xp, reached, rank = mine
    window = _db_window(board, xp, reached, caller)
    at = next((i for i, entry in enumerate(window) if entry[2] == caller), 0)
    return [_row(rank - at + i, entry) for i, entry in enumerate(window)], {"rank": rank, "xp": xp}


def _row(rank: int, entry: Entry) -> Row:
    _xp, _reached, uid, username, display_name, avatar_url, level = entry
    return Row(rank, uid, username, display_name, avatar_url, level, entry[0])


# ---- Redis reads -------------------------------------------------------------------

# A whole read in one round trip: nil while the sets are not marked ready (reads then use the
# database), else {the caller's 0-based rank or -1, their score or '', the top {member, score,
# ...}, the window's first rank, the window {member, score, ...}}. ARGV: the caller's member
# or '', the top's size, how many to show on each side of the caller (0: the top only), and
# '1' for both (the page: the top, and the window when the caller ranks below it).
_READ = """
if redis.call('EXISTS', KEYS[2]) == 0 then return false end
local rank, score = -1, ''
if ARGV[1] ~= '' then
  local found = redis.call('ZREVRANK', KEYS[1], ARGV[1])
  if found then
    rank = found
    score = redis.call('ZSCORE', KEYS[1], ARGV[1])
  end
end
local limit, around, both = tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4] == '1'
local top, first, window = {}, 0, {}
if around == 0 or both then
  top = redis.call('ZREVRANGE', KEYS[1], 0, limit - 1, 'WITHSCORES')
end
if around > 0 and rank >= 0 and (not both or rank >= limit) then
  first = math.max(rank - around, 0)
  window = redis.call('ZREVRANGE', KEYS[1], first, rank + around, 'WITHSCORES')
end
return {rank, score, top, first, window}
"""


# Per process: after a failed read, Redis is left alone for a moment (the database answers),
# so an outage costs one failed connection per process per DOWN_PAUSE, not one per request,
# and a hung Redis does not hold every request for its timeout.
DOWN_PAUSE = 1.0
_down_until: dict[str, float] = {}


def _ranked(first: int, flat: list) -> list[tuple[int, int, int]]:
    return [(first + i + 1, int(flat[2 * i]), _decode(float(flat[2 * i + 1]))) for i in range(len(flat) // 2)]


def _redis_board(client: redis.Redis, period: str, limit: int, user_id: int | None, around: bool, window: bool):
    """The top and the window as [(rank, uid, xp)], and the caller's standing, from one script call.

    None while the sets are not marked ready.
    """
    member = _member(user_id) if user_id is not None else ""
    args = [member, limit, AROUND if around or window else 0, "1" if window else "0"]
    reply = _script(client, _READ)(keys=[_key(period), _ready_key()], args=args)
    if reply is None:
        # Until the scheduler's `heal_leaderboards` rebuilds them (after a flush, an outage or
        # the marker's hourly expiry), reads use the database: no rebuild runs inside a request.
        return None
    rank0, score, top, first, near = reply
    me = {"rank": rank0 + 1, "xp": _decode(float(score))} if rank0 >= 0 else None
    return _ranked(0, top), _ranked(first, near), me


# What a read needs of a caller known only by their token: whether they may sign in, stand on
# the boards, and their language. Read with the page's names, in the same query.
VIEWER_FIELDS = ("id", "is_active", "show_on_leaderboard", "consent_status", "language")
_ACTIVE, _SHOWN, _CONSENT = (
    VIEWER_FIELDS.index(name) for name in ("is_active", "show_on_leaderboard", "consent_status")
)
_UNREAD = object()  # the viewer's row has not been read yet


@lru_cache(maxsize=256)
def _people_sql(count: int | None) -> str:
    # Built once per page size: on the hot path the ORM's query building cost more than the
    # query itself. Column names come from the model, so a renamed field still breaks loudly.
    # `count` None: PostgreSQL's `= ANY(array)`, one parameter and the same text for every page
    # (psycopg converts a query of over 50 parameters afresh on every call). The array is sent
    # as its text, '{1,2,3}': psycopg's list dumper cost more than the rest of the call.
    fields = {field.name: str(field.column) for field in User._meta.concrete_fields}
    columns = ", ".join(fields[name] for name in (*VIEWER_FIELDS, "username", "display_name", "avatar_url", "level"))
    if count is None:
        among = f"= ANY(%s::{User._meta.pk.db_type(connection)}[])"
    else:
        among = f"IN ({', '.join(['%s'] * count)})"
    return f"SELECT {columns} FROM {User._meta.db_table} WHERE {fields['id']} {among}"  # noqa: S608 - model names only


def _people(
    user_ids: list[int], viewer_id: int | None = None
) -> tuple[dict[int, tuple[int, str, str, str, int]], User | None]:
    """Public names of these learners still allowed on the boards, and the viewer's row: one query."""
    ids = sorted(set(user_ids) if viewer_id is None else {*user_ids, viewer_id})
    if not ids:
        return {}, None
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_people_sql(None), ["{" + ",".join(map(str, ids)) + "}"])
        else:
            cursor.execute(_people_sql(len(ids)), ids)
        found = cursor.fetchall()
    width = len(VIEWER_FIELDS)
    people: dict[int, tuple[int, str, str, str, int]] = {}
    viewer = None
    for row in found:
        # Read off the row (VIEWER_FIELDS, then the names): a model instance, or even a dict, for
        # each would cost more than the query.
        uid = row[0]
        if _may_show(row[_SHOWN], row[_ACTIVE], row[_CONSENT]):
            people[uid] = (uid, *row[width:])
        if uid == viewer_id:
            viewer = _user_from(dict(zip(VIEWER_FIELDS, row[:width], strict=True)))
    return people, viewer


def _user_from(values: dict) -> User:
    """A User holding these fields, the others deferred (as `only()` gives; from_db wants the model's order)."""
    names = [field.attname for field in User._meta.concrete_fields if field.attname in values]
    return User.from_db(User.objects.db, names, [values[name] for name in names])


_viewer_row = Prepared(lambda pk: User.objects.only(*VIEWER_FIELDS).filter(pk=pk), int)


def _viewer(viewer_id: int) -> User | None:
    return _viewer_row.first(viewer_id)


def _from_redis(
    client: redis.Redis, period: str, limit: int, user: User | None, around: bool, window: bool, viewer_id: int | None
) -> tuple[Board | None, object]:
    """The board from the sets (None: ask the database) and the viewer's row, or `_UNREAD`."""
    url = settings.REDIS_URL
    if _down_until.get(url, 0) > time.monotonic():
        return None, _UNREAD
    caller_id = user.pk if user is not None else viewer_id
    try:
        found = _redis_board(client, period, limit, caller_id, around, window)
    except redis.RedisError:
        logger.warning("Redis unavailable; leaderboard reads use the database for %.0f s", DOWN_PAUSE)
        _down_until[url] = time.monotonic() + DOWN_PAUSE
        return None, _UNREAD
    _down_until.pop(url, None)
    if found is None:
        return None, _UNREAD
    top, near, me = found
    ranked = top + near
    people, viewer = _people([uid for _, uid, _ in ranked], viewer_id)
    if viewer_id is not None:
        if viewer is None or not viewer.is_active:
            return Board(period, [], None, viewer=viewer), viewer  # the view refuses the token
        user = viewer
    stale = {uid for _, uid, _ in ranked if uid not in people}
    if user is not None and me is not None and not _visible(user):
        stale.add(user.pk)
    if stale:
        # Learners left the board (hidden, deactivated, deleted) without the sets hearing
        # of it: drop them there, and answer this time from the database.
        _drop_members(client, stale)
        return None, viewer if viewer_id is not None else _UNREAD
    tops, nears = ([Row(rank, *people[uid], xp) for rank, uid, xp in part] for part in (top, near))
    if window:
        return Board(period, tops, me, viewer=viewer, around=nears or None), viewer
    return Board(period, nears if around else tops, me, viewer=viewer), viewer


def board(
    *,
    period: str = ALL,
    limit: int = 50,
    user: User | None = None,
    around: bool = False,
    window: bool = False,
    viewer_id: int | None = None,
) -> Board:
    """The top `limit` (or the window around the caller), with the caller's own rank and XP.

    `window`: the top, and in `Board.around` the window around a caller ranked below it, in
    the same read (the page). The caller is `user`, or `viewer_id` when only their token has
    been checked: their row is then read with the page's names and returned as `Board.viewer`
    for the view to confirm (a missing or inactive viewer gets an empty board).
    """
    user = user if user is not None and user.is_authenticated else None
    viewer: object = _UNREAD
    client = _client()
    if client is not None:
        _heal()
        found, viewer = _from_redis(client, period, limit, user, around, window, viewer_id)
        if found is not None:
            return found
    if viewer_id is None:
        return _db_board(period, limit, user, around, window)
    caller = _viewer(viewer_id) if viewer is _UNREAD else cast(User | None, viewer)
    if caller is None or not caller.is_active:
        return Board(period, [], None, viewer=caller)
    answer = _db_board(period, limit, caller, around, window)
    answer.viewer = caller
    return answer


def rebuild_everything(*, timeout: float = 60) -> int:
    """`rebuild_leaderboards`: the database's boards, then the sets. Returns learners on the all-time board.

    Learners who earned while the entries were rewritten are re-read from the ledger after.
    Raises RedisError when Redis is configured and does not answer (the entries stand).
    """
    started = timezone.now()
    written = rebuild_database()
    refresh_entries(_earners_since(started - REBUILD_OVERLAP))
    rebuild(timeout=timeout)
    return written
