from datetime import timedelta

import pytest

from accounts.tests.factories import UserFactory
from achievements.models import LedgerEntry
from achievements.tests.factories import AchievementFactory, DailyQuestTemplateFactory
from conftest import client_for
from games.models import Attempt, UserGame
from games.services import submit_attempt

from .factories import (
    ClientGameFactory,
    GameFactory,
    QuestFactory,
    as_json,
    correct_answers,
    make_game,
    questions_of,
    wrong_answers,
)

pytestmark = pytest.mark.django_db

SECRET_KEYS = {"is_correct", "answer_value", "explanation", "tolerance", "correct", "correct_choices"}


def all_keys(data) -> set[str]:
    if isinstance(data, dict):
        return set(data) | {key for value in data.values() for key in all_keys(value)}
    if isinstance(data, list):
        return {key for value in data for key in all_keys(value)}
    return set()


def attempts_url(game) -> str:
    return f"/api/v1/games/{game.pk}/attempts"


# ---- one game ---------------------------------------------------------------------


def test_game_detail_never_reveals_the_answers(api):
    game = make_game(single=2, multiple=1, number=1)
    for client in (api, client_for(UserFactory())):
        response = client.get(f"/api/v1/games/{game.pk}/")
        assert response.status_code == 200
        body = response.json()
        assert not all_keys(body) & SECRET_KEYS
        assert [q["id"] for q in body["questions"]] == [q.pk for q in questions_of(game)]
        assert [c["id"] for c in body["questions"][0]["choices"]] == [c.pk for c in questions_of(game)[0].choices.all()]
        assert set(body["questions"][0]["choices"][0]) == {"id", "text"}


def test_game_detail_of_an_unpublished_game_is_404(api):
    game = make_game(single=1, is_published=False)
    assert api.get(f"/api/v1/games/{game.pk}/").status_code == 404


def test_game_detail_of_a_missing_game_is_404(api):
    assert api.get("/api/v1/games/987654/").status_code == 404


# ---- attempts ---------------------------------------------------------------------


def test_passing_attempt_returns_score_results_and_rewards(auth_api):
    game = make_game(single=2, number=1, xp_reward=120, coin_reward=15)
    badge = AchievementFactory(metric="games_completed", threshold=1, xp_reward=0)
    DailyQuestTemplateFactory(metric="games_completed", target=1, xp_reward=0, coin_reward=0)
    response = auth_api.post(attempts_url(game), {"answers": as_json(correct_answers(game))}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["score"] == 100 and body["passed"] is True
    assert [r["question"] for r in body["results"]] == [q.pk for q in questions_of(game)]
    assert all(r["correct"] is True for r in body["results"])
    assert [r["explanation"] for r in body["results"]] == [q.explanation for q in questions_of(game)]
    rewards = body["rewards"]
    assert set(rewards) == {"xp", "coins", "level", "level_up", "achievements", "daily_quests"}
    assert (rewards["xp"], rewards["coins"], rewards["level"], rewards["level_up"]) == (120, 15, 2, True)
    assert rewards["achievements"] == [{"slug": badge.slug, "title": badge.title}]
    assert len(rewards["daily_quests"]) == 1
    auth_api.user.refresh_from_db()
    assert auth_api.user.xp == 120


def test_failing_attempt_has_empty_rewards(auth_api):
    game = make_game(single=2)
    response = auth_api.post(attempts_url(game), {"answers": as_json(wrong_answers(game))}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert (body["score"], body["passed"]) == (0, False)
    assert all(r["correct"] is False for r in body["results"])
    assert body["rewards"] == {
        "xp": 0,
        "coins": 0,
        "level": 1,
        "level_up": False,
        "achievements": [],
        "daily_quests": [],
    }


def test_second_pass_rewards_are_zero_with_the_current_level(auth_api):
    game = make_game(single=1, xp_reward=150)
    submit_attempt(user=auth_api.user, game=game, answers=correct_answers(game))
    body = auth_api.post(attempts_url(game), {"answers": as_json(correct_answers(game))}, format="json").json()
    assert body["rewards"]["xp"] == 0
    assert body["rewards"]["level"] == 2 and body["rewards"]["level_up"] is False


def test_attempt_on_a_locked_quest_is_403_and_stores_nothing(auth_api):
    make_game(single=1, factory=QuestFactory, position=1)
    locked = make_game(single=1, factory=QuestFactory, position=2)
    response = auth_api.post(attempts_url(locked), {"answers": as_json(correct_answers(locked))}, format="json")
    assert response.status_code == 403
    assert "locked" in response.json()["detail"]
    assert not Attempt.objects.exists()


def test_attempt_on_an_unpublished_game_is_404(auth_api):
    game = make_game(single=1, is_published=False)
    response = auth_api.post(attempts_url(game), {"answers": as_json(correct_answers(game))}, format="json")
    assert response.status_code == 404
    assert not Attempt.objects.exists()


def test_anonymous_attempt_is_401(api):
    game = make_game(single=1)
    response = api.post(attempts_url(game), {"answers": as_json(correct_answers(game))}, format="json")
    assert response.status_code == 401
    assert "detail" in response.json()
    assert not Attempt.objects.exists()


def malformed_bodies(game):
    single, number = questions_of(game)
    other = questions_of(make_game(single=1))[0]
    choice = single.choices.first().pk
    return {
        "no answers": ({}, "answers"),
        "answers not a list": ({"answers": "all of them"}, "answers"),
        "both choices and value": ({"answers": [{"question": single.pk, "choices": [choice], "value": 1}]}, "answers"),
        "neither choices nor value": ({"answers": [{"question": single.pk}]}, "answers"),
        "value not a number": ({"answers": [{"question": number.pk, "value": "lots"}]}, "answers"),
        "unknown question": ({"answers": [{"question": 999999, "value": 1}]}, "detail"),
        "question of another game": ({"answers": [{"question": other.pk, "choices": []}]}, "detail"),
        "value for a choice question": ({"answers": [{"question": single.pk, "value": 1}]}, "detail"),
        "choices for a number question": ({"answers": [{"question": number.pk, "choices": [choice]}]}, "detail"),
        "choice of another question": (
            {"answers": [{"question": single.pk, "choices": [other.choices.first().pk]}]},
            "detail",
        ),
        "duplicate answers": (
            {"answers": [{"question": single.pk, "choices": [choice]}, {"question": single.pk, "choices": []}]},
            "detail",
        ),
    }


@pytest.mark.parametrize(
    "case",
    [
        "no answers",
        "answers not a list",
        "both choices and value",
        "neither choices nor value",
        "value not a number",
        "unknown question",
        "question of another game",
        "value for a choice question",
        "choices for a number question",
        "choice of another question",
        "duplicate answers",
    ],
)
def test_malformed_attempt_is_400_with_a_message_and_stores_nothing(auth_api, case):
    game = make_game(single=1, number=1)
    body, field = malformed_bodies(game)[case]
    response = auth_api.post(attempts_url(game), body, format="json")
    assert response.status_code == 400, response.content
    assert response.json()[field]
    assert not Attempt.objects.exists()
    assert not UserGame.objects.filter(attempts_count__gt=0).exists()
    assert not LedgerEntry.objects.exists()


def test_attempt_on_a_client_game_is_refused(auth_api):
    game = ClientGameFactory()
    response = auth_api.post(attempts_url(game), {"answers": []}, format="json")
    assert response.status_code == 400
    assert "start and complete" in response.json()["detail"]


# ---- start / complete -------------------------------------------------------------


def test_start_returns_an_attempt_id(auth_api):
    game = ClientGameFactory()
    response = auth_api.post(f"/api/v1/games/{game.pk}/start")
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"attempt_id"}
    assert Attempt.objects.get(pk=body["attempt_id"]).user == auth_api.user


def test_complete_returns_score_and_rewards(auth_api):
    game = ClientGameFactory(xp_reward=40, coin_reward=4)
    attempt_id = auth_api.post(f"/api/v1/games/{game.pk}/start").json()["attempt_id"]
    response = auth_api.post(
        f"/api/v1/games/{game.pk}/complete", {"attempt_id": attempt_id, "score": 85}, format="json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["score"], body["passed"], body["results"]) == (85, True, [])
    assert body["rewards"]["xp"] == 40 and body["rewards"]["coins"] == 4


def test_complete_too_soon_is_400(auth_api):
    game = ClientGameFactory(min_play_seconds=60)
    attempt_id = auth_api.post(f"/api/v1/games/{game.pk}/start").json()["attempt_id"]
    response = auth_api.post(
        f"/api/v1/games/{game.pk}/complete", {"attempt_id": attempt_id, "score": 100}, format="json"
    )
    assert response.status_code == 400
    assert "60 seconds" in response.json()["detail"]
    Attempt.objects.filter(pk=attempt_id).update(
        started_at=Attempt.objects.get(pk=attempt_id).started_at - timedelta(minutes=2)
    )
    again = auth_api.post(f"/api/v1/games/{game.pk}/complete", {"attempt_id": attempt_id, "score": 100}, format="json")
    assert again.status_code == 200


@pytest.mark.parametrize(
    "body", [{}, {"attempt_id": 1}, {"attempt_id": 1, "score": 101}, {"attempt_id": 1, "score": -1}]
)
def test_complete_with_a_bad_body_is_400(auth_api, body):
    game = ClientGameFactory()
    assert auth_api.post(f"/api/v1/games/{game.pk}/complete", body, format="json").status_code == 400


def test_complete_twice_is_400(auth_api):
    game = ClientGameFactory()
    attempt_id = auth_api.post(f"/api/v1/games/{game.pk}/start").json()["attempt_id"]
    url = f"/api/v1/games/{game.pk}/complete"
    assert auth_api.post(url, {"attempt_id": attempt_id, "score": 100}, format="json").status_code == 200
    assert auth_api.post(url, {"attempt_id": attempt_id, "score": 100}, format="json").status_code == 400
    assert LedgerEntry.objects.count() == 1


def test_complete_of_another_users_attempt_is_404(auth_api):
    game = ClientGameFactory()
    theirs = client_for(UserFactory()).post(f"/api/v1/games/{game.pk}/start").json()["attempt_id"]
    response = auth_api.post(f"/api/v1/games/{game.pk}/complete", {"attempt_id": theirs, "score": 100}, format="json")
    assert response.status_code == 404


def test_complete_of_a_server_game_is_400_even_for_its_started_play(auth_api):
    game = make_game(single=1)
    attempt_id = auth_api.post(f"/api/v1/games/{game.pk}/start").json()["attempt_id"]
    response = auth_api.post(
        f"/api/v1/games/{game.pk}/complete", {"attempt_id": attempt_id, "score": 100}, format="json"
    )
    assert response.status_code == 400
    assert "scored on the server" in response.json()["detail"]
    assert Attempt.objects.get().finished_at is None


def test_start_and_complete_need_a_user(api):
    game = ClientGameFactory()
    assert api.post(f"/api/v1/games/{game.pk}/start").status_code == 401
    assert (
        api.post(f"/api/v1/games/{game.pk}/complete", {"attempt_id": 1, "score": 1}, format="json").status_code == 401
    )


# ---- the library ------------------------------------------------------------------


def slugs(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [g["slug"] for g in response.json()["results"]]


def test_games_list_needs_a_user(api):
    assert api.get("/api/v1/games/").status_code == 401


def test_games_list_shows_published_games_with_the_learners_state(auth_api):
    done = make_game(single=1, slug="done")
    make_game(single=1, slug="fresh")
    make_game(single=1, slug="hidden", is_published=False)
    submit_attempt(user=auth_api.user, game=done, answers=correct_answers(done))
    response = auth_api.get("/api/v1/games/")
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    rows = {g["slug"]: g for g in body["results"]}
    assert set(rows) == {"done", "fresh"}
    assert (rows["done"]["completed"], rows["done"]["best_score"], rows["done"]["locked"]) == (True, 100, False)
    assert (rows["fresh"]["completed"], rows["fresh"]["best_score"], rows["fresh"]["locked"]) == (False, None, False)
    assert not all_keys(body) & SECRET_KEYS


def test_games_list_marks_locked_quests(auth_api):
    QuestFactory(slug="q1", position=1)
    QuestFactory(slug="q2", position=2)
    rows = {g["slug"]: g for g in auth_api.get("/api/v1/games/").json()["results"]}
    assert (rows["q1"]["locked"], rows["q2"]["locked"]) == (False, True)
    assert (rows["q1"]["quest_position"], rows["q2"]["quest_position"]) == (1, 2)


def test_games_list_filters(auth_api):
    done = make_game(single=1, slug="done", category="saving", difficulty=2)
    GameFactory(slug="credit-3", category="credit", difficulty=3)
    QuestFactory(slug="a-quest", category="saving", difficulty=1)
    submit_attempt(user=auth_api.user, game=done, answers=correct_answers(done))
    assert slugs(auth_api.get("/api/v1/games/?completed=true")) == ["done"]
    assert sorted(slugs(auth_api.get("/api/v1/games/?completed=false"))) == ["a-quest", "credit-3"]
    assert slugs(auth_api.get("/api/v1/games/?type=quest")) == ["a-quest"]
    assert sorted(slugs(auth_api.get("/api/v1/games/?type=minigame"))) == ["credit-3", "done"]
    assert sorted(slugs(auth_api.get("/api/v1/games/?category=saving"))) == ["a-quest", "done"]
    assert slugs(auth_api.get("/api/v1/games/?difficulty=3")) == ["credit-3"]
    assert slugs(auth_api.get("/api/v1/games/?category=saving&completed=false")) == ["a-quest"]


@pytest.mark.parametrize(
    "query", ["completed=maybe", "type=puzzle", "category=astrology", "difficulty=7", "difficulty=0", "difficulty=x"]
)
def test_games_list_bad_filter_is_400(auth_api, query):
    GameFactory()
    response = auth_api.get(f"/api/v1/games/?{query}")
    assert response.status_code == 400
    assert response.json()[query.split("=")[0]]


def test_minigames_lists_published_minigames_to_anyone(api):
    GameFactory(slug="mini")
    GameFactory(slug="mini-hidden", is_published=False)
    QuestFactory(slug="quest")
    assert slugs(api.get("/api/v1/games/minigames")) == ["mini"]


# ---- the storyline ----------------------------------------------------------------


def test_storyline_states_for_a_learner(auth_api):
    first = make_game(single=1, factory=QuestFactory, slug="first", position=1)
    QuestFactory(slug="second", position=2)
    QuestFactory(slug="third", position=3)
    submit_attempt(user=auth_api.user, game=first, answers=correct_answers(first))
    body = auth_api.get("/api/v1/games/quests/storyline").json()
    assert body["count"] == 3
    assert [(q["slug"], q["position"], q["state"]) for q in body["results"]] == [
        ("first", 1, "completed"),
        ("second", 2, "available"),
        ("third", 3, "locked"),
    ]
    assert body["results"][0]["best_score"] == 100


def test_storyline_for_an_anonymous_visitor_has_order_but_no_state(api):
    QuestFactory(slug="later", position=5)
    QuestFactory(slug="sooner", position=2)
    QuestFactory(slug="hidden", position=3, is_published=False)
    body = api.get("/api/v1/games/quests/storyline").json()
    assert [(q["slug"], q["position"], q["state"]) for q in body["results"]] == [
        ("sooner", 2, None),
        ("later", 5, None),
    ]


# ---- the activity ledger ------------------------------------------------------------


def test_activity_lists_the_ledger_newest_first(auth_api):
    first, second = make_game(single=1, xp_reward=10), make_game(single=1, xp_reward=20)
    submit_attempt(user=auth_api.user, game=first, answers=correct_answers(first))
    submit_attempt(user=auth_api.user, game=second, answers=correct_answers(second))
    submit_attempt(user=UserFactory(), game=first, answers=correct_answers(first))
    response = auth_api.get("/api/v1/users/me/activity")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [(r["xp"], r["reason"], r["source_id"]) for r in rows] == [
        (20, "game", str(second.pk)),
        (10, "game", str(first.pk)),
    ]
    assert "key" not in rows[0]


def test_activity_needs_a_user(api):
    assert api.get("/api/v1/users/me/activity").status_code == 401


# ---- query counts -----------------------------------------------------------------


def build_library(user, count):
    for index in range(count):
        game = QuestFactory() if index % 3 == 0 else GameFactory()
        if index % 2 == 0:
            UserGame.objects.create(user=user, game=game, best_score=80)


@pytest.mark.parametrize("count", [5, 30])
def test_games_list_query_count_is_flat(auth_api, django_assert_max_num_queries, count):
    build_library(auth_api.user, count)
    with django_assert_max_num_queries(8):
        response = auth_api.get("/api/v1/games/")
    assert response.json()["count"] == count


@pytest.mark.parametrize("count", [5, 30])
def test_filtered_games_list_query_count_is_flat(auth_api, django_assert_max_num_queries, count):
    build_library(auth_api.user, count)
    with django_assert_max_num_queries(8):
        auth_api.get("/api/v1/games/?completed=false&category=budgeting")


@pytest.mark.parametrize("count", [5, 30])
def test_minigames_query_count_is_flat(api, django_assert_max_num_queries, count):
    GameFactory.create_batch(count)
    with django_assert_max_num_queries(3):
        response = api.get("/api/v1/games/minigames")
    assert response.json()["count"] == count


@pytest.mark.parametrize("count", [5, 30])
def test_storyline_endpoint_query_count_is_flat(auth_api, django_assert_max_num_queries, count):
    for _ in range(count):
        game = QuestFactory()
        UserGame.objects.create(user=auth_api.user, game=game, best_score=50)
    with django_assert_max_num_queries(5):
        response = auth_api.get("/api/v1/games/quests/storyline")
    assert response.json()["count"] == count


def test_game_detail_query_count_is_flat(api, django_assert_max_num_queries):
    small, big = make_game(single=2), make_game(single=12, multiple=6, number=6)
    for game in (small, big):
        with django_assert_max_num_queries(4):
            assert api.get(f"/api/v1/games/{game.pk}/").status_code == 200


def test_domain_errors_answer_in_the_learners_language(auth_api):
    make_game(single=1, factory=QuestFactory, position=1)
    locked = make_game(single=1, factory=QuestFactory, position=2)
    answers = {"answers": as_json(correct_answers(locked))}

    albanian = auth_api.post(attempts_url(locked), answers, format="json", HTTP_ACCEPT_LANGUAGE="sq")
    english = auth_api.post(attempts_url(locked), answers, format="json", HTTP_ACCEPT_LANGUAGE="en")

    assert albanian.status_code == english.status_code == 403
    assert albanian.json() == {"detail": "Ky mision është i kyçur: përfundo fillimisht misionin e mëparshëm."}
    assert english.json() == {"detail": "This quest is locked: finish the previous quest first."}


def test_malformed_answers_are_explained_in_albanian(auth_api):
    game = make_game(single=1)
    body = {"answers": [{"question": 999999, "choices": [1]}]}

    response = auth_api.post(attempts_url(game), body, format="json", HTTP_ACCEPT_LANGUAGE="sq")

    assert response.status_code == 400
    assert "Pyetja 999999 nuk është pjesë e kësaj loje." in response.json()["detail"]
