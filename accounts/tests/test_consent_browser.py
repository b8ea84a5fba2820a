"""A 13-year-old signs up on a phone, the guardian approves from the mail, and FinBot opens."""

import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import ConsentStatus, User
from chat.tests.conftest import load_demo_knowledge

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_up_as_13_the_guardian_approves_then_finbot_answers(page, browser, live_server, settings):
    settings.CHAT_API_KEY = ""
    load_demo_knowledge()
    page.goto("/accounts/signup/")
    page.locator("#id_email").fill("mira@example.com")
    page.locator("#id_username").fill("mira")
    page.locator("#id_password1").fill("S4fe-pass-phrase")
    page.locator("#id_password2").fill("S4fe-pass-phrase")
    page.get_by_label("Year you were born").select_option(str(timezone.localdate().year - 13))
    page.get_by_label("A parent's or guardian's email").fill("parent@example.com")
    page.get_by_role("button", name="Create my account").click()

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_test_id("consent-waiting")).to_be_visible()
    page.goto("/chat/")
    page.get_by_label("Ask FinBot a money question").fill("What is a budget?")
    page.get_by_role("button", name="Send").click()
    expect(page.locator(".bubble.assistant").last).to_contain_text("guardian has approved your account")

    # The guardian opens the link from their mail in a browser of their own, signed in nowhere.
    guardian_mail = next(m for m in mail.outbox if m.to == ["parent@example.com"])
    link = re.search(r"https?://\S+/consent/\S+/", guardian_mail.body).group(0)
    guardian = browser.new_context(viewport={"width": 390, "height": 844})
    guardian_page = guardian.new_page()
    guardian_page.goto(link)
    expect(guardian_page.get_by_role("heading", level=1)).to_contain_text("mira wants to join RaiPlay")
    guardian_page.get_by_role("button", name="Approve").click()
    expect(guardian_page.get_by_test_id("consent-approved")).to_be_visible()
    guardian.close()
    assert User.objects.get(username="mira").consent_status == ConsentStatus.GRANTED

    page.goto("/chat/")
    page.get_by_label("Ask FinBot a money question").fill("What is a budget?")
    page.get_by_role("button", name="Send").click()
    answer = page.locator(".bubble.assistant").last
    expect(answer).not_to_have_attribute("aria-busy", "true")
    expect(answer).not_to_have_class(re.compile("failed"))
    expect(answer).to_contain_text("budget")
