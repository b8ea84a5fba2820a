"""Editing games in the admin: nested questions and choices, and publishing only what learners can answer."""

import re

import pytest
from django.contrib.auth.models import Group

from accounts.tests.factories import UserFactory
from conftest import form_data
from games import services
from games.models import Choice, Game, Question, QuestStep

from .factories import ChoiceFactory, QuestFactory, QuestionFactory, add_multiple, add_single, make_game

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client):
    editor = UserFactory(username="ed", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    return client


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def change_url(game: Game) -> str:
    return f"/admin/games/game/{game.pk}/change/"


def post_change_form(client, game: Game, **changes):
    """Post the game's change page as the editor's browser would, with `changes` applied."""
    data = form_data(client.get(change_url(game)), "game_form")
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = [value]
    return client.post(change_url(game), data)


# ---- broken games, one per rule ----------------------------------------------------------


def no_questions() -> Game:
    return make_game(is_published=False, title="Empty")


def single_without_correct() -> Game:
    game = make_game(is_published=False, title="No right answer")
    add_single(game)
    add_single(game, correct=99)  # none of its three choices is correct
    return game


def single_with_two_correct() -> Game:
    game = make_game(is_published=False, title="Two right answers")
    question = QuestionFactory(game=game, kind=Question.Kind.SINGLE)
    ChoiceFactory(question=question, is_correct=True)
    ChoiceFactory(question=question, is_correct=True)
    return game


def multiple_without_correct() -> Game:
    game = make_game(is_published=False, title="Nothing to select")
    add_multiple(game, correct=())
    return game


def number_without_answer() -> Game:
    game = make_game(is_published=False, title="No number")
    QuestionFactory(game=game, kind=Question.Kind.NUMBER, answer_value=None)
    return game


def question_without_choices() -> Game:
    game = make_game(is_published=False, title="Nothing to pick")
    QuestionFactory(game=game, kind=Question.Kind.SINGLE)
    return game


BROKEN = {
    "no question": (no_questions, "A server-scored game needs at least one question."),
    "single, no correct choice": (single_without_correct, "Question 2 ("),
    "single, two correct choices": (single_with_two_correct, "needs exactly one correct choice"),
    "multiple, none correct": (multiple_without_correct, "Mark at least one choice as correct."),
    "number, no answer": (number_without_answer, "A number question needs its answer."),
    "no choices": (question_without_choices, "Give at least two choices."),
}


@pytest.mark.parametrize("build", [b for b, _ in BROKEN.values()], ids=list(BROKEN))
def test_the_rule_names_what_is_broken(build):
    game = build()
    assert services.publish_refusals(game)


def test_the_rule_passes_a_game_learners_can_answer():
    game = make_game(single=1, multiple=1, number=1, is_published=False)
    assert services.publish_refusals(game) == []


@pytest.mark.parametrize(("build", "message"), list(BROKEN.values()), ids=list(BROKEN))
def test_publishing_from_the_game_page_is_refused_for_a_broken_game(editor_client, build, message):
    game = build()
    response = post_change_form(editor_client, game, is_published="on")
    page = text(response)
    game.refresh_from_db()
    assert response.status_code == 200  # the form again, with the refusal
    assert "Not published: learners could not answer this game." in page
    assert message in page
    assert not game.is_published


def test_the_refusal_names_each_broken_question_by_number_and_prompt(editor_client):
    game = make_game(is_published=False)
    add_single(game)
    second = add_single(game, correct=99)
    third = add_multiple(game, correct=())
    page = text(post_change_form(editor_client, game, is_published="on"))
    assert f"Question 2 (“{second.prompt}”): A single-answer question needs exactly one correct choice." in page
    assert f"Question 3 (“{third.prompt}”): Mark at least one choice as correct." in page
    assert "Question 1 (" not in page


@pytest.mark.parametrize("build", [b for b, _ in BROKEN.values()], ids=list(BROKEN))
def test_a_broken_game_still_saves_as_a_draft(editor_client, build):
    game = build()
    response = post_change_form(editor_client, game, title_en="Renamed draft", is_published=None)
    assert response.status_code == 302
    game.refresh_from_db()
    assert (game.title, game.is_published) == ("Renamed draft", False)


def test_a_playable_game_is_published_from_its_page(editor_client):
    game = make_game(single=1, number=1, is_published=False)
    assert post_change_form(editor_client, game, is_published="on").status_code == 302
    game.refresh_from_db()
    assert game.is_published


def test_a_published_game_cannot_lose_its_only_correct_choice(editor_client):
    game = make_game(single=1)
    question = game.questions.get()
    correct = question.choices.get(is_correct=True)
    data = form_data(editor_client.get(change_url(game)), "game_form")
    box = next(name for name, value in data.items() if name.endswith("-is_correct"))
    del data[box]  # the one ticked box, unticked
    response = editor_client.post(change_url(game), data)
    assert response.status_code == 200
    assert "A single-answer question needs exactly one correct choice." in text(response)
    correct.refresh_from_db()
    assert correct.is_correct


def test_questions_and_choices_are_edited_on_the_game_page(editor_client):
    game = make_game(single=1, is_published=False)
    question = game.questions.get()
    data = form_data(editor_client.get(change_url(game)), "game_form")
    # The nested choices' formset of the first question, as nested-admin names it.
    prefix = next(name for name in data if name.endswith("-choices-TOTAL_FORMS")).removesuffix("-TOTAL_FORMS")
    count = int(data[f"{prefix}-TOTAL_FORMS"][0])
    data[f"{prefix}-TOTAL_FORMS"] = [str(count + 1)]
    data.update(
        {
            f"{prefix}-{count}-text_en": ["A brand new choice"],
            f"{prefix}-{count}-position": [str(count)],
            f"{prefix}-{count}-question": [str(question.pk)],
        }
    )
    first_prompt = next(name for name in data if name.endswith("-prompt_en"))
    data[first_prompt] = ["Edited on the game page?"]
    assert editor_client.post(change_url(game), data).status_code == 302
    question.refresh_from_db()
    assert question.prompt == "Edited on the game page?"
    assert Choice.objects.filter(question=question, text="A brand new choice").exists()


def test_the_add_page_starts_a_draft(editor_client):
    page = editor_client.get("/admin/games/game/add/").content.decode()
    box = re.search(r'<input[^>]*name="is_published"[^>]*>', page)
    assert box is not None and "checked" not in box.group(0)
    assert Game().is_published is False


def test_a_new_game_ticked_published_without_questions_is_refused(editor_client):
    data = form_data(editor_client.get("/admin/games/game/add/"), "game_form")
    data.update(
        {
            "title_en": ["Fresh"],
            "slug": ["fresh"],
            "category": ["budgeting"],
            "is_published": ["on"],
        }
    )
    response = editor_client.post("/admin/games/game/add/", data)
    assert response.status_code == 200
    assert "A server-scored game needs at least one question." in text(response)
    assert not Game.objects.filter(slug="fresh").exists()


def test_a_question_page_keeps_a_published_game_answerable(editor_client):
    game = make_game(multiple=1)
    question = game.questions.get()
    url = f"/admin/games/question/{question.pk}/change/"
    data = form_data(editor_client.get(url), "question_form")
    for name in [n for n in data if n.endswith("-is_correct")]:
        del data[name]
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert "Mark at least one choice as correct." in text(response)
    assert question.choices.filter(is_correct=True).count() == 2


# ---- the list and the action -------------------------------------------------------------


def changelist_post(client, tick: list[Game]):
    data = form_data(client.get("/admin/games/game/"), "changelist-form")
    for index in range(int(data["form-TOTAL_FORMS"][0])):
        pk = int(data[f"form-{index}-id"][0])
        if any(game.pk == pk for game in tick):
            data[f"form-{index}-is_published"] = ["on"]
    data["_save"] = ["Save"]
    return client.post("/admin/games/game/", data)


def test_the_list_refuses_to_publish_a_broken_game(editor_client):
    broken = single_without_correct()
    response = changelist_post(editor_client, [broken])
    assert response.status_code == 200
    assert "A single-answer question needs exactly one correct choice." in text(response)
    broken.refresh_from_db()
    assert not broken.is_published


def test_the_list_publishes_a_playable_game(editor_client):
    good = make_game(single=1, is_published=False)
    assert changelist_post(editor_client, [good]).status_code == 302
    good.refresh_from_db()
    assert good.is_published


def test_the_publish_action_publishes_the_good_and_names_the_broken(editor_client):
    good = make_game(single=1, is_published=False, title="Good one")
    broken = number_without_answer()
    response = editor_client.post(
        "/admin/games/game/",
        {"action": "publish", "_selected_action": [good.pk, broken.pk]},
        follow=True,
    )
    page = text(response)
    good.refresh_from_db()
    broken.refresh_from_db()
    assert good.is_published and not broken.is_published
    assert "Published 1 game." in page
    assert "“No number” was not published: Question 1 (" in page
    assert "A number question needs its answer." in page


def test_the_unpublish_action(editor_client):
    game = make_game(single=1)
    editor_client.post("/admin/games/game/", {"action": "unpublish", "_selected_action": [game.pk]})
    game.refresh_from_db()
    assert not game.is_published


# ---- the quest line ----------------------------------------------------------------------


def test_reordering_swaps_positions_despite_the_unique_constraint():
    first, second, third = QuestFactory(position=1), QuestFactory(position=2), QuestFactory(position=3)
    steps = {step.game_id: step.pk for step in QuestStep.objects.all()}
    services.reorder_quest_line(positions={steps[first.pk]: 2, steps[second.pk]: 1})
    assert list(QuestStep.objects.order_by("position").values_list("game_id", flat=True)) == [
        second.pk,
        first.pk,
        third.pk,
    ]


def test_reordering_refuses_a_position_held_by_another_quest():
    first, _ = QuestFactory(position=1), QuestFactory(position=2)
    step = QuestStep.objects.get(game=first)
    with pytest.raises(services.DomainError):
        services.reorder_quest_line(positions={step.pk: 2})
    step.refresh_from_db()
    assert step.position == 1


def test_the_quest_line_is_reordered_through_the_sortable_list(editor_client):
    first, second = QuestFactory(position=1), QuestFactory(position=2)
    steps = {step.game_id: step.pk for step in QuestStep.objects.all()}
    response = editor_client.post(
        "/admin/games/queststep/adminsortable2_update/",
        {"updatedItems": [[str(steps[second.pk]), 1], [str(steps[first.pk]), 2]]},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert QuestStep.objects.get(game=second).position == 1


def test_the_quest_line_list_shows_each_quests_position_and_state(editor_client):
    QuestFactory(position=1, title="Opening quest")
    QuestFactory(position=2, title="Hidden quest", is_published=False)
    page = text(editor_client.get("/admin/games/queststep/"))
    assert page.index("Opening quest") < page.index("Hidden quest")
    assert "drag handle" in page


def test_a_published_games_last_question_cannot_be_deleted(editor_client):
    game = make_game(single=1)
    question = game.questions.get()
    response = editor_client.post(f"/admin/games/question/{question.pk}/delete/", {"post": "yes"}, follow=True)
    assert "unpublish the game before deleting it" in text(response)
    assert game.questions.count() == 1
    Game.objects.filter(pk=game.pk).update(is_published=False)
    editor_client.post(f"/admin/games/question/{question.pk}/delete/", {"post": "yes"})
    assert game.questions.count() == 0  # a draft may be emptied


def test_deleting_questions_in_bulk_keeps_a_question_in_every_published_game(editor_client):
    kept = make_game(single=1)
    other = make_game(single=2)
    selected = [kept.questions.get().pk, other.questions.first().pk]
    response = editor_client.post(
        "/admin/games/question/",
        {"action": "delete_selected", "_selected_action": selected, "post": "yes"},
        follow=True,
    )
    assert "unpublish the game before deleting it" in text(response)
    assert kept.questions.count() == 1 and other.questions.count() == 1
