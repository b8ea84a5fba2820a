"""The learner's pages: quest map, library, play, results, dashboard."""

import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from accounts.tests.factories import PASSWORD, UserFactory
from core.content import import_content
from games.models import Attempt, Game


def quest(slug: str, position: int, xp: int = 100) -> dict:
    return {
        "slug": slug,
        "title": slug.replace("-", " ").title(),
        "type": "quest",
        "quest_position": position,
        "category": "budgeting",
        "xp_reward": xp,
        "coin_reward": 10,
        "questions": [
            {
                "prompt": f"{slug}: pick the right one",
                "kind": "single",
                "explanation": "Because it is right.",
                "choices": [{"text": "Right", "correct": True}, {"text": "Wrong", "correct": False}],
            },
            {"prompt": f"{slug}: 2 + 2", "kind": "number", "answer_value": 4, "explanation": "Four."},
        ],
    }


@pytest.fixture
def storyline(db):
    import_content({"games": [quest("first-quest", 1), quest("second-quest", 2), quest("third-quest", 3)]})
    return list(Game.objects.order_by("quest_step__position"))


def correct_post(game: Game) -> dict:
    data = {}
    for question in game.questions.prefetch_related("choices"):
        if question.kind == "number":
            data[f"q{question.pk}"] = str(question.answer_value)
        else:
            data[f"q{question.pk}"] = next(str(c.pk) for c in question.choices.all() if c.is_correct)
    return data


def test_pages_need_sign_in(client, storyline):
    for url in ("/quests/", "/games/", "/games/first-quest/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_quest_map_shows_states(client, storyline, learner):
    client.force_login(learner)
    html = client.get("/quests/").content.decode()
    assert re.search(r'quest-node available".*First Quest', html, re.S)
    assert html.count('quest-node locked"') == 2
    assert 'href="/games/second-quest/"' not in html


def test_locked_quest_page_is_refused(client, storyline, learner):
    client.force_login(learner)
    response = client.get("/games/second-quest/")
    assert response.status_code == 403
    assert b"locked" in response.content


def test_playing_without_javascript_scores_and_shows_rewards(client, storyline, learner):
    client.force_login(learner)
    first = storyline[0]
    response = client.post(f"/games/{first.slug}/", correct_post(first))
    attempt = Attempt.objects.get(user=learner, game=first)
    assert response.status_code == 302
    assert response["Location"] == f"/games/{first.slug}/results/{attempt.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "100%" in page
    assert "+100 XP" in page
    assert "Because it is right." in page
    learner.refresh_from_db()
    assert learner.xp == 100
    # The second quest is open now.
    assert client.get("/games/second-quest/").status_code == 200


def test_empty_play_form_is_a_400_and_stores_nothing(client, storyline, learner):
    client.force_login(learner)
    response = client.post("/games/first-quest/", {})
    assert response.status_code == 400
    assert b"Answer at least one question" in response.content
    assert not Attempt.objects.exists()


def test_choice_of_another_question_is_refused(client, storyline, learner):
    client.force_login(learner)
    first, second = storyline[0], storyline[1]
    foreign = second.questions.filter(kind="single").first().choices.first()
    question = first.questions.filter(kind="single").first()
    response = client.post("/games/first-quest/", {f"q{question.pk}": str(foreign.pk)})
    assert response.status_code == 400
    assert not Attempt.objects.exists()


def test_results_of_another_learner_are_not_shown(client, storyline, learner):
    client.force_login(learner)
    client.post("/games/first-quest/", correct_post(storyline[0]))
    attempt = Attempt.objects.get()
    client.force_login(UserFactory())
    assert client.get(f"/games/first-quest/results/{attempt.pk}/").status_code == 404


def test_library_filters(client, storyline, learner):
    import_content(
        {"games": [{**quest("coin-sprint", 9), "type": "minigame", "quest_position": None, "category": "saving"}]}
    )
    client.force_login(learner)
    html = client.get("/games/?type=minigame").content.decode()
    assert "Coin Sprint" in html and "First Quest" not in html
    html = client.get("/games/?category=budgeting").content.decode()
    assert "First Quest" in html and "Coin Sprint" not in html
    client.post("/games/coin-sprint/", correct_post(Game.objects.get(slug="coin-sprint")))
    html = client.get("/games/?status=done").content.decode()
    assert "Coin Sprint" in html and "First Quest" not in html


def test_library_query_count_is_flat(client, learner, django_assert_max_num_queries):
    client.force_login(learner)
    import_content({"games": [quest(f"q-{n}", n) for n in range(1, 4)]})
    with django_assert_max_num_queries(12):
        assert client.get("/games/").status_code == 200
    import_content({"games": [quest(f"q-{n}", n) for n in range(4, 40)]})
    with django_assert_max_num_queries(12):
        assert client.get("/games/").status_code == 200


def test_dashboard_shows_level_streak_and_next_quest(client, storyline, learner):
    client.force_login(learner)
    client.post("/games/first-quest/", correct_post(storyline[0]))
    html = client.get("/").content.decode()
    assert "Level 2" in html
    assert "1-day streak" in html
    assert "2. Second Quest" in html


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_journey_sign_up_play_first_quest_and_unlock_the_second(page, live_server):
    import_content({"games": [quest("first-quest", 1), quest("second-quest", 2)]})
    page.goto("/accounts/signup/")
    page.fill("input[name=email]", "mira@example.com")
    page.fill("input[name=username]", "mira")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.select_option("select[name=birth_year]", "2000")
    page.click("form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    assert "0 XP" in page.text_content("[data-testid=xp-total]")

    page.goto("/quests/")
    page.click("a.node[href='/games/first-quest/']")
    # One question at a time (games/tests/test_step_pages.py has the details): Check, Next, …
    page.get_by_label("Right").check()
    page.get_by_role("button", name="Check").click()
    page.get_by_role("button", name="Next").click()
    page.get_by_label("Your answer (a number)").fill("4")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="See my results").click()
    page.wait_for_url(re.compile(r".*/results/\d+/$"))
    assert "100%" in page.text_content(".score")
    assert "+100 XP" in page.text_content(".earned")
    assert "100 XP" in page.text_content("[data-testid=xp-total]")
    assert page.get_attribute(".progress[role=progressbar]", "aria-valuenow") == "0"  # exactly level 2

    page.goto("/quests/")
    assert page.locator(".quest-node.completed").count() == 1
    assert page.locator(".quest-node.available a.node[href='/games/second-quest/']").count() == 1


def client_game(slug: str = "needs-or-wants", min_play_seconds: int = 0) -> Game:
    import_content(
        {
            "games": [
                {
                    "slug": slug,
                    "title": "Needs or wants?",
                    "type": "minigame",
                    "category": "budgeting",
                    "scoring": "client",
                    "min_play_seconds": min_play_seconds,
                    "pass_score": 75,
                    "questions": [],
                }
            ]
        }
    )
    return Game.objects.get(slug=slug)


def test_client_game_with_a_web_round_is_playable_on_the_page(client, learner):
    game = client_game()
    client.force_login(learner)
    html = client.get(f"/games/{game.slug}/").content.decode()
    assert "data-minigame" in html
    assert f'data-start-url="/api/v1/games/{game.pk}/start"' in html
    assert "/static/minigames/needs-or-wants.json" in html


def test_client_game_without_a_web_round_points_to_the_app(client, learner):
    game = client_game(slug="app-only-game")
    client.force_login(learner)
    html = client.get(f"/games/{game.slug}/").content.decode()
    assert "data-minigame" not in html
    assert "played in the RaiPlay app" in html


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_journey_play_a_client_scored_minigame_in_the_browser(page, live_server):
    game = client_game()
    UserFactory(username="nora")
    page.goto("/accounts/login/")
    page.fill("input[name=login]", "nora")
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"/games/{game.slug}/")
    page.click("[data-screen=intro] [data-start]")
    page.wait_for_selector("[data-screen=play]:not([hidden])")
    round_items = {item["text"]: item["bin"] for item in _round()["items"]}
    for _ in range(len(round_items)):
        card = page.text_content("[data-card]")
        page.click(f"[data-bin='{round_items[card]}']")
    assert page.text_content("[data-score]") == "100%"
    page.wait_for_selector("[data-earned] li")
    assert "+50 XP" in page.text_content("[data-earned]")
    attempt = Attempt.objects.get(game=game)
    assert attempt.score == 100 and attempt.passed


def _round() -> dict:
    with open(finders.find("minigames/needs-or-wants.json"), encoding="utf-8") as handle:
        return json.load(handle)
