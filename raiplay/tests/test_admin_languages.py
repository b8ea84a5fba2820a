"""Editors write each text in both languages, side by side in the admin's language tabs."""

import pytest

from accounts.tests.factories import UserFactory
from conftest import sign_in
from games.models import Game

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_editor_writes_a_game_in_english_and_albanian_in_tabs(browser, live_server):
    editor = UserFactory(username="tabs-editor", is_staff=True, is_superuser=True)
    context = browser.new_context()
    sign_in(context, live_server, editor)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(f"{live_server.url}/admin/games/game/add/", wait_until="networkidle")
    tabs = page.locator("#game_form .ui-tabs-nav a")  # made by jQuery UI from our static files

    assert tabs.count() >= 4  # title and description, each with an English and an Albanian tab
    assert [tabs.nth(i).inner_text().strip() for i in range(2)] == ["EN", "SQ"]
    page.fill("#id_title_en", "Budget basics")
    assert not page.locator("#id_title_sq").is_visible()  # behind its tab
    tabs.nth(1).click()
    page.fill("#id_title_sq", "Bazat e buxhetit")
    page.fill("#id_slug", "budget-basics")
    page.select_option("#id_category", "budgeting")
    page.locator("input[name=_save]").click()
    page.wait_for_load_state("networkidle")

    game = Game.objects.get(slug="budget-basics")
    assert (game.title_en, game.title_sq) == ("Budget basics", "Bazat e buxhetit")
    assert errors == []
    context.close()
