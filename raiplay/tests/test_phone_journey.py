"""A teenager's first days on a 390 px phone, in a real browser: sign up, play a quest one
question at a time, get one wrong, and meet it again in review the next day, moving around
with the bottom tab bar and its More menu only."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from accounts.tests.factories import PASSWORD
from achievements.models import LedgerEntry, Reason, ReviewItem
from games.tests.factories import QuestFactory, add_single, questions_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def tab(page, name: str):
    return page.locator("nav .tabs").get_by_role("link", name=name, exact=True)


def assert_fits_the_phone(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), page.url


def test_sign_up_play_step_by_step_and_review_the_mistake_the_next_day(page, live_server, monkeypatch):
    quest = QuestFactory(slug="pocket-money", title="Pocket money", xp_reward=60, coin_reward=10, pass_score=50)
    for _ in range(3):
        add_single(quest)
    first, second, third = questions_of(quest)
    right = {q.pk: q.choices.get(is_correct=True).text for q in (first, second, third)}
    wrong_choice = second.choices.filter(is_correct=False).first().text

    # Sign up: RaiPlay's own words, and the dashboard after it.
    page.goto("/accounts/signup/")
    assert page.get_by_role("heading", level=1).text_content().strip() == "Create your account"
    page.fill("input[name=email]", "mira@example.com")
    page.fill("input[name=username]", "mira")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.select_option("select[name=birth_year]", "2005")
    page.get_by_role("button", name="Create my account").click()
    page.wait_for_url(f"{live_server.url}/")
    assert tab(page, "Home").get_attribute("aria-current") == "page"
    assert_fits_the_phone(page)

    # The bottom bar to the quest map, then the quest.
    tab(page, "Quests").click()
    page.wait_for_url(f"{live_server.url}/quests/")
    assert tab(page, "Quests").get_attribute("aria-current") == "page"
    page.click("a.node[href='/games/pocket-money/']")

    # One question at a time: Check gives the verdict and the explanation before Next.
    expect(page.get_by_role("progressbar", name="Question 1 of 3")).to_be_visible()  # once play.js has drawn it
    page.get_by_label(right[first.pk]).check()
    page.get_by_role("button", name="Check").click()
    expect(page.locator("[data-feedback]")).to_contain_text("Right!")
    page.get_by_role("button", name="Next").click()
    page.get_by_label(wrong_choice).check()
    page.get_by_role("button", name="Check").click()
    feedback = page.locator("[data-feedback]")
    expect(feedback).to_contain_text("Not quite.")
    assert second.explanation in feedback.text_content()
    assert right[second.pk] in feedback.text_content()  # the right answer, once answered
    assert_fits_the_phone(page)
    page.get_by_role("button", name="Next").click()
    page.get_by_label(right[third.pk]).check()
    page.get_by_role("button", name="Check").click()
    page.get_by_role("button", name="See my results").click()
    page.wait_for_url(re.compile(r".*/results/\d+/$"))
    assert "67%" in page.text_content(".score")
    assert "+60 XP" in page.text_content(".earned")

    mira = User.objects.get(username="mira")
    assert list(ReviewItem.objects.filter(user=mira).values_list("question", flat=True)) == [second.pk]

    # Today nothing is due: the missed question waits a day.
    tab(page, "Home").click()
    assert page.locator("[data-testid=review-due]").count() == 0

    # The next day (the server's clock moves on), the dashboard counts it and review asks it again.
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + timedelta(days=1))
    page.reload()
    assert "1 to review" in page.text_content("[data-testid=review-due]")

    more = page.locator("nav summary", has_text="More")
    more.click()
    page.locator("nav .more-menu").get_by_role("link", name="Review").click()
    page.wait_for_url(f"{live_server.url}/review/")
    assert page.locator("nav summary", has_text="More").get_attribute("aria-current") == "page"
    assert second.prompt in page.text_content("#main")
    assert_fits_the_phone(page)
    page.get_by_label(right[second.pk]).check()
    page.get_by_role("button", name="Check").click()
    page.wait_for_selector("[data-testid=review-result]")
    assert "Right!" in page.text_content("[data-testid=review-result]")
    assert "+2 XP" in page.text_content("[data-testid=review-xp]")

    item = ReviewItem.objects.get(user=mira)  # right once: next in 3 days
    assert (item.step, item.due_on - item.missed_on) == (1, timedelta(days=4))
    assert LedgerEntry.objects.filter(user=mira, reason=Reason.REVIEW).count() == 1
