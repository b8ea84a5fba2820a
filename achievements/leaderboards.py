"""Leaderboards: all-time (by XP) and weekly (XP earned since Monday 00:00 in TIME_ZONE).

With Redis, two sorted sets answer in O(log n); without it, or while it is down, the
database gives the same answers from indexed queries. Ties: whoever reached the score
first ranks first, to the second; learners who reached it in the same second are ordered
by id, newest account first (the order Redis gives equal scores of zero-padded members).
Redis scores pack both: xp · 2³² + (2³² − 1 − seconds since EPOCH), exact while xp < 2²¹.
"Reached" is the time of the learner's last XP change (all-time) or of their last XP entry
this week (weekly). Hidden (`show_on_leaderboard=False`) and inactive learners are never
written to the sets, and are dropped from them when that changes.
"""

import contextlib
import logging
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import cast
from zoneinfo import ZoneInfo

import redis
from django.conf import settings
from django.db import transaction
from django.db.models import F, Max, Q, Sum
from django.db.models.functions import TruncSecond
from django.utils import timezone
from redis.backoff import NoBackoff
from redis.retry import Retry

from accounts.models import ConsentStatus, User
from core.metrics import XP_TOTAL

from .models import LedgerEntry, UserStat

logger = logging.getLogger(__name__)

ALL, WEEK = "all", "week"
PERIODS = (ALL, WEEK)
SHIFT = 2**32
EPOCH = datetime(2024, 1, 1, tzinfo=ZoneInfo("UTC"))
AROUND = 5

# Adds XP to a member, keeping the "reached at" half of the score current. Atomic in Redis,
# so two app servers recording for one learner never lose an update. The later of the two
# times wins (the smaller tie value): callbacks of two commits may run in either order.
# A learner whose XP falls to zero leaves the set, as the database leaves them out.
# The score goes to ZADD as a formatted integer so no Lua number formatting can round it.
_ADD_XP = """
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
local xp = 0
local tie = tonumber(ARGV[3])
if score then
  score = tonumber(score)
  xp = math.floor(score / 4294967296)
  tie = math.min(tie, score - xp * 4294967296)
end
xp = xp + tonumber(ARGV[2])
if xp <= 0 then
  redis.call('ZREM', KEYS[1], ARGV[1])
  return 0
end
redis.call('ZADD', KEYS[1], string.format('%.0f', xp * 4294967296 + tie), ARGV[1])
if ARGV[4] ~= '0' then redis.call('EXPIRE', KEYS[1], ARGV[4]) end
return xp
"""
WEEK_TTL = 15 * 86400
READY_TTL = 3600
REBUILD_OVERLAP = timedelta(minutes=2)
HEAL_WINDOW = timedelta(minutes=10)


@dataclass
class Row:
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


# ---- time --------------------------------------------------------------------------


def week_start(now: datetime | None = None) -> datetime:
    """Monday 00:00 of the current week in TIME_ZONE, as an aware datetime."""
    local = (now or timezone.now()).astimezone(ZoneInfo(settings.TIME_ZONE))
    monday = local.date() - timedelta(days=local.weekday())
    return datetime(monday.year, monday.month, monday.day, tzinfo=ZoneInfo(settings.TIME_ZONE))


def _tie(at: datetime) -> int:
    # Whole seconds, as TruncSecond gives the database; clamped so a time outside
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
    # A minor waiting for a guardian's consent stands on no board until they approve.
    return user.show_on_leaderboard and user.is_active and not user.consent_pending


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


def _add(user_id: int, xp: int, at: datetime) -> None:
    client = _client()
    if client is None:
        return
    _heal()
    try:
        script = client.register_script(_ADD_XP)
        member, tie = _member(user_id), _tie(at)
        script(keys=[_key(ALL)], args=[member, xp, tie, 0])
        if at >= week_start():
            script(keys=[_key(WEEK)], args=[member, xp, tie, WEEK_TTL])
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


def visibility_changed_after_commit(*, user: User) -> None:
    """Re-read one learner's place in the sets once their visibility change commits."""
    if settings.REDIS_URL:
        user_id = user.pk
        transaction.on_commit(lambda: _refresh_members([user_id]))


def _score(xp: int, reached: datetime) -> int:
    return xp * SHIFT + _tie(reached)


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
            for key, rows in ((_key(ALL), _all_time_queryset()), (_key(WEEK, start), _week_queryset(start))):
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
        _key(ALL): _all_time_queryset().values_list("uid", "score", "reached"),
        _key(WEEK, start): _week_queryset(start).values_list("uid", "score", "reached"),
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


def _redis_ready(client: redis.Redis) -> bool:
    # Until the scheduler's `heal_leaderboards` rebuilds them (after a flush, an outage or
    # the marker's hourly expiry), reads use the database: no rebuild runs inside a request.
    return bool(client.exists(_ready_key()))


# ---- healing (the scheduler's work, once a minute) -------------------------------------


@dataclass
class Healed:
    rebuilt: bool  # the sets were rebuilt from scratch (no ready marker)
    learners: int  # learners written: the whole board after a rebuild, else the recent earners


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


def differences(*, timeout: float = 60) -> list[str]:
    """Where the sets disagree with the database on a learner's XP (empty: both boards agree)."""
    client = _client(timeout=timeout)
    if client is None:
        return []
    if not client.exists(_ready_key()):
        return ["the sets are not marked ready: reads use the database until the next heal rebuilds them"]
    start = week_start()
    found = []
    for period, key, rows in ((ALL, _key(ALL), _all_time_queryset()), (WEEK, _key(WEEK, start), _week_queryset(start))):
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
# Both boards are querysets of (uid, score, reached), best first, so ranking, windows and
# the rebuild read them the same way.


def _visible_users_q(prefix: str) -> Q:
    return Q(**{f"{prefix}show_on_leaderboard": True, f"{prefix}is_active": True}) & ~Q(
        **{f"{prefix}consent_status": ConsentStatus.PENDING}
    )


def _all_time_queryset():
    return (
        UserStat.objects.filter(_visible_users_q("user__"), metric=XP_TOTAL, value__gt=0)
        .annotate(uid=F("user_id"), score=F("value"), reached=TruncSecond("updated_at", tzinfo=UTC))
        .order_by("-score", "reached", "-uid")
    )


def _week_queryset(start: datetime):
    return (
        LedgerEntry.objects.filter(_visible_users_q("user__"), created_at__gte=start)
        .exclude(xp=0)
        .values(uid=F("user_id"))
        .annotate(score=Sum("xp"), reached=TruncSecond(Max("created_at"), tzinfo=UTC))
        .filter(score__gt=0)
        .order_by("-score", "reached", "-uid")
    )


def _ahead_of(score: int, reached: datetime, uid: int) -> Q:
    """Rows that rank above (score, reached, uid): the same order as the querysets and Redis."""
    return Q(score__gt=score) | Q(score=score, reached__lt=reached) | Q(score=score, reached=reached, uid__gt=uid)


def _db_board(
    period: str, limit: int, user: User | None, around: bool
) -> tuple[list[tuple[int, int, int]], dict | None]:
    qs = _all_time_queryset() if period == ALL else _week_queryset(week_start())
    mine = qs.filter(uid=user.pk).values_list("score", "reached").first() if user else None
    rank = qs.filter(_ahead_of(mine[0], mine[1], user.pk)).count() + 1 if user and mine else None
    me = {"rank": rank, "xp": mine[0]} if mine else None
    if around:
        if rank is None:
            return [], None
        first = max(rank - 1 - AROUND, 0)
        window = list(qs.values_list("uid", "score")[first : rank + AROUND])
    else:
        first = 0
        window = list(qs.values_list("uid", "score")[:limit])
    return [(first + i + 1, uid, xp) for i, (uid, xp) in enumerate(window)], me


def _redis_board(
    client: redis.Redis, period: str, limit: int, user: User | None, around: bool
) -> tuple[list[tuple[int, int, int]], dict | None]:
    key = _key(period)
    rank0: int | None = None
    me = None
    if user is not None:
        pipe = client.pipeline(transaction=False)
        pipe.zrevrank(key, _member(user.pk))
        pipe.zscore(key, _member(user.pk))
        rank0, score = pipe.execute()
        if rank0 is not None:
            me = {"rank": rank0 + 1, "xp": _decode(score)}
    if around:
        if rank0 is None:
            return [], None
        first = max(rank0 - AROUND, 0)
        members = _scored_range(client, key, first, rank0 + AROUND)
    else:
        first = 0
        members = _scored_range(client, key, 0, limit - 1)
    return [(first + i + 1, int(m), _decode(s)) for i, (m, s) in enumerate(members)], me


def _scored_range(client: redis.Redis, key: str, start: int, end: int) -> list[tuple[bytes, float]]:
    """ZREVRANGE with scores: (member, score) pairs. redis-py types the result for any `withscores`."""
    return cast("list[tuple[bytes, float]]", client.zrevrange(key, start, end, withscores=True))


# ---- reads -------------------------------------------------------------------------


def _people(user_ids: list[int]) -> dict[int, User]:
    visible = User.objects.filter(_visible_users_q(""))
    return visible.only("id", "username", "display_name", "avatar_url", "level").in_bulk(user_ids)


def board(*, period: str = ALL, limit: int = 50, user: User | None = None, around: bool = False) -> Board:
    """The top `limit` (or the window around `user`), with the caller's own rank and XP."""
    user = user if user is not None and user.is_authenticated else None
    ranked, me, people = None, None, {}
    client = _client()
    if client is not None:
        _heal()
        try:
            if _redis_ready(client):
                ranked, me = _redis_board(client, period, limit, user, around)
        except redis.RedisError:
            logger.warning("Redis unavailable; leaderboard read from the database")
        if ranked is not None:
            people = _people([uid for _, uid, _ in ranked])
            stale = {uid for _, uid, _ in ranked if uid not in people}
            if user is not None and me is not None and not _visible(user):
                stale.add(user.pk)
            if stale:
                # Learners left the board (hidden, deactivated, deleted) without the sets hearing
                # of it: drop them there, and answer this time from the database.
                _drop_members(client, stale)
                ranked = None
    if ranked is None:
        ranked, me = _db_board(period, limit, user, around)
        people = _people([uid for _, uid, _ in ranked])
    rows = [
        Row(rank, uid, p.username, p.display_name, p.avatar_url, p.level, xp)
        for rank, uid, xp in ranked
        if (p := people.get(uid)) is not None
    ]
    return Board(period=period, results=rows, me=me)
