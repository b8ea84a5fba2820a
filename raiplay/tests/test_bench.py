"""`manage.py bench_data` and the bench-only floor view and query counter (`make bench` runs them at scale)."""

from io import StringIO
from urllib.parse import urlencode

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import clear_url_caches, reverse
from rest_framework.test import APIClient

from accounts.models import User
from achievements.models import LedgerEntry, UserAchievement, UserStat
from achievements.selectors import ledger_mismatches
from games.models import Attempt, UserGame
from raiplay.management.commands.bench_data import BENCH_PASSWORD, PREFIX
from videos.models import VideoLike, VideoView

pytestmark = pytest.mark.django_db
LEARNERS = 300


def load(users: int = LEARNERS, **options) -> str:
    out = StringIO()
    call_command("bench_data", users=users, no_progress=True, stdout=out, **options)
    return out.getvalue()


def bench(model):
    return model.objects.filter(user__username__startswith=PREFIX)


def test_bench_data_loads_learners_whose_balances_match_the_ledger_once():
    load()

    assert User.objects.filter(username__startswith=PREFIX).count() == LEARNERS
    assert ledger_mismatches() == []
    out, err = StringIO(), StringIO()
    call_command("check_ledger", stdout=out, stderr=err)
    assert "Ledger OK" in out.getvalue() and err.getvalue() == ""
    # The spread of DESIGN's scale: a fifth with a game history, ~3 ledger entries and ~0.6 likes a learner.
    assert bench(UserGame).values("user").distinct().count() == LEARNERS // 5
    assert bench(Attempt).count() >= bench(UserGame).count() > LEARNERS // 5
    assert 2.0 * LEARNERS <= bench(LedgerEntry).count() <= 4.0 * LEARNERS
    assert 0.4 * LEARNERS <= bench(VideoLike).count() <= 0.8 * LEARNERS
    assert bench(VideoView).count() == bench(LedgerEntry).filter(reason="video").count()
    assert bench(UserAchievement).count() == bench(LedgerEntry).filter(reason="achievement").count() > 0
    # Stats are the receivers' counters: xp_total is each active learner's XP.
    xp_stats = dict(bench(UserStat).filter(metric="xp_total").values_list("user_id", "value"))
    active = dict(User.objects.filter(username__startswith=PREFIX, xp__gt=0).values_list("pk", "xp"))
    assert xp_stats == active and active
    # Every bench learner signs in with the one bench password.
    response = APIClient().post(
        "/api/v1/auth/login",
        urlencode({"username": f"{PREFIX}0000005", "password": BENCH_PASSWORD}),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200, response.content
    # Loading again does nothing; another size is refused.
    before = bench(LedgerEntry).count()

    assert "already loaded" in load()
    with pytest.raises(CommandError, match="already holds 300 bench learners"):
        load(users=LEARNERS + 1)

    assert bench(LedgerEntry).count() == before
    assert User.objects.filter(username__startswith=PREFIX).count() == LEARNERS


def test_bench_data_statements_do_not_grow_with_the_learners_of_a_chunk():
    load(users=1)  # the content is there from now on
    User.objects.filter(username__startswith=PREFIX).delete()
    with CaptureQueriesContext(connection) as small:
        load(users=40, chunk=5000)
    User.objects.filter(username__startswith=PREFIX).delete()
    with CaptureQueriesContext(connection) as large:
        load(users=120, chunk=5000)  # (batches of 1,000 rows on SQLite: stay under one)

    assert len(large.captured_queries) == len(small.captured_queries)


@pytest.fixture
def bench_mode(settings):
    settings.BENCH_MODE = True
    settings.MIDDLEWARE = ["raiplay.bench.QueryCountMiddleware", *settings.MIDDLEWARE]
    import importlib

    import raiplay.urls

    importlib.reload(raiplay.urls)
    clear_url_caches()
    yield
    settings.BENCH_MODE = False
    importlib.reload(raiplay.urls)
    clear_url_caches()


def test_the_floor_answers_json_of_the_size_asked_without_the_database(bench_mode):
    with CaptureQueriesContext(connection) as queries:
        response = Client().get("/bench/floor/?bytes=3000")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert 2800 <= len(response.content) <= 3200
    assert response["X-Bench-Queries"] == "0"
    assert queries.captured_queries == []


def test_the_query_counter_counts_a_routes_statements(bench_mode):
    user = User.objects.create_user(username="counted", email="counted@example.com", password="x-Pa55-phrase")
    api = APIClient()
    api.force_authenticate(user)

    with CaptureQueriesContext(connection) as queries:
        response = api.get("/api/v1/users/me")

    assert response.status_code == 200
    assert int(response["X-Bench-Queries"]) == len(queries.captured_queries) > 0


def test_without_bench_mode_there_is_no_floor_and_no_counter():
    assert Client().get("/bench/floor/").status_code == 404
    assert "X-Bench-Queries" not in Client().get(reverse("home"))
