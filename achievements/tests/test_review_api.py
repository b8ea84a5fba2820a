"""The review API's contract: GET review/ and POST review/answers."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from achievements.models import LedgerEntry, Reason, ReviewItem
from achievements.services import REVIEW_XP
from games.tests.factories import add_number, as_json, make_game, questions_of

from .reward_helpers import clock_fixture  # noqa: F401
from .test_review import TODAY, miss, right, wrong

pytestmark = pytest.mark.django_db


@pytest.fixture
def due(learner, clock):
    """Two missed questions of one game, due today."""
    game = make_game(single=2, xp_reward=0, coin_reward=0)
    miss(learner, game)
    clock.tick(days=1)
    return questions_of(game)


def post(client, answer, **headers):
    return client.post("/api/v1/review/answers", as_json([answer])[0], format="json", **headers)


def test_review_lists_the_due_questions_without_their_answers(auth_api, due):
    body = auth_api.get("/api/v1/review/").json()

    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 2
    first = body["results"][0]
    question = due[0]
    assert first == {
        "question": question.pk,
        "game": {"id": question.game.pk, "slug": question.game.slug, "title": question.game.title},
        "prompt": question.prompt,
        "kind": "single",
        "choices": [{"id": c.pk, "text": c.text} for c in question.choices.order_by("position", "id")],
        "due_on": str(TODAY + timedelta(1)),
        "step": 0,
    }
    assert "is_correct" not in str(body) and "explanation" not in str(body)


def test_review_needs_a_signed_in_learner(api, db):
    assert api.get("/api/v1/review/").status_code == 401
    assert api.post("/api/v1/review/answers", {"question": 1, "value": 1}, format="json").status_code == 401


def test_a_right_answer_returns_the_contract_and_moves_the_schedule(learner, auth_api, due):
    response = post(auth_api, right(due[0]))

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"correct", "explanation", "correct_choices", "answer_value", "next_due", "rewards"}
    assert body["correct"] is True
    assert body["explanation"] == due[0].explanation
    assert body["next_due"] == str(TODAY + timedelta(4))
    assert body["rewards"]["xp"] == REVIEW_XP
    assert set(body["rewards"]) == {"xp", "coins", "level", "level_up", "achievements", "daily_quests"}
    assert auth_api.get("/api/v1/review/").json()["count"] == 1


def test_a_wrong_answer_shows_the_right_one(auth_api, due):
    body = post(auth_api, wrong(due[0])).json()
    assert body["correct"] is False
    assert body["correct_choices"] == [c.pk for c in due[0].choices.all() if c.is_correct]
    assert body["next_due"] == str(TODAY + timedelta(2))
    assert body["rewards"]["xp"] == 0


def test_a_question_not_due_is_409_with_a_detail(learner, auth_api, due):
    assert post(auth_api, right(due[0])).status_code == 200
    again = post(auth_api, right(due[0]))  # answered already: due in 3 days
    assert again.status_code == 409
    assert again.json()["detail"]
    never = auth_api.post("/api/v1/review/answers", {"question": 999_999, "choices": [1]}, format="json")
    assert never.status_code == 409 and "detail" in never.json()
    assert LedgerEntry.objects.filter(user=learner, reason=Reason.REVIEW).count() == 1


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"question": "x", "choices": [1]},
        {"choices": [1]},
        {"question": 1},
        {"question": 1, "choices": [1], "value": 2},
        {"question": 1, "choices": "1"},
        {"question": 1, "value": "NaN"},
        [],
    ],
)
def test_malformed_answers_are_400_and_change_nothing(learner, auth_api, due, body):
    response = auth_api.post("/api/v1/review/answers", body, format="json")
    assert response.status_code == 400
    assert ReviewItem.objects.filter(user=learner, reviews=0).count() == 2


def test_an_answer_that_does_not_fit_the_question_is_400(learner, auth_api, due):
    other_choice = due[1].choices.first().pk
    response = auth_api.post(
        "/api/v1/review/answers", {"question": due[0].pk, "choices": [other_choice]}, format="json"
    )
    assert response.status_code == 400
    assert "detail" in response.json()
    value = auth_api.post("/api/v1/review/answers", {"question": due[0].pk, "value": 3}, format="json")
    assert value.status_code == 400
    assert ReviewItem.objects.filter(user=learner, reviews=0).count() == 2


def test_number_questions_are_answered_with_a_value(learner, auth_api, clock):
    game = make_game(xp_reward=0)
    question = add_number(game, answer=25, tolerance=0.5)
    miss(learner, game)
    clock.tick(days=1)
    body = auth_api.post("/api/v1/review/answers", {"question": question.pk, "value": 25.2}, format="json").json()
    assert body["correct"] is True and body["answer_value"] == 25


def test_a_retried_answer_with_its_key_replays_and_grants_once(learner, auth_api, due):
    first = post(auth_api, right(due[0]), HTTP_IDEMPOTENCY_KEY="review-1")
    second = post(auth_api, right(due[0]), HTTP_IDEMPOTENCY_KEY="review-1")

    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    assert second["Idempotent-Replayed"] == "true"
    learner.refresh_from_db()
    assert learner.xp == REVIEW_XP
    assert LedgerEntry.objects.filter(user=learner, reason=Reason.REVIEW).count() == 1


def test_review_list_query_count_is_flat(learner, auth_api, clock, django_assert_max_num_queries):
    for size in (2, 20):
        miss(learner, make_game(single=size, xp_reward=0))
        clock.tick(days=1)
        # the learner, the count, the page with question and game, the choices
        with django_assert_max_num_queries(4):
            body = auth_api.get("/api/v1/review/").json()
        assert len(body["results"]) == min(body["count"], 20)


def test_answering_query_count_is_flat(learner, auth_api, clock):
    counts = []
    for size in (2, 25):
        game = make_game(single=size, xp_reward=0)
        miss(learner, game)
        clock.tick(days=1)
        first, second = questions_of(game)[:2]
        post(auth_api, right(first))
        with CaptureQueriesContext(connection) as queries:
            assert post(auth_api, right(second)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_review_answers_in_albanian(auth_api, due):
    response = auth_api.post("/api/v1/review/answers?lang=sq", {"question": 999_999, "choices": [1]}, format="json")
    assert response.status_code == 409
    assert response["Content-Language"] == "sq"
    assert response.json()["detail"] == "Kjo pyetje nuk është për t'u përsëritur sot."


def test_the_schema_documents_review(api, db):
    paths = api.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()["paths"]
    listing = paths["/api/v1/review/"]["get"]
    answers = paths["/api/v1/review/answers"]["post"]
    assert {"200", "401"} <= set(listing["responses"])
    assert {"200", "400", "401", "409"} <= set(answers["responses"])
    item = listing["responses"]["200"]["content"]["application/json"]["schema"]
    assert "results" in str(item) or "$ref" in str(item)
