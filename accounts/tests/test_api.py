"""The auth and profile API, in the exact shapes the mobile app and the web front end use."""

import json
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.models import User
from accounts.tests.factories import PASSWORD, UserFactory
from accounts.tokens import token_pair
from conftest import client_for

pytestmark = pytest.mark.django_db

SIGNUP = "/api/v1/auth/signup"
LOGIN = "/api/v1/auth/login"
REFRESH = "/api/v1/auth/refresh"
LOGOUT = "/api/v1/auth/logout"
ME = "/api/v1/users/me"
EXPORT = "/api/v1/users/me/export"
GOOD_PASSWORD = "S4fe-pass-phrase"


def signup(api, **overrides):
    payload = {"username": "ana", "email": "ana@example.com", "password": GOOD_PASSWORD, **overrides}
    payload = {name: value for name, value in payload.items() if value is not None}
    return api.post(SIGNUP, payload, format="json")


def form_login(api, username, password):
    """How the old mobile app signs in: form-encoded username + password."""
    return api.post(
        LOGIN, urlencode({"username": username, "password": password}), content_type="application/x-www-form-urlencoded"
    )


def bearer(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


# ---- sign-up -----------------------------------------------------------------------


def test_signup_returns_201_with_token_pair_and_user(api):
    response = signup(api)

    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == {"access_token", "refresh_token", "token_type", "user"}
    assert body["token_type"] == "bearer"
    assert body["user"]["username"] == "ana"
    assert body["user"]["email"] == "ana@example.com"
    assert body["user"]["xp"] == 0
    assert body["user"]["level"] == 1
    assert "password" not in body["user"]
    me = bearer(body["access_token"]).get(ME)
    assert me.status_code == 200
    assert me.json()["username"] == "ana"


def test_signup_stores_the_email_lowercased_with_an_allauth_address(api):
    response = signup(api, email="Ana.Smith@Example.COM")

    assert response.status_code == 201
    user = User.objects.get(username="ana")
    assert user.email == "ana.smith@example.com"
    assert user.check_password(GOOD_PASSWORD)
    assert EmailAddress.objects.filter(user=user, email="ana.smith@example.com", primary=True).exists()


def test_signup_with_taken_username_is_400_naming_username(api):
    UserFactory(username="ana", email="someone@example.com")

    response = signup(api)

    assert response.status_code == 400
    assert set(response.json()) == {"detail", "username"}
    assert response.json()["detail"] == response.json()["username"][0]  # the old app shows only `detail`
    assert User.objects.count() == 1


def test_signup_with_taken_username_in_other_case_is_400(api):
    UserFactory(username="ana", email="someone@example.com")

    response = signup(api, username="ANA")

    assert response.status_code == 400
    assert "username" in response.json()


def test_signup_with_taken_email_in_other_case_is_400_naming_email(api):
    UserFactory(username="first", email="ana@example.com")

    response = signup(api, username="second", email="Ana@Example.com")

    assert response.status_code == 400
    assert set(response.json()) == {"detail", "email"}
    assert response.json()["email"] == ["A user with that email already exists."]
    assert response.json()["detail"] == "A user with that email already exists."
    assert User.objects.count() == 1


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Sh0rt!", "too short"),
        ("password", "too common"),
        ("8451937260", "entirely numeric"),
        ("anabanana99", "too similar to the username"),
    ],
    ids=["too-short", "common", "numeric", "similar-to-username"],
)
def test_signup_with_weak_password_is_400_on_password(api, password, message):
    response = signup(api, username="anabanana99x", password=password)

    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"detail", "password"}
    assert any(message in text for text in body["password"]), body
    assert body["detail"] == body["password"][0]
    assert not User.objects.exists()


def test_signup_with_missing_fields_is_400_listing_each(api):
    response = api.post(SIGNUP, {}, format="json")

    assert response.status_code == 400
    assert set(response.json()) == {"detail", "username", "email", "password"}
    assert response.json()["detail"] == "This field is required."
    assert not User.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("username", "ana@example.com"), ("username", "ana smith"), ("email", "not-an-email")],
)
def test_signup_with_malformed_field_is_400_on_that_field(api, field, value):
    response = signup(api, **{field: value})

    assert response.status_code == 400
    assert field in response.json()
    assert not User.objects.exists()


def test_signup_needs_no_credentials_even_with_a_stale_token(api):
    api.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")

    assert signup(api).status_code == 201


# ---- login -------------------------------------------------------------------------


def test_form_encoded_login_returns_the_token_pair(api, learner):
    response = form_login(api, "learner", PASSWORD)

    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"access_token", "refresh_token", "token_type"}
    assert body["token_type"] == "bearer"
    assert bearer(body["access_token"]).get(ME).json()["id"] == learner.pk


def test_json_login_works_too(api, learner):
    response = api.post(LOGIN, {"username": "learner", "password": PASSWORD}, format="json")

    assert response.status_code == 200
    assert response.json()["access_token"]


@pytest.mark.parametrize("identifier", ["learner@example.com", "Learner@Example.COM", " learner@example.com "])
def test_login_by_email_in_any_case(api, learner, identifier):
    response = form_login(api, identifier, PASSWORD)

    assert response.status_code == 200, response.content


def test_login_by_username_in_other_case(api, learner):
    assert form_login(api, "LEARNER", PASSWORD).status_code == 200


def test_login_stamps_last_login(api, learner):
    assert learner.last_login is None

    form_login(api, "learner", PASSWORD)

    learner.refresh_from_db()
    assert learner.last_login is not None


def test_wrong_password_is_401_with_detail(api, learner):
    response = form_login(api, "learner", "not-the-password")

    assert response.status_code == 401
    assert response.json() == {"detail": "Incorrect username or password."}
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_unknown_account_is_401_with_the_same_detail(api, db):
    response = form_login(api, "nobody", "whatever-pass")

    assert response.status_code == 401
    assert response.json() == {"detail": "Incorrect username or password."}


def test_disabled_user_cannot_log_in(api):
    UserFactory(username="gone", is_active=False)

    response = form_login(api, "gone", PASSWORD)

    assert response.status_code == 401
    assert response.json() == {"detail": "This account is disabled."}


def test_login_with_missing_password_is_400(api, learner):
    response = api.post(LOGIN, urlencode({"username": "learner"}), content_type="application/x-www-form-urlencoded")

    assert response.status_code == 400
    assert "password" in response.json()


# ---- refresh -----------------------------------------------------------------------


def test_refresh_rotates_and_blacklists_the_old_token(api, learner):
    old = token_pair(learner)["refresh_token"]

    response = api.post(REFRESH, {"refresh_token": old}, format="json")

    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"access_token", "refresh_token", "token_type"}
    assert body["refresh_token"] != old
    assert bearer(body["access_token"]).get(ME).status_code == 200
    again = api.post(REFRESH, {"refresh_token": old}, format="json")
    assert again.status_code == 401
    assert "detail" in again.json()
    assert api.post(REFRESH, {"refresh_token": body["refresh_token"]}, format="json").status_code == 200


def test_tampered_refresh_token_is_401(api, learner):
    token = token_pair(learner)["refresh_token"]
    header, payload, signature = token.split(".")
    tampered = f"{header}.{payload}.{signature[:-4]}{'AAAA' if not signature.endswith('AAAA') else 'BBBB'}"

    response = api.post(REFRESH, {"refresh_token": tampered}, format="json")

    assert response.status_code == 401
    assert response.json()["detail"] == "The refresh token is invalid, expired or revoked."


def test_expired_refresh_token_is_401(api, learner):
    token = RefreshToken.for_user(learner)
    token.set_exp(lifetime=-timedelta(seconds=1))

    response = api.post(REFRESH, {"refresh_token": str(token)}, format="json")

    assert response.status_code == 401


def test_blacklisted_refresh_token_is_401(api, learner):
    token = RefreshToken.for_user(learner)
    token.blacklist()

    assert api.post(REFRESH, {"refresh_token": str(token)}, format="json").status_code == 401


def test_access_token_is_not_a_refresh_token(api, learner):
    access = token_pair(learner)["access_token"]

    assert api.post(REFRESH, {"refresh_token": access}, format="json").status_code == 401


def test_refresh_for_a_disabled_user_is_401(api, learner):
    refresh = token_pair(learner)["refresh_token"]
    User.objects.filter(pk=learner.pk).update(is_active=False)

    assert api.post(REFRESH, {"refresh_token": refresh}, format="json").status_code == 401


def test_refresh_without_token_is_400(api):
    response = api.post(REFRESH, {}, format="json")

    assert response.status_code == 400
    assert "refresh_token" in response.json()


# ---- logout ------------------------------------------------------------------------


def test_logout_blacklists_the_refresh_token(learner):
    pair = token_pair(learner)
    client = bearer(pair["access_token"])

    response = client.post(LOGOUT, {"refresh_token": pair["refresh_token"]}, format="json")

    assert response.status_code == 204
    assert APIClient().post(REFRESH, {"refresh_token": pair["refresh_token"]}, format="json").status_code == 401


def test_logout_refuses_another_users_token(learner):
    other_refresh = token_pair(UserFactory())["refresh_token"]

    response = client_for(learner).post(LOGOUT, {"refresh_token": other_refresh}, format="json")

    assert response.status_code == 400
    assert response.json() == {"refresh_token": ["This token belongs to another account."]}
    assert APIClient().post(REFRESH, {"refresh_token": other_refresh}, format="json").status_code == 200


def test_logout_needs_authentication(api, learner):
    response = api.post(LOGOUT, {"refresh_token": token_pair(learner)["refresh_token"]}, format="json")

    assert response.status_code == 401


def test_logout_with_garbage_token_is_400(auth_api):
    response = auth_api.post(LOGOUT, {"refresh_token": "garbage"}, format="json")

    assert response.status_code == 400
    assert "refresh_token" in response.json()


# ---- users/me ----------------------------------------------------------------------


def test_me_returns_the_own_profile_with_progress(auth_api, learner, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):  # the user, the email check, the Teachers group (is_teacher)
        response = auth_api.get(ME)

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == learner.pk
    assert body["email"] == learner.email
    for name in ("xp", "coins", "level", "streak_count", "longest_streak", "timezone", "show_on_leaderboard"):
        assert name in body
    assert body["is_teacher"] is False


def test_me_without_token_is_401(api):
    assert api.get(ME).status_code == 401


def test_patch_me_changes_the_profile_fields(auth_api, learner):
    changes = {
        "display_name": "Ana S.",
        "avatar_url": "https://example.com/ana.png",
        "timezone": "America/New_York",
        "show_on_leaderboard": False,
    }

    response = auth_api.patch(ME, changes, format="json")

    assert response.status_code == 200, response.content
    assert {name: response.json()[name] for name in changes} == changes
    learner.refresh_from_db()
    assert (learner.display_name, learner.avatar_url, learner.timezone, learner.show_on_leaderboard) == (
        "Ana S.",
        "https://example.com/ana.png",
        "America/New_York",
        False,
    )


def test_patch_me_with_unknown_timezone_is_400_and_changes_nothing(auth_api, learner):
    response = auth_api.patch(ME, {"timezone": "Mars/Olympus_Mons", "display_name": "New"}, format="json")

    assert response.status_code == 400
    assert "timezone" in response.json()
    learner.refresh_from_db()
    assert learner.timezone == "Europe/Tirane"
    assert learner.display_name != "New"


@pytest.mark.parametrize("field", ["xp", "coins", "level", "email", "username", "is_staff", "favourite_colour"])
def test_patch_me_refuses_read_only_or_unknown_fields(auth_api, learner, field):
    before = User.objects.filter(pk=learner.pk).values().get()

    response = auth_api.patch(ME, {field: 9999, "display_name": "Sneaky"}, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert User.objects.filter(pk=learner.pk).values().get() == before


@pytest.mark.parametrize("url", ["not a url", "https://example.com/" + "a" * 200])
def test_patch_me_with_bad_avatar_url_is_400(auth_api, learner, url):
    response = auth_api.patch(ME, {"avatar_url": url}, format="json")

    assert response.status_code == 400
    assert "avatar_url" in response.json()


def _play_and_earn(user):
    """Give `user` data in other apps through their services: an attempt, progress, ledger entries."""
    from achievements.models import LedgerEntry
    from games import services as game_services
    from games.models import Choice, Game, Question
    from games.scoring import Answer

    game, _ = Game.objects.get_or_create(slug="delete-me-game", defaults={"title": "Budget", "category": "budgeting"})
    question, _ = Question.objects.get_or_create(game=game, prompt="Needs or wants?")
    right, _ = Choice.objects.get_or_create(question=question, text="Needs", is_correct=True)
    Choice.objects.get_or_create(question=question, text="Wants", is_correct=False)
    result = game_services.submit_attempt(
        user=user, game=game, answers=[Answer(question=question.pk, choices=(right.pk,))]
    )
    assert result.attempt.passed
    assert LedgerEntry.objects.filter(user=user).exists()
    return game


def test_delete_me_erases_the_user_their_data_and_their_tokens(learner):
    from achievements.models import LedgerEntry, UserStat
    from games.models import Attempt, UserGame

    other = UserFactory()
    game = _play_and_earn(learner)
    _play_and_earn(other)
    pair = token_pair(learner)
    client = bearer(pair["access_token"])

    response = client.delete(ME)

    assert response.status_code == 204
    assert not User.objects.filter(pk=learner.pk).exists()
    for model in (Attempt, UserGame, LedgerEntry, UserStat, EmailAddress):
        assert not model.objects.filter(user_id=learner.pk).exists(), model
    assert Attempt.objects.filter(user=other, game=game).exists()
    assert LedgerEntry.objects.filter(user=other).exists()
    assert client.get(ME).status_code == 401
    assert APIClient().post(REFRESH, {"refresh_token": pair["refresh_token"]}, format="json").status_code == 401


# ---- export and public profile -----------------------------------------------------


def test_export_contains_every_section_of_the_users_data_and_nothing_of_others(learner):
    other = UserFactory(username="someoneelse", email="else@example.net", display_name="Zyxwv")
    _play_and_earn(learner)
    _play_and_earn(other)

    response = client_for(learner).get(EXPORT)

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    body = response.json()
    assert set(body) == {"account", "games", "videos", "rewards", "chat", "classes"}
    assert {"progress", "attempts"} <= set(body["games"])
    assert body["games"]["attempts"][0]["answers"] == learner.attempts.get().answers
    assert body["account"]["username"] == "learner"
    assert body["account"]["email"] == learner.email
    dumped = json.dumps(body)
    for secret in ("someoneelse", "else@example.net", "Zyxwv"):
        assert secret not in dumped
    assert f'"user": {other.pk}' not in dumped
    assert f'"user_id": {other.pk}' not in dumped


def test_export_needs_authentication(api):
    assert api.get(EXPORT).status_code == 401


def test_public_profile_has_no_email(api, learner):
    response = api.get(f"/api/v1/users/{learner.pk}")

    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "learner"
    assert "email" not in body
    assert learner.email not in response.content.decode()


def test_me_reads_a_verified_address_and_the_teachers_group_in_one_query(learner, django_assert_max_num_queries):
    EmailAddress.objects.create(user=learner, email=learner.email.upper(), verified=True, primary=True)
    Group.objects.get_or_create(name="Teachers")[0].user_set.add(learner)
    client = client_for(learner)
    with django_assert_max_num_queries(2):  # the user (token), both flags
        body = client.get(ME).json()
    assert (body["email_verified"], body["is_teacher"]) == (True, True)
    EmailAddress.objects.filter(user=learner).update(verified=False)
    learner.groups.clear()
    body = client.get(ME).json()
    assert (body["email_verified"], body["is_teacher"]) == (False, False)
