"""Bearer tokens are decoded once per worker (accounts.tokens); everything that can change is
still checked on every request: the expiry, and the learner's row (deleted, deactivated)."""

from datetime import timedelta

import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.utils import aware_utcnow

from accounts import tokens
from accounts.models import User
from accounts.tokens import token_pair

pytestmark = pytest.mark.django_db


def bearer(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def test_a_token_is_decoded_once_then_only_its_expiry_is_read(learner):
    tokens._decoded.cache_clear()
    client = bearer(token_pair(learner)["access_token"])

    assert client.get("/api/v1/users/me").json()["username"] == "learner"
    assert client.get("/api/v1/users/me").status_code == 200

    info = tokens._decoded.cache_info()
    assert (info.misses, info.hits) == (1, 1)


def test_a_token_seen_before_is_refused_once_it_expires(learner, monkeypatch):
    client = bearer(token_pair(learner)["access_token"])
    assert client.get("/api/v1/users/me").status_code == 200

    later = aware_utcnow() + timedelta(minutes=16)  # past the 15-minute lifetime
    monkeypatch.setattr(tokens, "aware_utcnow", lambda: later)
    monkeypatch.setattr("rest_framework_simplejwt.tokens.aware_utcnow", lambda: later)
    response = client.get("/api/v1/users/me")

    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"


def test_a_tampered_token_or_a_refresh_token_is_refused_after_the_real_one_was_seen(learner):
    pair = token_pair(learner)
    assert bearer(pair["access_token"]).get("/api/v1/users/me").status_code == 200
    head, body, signature = pair["access_token"].split(".")
    tampered = f"{head}.{body}.{signature[:-2]}{'AA' if signature[-2:] != 'AA' else 'BB'}"

    before = tokens._decoded.cache_info().currsize
    for token in (tampered, pair["refresh_token"]):
        response = bearer(token).get("/api/v1/users/me")
        assert response.status_code == 401, token
        assert response.json()["code"] == "token_not_valid"
    assert tokens._decoded.cache_info().currsize == before  # refused tokens are not kept


@pytest.mark.parametrize("change", ["deactivate", "delete"])
def test_a_remembered_token_of_a_learner_deactivated_or_deleted_since_is_refused(learner, change):
    client = bearer(token_pair(learner)["access_token"])
    assert client.get("/api/v1/games/quests/storyline").status_code == 200

    if change == "deactivate":
        User.objects.filter(pk=learner.pk).update(is_active=False)
    else:
        User.objects.filter(pk=learner.pk).delete()

    response = client.get("/api/v1/games/quests/storyline")
    assert response.status_code == 401
    assert response.json()["code"] in {"user_inactive", "user_not_found"}
