"""An editor imports a content file in a real browser: the dry run, then Apply."""

import json

import pytest

from achievements.models import ShopItem
from conftest import sign_in
from games.models import Game
from games.tests.factories import make_game
from raiplay.tests.factories import make_editor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_editor_checks_a_file_then_applies_it(browser, live_server, tmp_path):
    from playwright.sync_api import expect

    editor = make_editor(username="ed")
    make_game(single=1, slug="budget-basics", title="Old title")
    document = {
        "games": [
            {
                "slug": "budget-basics",
                "title": "Budget basics",
                "title_sq": "Bazat e buxhetit",
                "type": "minigame",
                "category": "budgeting",
                "questions": [
                    {"prompt": "Pick", "kind": "single", "choices": [{"text": "A", "correct": True}, {"text": "B"}]}
                ],
            }
        ],
        "shop_items": [{"slug": "streak-freeze", "name": "Streak freeze", "kind": "streak_freeze", "cost_coins": 50}],
    }
    path = tmp_path / "release.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    context = browser.new_context(base_url=live_server.url)
    sign_in(context, live_server, editor)
    page = context.new_page()

    page.goto("/admin/")
    page.get_by_role("link", name="Content files (import and export)").click()
    page.get_by_label("Content file (JSON)").set_input_files(str(path))
    page.get_by_role("button", name="Check the file").click()

    report = page.get_by_test_id("report")
    expect(report).to_contain_text("Dry run of release.json")
    expect(page.get_by_test_id("kind-games")).to_have_text("games010")
    expect(page.get_by_test_id("kind-shop_items")).to_have_text("shop_items100")
    assert Game.objects.get(slug="budget-basics").title == "Old title"  # nothing yet
    assert not ShopItem.objects.exists()

    page.get_by_role("button", name="Apply").click()
    expect(page.locator(".messagelist")).to_contain_text("Imported release.json.")
    game = Game.objects.get(slug="budget-basics")
    assert (game.title, game.title_sq) == ("Budget basics", "Bazat e buxhetit")
    assert ShopItem.objects.get().cost_coins == 50

    # A broken file: every error listed, nothing to apply.
    document["games"][0]["questions"][0]["choices"][1]["correct"] = True
    path.write_text(json.dumps(document), encoding="utf-8")
    page.get_by_label("Content file (JSON)").set_input_files(str(path))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_test_id("errors")).to_contain_text(
        "games[budget-basics].questions[0].choices: A single-answer question needs exactly one correct choice."
    )
    expect(page.get_by_role("button", name="Apply")).to_have_count(0)
    context.close()
