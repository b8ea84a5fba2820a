"""Mini-games are honest about time: a floor per card that a fast, honest player beats, shown before play."""

import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client

from accounts.tests.factories import PASSWORD, UserFactory
from achievements.models import LedgerEntry
from core.content import import_content
from core.errors import DomainError
from games import pacing
from games.models import Attempt, Game
from games.services import complete_attempt, start_attempt

DEMO_GAMES = Path(settings.BASE_DIR) / "content" / "demo" / "games.json"


def demo_game(slug: str) -> dict:
    return next(g for g in json.loads(DEMO_GAMES.read_text(encoding="utf-8"))["games"] if g["slug"] == slug)


def round_of(slug: str) -> dict | None:
    path = finders.find(f"minigames/{slug}.json")
    if not path:
        return None
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def needs_or_wants(**overrides) -> Game:
    import_content({"games": [{**demo_game("needs-or-wants"), **overrides}]})
    return Game.objects.get(slug="needs-or-wants")


@pytest.mark.parametrize(("cards", "seconds"), [(0, 0), (1, 1), (2, 1), (5, 2), (10, 4), (12, 5), (13, 6), (25, 10)])
def test_the_floor_is_four_tenths_of_a_second_a_card_rounded_up(cards, seconds):
    assert pacing.min_play_seconds(cards) == seconds


def test_every_demo_minigame_with_a_web_round_follows_the_rule():
    checked = []
    for game in json.loads(DEMO_GAMES.read_text(encoding="utf-8"))["games"]:
        round_ = round_of(game["slug"]) if game.get("scoring") == "client" else None
        if round_ is None:
            continue
        cards = len(round_["items"])
        assert game.get("min_play_seconds", 0) == pacing.min_play_seconds(cards), game["slug"]
        # A fast, honest player (a second a card) always beats it; blind tapping (0.2 s) never does.
        assert cards * 1.0 > game["min_play_seconds"] > cards * 0.2
        checked.append(game["slug"])
    assert "needs-or-wants" in checked


@pytest.mark.django_db
def test_an_honest_fast_run_earns_the_reward(learner):
    game = needs_or_wants()
    attempt = start_attempt(user=learner, game=game)
    cards = len(round_of(game.slug)["items"])
    Attempt.objects.filter(pk=attempt.pk).update(started_at=attempt.started_at - timedelta(seconds=1.1 * cards))

    result = complete_attempt(user=learner, game=game, attempt_id=attempt.pk, score=92)

    learner.refresh_from_db()
    assert result.attempt.passed and result.first_time
    assert (learner.xp, learner.coins) == (game.xp_reward, game.coin_reward)


@pytest.mark.django_db
def test_the_api_still_refuses_a_run_under_the_floor(auth_api, learner):
    game = needs_or_wants()
    attempt_id = auth_api.post(f"/api/v1/games/{game.pk}/start").json()["attempt_id"]

    response = auth_api.post(f"/api/v1/games/{game.pk}/complete", {"attempt_id": attempt_id, "score": 100})

    assert response.status_code == 400
    assert response.json() == {"detail": "Too quick: this game takes at least 5 seconds to play."}
    assert LedgerEntry.objects.filter(user=learner).count() == 0
    assert Attempt.objects.get(pk=attempt_id).finished_at is None


@pytest.mark.django_db
def test_the_service_refuses_one_second_under_the_floor(learner):
    game = needs_or_wants()
    attempt = start_attempt(user=learner, game=game)
    Attempt.objects.filter(pk=attempt.pk).update(started_at=attempt.started_at - timedelta(seconds=4))

    with pytest.raises(DomainError, match="at least 5 seconds"):
        complete_attempt(user=learner, game=game, attempt_id=attempt.pk, score=100)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "Take at least 5 seconds: read each card, then sort it."),
        ("sq", "Luaj të paktën 5 sekonda: lexo çdo kartë, pastaj zgjidh ku shkon."),
    ],
)
def test_the_page_says_the_minimum_before_play(learner, lang, text):
    game = needs_or_wants()
    client = Client()
    client.force_login(learner)

    html = client.get(f"/games/{game.slug}/?lang={lang}").content.decode()

    assert text in html
    assert 'data-min-seconds="5"' in html


# ---- in the browser ----------------------------------------------------------------------


def _sign_in(page, live_server, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/accounts/login/'] button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def _play(page, slug: str, *, seconds_per_card: float, wrong: int = 0) -> None:
    bins = {item["text"]: item["bin"] for item in round_of(slug)["items"]}
    page.wait_for_selector("[data-screen=play]:not([hidden])")
    for played in range(len(bins)):
        card = page.text_content("[data-card]")
        page.wait_for_timeout(seconds_per_card * 1000)
        answer = bins[card] if played >= wrong else 1 - bins[card]
        page.click(f"[data-bin='{answer}']")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_teen_sorting_at_a_second_a_card_gets_the_reward(page, live_server):
    game = needs_or_wants()
    UserFactory(username="nora")
    _sign_in(page, live_server, "nora")

    page.goto(f"/games/{game.slug}/")
    assert "Take at least 5 seconds" in page.text_content("[data-min-time]")
    page.click("[data-screen=intro] [data-start]")
    _play(page, game.slug, seconds_per_card=0.9, wrong=1)  # ~1 s a card with the click: 11 of 12 right

    page.wait_for_selector("[data-earned] li")
    assert page.text_content("[data-score]") == "92%"
    assert f"+{game.xp_reward} XP" in page.text_content("[data-earned]")
    assert page.is_hidden("[data-too-quick]")
    attempt = Attempt.objects.get(game=game)
    assert attempt.passed and attempt.score == 92


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_too_quick_run_says_how_long_it_needs_and_try_again_starts_a_new_attempt(page, live_server):
    game = needs_or_wants(min_play_seconds=30)
    UserFactory(username="nora")
    _sign_in(page, live_server, "nora")

    page.goto(f"/games/{game.slug}/")
    page.click("[data-screen=intro] [data-start]")
    _play(page, game.slug, seconds_per_card=0)

    note = page.locator("[data-too-quick]")
    note.wait_for(state="visible")
    assert "at least 30 seconds" in note.text_content()
    assert page.text_content("[data-earned]") == ""
    again = page.get_by_role("button", name="Try again")
    assert again.is_visible()
    assert Attempt.objects.filter(game=game, finished_at__isnull=True).count() == 1

    again.click()
    page.wait_for_selector("[data-screen=play]:not([hidden])")
    assert page.is_hidden("[data-too-quick]")
    assert Attempt.objects.filter(game=game).count() == 2
    assert LedgerEntry.objects.count() == 0
