"""Leaderboards: all-time (by XP) and weekly (XP earned since Monday 00:00 in TIME_ZONE).

With Redis, two sorted sets answer in O(log n); without it, or while it is down, the
database gives the same answers from indexed queries. Ties: whoever reached the score
first ranks first. Redis scores pack both: xp · 2³² + (2³² − 1 − seconds since EPOCH).
Hidden learners (`show_on_leaderboard=False`) are never written to the sets.
"""

import contextlib
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import redis
from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q, Sum
from django.utils import timezone

from accounts.models import User

from .metrics import XP_TOTAL
from .models import LedgerEntry, UserStat

logger = logging.getLogger(__name__)

ALL, WEEK = "all", "week"
PERIODS = (ALL, WEEK)
SHIFT = 2**32
EPOCH = datetime(2024, 1, 1, tzinfo=ZoneInfo("UTC"))
AROUND = 5

# Adds XP to a member, keeping the "reached at" half of the score current. Atomic in Redis,
# so two app servers recording for one learner never lose an update.
_ADD_XP = """
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
local xp = 0
if score then xp = math.floor(tonumber(score) / 4294967296) end
xp = xp + tonumber(ARGV[2])
redis.call('ZADD', KEYS[1], xp * 4294967296 + tonumber(ARGV[3]), ARGV[1])
if ARGV[4] ~= '0' then redis.call('EXPIRE', KEYS[1], ARGV[4]) end
return xp
"""


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
    return SHIFT - 1 - int((at - EPOCH).total_seconds())


def _decode(score: float) -> int:
    return int(score) // SHIFT


# ---- Redis -------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _client_for(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_connect_timeout=0.3, socket_timeout=0.5)


def _client() -> redis.Redis | None:
    return _client_for(settings.REDIS_URL) if settings.REDIS_URL else None


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
    return user.show_on_leaderboard and user.is_active


def record_after_commit(*, user: User, xp: int, at: datetime) -> None:
    """Add granted XP to the sorted sets once the grant is committed (a rollback leaves no trace)."""
    if not settings.REDIS_URL or not xp or not _visible(user):
        return
    user_id = user.pk
    transaction.on_commit(lambda: _add(user_id, xp, at))


def _add(user_id: int, xp: int, at: datetime) -> None:
    client = _client()
    try:
        script = client.register_script(_ADD_XP)
        member, tie = _member(user_id), _tie(at)
        script(keys=[_key(ALL)], args=[member, xp, tie, 0])
        if at >= week_start():
            script(keys=[_key(WEEK)], args=[member, xp, tie, 15 * 86400])
    except redis.RedisError:
        # The sets are now behind the ledger: drop the marker so reads use the database
        # until `rebuild_leaderboards` (or the next read) restores them.
        logger.warning("leaderboard update failed for user %s; falling back to the database", user_id)
        _forget_ready()


def _forget_ready() -> None:
    with contextlib.suppress(redis.RedisError):  # Redis down: reads use the database anyway
        _client().delete(_ready_key())


def visibility_changed_after_commit(*, user: User) -> None:
    if settings.REDIS_URL:
        transaction.on_commit(lambda: _refresh_member(user.pk))


def _refresh_member(user_id: int) -> None:
    user = User.objects.filter(pk=user_id).first()
    client = _client()
    try:
        pipe = client.pipeline()
        member = _member(user_id)
        pipe.zrem(_key(ALL), member).zrem(_key(WEEK), member)
        if user is not None and _visible(user):
            for period, (xp, reached) in _scores_for(user).items():
                if xp > 0:
                    pipe.zadd(_key(period), {member: xp * SHIFT + _tie(reached)})
        pipe.execute()
    except redis.RedisError:
        _forget_ready()


def rebuild() -> int:
    """Rewrite both sorted sets from the database (the ledger is the record). Returns learners written."""
    client = _client()
    if client is None:
        return 0
    start = week_start()
    all_rows = list(_all_time_queryset().values_list("user_id", "value", "updated_at"))
    week_rows = list(_week_queryset(start).values_list("user", "total", "last"))
    pipe = client.pipeline(transaction=True)
    pipe.delete(_key(ALL), _key(WEEK, start))
    if all_rows:
        pipe.zadd(_key(ALL), {_member(uid): xp * SHIFT + _tie(at) for uid, xp, at in all_rows})
    if week_rows:
        pipe.zadd(_key(WEEK, start), {_member(uid): xp * SHIFT + _tie(at) for uid, xp, at in week_rows})
        pipe.expire(_key(WEEK, start), 15 * 86400)
    pipe.set(_ready_key(), "1")
    pipe.execute()
    return len(all_rows)


def _redis_ready(client: redis.Redis) -> bool:
    if client.exists(_ready_key()):
        return True
    # First read after a flush or an outage: one process rebuilds, the others use the database.
    if client.set(f"{_prefix()}:rebuilding", "1", nx=True, ex=60):
        try:
            rebuild()
        finally:
            client.delete(f"{_prefix()}:rebuilding")
        return True
    return False


# ---- the database ------------------------------------------------------------------


def _visible_users_q(prefix: str) -> Q:
    return Q(**{f"{prefix}show_on_leaderboard": True, f"{prefix}is_active": True})


def _all_time_queryset():
    return UserStat.objects.filter(_visible_users_q("user__"), metric=XP_TOTAL, value__gt=0).order_by(
        "-value", "updated_at", "-user_id"
    )


def _week_queryset(start: datetime):
    return (
        LedgerEntry.objects.filter(_visible_users_q("user__"), created_at__gte=start)
        .exclude(xp=0)
        .values("user")
        .annotate(total=Sum("xp"), last=Max("created_at"))
        .filter(total__gt=0)
        .order_by("-total", "last", "-user")
    )


def _scores_for(user: User) -> dict[str, tuple[int, datetime]]:
    stat = UserStat.objects.filter(user=user, metric=XP_TOTAL).first()
    week = _week_queryset(week_start()).filter(user=user.pk).first()
    return {
        ALL: (stat.value, stat.updated_at) if stat else (0, timezone.now()),
        WEEK: (week["total"], week["last"]) if week else (0, timezone.now()),
    }


def _db_board(
    period: str, limit: int, user: User | None, around: bool
) -> tuple[list[tuple[int, int, int]], dict | None]:
    if period == ALL:
        qs = _all_time_queryset()
        top = list(qs.values_list("user_id", "value")[:limit]) if not around else None
        mine = qs.filter(user=user).values_list("value", "updated_at").first() if user else None
        rank = qs.filter(Q(value__gt=mine[0]) | Q(value=mine[0], updated_at__lt=mine[1])).count() + 1 if mine else None
    else:
        qs = _week_queryset(week_start())
        top = list(qs.values_list("user", "total")[:limit]) if not around else None
        row = qs.filter(user=user.pk).first() if user else None
        mine = (row["total"], row["last"]) if row else None
        rank = qs.filter(Q(total__gt=mine[0]) | Q(total=mine[0], last__lt=mine[1])).count() + 1 if mine else None
    me = {"rank": rank, "xp": mine[0]} if mine else None
    if around:
        if rank is None:
            return [], None
        start = max(rank - 1 - AROUND, 0)
        window = qs.values_list("user_id", "value") if period == ALL else qs.values_list("user", "total")
        top = list(window[start : rank + AROUND])
        return [(start + i + 1, uid, xp) for i, (uid, xp) in enumerate(top)], me
    return [(i + 1, uid, xp) for i, (uid, xp) in enumerate(top)], me


def _redis_board(
    client: redis.Redis, period: str, limit: int, user: User | None, around: bool
) -> tuple[list[tuple[int, int, int]], dict | None]:
    key = _key(period)
    pipe = client.pipeline(transaction=False)
    if user is not None:
        pipe.zrevrank(key, _member(user.pk)).zscore(key, _member(user.pk))
        rank0, score = pipe.execute()
    else:
        rank0, score = None, None
    me = {"rank": rank0 + 1, "xp": _decode(score)} if rank0 is not None else None
    if around:
        if rank0 is None:
            return [], None
        first = max(rank0 - AROUND, 0)
        members = client.zrevrange(key, first, rank0 + AROUND, withscores=True)
    else:
        first = 0
        members = client.zrevrange(key, 0, limit - 1, withscores=True)
    return [(first + i + 1, int(m), _decode(s)) for i, (m, s) in enumerate(members)], me


# ---- reads -------------------------------------------------------------------------


def board(*, period: str = ALL, limit: int = 50, user: User | None = None, around: bool = False) -> Board:
    """The top `limit` (or the window around `user`), with the caller's own rank and XP."""
    user = user if user is not None and user.is_authenticated else None
    ranked, me = None, None
    client = _client()
    if client is not None:
        try:
            if _redis_ready(client):
                ranked, me = _redis_board(client, period, limit, user, around)
        except redis.RedisError:
            logger.warning("Redis unavailable; leaderboard read from the database")
    if ranked is None:
        ranked, me = _db_board(period, limit, user, around)
    people = User.objects.only("id", "username", "display_name", "avatar_url", "level").in_bulk(
        [uid for _, uid, _ in ranked]
    )
    rows = [
        Row(rank, uid, p.username, p.display_name, p.avatar_url, p.level, xp)
        for rank, uid, xp in ranked
        if (p := people.get(uid)) is not None
    ]
    return Board(period=period, results=rows, me=me)
