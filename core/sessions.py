"""Django's database sessions, with the read every signed-in page makes done by a prepared query.

`SESSION_ENGINE = "core.sessions"`. Each page request loads its session by key; through the ORM
that read cost more to build and compile than PostgreSQL took to answer it (`core.prepared`).
Writes, expiry and the `clearsessions` command are Django's own.
"""

from datetime import datetime

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.db.models import QuerySet
from django.utils import timezone

from .prepared import Prepared


def _live(session_key: str, now: datetime) -> QuerySet[Session]:
    return Session.objects.filter(session_key=session_key, expire_date__gt=now)


_live_session = Prepared(_live, str, datetime)


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        found = _live_session.first(self.session_key, timezone.now())
        if found is None:
            self._session_key = None  # as Django's: an unknown or expired key starts a new session
        return found
