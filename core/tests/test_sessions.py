"""core.sessions: Django's database sessions, read by a prepared query."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from core.sessions import SessionStore

pytestmark = pytest.mark.django_db


def test_the_project_uses_it():
    assert settings.SESSION_ENGINE == "core.sessions"


def test_a_live_session_loads_in_one_query(django_assert_num_queries):
    saved = SessionStore()
    saved["learner"] = 7
    saved.create()

    with django_assert_num_queries(1):
        loaded = SessionStore(saved.session_key).load()

    assert loaded == {"learner": 7}


def test_an_expired_or_unknown_session_is_empty_and_gets_a_new_key():
    saved = SessionStore()
    saved["learner"] = 7
    saved.create()
    Session.objects.filter(session_key=saved.session_key).update(expire_date=timezone.now() - timedelta(seconds=1))

    expired = SessionStore(saved.session_key)
    unknown = SessionStore("x" * 32)

    assert expired.load() == {} and expired.session_key is None
    assert unknown.load() == {} and unknown.session_key is None
