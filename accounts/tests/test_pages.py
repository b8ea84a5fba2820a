"""Account pages: allauth's sign-up, login, logout and password reset in our layout, and /settings/."""

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from accounts.models import User
from accounts.signals import profile_updated
from accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SETTINGS = "/settings/"


@pytest.fixture
def signed_in(client, learner):
    client.force_login(learner)
    return client


def settings_form(**overrides):
    values = {
        "display_name": "Ana",
        "avatar_url": "https://example.com/ana.png",
        "timezone": "Europe/Rome",
        "show_on_leaderboard": "on",
    }
    values.update(overrides)
    return {name: value for name, value in values.items() if value is not None}


# ---- allauth's pages ---------------------------------------------------------------


@pytest.mark.parametrize("url", ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"])
def test_auth_pages_render_inside_the_site_layout(client, url):
    response = client.get(url)

    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="card narrow auth"' in page
    assert 'class="topbar"' in page
    assert "/static/css/app.css" in page
    assert "<label" in page


def test_signup_page_creates_a_signed_in_learner_through_our_service(client):
    response = client.post(
        "/accounts/signup/",
        {
            "email": "Ana@Example.com",
            "username": "ana",
            "password1": "S4fe-pass-phrase",
            "password2": "S4fe-pass-phrase",
            "birth_year": "2000",
        },
    )

    assert response.status_code == 302
    user = User.objects.get(username="ana")
    assert user.email == "ana@example.com"
    assert EmailAddress.objects.filter(user=user, email="ana@example.com").exists()
    assert client.get("/").context["user"] == user


def test_signup_page_refuses_a_username_that_looks_like_an_email(client):
    response = client.post(
        "/accounts/signup/",
        {
            "email": "a@example.com",
            "username": "b@example.com",
            "password1": "S4fe-pass-phrase",
            "password2": "S4fe-pass-phrase",
        },
    )

    assert response.status_code == 200
    assert "username" in response.context["form"].errors
    assert not User.objects.exists()


def test_signup_page_refuses_an_email_taken_in_other_case(client):
    UserFactory(username="first", email="ana@example.com")

    response = client.post(
        "/accounts/signup/",
        {
            "email": "ANA@example.com",
            "username": "second",
            "password1": "S4fe-pass-phrase",
            "password2": "S4fe-pass-phrase",
        },
    )

    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert User.objects.count() == 1


@pytest.mark.parametrize("login", ["learner", "learner@example.com", "LEARNER@Example.com"])
def test_login_page_accepts_username_or_email(client, learner, login):
    response = client.post("/accounts/login/", {"login": login, "password": PASSWORD})

    assert response.status_code == 302
    assert client.get("/").context["user"] == learner


def test_login_page_by_email_works_for_an_account_made_through_the_api(client, api):
    api.post(
        "/api/v1/auth/signup",
        {"username": "mobile", "email": "Mobile@Example.com", "password": "S4fe-pass-phrase"},
        format="json",
    )

    response = client.post("/accounts/login/", {"login": "mobile@example.com", "password": "S4fe-pass-phrase"})

    assert response.status_code == 302
    assert client.get("/").context["user"].username == "mobile"


def test_login_page_shows_an_error_for_a_wrong_password(client, learner):
    response = client.post("/accounts/login/", {"login": "learner", "password": "wrong-password"})

    assert response.status_code == 200
    assert response.context["form"].errors
    assert not response.context["user"].is_authenticated


def test_logout_is_a_post_that_signs_out(signed_in):
    response = signed_in.post("/accounts/logout/")

    assert response.status_code == 302
    assert not signed_in.get("/").context["user"].is_authenticated


def test_password_reset_page_sends_a_link_to_a_known_address(client, learner):
    response = client.post("/accounts/password/reset/", {"email": "Learner@Example.com"})

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["learner@example.com"]


# ---- /settings/ --------------------------------------------------------------------


def test_settings_needs_a_signed_in_learner(client):
    response = client.get(SETTINGS)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_settings_page_shows_the_current_values(signed_in, learner, django_assert_max_num_queries):
    learner.display_name = "Ana Banana"
    learner.save()

    with django_assert_max_num_queries(6):
        response = signed_in.get(SETTINGS)

    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="Ana Banana"' in page
    assert '<option value="Europe/Tirane" selected>' in page
    assert 'href="/api/v1/users/me/export"' in page
    assert "Delete my account" in page


def test_settings_page_saves_the_profile_and_announces_the_change(signed_in, learner):
    changed = []

    def on_updated(sender, **kwargs):
        changed.append(kwargs["changed"])

    profile_updated.connect(on_updated, dispatch_uid="t-updated")
    try:
        response = signed_in.post(SETTINGS, settings_form(show_on_leaderboard=None))
    finally:
        profile_updated.disconnect(dispatch_uid="t-updated")

    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.display_name == "Ana"
    assert learner.avatar_url == "https://example.com/ana.png"
    assert learner.timezone == "Europe/Rome"
    assert learner.show_on_leaderboard is False
    assert changed == [{"display_name", "avatar_url", "timezone", "show_on_leaderboard"}]
    assert "Settings saved." in signed_in.get(SETTINGS).content.decode()


@pytest.mark.parametrize(
    ("field", "value"),
    [("timezone", "Mars/Olympus_Mons"), ("avatar_url", "not a url"), ("display_name", "x" * 61)],
)
def test_settings_page_refuses_bad_input_and_changes_nothing(signed_in, learner, field, value):
    before = User.objects.filter(pk=learner.pk).values().get()

    response = signed_in.post(SETTINGS, settings_form(**{field: value}))

    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert User.objects.filter(pk=learner.pk).values().get() == before


def test_settings_page_keeps_a_timezone_set_through_the_api(signed_in, learner):
    learner.timezone = "EST5EDT"  # valid, though not in the page's short list
    learner.save()

    page = signed_in.get(SETTINGS).content.decode()
    response = signed_in.post(SETTINGS, settings_form(timezone="EST5EDT"))

    assert '<option value="EST5EDT" selected>' in page
    assert response.status_code == 302


def test_delete_account_needs_the_username_typed(signed_in, learner):
    response = signed_in.post("/settings/delete/", {"confirm": "not-me"})

    assert response.status_code == 400
    assert "confirm" in response.context["delete_form"].errors
    assert User.objects.filter(pk=learner.pk).exists()


def test_delete_account_erases_the_learner_and_signs_out(signed_in, learner):
    response = signed_in.post("/settings/delete/", {"confirm": "learner"})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert not User.objects.filter(pk=learner.pk).exists()
    home = signed_in.get("/")
    assert not home.context["user"].is_authenticated
    assert "Your account and all its data have been deleted." in home.content.decode()


def test_delete_account_is_post_only(signed_in, learner):
    assert signed_in.get("/settings/delete/").status_code == 405
    assert User.objects.filter(pk=learner.pk).exists()
