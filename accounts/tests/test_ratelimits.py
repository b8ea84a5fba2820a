"""Rate limits on sign-in: per address and per account, shared by every app server through the cache.

AUTH_RATE is "3/h" here rather than "3/m": django-ratelimit counts in fixed windows, and an
hour makes a window boundary in the middle of a test vanishingly unlikely.
"""

import pytest
from django.test import override_settings

from accounts.models import User
from accounts.tests.factories import PASSWORD
from accounts.tests.processes import request_in_child

pytestmark = pytest.mark.django_db

LOGIN = "/api/v1/auth/login"
SIGNUP = "/api/v1/auth/signup"
LIMITED = {"detail": "Too many requests. Please wait a minute and try again."}


def login(api, username, password="wrong-password", ip="203.0.113.7", **headers):
    return api.post(LOGIN, {"username": username, "password": password}, format="json", REMOTE_ADDR=ip, **headers)


def signup(api, n, ip="203.0.113.7"):
    payload = {"username": f"user{n}", "email": f"user{n}@example.com", "password": "S4fe-pass-phrase"}
    return api.post(SIGNUP, payload, format="json", REMOTE_ADDR=ip)


@override_settings(AUTH_RATE="3/h")
def test_login_is_limited_per_address(api, learner):
    statuses = [login(api, f"guess{n}").status_code for n in range(3)]

    refused = login(api, "learner", PASSWORD)

    assert statuses == [401, 401, 401]
    assert refused.status_code == 429
    assert refused.json() == LIMITED
    assert login(api, "learner", PASSWORD, ip="198.51.100.1").status_code == 200


@override_settings(AUTH_RATE="3/h")
def test_login_is_limited_per_account_whatever_the_address(api, learner):
    statuses = [login(api, "learner", ip=f"198.51.100.{n}").status_code for n in range(3)]

    # The right password from a fresh address, but naming the same account (by email, any case).
    refused = login(api, "LEARNER ", PASSWORD, ip="192.0.2.99")

    assert statuses == [401, 401, 401]
    assert refused.status_code == 429
    assert refused.json() == LIMITED
    assert login(api, "someone-else", ip="192.0.2.99").status_code == 401


@override_settings(AUTH_RATE="3/h")
def test_signup_is_limited_per_address(api):
    statuses = [signup(api, n).status_code for n in range(3)]

    refused = signup(api, 99)

    assert statuses == [201, 201, 201]
    assert refused.status_code == 429
    assert refused.json() == LIMITED
    assert not User.objects.filter(username="user99").exists()
    assert signup(api, 100, ip="198.51.100.1").status_code == 201


@override_settings(AUTH_RATE="3/h", TRUSTED_PROXIES=["10.0.0.2"])
def test_behind_the_proxy_each_client_address_has_its_own_counter(api, learner):
    # nginx appends the address it saw; whatever the client wrote before it does not count.
    for n in range(3):
        login(api, f"guess{n}", ip="10.0.0.2", HTTP_X_FORWARDED_FOR=f"1.1.1.{n}, 203.0.113.7")

    assert login(api, "other", ip="10.0.0.2", HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.7").status_code == 429
    assert login(api, "other", ip="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.8").status_code == 401


@override_settings(AUTH_RATE="3/h", TRUSTED_PROXIES=[])
def test_without_a_proxy_a_forged_forwarded_for_does_not_escape_the_limit(api, learner):
    for n in range(3):
        login(api, f"guess{n}", HTTP_X_FORWARDED_FOR=f"1.1.1.{n}")

    assert login(api, "other", HTTP_X_FORWARDED_FOR="2.2.2.2").status_code == 429


@pytest.mark.redis
def test_login_limit_is_one_counter_across_app_servers_sharing_redis(api, db, settings):
    """A second Django process (another app server) and this one count against the same limit."""
    settings.AUTH_RATE = "3/h"
    child = {"AUTH_RATE": "3/h", "REDIS_URL": settings.REDIS_URL, "DATABASE_URL": "sqlite:////nonexistent/unused.db"}
    # No password: the child answers 400 after counting, without needing a database.
    first = request_in_child("post", LOGIN, {"username": "ana"}, **child)
    assert first.stdout.split(" ")[0] == "400", first.stderr

    statuses = [api.post(LOGIN, {"username": "ana"}, format="json").status_code for _ in range(2)]
    last = request_in_child("post", LOGIN, {"username": "ana"}, **child)

    assert statuses == [400, 400]
    assert last.stdout.split(" ")[0] == "429", last.stderr
    assert "Too many requests" in last.stdout
    assert api.post(LOGIN, {"username": "ana"}, format="json").status_code == 429


# ---- allauth's pages ---------------------------------------------------------------


def test_password_reset_page_answers_429_with_our_page_after_too_many_tries(client, learner):
    # settings.ACCOUNT_RATE_LIMITS["reset_password"]: 3 per 5 minutes for one address.
    statuses = [
        client.post("/accounts/password/reset/", {"email": "learner@example.com"}).status_code for _ in range(3)
    ]

    response = client.post("/accounts/password/reset/", {"email": "learner@example.com"})

    assert statuses == [302, 302, 302]
    assert response.status_code == 429
    page = response.content.decode()
    assert "Slow down" in page
    assert "Too many requests. Please wait a minute and try again." in page
    assert 'class="topbar"' in page


def test_login_page_stops_accepting_an_account_after_repeated_failures(client, learner):
    # settings.ACCOUNT_RATE_LIMITS["login_failed"]: 5 failures per 5 minutes for one account.
    for _ in range(5):
        client.post("/accounts/login/", {"login": "learner", "password": "wrong-password"})

    response = client.post("/accounts/login/", {"login": "learner", "password": PASSWORD})

    assert not response.wsgi_request.user.is_authenticated
    assert "Too many failed login attempts" in response.content.decode()
