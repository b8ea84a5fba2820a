"""The step-by-step play API: games/{id}/start, …/attempts/{attempt_id}/answers and …/finish."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from drf_spectacular.generators import SchemaGenerator

from accounts.tests.factories import UserFactory
from achievements.models import LedgerEntry
from achievements.tests.factories import AchievementFactory
from conftest import client_for
from games.models import Attempt, UserGame

from .factories import (
    ClientGameFactory,
    QuestFactory,
    as_json,
    correct_answer,
    correct_answers,
    make_game,
    questions_of,
    wrong_answer,
)

pytestmark = pytest.mark.django_db

FEEDBACK_KEYS = {"correct", "explanation", "correct_choices", "answer_value"}
RESULT_KEYS = {"attempt_id", "score", "passed", "first_time", "results", "rewards"}


def start(client, game) -> int:
    response = client.post(f"/api/v1/games/{game.pk}/start")
    assert response.status_code == 201, response.content
    return response.json()["attempt_id"]


def answers_url(game, attempt_id) -> str:
    return f"/api/v1/games/{game.pk}/attempts/{attempt_id}/answers"


def finish_url(game, attempt_id) -> str:
    return f"/api/v1/games/{game.pk}/attempts/{attempt_id}/finish"


def answer(client, game, attempt_id, given):
    return client.post(answers_url(game, attempt_id), as_json([given])[0], format="json")


@pytest.fixture
def quest():
    return make_game(single=2, number=1, factory=QuestFactory, position=1, xp_reward=90, coin_reward=12)


# ---- start ------------------------------------------------------------------------


def test_start_of_a_server_scored_game_returns_an_attempt_id(auth_api, quest):
    response = auth_api.post(f"/api/v1/games/{quest.pk}/start")
    assert response.status_code == 201
    assert set(response.json()) == {"attempt_id"}
    attempt = Attempt.objects.get(pk=response.json()["attempt_id"])
    assert (attempt.user, attempt.game, attempt.finished_at) == (auth_api.user, quest, None)


def test_start_of_a_locked_quest_is_403_and_of_an_unpublished_game_404(auth_api, quest):
    locked = make_game(single=1, factory=QuestFactory, position=2)
    hidden = make_game(single=1, is_published=False)
    response = auth_api.post(f"/api/v1/games/{locked.pk}/start")
    assert response.status_code == 403 and "locked" in response.json()["detail"]
    assert auth_api.post(f"/api/v1/games/{hidden.pk}/start").status_code == 404
    assert not Attempt.objects.exists()


# ---- answers ----------------------------------------------------------------------


def test_a_right_answer_gets_its_feedback_and_is_recorded(auth_api, quest):
    attempt_id = start(auth_api, quest)
    question = questions_of(quest)[0]
    response = answer(auth_api, quest, attempt_id, correct_answer(question))
    assert response.status_code == 200, response.content
    assert response.json() == {
        "correct": True,
        "explanation": question.explanation,
        "correct_choices": [c.pk for c in question.choices.all() if c.is_correct],
        "answer_value": None,
    }
    assert Attempt.objects.get(pk=attempt_id).answers == as_json([correct_answer(question)])


def test_a_wrong_number_answer_gets_the_right_value(auth_api, quest):
    attempt_id = start(auth_api, quest)
    question = questions_of(quest)[2]
    response = auth_api.post(answers_url(quest, attempt_id), {"question": question.pk, "value": 3}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == FEEDBACK_KEYS
    assert (body["correct"], body["correct_choices"], body["answer_value"]) == (False, [], 25.0)


def test_the_same_question_twice_is_409_and_the_first_answer_stays(auth_api, quest):
    attempt_id = start(auth_api, quest)
    question = questions_of(quest)[0]
    assert answer(auth_api, quest, attempt_id, wrong_answer(question)).status_code == 200
    again = answer(auth_api, quest, attempt_id, correct_answer(question))
    assert again.status_code == 409
    assert again.json()["detail"] == "You already answered this question in this play."
    assert Attempt.objects.get(pk=attempt_id).answers == as_json([wrong_answer(question)])


def bad_bodies(quest) -> dict:
    single, _, number = questions_of(quest)
    other = questions_of(make_game(single=1))[0]
    choice = single.choices.first().pk
    return {
        "empty": {},
        "no question": {"choices": [choice]},
        "both choices and value": {"question": single.pk, "choices": [choice], "value": 1},
        "neither choices nor value": {"question": single.pk},
        "value not a number": {"question": number.pk, "value": "lots"},
        "choices not a list": {"question": single.pk, "choices": "all"},
        "question of another game": {"question": other.pk, "choices": [other.choices.first().pk]},
        "unknown question": {"question": 987654, "value": 1},
        "value for a choice question": {"question": single.pk, "value": 1},
        "choices for a number question": {"question": number.pk, "choices": [choice]},
        "choice of another question": {"question": single.pk, "choices": [other.choices.first().pk]},
        "a choice twice": {"question": single.pk, "choices": [choice, choice]},
    }


@pytest.mark.parametrize(
    "case",
    [
        "empty",
        "no question",
        "both choices and value",
        "neither choices nor value",
        "value not a number",
        "choices not a list",
        "question of another game",
        "unknown question",
        "value for a choice question",
        "choices for a number question",
        "choice of another question",
        "a choice twice",
    ],
)
def test_a_malformed_answer_is_400_and_nothing_is_recorded(auth_api, quest, case):
    attempt_id = start(auth_api, quest)
    response = auth_api.post(answers_url(quest, attempt_id), bad_bodies(quest)[case], format="json")
    assert response.status_code == 400, response.content
    assert response.json()
    assert Attempt.objects.get(pk=attempt_id).answers == []


def test_another_learners_attempt_is_404_for_answers_and_finish(auth_api, quest):
    theirs = start(client_for(UserFactory()), quest)
    question = questions_of(quest)[0]
    response = answer(auth_api, quest, theirs, correct_answer(question))
    assert response.status_code == 404 and response.json()["detail"]
    assert auth_api.post(finish_url(quest, theirs)).status_code == 404
    attempt = Attempt.objects.get(pk=theirs)
    assert (attempt.answers, attempt.finished_at) == ([], None)


def test_an_attempt_of_another_game_or_a_missing_one_is_404(auth_api, quest):
    other = make_game(single=1)
    attempt_id = start(auth_api, other)
    question = questions_of(quest)[0]
    assert answer(auth_api, quest, attempt_id, correct_answer(question)).status_code == 404
    assert answer(auth_api, quest, 987654, correct_answer(question)).status_code == 404
    assert auth_api.post(finish_url(quest, 987654)).status_code == 404
    assert auth_api.post(finish_url(quest, "9" * 30)).status_code == 404  # past any id column: still a 404
    assert answer(auth_api, quest, "9" * 30, correct_answer(question)).status_code == 404
    assert auth_api.post(f"/api/v1/games/987654/attempts/{attempt_id}/finish").status_code == 404


def test_answers_and_finish_need_a_user(api, quest):
    attempt_id = start(client_for(UserFactory()), quest)
    question = questions_of(quest)[0]
    assert answer(api, quest, attempt_id, correct_answer(question)).status_code == 401
    assert api.post(finish_url(quest, attempt_id)).status_code == 401
    assert api.post(f"/api/v1/games/{quest.pk}/start").status_code == 401


def test_a_client_scored_game_takes_no_answers(auth_api):
    game = ClientGameFactory()
    attempt_id = start(auth_api, game)
    response = auth_api.post(answers_url(game, attempt_id), {"question": 1, "value": 1}, format="json")
    assert response.status_code == 400
    assert "start and complete" in response.json()["detail"]
    assert auth_api.post(finish_url(game, attempt_id)).status_code == 400


# ---- finish -----------------------------------------------------------------------


def test_finish_answers_exactly_as_attempts_does(auth_api, quest):
    badge = AchievementFactory(metric="games_completed", threshold=1, xp_reward=0, coin_reward=0)
    attempt_id = start(auth_api, quest)
    for given in correct_answers(quest):
        assert answer(auth_api, quest, attempt_id, given).status_code == 200
    response = auth_api.post(finish_url(quest, attempt_id))
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == RESULT_KEYS
    assert (body["attempt_id"], body["score"], body["passed"], body["first_time"]) == (attempt_id, 100, True, True)
    assert [r["question"] for r in body["results"]] == [q.pk for q in questions_of(quest)]
    assert [set(r) for r in body["results"]] == [{"question", *FEEDBACK_KEYS}] * 3
    assert body["rewards"] == {
        "xp": 90,
        "coins": 12,
        "level": 1,
        "level_up": False,
        "achievements": [{"slug": badge.slug, "title": badge.title}],
        "daily_quests": [],
    }
    # The same play through the one-form route answers with the same keys and shapes.
    whole = auth_api.post(
        f"/api/v1/games/{quest.pk}/attempts", {"answers": as_json(correct_answers(quest))}, format="json"
    ).json()
    assert set(whole) == set(body)
    assert whole["results"] == body["results"]


def test_finish_counts_unanswered_questions_wrong(auth_api, quest):
    attempt_id = start(auth_api, quest)
    first = questions_of(quest)[0]
    answer(auth_api, quest, attempt_id, correct_answer(first))
    body = auth_api.post(finish_url(quest, attempt_id)).json()
    assert (body["score"], body["passed"]) == (33, False)
    assert [r["correct"] for r in body["results"]] == [True, False, False]
    assert body["rewards"]["xp"] == 0
    assert not LedgerEntry.objects.exists()


def test_finish_twice_is_409_and_rewards_once(auth_api, quest):
    attempt_id = start(auth_api, quest)
    for given in correct_answers(quest):
        answer(auth_api, quest, attempt_id, given)
    assert auth_api.post(finish_url(quest, attempt_id)).json()["rewards"]["xp"] == 90
    again = auth_api.post(finish_url(quest, attempt_id))
    assert again.status_code == 409 and again.json()["detail"]
    late = answer(auth_api, quest, attempt_id, correct_answer(questions_of(quest)[0]))
    assert late.status_code == 409
    auth_api.user.refresh_from_db()
    assert (auth_api.user.xp, auth_api.user.coins) == (90, 12)
    assert LedgerEntry.objects.count() == 1
    assert UserGame.objects.get(user=auth_api.user, game=quest).attempts_count == 1


def test_finish_with_an_idempotency_key_replays_the_first_answer(auth_api, quest):
    attempt_id = start(auth_api, quest)
    for given in correct_answers(quest):
        answer(auth_api, quest, attempt_id, given)
    first = auth_api.post(finish_url(quest, attempt_id), HTTP_IDEMPOTENCY_KEY="finish-1")
    again = auth_api.post(finish_url(quest, attempt_id), HTTP_IDEMPOTENCY_KEY="finish-1")
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert LedgerEntry.objects.count() == 1
    # The key names this finish only: used for another request it is refused.
    other = start(auth_api, quest)
    reused = auth_api.post(finish_url(quest, other), HTTP_IDEMPOTENCY_KEY="finish-1")
    assert reused.status_code == 409
    assert Attempt.objects.get(pk=other).finished_at is None


def test_a_locked_quest_cannot_be_finished(auth_api, quest):
    second = make_game(single=1, factory=QuestFactory, position=2)
    attempt = Attempt.objects.create(user=auth_api.user, game=second)  # say, started before a reorder
    response = auth_api.post(finish_url(second, attempt.pk))
    assert response.status_code == 403
    attempt.refresh_from_db()
    assert attempt.finished_at is None


def test_feedback_and_errors_speak_albanian(auth_api, quest):
    attempt_id = start(auth_api, quest)
    question = questions_of(quest)[0]
    answer(auth_api, quest, attempt_id, correct_answer(question))
    again = auth_api.post(
        answers_url(quest, attempt_id),
        as_json([correct_answer(question)])[0],
        format="json",
        HTTP_ACCEPT_LANGUAGE="sq",
    )
    assert again.status_code == 409
    assert again.json() == {"detail": "Kësaj pyetjeje i je përgjigjur tashmë në këtë lojë."}
    auth_api.post(finish_url(quest, attempt_id))
    finished = auth_api.post(finish_url(quest, attempt_id), HTTP_ACCEPT_LANGUAGE="sq")
    assert finished.json() == {"detail": "Kjo lojë ka përfunduar tashmë: fillo një të re për të luajtur sërish."}


# ---- query counts -----------------------------------------------------------------


def _request_costs(client, game) -> tuple[int, int, int]:
    """Queries for the last answer of a passing play, for its finish, and for the one-form play."""
    attempt_id = start(client, game)
    *before, last = correct_answers(game)
    for given in before:
        answer(client, game, attempt_id, given)
    with CaptureQueriesContext(connection) as answering:
        assert answer(client, game, attempt_id, last).status_code == 200
    with CaptureQueriesContext(connection) as finishing:
        assert client.post(finish_url(game, attempt_id)).json()["first_time"] is True
    # The same first pass by a new learner through the one-form route, for comparison.
    newcomer, other = client_for(UserFactory()), make_game(single=len(questions_of(game)))
    body = {"answers": as_json(correct_answers(other))}
    with CaptureQueriesContext(connection) as whole:
        assert newcomer.post(f"/api/v1/games/{other.pk}/attempts", body, format="json").json()["first_time"] is True
    return len(answering), len(finishing), len(whole)


def test_answer_and_finish_query_counts_are_flat_as_questions_grow(auth_api):
    small = _request_costs(auth_api, make_game(single=2))
    big = _request_costs(client_for(UserFactory()), make_game(single=12, multiple=6, number=6))
    assert small[:2] == big[:2]
    answering, finishing, whole = small
    assert answering <= 8
    assert finishing <= whole + 1  # the one-form play's work, plus finding and locking the started play


# ---- the OpenAPI document -----------------------------------------------------------


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def test_schema_describes_the_step_by_step_operations(schema):
    paths = schema["paths"]
    start_op = paths["/api/v1/games/{id}/start/"]["post"]
    answers_op = paths["/api/v1/games/{id}/attempts/{attempt_id}/answers/"]["post"]
    finish_op = paths["/api/v1/games/{id}/attempts/{attempt_id}/finish/"]["post"]

    assert set(start_op["responses"]) == {"201", "400", "401", "403", "404"}
    assert set(answers_op["responses"]) == {"200", "400", "401", "403", "404", "409"}
    assert set(finish_op["responses"]) == {"200", "400", "401", "403", "404", "409"}
    for operation in (answers_op, finish_op):
        path_parameters = {p["name"]: p["schema"] for p in operation["parameters"] if p["in"] == "path"}
        assert path_parameters["attempt_id"]["type"] == "integer"
        assert path_parameters["id"] == {"type": "string", "pattern": r"^\d+$"}  # as every games/{id} route
    assert "Idempotency-Key" in {p["name"] for p in finish_op["parameters"]}
    assert "requestBody" not in finish_op

    def component(operation, status, kind="responses"):
        body = operation[kind] if kind == "requestBody" else operation[kind][status]
        ref = body["content"]["application/json"]["schema"]["$ref"]
        return schema["components"]["schemas"][ref.rsplit("/", 1)[1]]

    request = component(answers_op, None, "requestBody")
    assert set(request["properties"]) == {"question", "choices", "value"}
    assert request["required"] == ["question"]
    feedback = component(answers_op, "200")
    assert set(feedback["properties"]) == FEEDBACK_KEYS
    assert set(feedback["required"]) == FEEDBACK_KEYS
    attempts_op = paths["/api/v1/games/{id}/attempts/"]["post"]
    assert component(finish_op, "200") == component(attempts_op, "201")
