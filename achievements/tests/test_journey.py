"""In a real browser: play → unlock a badge → see it celebrated → spend coins in the shop."""

import re

import pytest

from accounts.tests.factories import PASSWORD, UserFactory
from achievements.models import Reason, Redemption
from games.tests.factories import make_game

from .factories import AchievementFactory, ShopItemFactory
from .reward_helpers import boards_fixture, earn  # noqa: F401


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_journey_earn_a_badge_see_it_and_spend_coins_in_the_shop(page, live_server):
    learner = UserFactory(username="mira", display_name="Mira", password=PASSWORD)
    earn(learner, coins=90, reason=Reason.ADJUSTMENT, note="welcome coins")
    AchievementFactory(title="First win", icon="🥇", metric="games_completed", threshold=1, coin_reward=20)
    game = make_game(single=1, title="Needs or wants", xp_reward=50, coin_reward=10)
    right_answer = game.questions.get().choices.get(is_correct=True).text
    ShopItemFactory(slug="cinema", name="Cinema ticket", cost_coins=100, stock=5)

    page.goto("/accounts/login/")
    page.fill("input[name=login]", "mira")
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    # Before playing: the shop item is out of reach.
    page.goto("/shop/")
    assert "You have 90 coins." in page.text_content("[data-testid=balance]")
    assert "you need 10 more" in page.text_content("[data-testid=shop-item-cinema]")

    # Play and pass: the game's coins and the badge's coins make 120.
    page.goto(f"/games/{game.slug}/")
    page.get_by_label(right_answer).check()
    page.keyboard.press("Enter")  # Check: one question at a time, each with its feedback
    page.get_by_role("button", name="See my results").click()
    page.wait_for_url(re.compile(r".*/results/\d+/$"))

    # The badge is celebrated on the profile (earned since signing in) and listed there.
    page.goto("/profile/")
    banner = page.locator("[data-testid=rewards-banner]")
    assert banner.is_visible()
    assert "Badge unlocked: First win" in banner.text_content()
    assert "First win" in page.text_content("[data-testid=profile-badges]")

    # Spend coins: the confirm step first, then the code and the new balance.
    page.goto("/shop/")
    assert "You have 120 coins." in page.text_content("[data-testid=balance]")
    item = page.locator("[data-testid=shop-item-cinema]")
    confirm = item.get_by_role("button", name="Yes, redeem")
    assert not confirm.is_visible()  # nothing is spent on a single click
    item.locator("summary").click()
    assert "You will have 20 left." in item.text_content()
    confirm.click()
    page.wait_for_url(re.compile(r".*/shop/codes/RP-[0-9A-F]+/$"))

    code = page.text_content("[data-testid=redemption-code]").strip()
    assert Redemption.objects.get(user=learner).code == code
    assert "Redeemed: Cinema ticket!" in page.text_content("[data-testid=rewards-banner]")
    assert "Your balance: 20 coins" in page.text_content("[data-testid=balance]")
    assert "🪙 20" in page.text_content(".stats-chip")  # the header agrees
    learner.refresh_from_db()
    assert learner.coins == 20
