"""/api/v1/health/ for load balancers: 200 while the database answers, 503 when it does not."""

import json
import socket

import pytest
from django.db import connections

from accounts.tests.processes import request_in_child

HEALTH = "/api/v1/health/"


@pytest.fixture
def closed_port() -> int:
    """A local TCP port nothing listens on: bound, then released."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def answer(result) -> tuple[int, dict]:
    status, _, body = result.stdout.strip().partition(" ")
    assert status, result.stderr
    return int(status), json.loads(body)


@pytest.mark.django_db
def test_health_reports_database_and_cache(api, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        response = api.get(HEALTH)

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}


def test_health_is_503_when_the_database_is_unreachable(closed_port):
    # A real app server whose database is a port where nothing answers.
    result = request_in_child("get", HEALTH, DATABASE_URL=f"postgres://postgres@127.0.0.1:{closed_port}/raiplay")

    assert answer(result) == (503, {"status": "error", "database": "down", "cache": "ok"})


def test_health_reports_the_cache_down_but_stays_up_without_redis(closed_port, tmp_path):
    result = request_in_child(
        "get",
        HEALTH,
        DATABASE_URL=f"sqlite:///{tmp_path / 'health.sqlite3'}",
        REDIS_URL=f"redis://127.0.0.1:{closed_port}/0",
    )

    assert answer(result) == (200, {"status": "ok", "database": "ok", "cache": "down"})


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_health_is_503_when_the_live_connection_loses_postgres(api, closed_port):
    connection = connections["default"]
    port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = closed_port
    try:
        response = api.get(HEALTH)
    finally:
        connection.close()
        connection.settings_dict["PORT"] = port

    assert response.status_code == 503
    assert response.json()["database"] == "down"
    assert api.get(HEALTH).status_code == 200
