"""The request's language: ?lang=, then the learner's choice, then the cookie, then Accept-Language."""

import pytest
from django.conf import settings

from accounts.tests.factories import UserFactory
from achievements.tests.factories import AchievementFactory
from conftest import client_for
from games.tests.factories import as_json, correct_answers, make_game

pytestmark = pytest.mark.django_db


@pytest.fixture
def game():
    return make_game(single=1, title="Budget basics", title_sq="Bazat e buxhetit", description="Plan your money.")


def title_of(response, game) -> str:
    return next(item["title"] for item in response.json()["results"] if item["id"] == game.pk)


def test_a_learners_choice_beats_the_browser_and_the_answer_says_its_language(game):
    api = client_for(UserFactory(language="sq"))

    response = api.get("/api/v1/games/", HTTP_ACCEPT_LANGUAGE="en")

    assert title_of(response, game) == "Bazat e buxhetit"
    assert response["Content-Language"] == "sq"


def test_lang_in_the_query_beats_the_learners_choice(game):
    api = client_for(UserFactory(language="sq"))

    response = api.get("/api/v1/games/?lang=en")

    assert title_of(response, game) == "Budget basics"
    assert response["Content-Language"] == "en"


def test_without_a_choice_the_cookie_then_accept_language_decide(game):
    api = client_for(UserFactory(language=""))
    assert title_of(api.get("/api/v1/games/", HTTP_ACCEPT_LANGUAGE="sq,en;q=0.5"), game) == "Bazat e buxhetit"
    api.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert title_of(api.get("/api/v1/games/", HTTP_ACCEPT_LANGUAGE="sq"), game) == "Budget basics"


@pytest.mark.parametrize("header", ["de-DE,de;q=0.9", "xx", ""])
def test_a_language_we_do_not_have_falls_back_to_english(game, header):
    response = client_for(UserFactory()).get("/api/v1/games/?lang=de", HTTP_ACCEPT_LANGUAGE=header)

    assert title_of(response, game) == "Budget basics"
    assert response["Content-Language"] == "en"


def test_an_albanian_text_not_written_yet_falls_back_to_english(game):
    detail = client_for(UserFactory(language="sq")).get(f"/api/v1/games/{game.pk}/").json()

    assert detail["title"] == "Bazat e buxhetit"
    assert detail["description"] == "Plan your money."  # no Albanian yet: the English one


def test_rewards_name_achievements_in_the_learners_language(game):
    AchievementFactory(slug="first-game", title="First game", title_sq="Loja e parë", threshold=1)
    api = client_for(UserFactory(language="sq"))

    response = api.post(f"/api/v1/games/{game.pk}/attempts", {"answers": as_json(correct_answers(game))}, format="json")

    assert response.status_code == 201
    assert response.json()["rewards"]["achievements"] == [{"slug": "first-game", "title": "Loja e parë"}]


def test_errors_come_in_the_learners_language():
    api = client_for(UserFactory(language="sq"))

    response = api.get("/api/v1/games/999999/")

    assert response.status_code == 404
    assert response["Content-Language"] == "sq"
    assert response.json()["detail"] != "Not found."


def test_a_learner_saves_their_language_in_users_me():
    learner = UserFactory()
    api = client_for(learner)
    assert api.get("/api/v1/users/me").json()["language"] == ""

    saved = api.patch("/api/v1/users/me", {"language": "sq"}, format="json")

    assert saved.status_code == 200
    learner.refresh_from_db()
    assert learner.language == "sq"
    assert api.patch("/api/v1/users/me", {"language": ""}, format="json").status_code == 200  # back to the browser


def test_an_unknown_language_is_a_400_naming_the_choices_and_changes_nothing():
    learner = UserFactory(language="sq")

    response = client_for(learner).patch("/api/v1/users/me?lang=en", {"language": "fr"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"language": ["“fr” is not a language RaiPlay speaks. Choose en, sq or empty."]}
    learner.refresh_from_db()
    assert learner.language == "sq"


def test_the_footer_switcher_saves_a_signed_in_learners_choice(client):
    learner = UserFactory()
    client.force_login(learner)

    switched = client.post("/i18n/setlang/", {"language": "sq", "next": "/games/"})

    assert switched.status_code == 302
    learner.refresh_from_db()
    assert learner.language == "sq"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "sq"


def test_the_switcher_refuses_to_save_a_language_we_do_not_have(client):
    learner = UserFactory(language="sq")
    client.force_login(learner)

    client.post("/i18n/setlang/", {"language": "xx", "next": "/"})

    learner.refresh_from_db()
    assert learner.language == "sq"


def test_pages_follow_the_learners_choice_over_the_browser(client, game):
    learner = UserFactory(language="sq")
    client.force_login(learner)

    page = client.get("/games/", HTTP_ACCEPT_LANGUAGE="en")

    assert "Bazat e buxhetit" in page.content.decode()
    assert page["Content-Language"] == "sq"


def test_the_settings_page_saves_the_language(client):
    learner = UserFactory()
    client.force_login(learner)
    form = {"display_name": "", "avatar_url": "", "timezone": learner.timezone, "language": "sq"}

    response = client.post("/settings/", form)

    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.language == "sq"
