"""Staff preview any game as a learner would, locked or unpublished; a preview earns and counts nothing."""

import re

import pytest

from accounts.tests.factories import UserFactory
from achievements.models import LedgerEntry, UserStat
from games.models import Attempt, UserGame
from raiplay import insights

from .factories import ClientGameFactory, QuestFactory, QuestionFactory, make_game

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    user = UserFactory(username="ed", is_staff=True)
    client.force_login(user)
    return user


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def answers_post(game, *, right: bool = True) -> dict:
    data = {}
    for question in game.questions.prefetch_related("choices"):
        if question.kind == "number":
            data[f"q{question.pk}"] = str(question.answer_value if right else question.answer_value + 1000)
        else:
            data[f"q{question.pk}"] = next(str(c.pk) for c in question.choices.all() if c.is_correct == right)
    return data


def test_staff_preview_an_unpublished_game_under_a_banner(client, staff):
    draft = make_game(single=1, number=1, is_published=False, slug="draft", title="Draft game")
    page = text(client.get("/games/draft/preview/"))
    assert 'data-testid="preview-banner"' in page
    assert "Nothing you play here is recorded or earns rewards." in page
    assert "This game is not published: learners cannot see it yet." in page
    assert f'href="/admin/games/game/{draft.pk}/change/"' in page
    assert "Draft game" in page


def test_staff_who_open_a_hidden_or_locked_game_are_taken_to_its_preview(client, staff):
    make_game(single=1, is_published=False, slug="draft")
    QuestFactory(position=1)
    make_game(single=1, factory=QuestFactory, position=9, slug="ninth")
    for slug in ("draft", "ninth"):
        response = client.get(f"/games/{slug}/")
        assert response.status_code == 302
        assert response["Location"] == f"/games/{slug}/preview/"
    assert "This quest is locked until the previous quest is completed." in text(client.get("/games/ninth/preview/"))


def test_learners_cannot_preview_and_still_meet_404_and_403(client, learner):
    make_game(single=1, is_published=False, slug="draft")
    QuestFactory(position=1)
    make_game(single=1, factory=QuestFactory, position=2, slug="second")
    client.force_login(learner)
    assert client.get("/games/draft/preview/").status_code == 404
    assert client.get("/games/second/preview/").status_code == 404
    assert client.get("/games/draft/").status_code == 404
    assert client.get("/games/second/").status_code == 403


def test_the_admin_view_on_site_link_opens_the_preview(client, staff):
    game = make_game(single=1, is_published=False, slug="draft")
    staff.is_superuser = True
    staff.save()
    page = client.get(f"/admin/games/game/{game.pk}/change/").content.decode()
    assert 'href="/games/draft/preview/"' in page


def test_a_preview_play_shows_results_and_earns_nothing(client, staff):
    game = make_game(single=2, number=1, slug="g", xp_reward=100, coin_reward=20)
    response = client.post("/games/g/preview/", answers_post(game))
    page = text(response)
    staff.refresh_from_db()
    assert response.status_code == 200
    assert "Passed!" in page and "100%" in page
    assert 'data-testid="preview-banner"' in page
    assert 'href="/games/g/preview/"' in page  # play again, still in the preview
    assert "+100 XP" not in page
    assert not Attempt.objects.exists()
    assert not UserGame.objects.exists()
    assert not LedgerEntry.objects.exists()
    assert not UserStat.objects.filter(user=staff).exists()
    assert (staff.xp, staff.coins) == (0, 0)
    row = next(r for r in insights.game_rows() if r.id == game.pk)
    assert (row.attempts, row.completions) == (0, 0)


def test_a_failed_preview_shows_what_was_wrong(client, staff):
    game = make_game(single=1, slug="g")
    page = text(client.post("/games/g/preview/", answers_post(game, right=False)))
    assert "Not quite yet" in page and "0%" in page
    assert not Attempt.objects.exists()


def test_a_draft_question_without_its_answer_previews_without_crashing(client, staff):
    game = make_game(single=1, is_published=False, slug="draft")
    QuestionFactory(game=game, kind="number", answer_value=None)
    single = game.questions.get(kind="single")
    data = {f"q{single.pk}": str(single.choices.get(is_correct=True).pk)}
    response = client.post("/games/draft/preview/", data)
    assert response.status_code == 200
    assert "50%" in text(response)


def test_a_client_scored_game_previews_its_page_without_the_play_that_reports_scores(client, staff):
    ClientGameFactory(slug="sorter", is_published=False)
    page = text(client.get("/games/sorter/preview/"))
    assert 'data-testid="preview-banner"' in page
    assert "data-start-url" not in page
