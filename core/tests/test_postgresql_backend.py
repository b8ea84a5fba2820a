"""The PostgreSQL connection on real PostgreSQL: the health check runs only on a connection that sat
idle (core/postgresql/base.py), and hot statements are prepared on the server (settings)."""

import time

import pytest
from django.db import OperationalError, connection, connections
from django.db.utils import InterfaceError
from rest_framework.test import APIClient

from accounts.models import User
from accounts.tests.factories import UserFactory
from accounts.tokens import token_pair
from core.postgresql import unprepared
from core.postgresql.base import IDLE_BEFORE_CHECK

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def checks(monkeypatch):
    """Each health check Django runs (its own `is_usable`, counted, still run)."""
    made = []
    real = connection.is_usable
    monkeypatch.setattr(connection, "is_usable", lambda: made.append(1) or real())
    return made


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def cut_from_outside(pid: int) -> None:
    """What a PostgreSQL restart does to a connection: its server process ends."""
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        other.close()


def next_request() -> None:
    connection.close_if_unusable_or_obsolete()  # what Django does as each request starts


def test_a_connection_used_a_moment_ago_goes_unchecked(checks):
    backend_pid()
    next_request()
    backend_pid()
    assert checks == []


def test_a_connection_idle_for_a_while_is_checked_and_replaced_when_it_was_cut(checks):
    pid = backend_pid()
    cut_from_outside(pid)
    next_request()
    time.sleep(IDLE_BEFORE_CHECK + 0.1)
    assert backend_pid() != pid  # no error: the check found it dead and reconnected
    assert checks == [1]


def test_one_cut_right_after_use_fails_one_statement_and_the_next_request_reconnects(checks):
    pid = backend_pid()
    cut_from_outside(pid)
    with pytest.raises((OperationalError, InterfaceError)):
        backend_pid()  # the request's 503 (core.errors)
    next_request()  # the failed connection is checked and closed
    assert backend_pid() != pid


def prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def test_a_statement_is_prepared_on_the_server_once_it_has_run_five_times():
    learner = UserFactory()
    connection.close()  # a new connection: none of the earlier tests' statements
    read = User.objects.filter(pk=learner.pk, is_active=True)
    for _ in range(5):
        assert read.get() == learner
    assert not [sql for sql in prepared_statements() if '"is_active"' in sql]
    assert read.get() == learner  # the sixth run prepares it: the next ones skip parse and plan
    found = [sql for sql in prepared_statements() if '"is_active"' in sql]
    assert len(found) == 1
    assert "$1" in found[0]  # bound on the server: one statement whatever the learner


def test_the_api_reads_of_a_learner_are_prepared_after_a_few_requests():
    learner = UserFactory()
    connection.close()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_pair(learner)['access_token']}")
    for _ in range(7):
        assert client.get("/api/v1/users/me").status_code == 200
    tables = " ".join(prepared_statements())
    assert User._meta.db_table in tables


def test_inside_unprepared_a_statement_is_never_prepared_and_after_it_is_again():
    learner = UserFactory()
    connection.close()
    read = User.objects.filter(pk=learner.pk, is_active=True)
    with unprepared():
        for _ in range(8):
            assert read.get() == learner
        with unprepared():  # nested: the outer block's setting comes back, not the default
            read.get()
        read.get()
    assert not [sql for sql in prepared_statements() if '"is_active"' in sql]
    for _ in range(6):
        read.get()
    assert len([sql for sql in prepared_statements() if '"is_active"' in sql]) == 1
