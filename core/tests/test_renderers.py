"""The API's JSON renderer (core/renderers.py) writes exactly what DRF's own would, faster."""

import datetime as dt
import uuid
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import models
from django.utils.translation import gettext_lazy, override
from rest_framework import renderers

from core.renderers import JSONRenderer


class Kind(models.TextChoices):
    QUEST = "quest", "Quest"


class Stars(models.IntegerChoices):
    THREE = 3, "Three"


def _rows():
    yield {"id": 1}
    yield {"id": 2}


PAYLOADS = {
    "a list page": {"count": 2, "next": None, "results": [{"id": 1, "title": "Buxheti", "done": False, "xp": 10}]},
    "Albanian text": {"title": "Kursimi për çantën e re", "hint": "Çdo lek ka rëndësi"},
    "line separators": {"text": "one\u2028two\u2029three"},
    "a lazy translation": {"detail": gettext_lazy("Sign in to see your games.")},
    "decimals": {"price": Decimal("12.50"), "rate": Decimal("0.035")},
    "times": {
        "utc": dt.datetime(2026, 12, 8, 9, 30, 15, 123456, tzinfo=dt.UTC),
        "tirana": dt.datetime(2026, 7, 1, 18, 0, tzinfo=ZoneInfo("Europe/Tirane")),
        "naive": dt.datetime(2026, 1, 2, 3, 4, 5),
        "day": dt.date(2026, 12, 8),
        "clock": dt.time(7, 45),
        "span": dt.timedelta(minutes=90),
    },
    "ids and choices": {"uuid": uuid.UUID(int=7), "kind": Kind.QUEST, "stars": Stars.THREE},
    "keys that are not strings": {7: "seven", 2.5: "two and a half", True: "yes", None: "none"},
    "tuples and a generator": {"pair": (1, "two"), "rows": _rows()},
    "an integer past 64 bits": {"big": 2**70},
    "floats": {"half": 0.5, "third": 1 / 3, "big": 1e300},
}


@pytest.mark.parametrize("name", PAYLOADS)
def test_the_body_is_drfs_own_byte_for_byte(name):
    with override("sq"):
        ours = JSONRenderer().render(_fresh(name))
        theirs = renderers.JSONRenderer().render(_fresh(name))
    assert ours == theirs


def _fresh(name):
    """The payload anew (its generator is used up by one render)."""
    payload = dict(PAYLOADS[name])
    if "rows" in payload:
        payload["rows"] = _rows()
    return payload


def test_pretty_printing_asked_for_is_drfs():
    data = {"results": [{"id": 1}]}
    asked = "application/json; indent=2"
    body = JSONRenderer().render(data, asked, {})
    assert body == renderers.JSONRenderer().render(data, asked, {})
    assert body.startswith(b'{\n  "results"')


def test_what_neither_encoder_can_write_fails_as_drfs_does():
    with pytest.raises(TypeError):
        renderers.JSONRenderer().render({"thing": object()})
    with pytest.raises(TypeError):
        JSONRenderer().render({"thing": object()})


def test_nothing_renders_as_an_empty_body():
    assert JSONRenderer().render(None) == b""


@pytest.mark.django_db
def test_the_api_answers_through_it(api, learner):
    api.force_authenticate(learner)
    response = api.get("/api/v1/users/me", HTTP_ACCEPT_LANGUAGE="sq")
    assert response.status_code == 200
    assert isinstance(response.accepted_renderer, JSONRenderer)
    assert response["Content-Type"] == "application/json"
    assert response.json()["username"] == learner.username
