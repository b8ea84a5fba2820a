"""/review/ in a real browser with JavaScript off, driven by the keyboard alone."""

import pytest

from achievements.models import ReviewItem
from conftest import sign_in
from games.tests.factories import make_game, questions_of

from .test_review import miss

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_review_a_mistake_with_the_keyboard_and_no_javascript(browser, live_server, learner):
    game = make_game(single=1, title="Needs or wants", xp_reward=0)
    miss(learner, game)
    ReviewItem.objects.update(due_on=ReviewItem.objects.get().due_on.replace(year=2000))  # due today
    right = questions_of(game)[0].choices.get(is_correct=True).text
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        sign_in(context, live_server, learner)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto("/")
        assert "1 to review" in page.text_content("[data-testid=review-due]")
        page.click("[data-testid=review-due] a")
        page.wait_for_url(f"{live_server.url}/review/")

        page.get_by_label(right).focus()
        page.keyboard.press("Space")
        page.keyboard.press("Enter")
        page.wait_for_selector("[data-testid=review-result]")
        assert "Right!" in page.text_content("[data-testid=review-result]")
        assert "+2 XP" in page.text_content("[data-testid=review-xp]")

        page.focus("[data-testid=review-next]")
        page.keyboard.press("Enter")
        page.wait_for_selector("[data-testid=review-empty]")
        assert "Nothing to review — nice!" in page.text_content("[data-testid=review-empty]")
    finally:
        context.close()
