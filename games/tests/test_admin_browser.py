"""The game page in a real browser: questions with their choices on one page, and drag-and-drop order."""

import pytest

from conftest import sign_in
from games.models import Game, QuestStep
from raiplay.tests.factories import make_editor

from .factories import QuestFactory, make_game

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def editor_page(browser, live_server):
    editor = make_editor(username="ed")
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 1000})
    sign_in(context, live_server, editor)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    yield page
    context.close()


def test_an_editor_writes_a_game_with_its_question_and_choices_on_one_page_and_publishes_it(editor_page):
    page = editor_page
    page.goto("/admin/games/game/add/", wait_until="networkidle")
    assert not page.locator("#id_is_published").is_checked()  # a draft until published
    page.fill("#id_title_en", "Budget basics")  # the slug follows the title
    page.select_option("#id_category", "budgeting")
    page.get_by_role("link", name="Add another Question").click()
    page.fill("#id_questions-0-prompt_en", "What is a budget?")
    add_choice = page.locator("#questions-0 .djn-add-handler.djn-model-games-choice")
    add_choice.click()
    add_choice.click()
    page.fill("#id_questions-0-choices-0-text_en", "A plan for money")
    page.fill("#id_questions-0-choices-0-text_sq", "Një plan për paratë")
    page.fill("#id_questions-0-choices-1-text_en", "A kind of bank")
    page.check("#id_questions-0-choices-0-is_correct")
    page.check("#id_is_published")
    page.locator("input[name=_save]").click()
    page.wait_for_url("**/admin/games/game/")

    game = Game.objects.get(slug="budget-basics")
    question = game.questions.get()
    assert game.is_published
    assert question.prompt == "What is a budget?"
    assert [(c.text_en, c.text_sq or "", c.is_correct) for c in question.choices.order_by("position")] == [
        ("A plan for money", "Një plan për paratë", True),
        ("A kind of bank", "", False),
    ]
    assert page.errors == []


def test_a_question_with_nothing_to_pick_is_refused_in_the_browser(editor_page):
    page = editor_page
    page.goto("/admin/games/game/add/", wait_until="networkidle")
    page.fill("#id_title_en", "Nothing to pick")
    page.select_option("#id_category", "budgeting")
    page.get_by_role("link", name="Add another Question").click()
    page.fill("#id_questions-0-prompt_en", "Pick one")
    page.check("#id_is_published")
    page.locator("input[name=_save]").click()
    page.wait_for_load_state("networkidle")

    assert page.get_by_text("Not published: learners could not answer this game.").is_visible()
    assert page.get_by_text("Question 1 (“Pick one”): Give at least two choices.").is_visible()
    assert not Game.objects.filter(slug="nothing-to-pick").exists()


def test_questions_are_reordered_by_dragging_them(editor_page):
    game = make_game(single=2, is_published=False)
    first, second = game.questions.order_by("position")
    page = editor_page
    page.goto(f"/admin/games/game/{game.pk}/change/", wait_until="networkidle")
    # nested-admin's sortable follows the mouse: press on the first question's heading, move
    # below the second one in steps, release (all on screen: the page is tall).
    page.set_viewport_size({"width": 1280, "height": 4000})
    start = page.locator("#questions-0 > h3.djn-drag-handler").bounding_box()
    target = page.locator("#questions-1").bounding_box()
    page.mouse.move(start["x"] + 40, start["y"] + 5)
    page.mouse.down()
    page.mouse.move(start["x"] + 40, target["y"] + target["height"] - 10, steps=25)
    page.mouse.up()
    page.locator("input[name=_save]").click()
    page.wait_for_url("**/admin/games/game/")
    assert list(game.questions.order_by("position").values_list("pk", flat=True)) == [second.pk, first.pk]


def test_the_quest_line_is_reordered_by_dragging_a_row(editor_page):
    first, second = QuestFactory(position=1, title="Opening"), QuestFactory(position=2, title="Follow-up")
    page = editor_page
    page.goto("/admin/games/queststep/", wait_until="networkidle")
    with page.expect_response(lambda r: "adminsortable2_update" in r.url) as answer:
        page.locator("#result_list tbody tr").nth(1).locator(".drag.handle").drag_to(
            page.locator("#result_list tbody tr").nth(0), target_position={"x": 5, "y": 2}
        )
    assert answer.value.status == 200
    assert QuestStep.objects.get(game=second).position == 1
    assert QuestStep.objects.get(game=first).position == 2
    assert page.errors == []
