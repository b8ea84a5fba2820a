"""Django's PostgreSQL backend, with the per-request health check only where it can matter.

`CONN_HEALTH_CHECKS` makes Django send `SELECT 1` before a persistent connection's first
statement in every request: a round trip on every request that reads anything, a third of
the statements of a typical GET. A connection that answered a moment ago answers its next
statement as surely as it answers `SELECT 1`: only one that has sat idle may have been cut
(a PostgreSQL restart, a failover, an idle timeout) without its worker noticing. So the
check runs only after IDLE_BEFORE_CHECK seconds without a statement. A restart that
outruns it costs at most one 503 per connection that was busy right up to it: Django
then closes that connection at the end of the request, as it does for any failed one.
"""

import time

from django.db.backends.postgresql import base

IDLE_BEFORE_CHECK = 1.0  # seconds


class DatabaseWrapper(base.DatabaseWrapper):
    last_used = float("-inf")  # time.monotonic() of the last cursor

    def create_cursor(self, name=None):
        cursor = super().create_cursor(name)
        self.last_used = time.monotonic()
        return cursor

    def close_if_health_check_failed(self):
        if self.connection is not None and time.monotonic() - self.last_used < IDLE_BEFORE_CHECK:
            self.health_check_done = True
            return
        super().close_if_health_check_failed()
