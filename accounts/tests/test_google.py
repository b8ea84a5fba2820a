"""Google sign-in: ID tokens checked against a real local JWKS server, and the browser flow's pages."""

import subprocess
import sys
import time

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount

from accounts.models import User
from accounts.tests.conftest import CLIENT_ID
from accounts.tests.factories import UserFactory
from accounts.tests.processes import BASE_DIR, child_env
from conftest import client_for

pytestmark = pytest.mark.django_db

GOOGLE = "/api/v1/auth/google"


def sign_in(api, token):
    return api.post(GOOGLE, {"id_token": token}, format="json")


def test_valid_token_creates_a_verified_user_and_returns_a_token_pair(api, google_server):
    response = sign_in(api, google_server.token())

    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"access_token", "refresh_token", "token_type"}
    assert body["token_type"] == "bearer"
    user = User.objects.get()
    assert user.username == "gina.google"
    assert user.email == "gina.google@example.com"
    assert user.display_name == "Gina Google"
    assert user.avatar_url == "https://lh3.googleusercontent.com/a/gina"
    assert not user.has_usable_password()
    assert EmailAddress.objects.get(user=user).verified
    assert SocialAccount.objects.get(provider="google").user == user
    me = client_for(user).get("/api/v1/users/me").json()
    assert me["id"] == user.pk


def test_second_sign_in_is_the_same_user_linked_by_sub(api, google_server):
    first = sign_in(api, google_server.token())
    # Same Google account, new address: the link is the subject, not the email.
    second = sign_in(api, google_server.token(email="gina@newmail.example"))

    assert first.status_code == second.status_code == 200
    assert User.objects.count() == 1
    assert SocialAccount.objects.count() == 1


def test_existing_user_with_the_same_verified_email_is_linked_not_duplicated(api, google_server):
    existing = UserFactory(username="gina", email="gina.google@example.com")
    EmailAddress.objects.create(user=existing, email="gina.google@example.com", primary=True, verified=True)

    response = sign_in(api, google_server.token())

    assert response.status_code == 200
    assert User.objects.count() == 1
    assert SocialAccount.objects.get(provider="google", uid="google-sub-1").user == existing
    assert EmailAddress.objects.get(user=existing, email="gina.google@example.com").verified
    assert client_for(existing).get("/api/v1/users/me").json()["username"] == "gina"


def test_google_never_takes_over_an_account_whose_email_was_never_verified(api, google_server):
    # Someone registered with Gina's address without proving it; Gina now signs in with Google
    # (or the other way round): neither may end up in the other's account.
    squatter = UserFactory(username="squatter", email="gina.google@example.com")
    EmailAddress.objects.create(user=squatter, email="gina.google@example.com", primary=True, verified=False)

    response = sign_in(api, google_server.token())

    assert response.status_code == 409
    assert "Sign in with your password, then connect Google in settings." in response.json()["detail"]
    assert set(response.json()) == {"detail"}
    assert not SocialAccount.objects.exists()
    assert not EmailAddress.objects.get(user=squatter).verified
    assert User.objects.count() == 1


def test_new_user_whose_derived_username_is_taken_gets_a_free_one(api, google_server):
    UserFactory(username="gina.google", email="other@example.com")

    response = sign_in(api, google_server.token())

    assert response.status_code == 200
    assert User.objects.filter(email="gina.google@example.com").get().username == "gina.google2"


def test_token_for_another_app_is_401(api, google_server):
    response = sign_in(api, google_server.token(aud="someone-else.apps.googleusercontent.com"))

    assert response.status_code == 401
    assert response.json() == {"detail": "The Google token was issued for another app."}
    assert not User.objects.exists()


def test_expired_token_is_401(api, google_server):
    past = int(time.time()) - 3600
    response = sign_in(api, google_server.token(iat=past - 600, exp=past))

    assert response.status_code == 401
    assert response.json() == {"detail": "The Google token has expired."}


def test_token_signed_with_another_key_under_the_same_kid_is_401(api, google_server, other_key):
    response = sign_in(api, google_server.token(key=other_key))

    assert response.status_code == 401
    assert "not valid" in response.json()["detail"]
    assert not User.objects.exists()


def test_token_with_unknown_kid_is_401(api, google_server, other_key):
    response = sign_in(api, google_server.token(key=other_key, kid="nobody-knows"))

    assert response.status_code == 401


def test_token_from_another_issuer_is_401(api, google_server):
    assert sign_in(api, google_server.token(iss="https://evil.example")).status_code == 401


@pytest.mark.parametrize("claims", [{"email_verified": False}, {"email_verified": None}, {"email": None}])
def test_token_without_a_verified_email_is_401(api, google_server, claims):
    response = sign_in(api, google_server.token(**claims))

    assert response.status_code == 401
    assert response.json() == {"detail": "The Google account has no verified email."}
    assert not User.objects.exists()


def test_garbage_token_is_401(api, google_server):
    assert sign_in(api, "not.a.jwt").status_code == 401


def test_missing_id_token_is_400(api, google_server):
    response = api.post(GOOGLE, {}, format="json")

    assert response.status_code == 400
    assert "id_token" in response.json()


def test_disabled_user_cannot_sign_in_with_google(api, google_server):
    sign_in(api, google_server.token())
    User.objects.update(is_active=False)

    response = sign_in(api, google_server.token())

    assert response.status_code == 401
    assert response.json() == {"detail": "This account is disabled."}


def test_without_client_id_google_sign_in_is_503_with_a_clear_message(api, google_server, settings):
    settings.GOOGLE_CLIENT_ID = ""

    response = sign_in(api, google_server.token())

    assert response.status_code == 503
    assert response.json() == {"detail": "Google sign-in is not configured on this server."}
    assert google_server.requests == []


def test_unreachable_google_keys_are_503(api, google_server, settings, closed_port_url):
    token = google_server.token()
    settings.GOOGLE_CERTS_URL = closed_port_url

    response = sign_in(api, token)

    assert response.status_code == 503
    assert response.json() == {"detail": "Google's signing keys could not be fetched. Please try again."}
    assert not User.objects.exists()


def test_signing_keys_are_fetched_once_and_reused(api, google_server):
    sign_in(api, google_server.token())
    sign_in(api, google_server.token(sub="google-sub-2", email="second@example.com"))

    assert google_server.requests == ["/oauth2/v3/certs"]
    assert User.objects.count() == 2


# ---- the browser flow (allauth) ----------------------------------------------------


@pytest.fixture
def google_app(settings):
    settings.GOOGLE_CLIENT_ID = CLIENT_ID
    settings.SOCIALACCOUNT_PROVIDERS = {
        "google": {
            "SCOPE": ["profile", "email"],
            "APPS": [{"client_id": CLIENT_ID, "secret": "test-secret", "key": ""}],
        }
    }


def test_login_page_offers_google_when_configured(client, google_app):
    page = client.get("/accounts/login/").content.decode()

    assert "Continue with Google" in page
    assert 'href="/accounts/google/login/?process=login"' in page


def test_google_login_url_renders_its_confirm_page(client, google_app):
    response = client.get("/accounts/google/login/?process=login")

    assert response.status_code == 200
    page = response.content.decode()
    assert "Google" in page
    assert 'method="post"' in page
    assert "csrfmiddlewaretoken" in page


def test_login_and_signup_pages_hide_google_when_not_configured(client, settings):
    settings.GOOGLE_CLIENT_ID = ""
    settings.SOCIALACCOUNT_PROVIDERS = {"google": {"SCOPE": ["profile", "email"], "APPS": []}}

    for url in ("/accounts/login/", "/accounts/signup/"):
        page = client.get(url).content.decode()
        assert "Continue with Google" not in page
        assert "/accounts/google/login/" not in page
    assert client.get("/accounts/google/login/").status_code == 404


def test_settings_module_wires_google_from_the_environment(tmp_path):
    """GOOGLE_CLIENT_ID alone (as in .env) configures allauth 65's provider app and the page button."""
    code = """
import django
django.setup()
from django.core.management import call_command
from django.test.utils import setup_test_environment
call_command("migrate", verbosity=0)
setup_test_environment()
from django.test import Client
client = Client()
print("button" if "Continue with Google" in client.get("/accounts/login/").content.decode() else "no-button")
print(client.get("/accounts/google/login/").status_code)
"""
    results = {}
    for name, client_id in (("on", CLIENT_ID), ("off", "")):
        env = child_env(
            DJANGO_DEBUG="1", GOOGLE_CLIENT_ID=client_id, DATABASE_URL=f"sqlite:///{tmp_path / f'{name}.sqlite3'}"
        )
        run = subprocess.run(
            [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=180
        )
        assert run.returncode == 0, run.stderr
        results[name] = run.stdout.split()

    assert results == {"on": ["button", "200"], "off": ["no-button", "404"]}
