"""The project's PostgreSQL backend (`base`), and `unprepared` for bulk work."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections


@contextmanager
def unprepared(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Statements inside are planned for their own parameters each time, never prepared.

    For bulk work that runs one statement over and over with long `IN` lists (rebuilding the
    boards 500 learners at a time). Once psycopg prepares such a statement, PostgreSQL may
    settle on a generic plan, costed without the values: for the board entries of 500
    learners it scans both boards (240,000 rows, 1.5 s) where the values' own plan reads 1,000
    index entries. Requests keep the prepared statements (settings: `prepare_threshold`).
    Also a decorator: `@unprepared()`. Nothing changes on another database.
    """
    wrapper = connections[using]
    if wrapper.vendor != "postgresql":
        yield
        return
    wrapper.ensure_connection()
    raw = wrapper.connection
    before = raw.prepare_threshold
    raw.prepare_threshold = None  # psycopg neither prepares nor uses prepared statements
    try:
        yield
    finally:
        if wrapper.connection is raw:  # not closed and replaced meanwhile
            raw.prepare_threshold = before
