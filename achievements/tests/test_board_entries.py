"""The database's boards: totals kept as XP is earned, ranks from score counts, rebuilds from the ledger."""

import io
from datetime import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from accounts.services import update_profile
from accounts.tests.factories import UserFactory
from achievements import leaderboards, services
from achievements.models import BoardEntry, BoardScore, BoardScoreChange, LedgerEntry, UserStat
from conftest import run_together
from core import metrics

from .reward_helpers import TIRANE, boards_fixture, clock_fixture, earn  # noqa: F401

pytestmark = pytest.mark.django_db

WEEK = "2025-05-12"  # the clock's week: Wednesday 14 May 2025


@pytest.fixture(autouse=True)
def _database_only(settings):
    settings.REDIS_URL = ""


def entries(user):
    return dict(BoardEntry.objects.filter(user=user).values_list("board", "xp"))


def counted() -> dict[tuple[str, int], int]:
    """Learners per (board, score) as the ranks see them: the folded counts plus the changes not folded yet."""
    found: dict[tuple[str, int], int] = {}
    for board, xp, n in BoardScore.objects.values_list("board", "xp", "learners"):
        found[(board, xp)] = found.get((board, xp), 0) + n
    for board, xp, n in BoardScoreChange.objects.values_list("board", "xp", "change"):
        found[(board, xp)] = found.get((board, xp), 0) + n
    return {key: n for key, n in found.items() if n}


def recounted() -> dict[tuple[str, int], int]:
    rows = BoardEntry.objects.filter(xp__gt=0).values("board", "xp").annotate(n=Count("pk"))
    return {(board, xp): n for board, xp, n in rows.values_list("board", "xp", "n")}


def ranking(board):
    return [(row.rank, row.username, row.xp) for row in board.results]


# ---- kept as XP is earned -------------------------------------------------------------


def test_a_grant_moves_the_all_time_and_weekly_totals_in_its_transaction(clock):
    user = UserFactory()
    clock.set(datetime(2025, 5, 8, 10, tzinfo=TIRANE))  # last week
    earn(user, 500)
    clock.set(datetime(2025, 5, 13, 10, 0, 0, 250_000, tzinfo=TIRANE))
    earn(user, 30)
    earn(user, 12)

    assert entries(user) == {"all": 542, "2025-05-05": 500, WEEK: 42}
    assert BoardEntry.objects.get(user=user, board=WEEK).reached_at == datetime(2025, 5, 13, 10, tzinfo=TIRANE)
    assert counted() == recounted()


def test_a_correction_below_zero_for_the_week_is_kept_exactly_but_ranks_nowhere(clock):
    user, other = UserFactory(username="user"), UserFactory(username="other")
    clock.set(datetime(2025, 5, 8, 10, tzinfo=TIRANE))
    earn(user, 100)
    clock.set(datetime(2025, 5, 13, 10, tzinfo=TIRANE))
    earn(user, 30)
    earn(other, 5)
    services.adjust(user=user, xp=-50, coins=0, note="Counted twice")  # the week is now at -20

    assert entries(user)[WEEK] == -20
    assert ranking(leaderboards.board(period="week")) == [(1, "other", 5)]
    assert leaderboards.board(period="week", user=user).me is None
    earn(user, 30)  # back to 10 for the week, not 30
    assert ranking(leaderboards.board(period="week", user=user)) == [(1, "user", 10), (2, "other", 5)]
    assert counted() == recounted()


def test_hidden_and_consent_pending_learners_get_no_entries(clock):
    hidden = UserFactory(show_on_leaderboard=False)
    pending = UserFactory(consent_status="pending")
    earn(hidden, 40)
    earn(pending, 40)
    assert BoardEntry.objects.count() == 0
    assert counted() == {}


def test_hiding_and_showing_again_rereads_the_learner_from_the_ledger(clock):
    user, other = UserFactory(username="user"), UserFactory(username="other")
    earn(user, 300)
    earn(other, 100)
    update_profile(user=user, show_on_leaderboard=False)
    assert entries(user) == {}
    assert leaderboards.board(period="all", user=other).me == {"rank": 1, "xp": 100}

    earn(user, 50)  # earned while hidden: on no board, but in the ledger
    clock.tick(seconds=5)
    update_profile(user=user, show_on_leaderboard=True)

    assert entries(user) == {"all": 350, WEEK: 350}
    assert leaderboards.board(period="week", user=other).me == {"rank": 2, "xp": 100}
    assert counted() == recounted()


def test_a_deleted_learner_leaves_the_counts_too(clock):
    stays, deleted = UserFactory(username="stays"), UserFactory(username="deleted")
    earn(deleted, 90)
    earn(stays, 10)
    leaderboards.fold_score_changes()

    deleted.delete()

    assert leaderboards.board(period="all", user=stays).me == {"rank": 1, "xp": 10}
    assert counted() == recounted()


# ---- ranks from counts -------------------------------------------------------------------


def test_ranks_are_the_same_before_and_after_the_counts_are_folded(clock):
    users = [UserFactory(username=f"p{i:02d}") for i in range(12)]
    for index, user in enumerate(users):
        clock.tick(seconds=index % 3)  # some reach the same score in the same second
        earn(user, 100 + 10 * (index % 4))
    earn(users[0], 25)

    def standings():
        return [
            leaderboards.board(period=p, user=u, around=a).me for p in ("all", "week") for u in users for a in (0, 1)
        ]

    before = standings()
    assert BoardScoreChange.objects.exists()
    folded = leaderboards.fold_score_changes(limit=7)  # in several rounds

    assert folded > 7
    assert not BoardScoreChange.objects.exists()
    assert standings() == before
    assert counted() == recounted()
    assert sorted(me["rank"] for me in before[:24:2]) == list(range(1, 13))


def test_around_me_seeks_from_the_callers_place(clock):
    users = [UserFactory(username=f"p{i:02d}") for i in range(20)]
    for index, user in enumerate(users):
        clock.tick(seconds=1)
        earn(user, 1000 - 10 * (index // 2))  # pairs share a score, a second apart
    leaderboards.fold_score_changes()

    board = leaderboards.board(period="week", user=users[13], around=True)

    assert board.me == {"rank": 14, "xp": 940}
    assert [(row.rank, row.username) for row in board.results] == [(r, f"p{r - 1:02d}") for r in range(9, 20)]


def test_board_reads_write_nothing_and_their_queries_stay_flat_as_learners_grow(clock):
    caller = UserFactory()
    counts = []
    for batch in (3, 80):
        for user in UserFactory.create_batch(batch):
            clock.tick(seconds=1)
            earn(user, 10 + user.pk % 7)
        earn(caller, 11)
        for period in ("all", "week"):
            for around in (False, True):
                with CaptureQueriesContext(connection) as queries:
                    board = leaderboards.board(period=period, user=caller, around=around)
                assert board.me is not None
                assert all(q["sql"].lstrip("( ").upper().startswith("SELECT") for q in queries.captured_queries)
                counts.append(len(queries))
    assert counts[:4] == counts[4:]
    # The page with its names and the caller's rank in one query; around: the standing, then the window.
    assert counts[:4] == [1, 2, 1, 2]


def test_a_grant_costs_the_same_queries_on_a_big_board(clock):
    def queries_for_grants():
        user = UserFactory()
        with CaptureQueriesContext(connection) as first:
            earn(user, 5)  # a learner's first XP: new entries
        with CaptureQueriesContext(connection) as next_:
            earn(user, 7)  # on the boards already: updates
        return len(first), len(next_)

    small = queries_for_grants()
    for user in UserFactory.create_batch(60):
        earn(user, 5 + user.pk % 9)
    assert queries_for_grants() == small
    assert small[1] <= 16  # the board's part: one read of the entries, two writes, one insert of counts


# ---- rebuilds ----------------------------------------------------------------------------


def test_rebuild_uses_the_users_xp_and_the_ledger_not_the_stats(clock, capsys):
    kept, other = UserFactory(username="kept"), UserFactory(username="other")
    earn(kept, 70)
    clock.tick(seconds=3)
    earn(other, 70)
    UserStat.objects.filter(user=kept, metric=metrics.XP_TOTAL).delete()  # a stats row gone missing
    BoardEntry.objects.all().delete()
    BoardScore.objects.all().delete()
    BoardScoreChange.objects.all().delete()

    call_command("rebuild_leaderboards")

    assert "2 learner(s)" in capsys.readouterr().out
    assert ranking(leaderboards.board(period="all")) == [(1, "kept", 70), (2, "other", 70)]
    assert ranking(leaderboards.board(period="week")) == [(1, "kept", 70), (2, "other", 70)]
    assert counted() == recounted()
    assert not BoardScoreChange.objects.exists()


def test_rebuild_replaces_wrong_entries_and_drops_weeks_before_last(clock):
    user = UserFactory()
    earn(user, 40)
    BoardEntry.objects.filter(user=user).update(xp=999)
    BoardEntry.objects.create(user=user, board="2025-04-28", xp=5, reached_at=clock.now)
    BoardScore.objects.create(board="2025-04-28", xp=5, learners=1)

    leaderboards.rebuild_everything()

    assert entries(user) == {"all": 40, WEEK: 40}
    assert not BoardScore.objects.filter(board="2025-04-28").exists()
    assert counted() == recounted()


def test_heal_folds_the_score_changes_without_redis(clock, capsys):
    earn(UserFactory(), 10)
    earn(UserFactory(), 20)

    call_command("heal_leaderboards")

    assert "4 score change(s) folded" in capsys.readouterr().out
    assert not BoardScoreChange.objects.exists()
    assert counted() == recounted() == {("all", 10): 1, ("all", 20): 1, (WEEK, 10): 1, (WEEK, 20): 1}


def test_weekly_totals_are_not_summed_from_the_ledger_on_a_read(clock):
    user = UserFactory()
    earn(user, 10)
    with CaptureQueriesContext(connection) as queries:
        leaderboards.board(period="week", user=user)
    assert not any(LedgerEntry._meta.db_table in q["sql"] for q in queries.captured_queries)


# ---- PostgreSQL: grants at the same moment -------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_grants_lose_no_xp_and_no_count(settings):
    settings.REDIS_URL = ""
    one = UserFactory()
    many = UserFactory.create_batch(10)
    earn(one, 5)
    for user in many:
        earn(user, 5)  # ten learners on one score: every grant below moves its count

    def work(index):
        earn(one, 1 + index % 3)
        earn(many[index % 10], 7)

    _, errors = run_together(20, work)

    assert errors == []
    one.refresh_from_db()
    assert one.xp == 5 + sum(1 + i % 3 for i in range(20))
    assert entries(one) == {"all": one.xp, leaderboards._board_name("week"): one.xp}
    assert sorted(BoardEntry.objects.filter(board="all", user__in=many).values_list("xp", flat=True)) == [19] * 10
    assert counted() == recounted()
    call_command("heal_leaderboards", stdout=io.StringIO())
    assert not BoardScoreChange.objects.exists()
    assert counted() == recounted()
    assert leaderboards.board(period="all", user=one).me == {"rank": 1, "xp": one.xp}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_grants_during_a_rebuild_leave_entries_and_counts_exact(settings):
    settings.REDIS_URL = ""
    learners = learners_with(8, xp=10)

    def work(index):
        if index == 0:
            leaderboards.rebuild_everything()
        else:
            for _ in range(3):
                earn(learners[index % 8], 5)
                earn(UserFactory(), 4)  # new to the boards while the rebuild runs

    _, errors = run_together(9, work)

    assert errors == []
    for user in learners:
        user.refresh_from_db()
        assert entries(user)["all"] == user.xp
    assert counted() == recounted()
    leaderboards.fold_score_changes()
    assert counted() == recounted()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_board_maintenance_runs_unprepared_so_long_id_lists_get_their_own_plans(settings):
    # A prepared statement over 500 learners' entries settles on a generic plan that scans
    # both boards (1.5 s a chunk at a million learners); rebuilds and heals plan each chunk.
    settings.REDIS_URL = ""
    learners = learners_with(3, xp=10)
    connection.close()
    for _ in range(7):
        leaderboards.refresh_entries([user.pk for user in learners])
    leaderboards.rebuild_database()

    assert BoardEntry._meta.db_table not in prepared_statements()
    assert {user.pk: entries(user)["all"] for user in learners} == {user.pk: 10 for user in learners}
    for _ in range(7):  # a request's statements are still prepared after it
        BoardEntry.objects.filter(user=learners[0], board="all").get()
    assert BoardEntry._meta.db_table in prepared_statements()


def learners_with(count: int, *, xp: int) -> list:
    learners = UserFactory.create_batch(count)
    for user in learners:
        earn(user, xp)
    return learners


def prepared_statements() -> str:
    """The SQL of the statements this connection has prepared on the server."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return " ".join(row[0] for row in cursor.fetchall())
