"""A learner asks FinBot on the page and watches the answer stream in (Chromium via Playwright)."""

import re

import pytest

from accounts.tests.factories import UserFactory
from chat.models import Message
from conftest import sign_in

from .conftest import load_demo_knowledge
from .llm_server import FakeLLM


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_question_on_the_page_gets_a_streamed_answer(page, live_server, settings):
    from playwright.sync_api import expect

    settings.CHAT_API_KEY = ""
    load_demo_knowledge()
    learner = UserFactory(username="asker")
    sign_in(page.context, live_server, learner)

    page.goto("/chat/")
    page.get_by_label("Ask FinBot a money question").fill("How does compound interest work?")
    page.get_by_role("button", name="Send").click()

    answer = page.locator(".bubble.assistant").last
    expect(answer).to_contain_text("Compound interest is interest on your interest")
    expect(answer.locator(".chat-links, .text")).not_to_have_count(0)
    # The stream finished: the address is the new conversation's and it is in the history.
    expect(page).to_have_url(re.compile(r"/chat/\d+/$"))
    expect(page.locator("#conversation-list a[aria-current=page]")).to_contain_text("How does compound interest work?")
    expect(page.locator("#chat-suggestions .suggestion")).to_have_count(3)

    # A follow-up suggestion continues the same conversation.
    page.locator("#chat-suggestions .suggestion").first.click()
    expect(page.locator(".bubble.assistant")).to_have_count(2)
    expect(page.locator(".bubble.assistant").last).not_to_have_attribute("aria-busy", "true")
    reply = Message.objects.filter(role="assistant").order_by("pk").last()
    assert Message.objects.filter(conversation__user=learner).count() == 4
    assert reply.content.split("\n")[0] in page.locator(".bubble.assistant").last.inner_text()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_model_answer_streams_token_by_token_and_html_stays_text(page, live_server, settings):
    from playwright.sync_api import expect

    load_demo_knowledge()
    learner = UserFactory(username="streamer")
    with FakeLLM(answer="Compound interest is <b>interest</b> on interest. <img src=x onerror=alert(1)>") as llm:
        settings.CHAT_API_KEY, settings.CHAT_BASE_URL, settings.CHAT_MAX_RETRIES = "k", llm.base_url, 0
        sign_in(page.context, live_server, learner)
        page.goto("/chat/")
        page.get_by_label("Ask FinBot a money question").fill("What is compound interest?")
        page.keyboard.press("Enter")
        answer = page.locator(".bubble.assistant").last
        expect(answer.locator(".text")).to_have_text(llm.answer)
        assert answer.locator("b, img").count() == 0  # shown as text, never as HTML
        assert llm.requests[0]["stream"] is True
