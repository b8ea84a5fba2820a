"""Tokens that end: a refresh token spends once even under races; signing out everywhere means everywhere."""

import re

import pytest
from django.core import mail
from django.db import connection
from django.test import Client, override_settings
from rest_framework.test import APIClient
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from accounts import services
from accounts.models import User
from accounts.tests.factories import PASSWORD, UserFactory
from accounts.tests.processes import request_in_child
from accounts.tokens import token_pair
from conftest import client_for, run_together

REFRESH = "/api/v1/auth/refresh"
LOGIN = "/api/v1/auth/login"
ME = "/api/v1/users/me"


def refresh(token: str):
    return APIClient().post(REFRESH, {"refresh_token": token}, format="json")


@pytest.mark.django_db
def test_a_refresh_token_works_once(learner):
    pair = token_pair(learner)

    first = refresh(pair["refresh_token"])
    second = refresh(pair["refresh_token"])

    assert first.status_code == 200
    assert second.status_code == 401
    assert second.json() == {"detail": "The refresh token is invalid, expired or revoked."}
    assert refresh(first.json()["refresh_token"]).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("token", ["", "not-a-token", "a.b.c"])
def test_a_malformed_refresh_token_is_refused(token):
    response = refresh(token)
    assert response.status_code in (400, 401)
    assert "detail" in response.json() or "refresh_token" in response.json()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_racing_refreshes_with_one_token_give_exactly_one_pair():
    learner = UserFactory()
    raw = token_pair(learner)["refresh_token"]

    results, errors = run_together(20, lambda _: services.rotate_refresh_token(raw))

    assert len(results) == 1, (results, errors)
    assert len(errors) == 19
    assert all(isinstance(error, services.InvalidRefreshToken) for error in errors)
    assert refresh(results[0]["refresh_token"]).status_code == 200


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_racing_refresh_requests_over_http_give_exactly_one_pair():
    learner = UserFactory()
    raw = token_pair(learner)["refresh_token"]

    results, errors = run_together(20, lambda _: refresh(raw).status_code)

    assert errors == []
    assert sorted(results) == [200] + [401] * 19


@pytest.mark.django_db
def test_logout_all_ends_every_refresh_token_and_every_session(learner):
    phone, tablet = token_pair(learner), token_pair(learner)
    browser = Client()
    browser.force_login(learner)
    assert browser.get("/settings/").status_code == 200

    response = client_for(learner).post("/api/v1/auth/logout-all")

    assert response.status_code == 204
    assert refresh(phone["refresh_token"]).status_code == 401
    assert refresh(tablet["refresh_token"]).status_code == 401
    assert browser.get("/settings/").status_code == 302  # back to the login page
    assert not OutstandingToken.objects.filter(user=learner, blacklistedtoken__isnull=True).exists()


@pytest.mark.django_db
def test_logout_all_needs_a_signed_in_learner():
    assert APIClient().post("/api/v1/auth/logout-all").status_code == 401


@pytest.mark.django_db
def test_a_password_change_ends_the_refresh_tokens_and_other_sessions_but_not_this_one(learner):
    phone = token_pair(learner)
    other_browser, this_browser = Client(), Client()
    other_browser.force_login(learner)
    this_browser.force_login(learner)

    response = this_browser.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": "N3w-pass-phrase!", "password2": "N3w-pass-phrase!"},
    )

    assert response.status_code == 302
    assert refresh(phone["refresh_token"]).status_code == 401
    assert other_browser.get("/settings/").status_code == 302
    assert this_browser.get("/settings/").status_code == 200


@pytest.mark.django_db
def test_a_password_reset_from_the_mail_ends_every_refresh_token(learner):
    phone = token_pair(learner)
    browser = Client()
    browser.post("/accounts/password/reset/", {"email": learner.email})
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", mail.outbox[-1].body).group(1)

    form = browser.get(link, follow=True)
    done = browser.post(
        form.redirect_chain[-1][0] if form.redirect_chain else link,
        {"password1": "N3w-pass-phrase!", "password2": "N3w-pass-phrase!"},
    )

    assert done.status_code == 302
    learner.refresh_from_db()
    assert learner.check_password("N3w-pass-phrase!")
    assert refresh(phone["refresh_token"]).status_code == 401


# ---- login limits per account ------------------------------------------------------------


def login(api, username, ip):
    return api.post(LOGIN, {"username": username, "password": "wrong-password"}, format="json", REMOTE_ADDR=ip)


@pytest.mark.django_db
@override_settings(AUTH_RATE="3/h")
def test_the_username_and_the_email_of_one_account_share_one_login_counter(api):
    UserFactory(username="ana", email="ana@example.com")

    tries = [
        login(api, "ana", "198.51.100.1").status_code,
        login(api, "ANA@example.com", "198.51.100.2").status_code,
        login(api, "ana", "198.51.100.3").status_code,
    ]
    refused = login(api, "ana@example.com", "198.51.100.4")

    assert tries == [401, 401, 401]
    assert refused.status_code == 429


@pytest.mark.django_db
@override_settings(AUTH_RATE="3/h")
def test_an_unknown_name_keys_on_its_normalised_text(api):
    tries = [login(api, name, f"198.51.100.{n}").status_code for n, name in enumerate(["ghost", "Ghost ", "GHOST"])]

    assert tries == [401, 401, 401]
    assert login(api, "ghost", "198.51.100.9").status_code == 429
    assert login(api, "someone-else", "198.51.100.9").status_code == 401


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_the_account_counter_is_shared_by_two_app_servers_whichever_name_is_used(api, settings):
    settings.AUTH_RATE = "3/h"
    UserFactory(username="ana", email="ana@example.com")
    db = connection.settings_dict
    child = {
        "AUTH_RATE": "3/h",
        "REDIS_URL": settings.REDIS_URL,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
    }

    here = [login(api, "ana", "198.51.100.1").status_code, login(api, "ana", "198.51.100.2").status_code]
    there = request_in_child("post", LOGIN, {"username": "ANA@example.com", "password": "wrong"}, **child)
    last = login(api, "ana@example.com", "198.51.100.3")

    assert here == [401, 401]
    assert there.stdout.split(" ")[0] == "401", there.stderr
    assert last.status_code == 429
    assert User.objects.filter(username="ana").exists()
