"""Sign-up, sign-in and settings as a learner does them: headless Chromium on a phone-sized screen."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import User
from accounts.tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, login: str, password: str = PASSWORD):
    page.goto("/accounts/login/")
    page.get_by_label("Username or email").fill(login)
    page.locator("#id_password").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()


def test_sign_up_log_out_and_log_in_again_by_email(page, live_server):
    page.goto("/")
    page.get_by_role("link", name="Sign up").first.click()
    expect(page).to_have_url(re.compile(r"/accounts/signup/$"))

    page.locator("#id_email").fill("Ana.Browser@Example.com")
    page.get_by_label("Username").fill("anabrowser")
    page.locator("#id_password1").fill("S4fe-pass-phrase")
    page.locator("#id_password2").fill("S4fe-pass-phrase")
    page.get_by_label("Year you were born").select_option("2000")
    page.get_by_role("button", name="Create my account").click()

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hi anabrowser!")
    assert User.objects.get(username="anabrowser").email == "ana.browser@example.com"

    page.get_by_role("navigation", name="Main").get_by_text("More", exact=True).click()  # Log out is in the menu
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)

    sign_in(page, "ANA.BROWSER@example.com", "S4fe-pass-phrase")

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hi anabrowser!")


def test_wrong_password_keeps_the_learner_on_the_login_page_with_a_message(page, live_server):
    UserFactory(username="ana")

    sign_in(page, "ana", "not-the-password")

    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.get_by_text("not correct")).to_be_visible()


def test_change_settings_then_delete_the_account(page, live_server):
    UserFactory(username="ana", display_name="")
    sign_in(page, "ana")
    expect(page.get_by_role("link", name=re.compile("^Your profile"))).to_be_visible()

    page.goto("/settings/")
    page.get_by_label("Display name").fill("Ana the Saver")
    page.get_by_label("Time zone").select_option("Europe/Rome")
    page.get_by_label("Show me on leaderboards").uncheck()
    page.get_by_role("button", name="Save").first.click()

    expect(page.get_by_text("Settings saved.")).to_be_visible()
    expect(page.get_by_label("Display name")).to_have_value("Ana the Saver")
    ana = User.objects.get(username="ana")
    assert (ana.display_name, ana.timezone, ana.show_on_leaderboard) == ("Ana the Saver", "Europe/Rome", False)

    page.get_by_label("Type your username to confirm").fill("ana")
    page.get_by_role("button", name="Delete my account").click()

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_text("Your account and all its data have been deleted.")).to_be_visible()
    assert not User.objects.filter(username="ana").exists()


def test_api_docs_render_swagger_ui_from_local_files(page, live_server):
    outside = []
    page.on(
        "request", lambda request: outside.append(request.url) if not request.url.startswith(live_server.url) else None
    )

    page.goto("/api/v1/docs/")

    expect(page.locator(".swagger-ui .info .title")).to_contain_text("RaiPlay API")
    expect(page.locator(".opblock-summary-path", has_text="/api/v1/auth/login").first).to_be_visible()
    assert outside == []
