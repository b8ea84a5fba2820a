"""The /review/ page (a plain form, one question at a time) and the dashboard's "N to review"."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from achievements import selectors
from achievements.models import LedgerEntry, Reason, ReviewItem
from achievements.services import REVIEW_XP
from conftest import form_data
from games.tests.factories import add_number, make_game, questions_of

from .factories import DailyQuestTemplateFactory
from .reward_helpers import clock_fixture  # noqa: F401
from .test_review import TODAY, miss

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def signed_in(client, learner):
    client.force_login(learner)
    return client


@pytest.fixture
def due(learner, clock):
    game = make_game(single=2, xp_reward=0, coin_reward=0, title="Budget basics")
    miss(learner, game)
    clock.tick(days=1)
    return questions_of(game)


def answer_form(response, answer) -> dict:
    data = form_data(response, "review-form")
    data["answer"] = [str(a) for a in answer] if isinstance(answer, list | tuple) else [str(answer)]
    return data


def test_review_page_needs_sign_in(client, db):
    response = client.get("/review/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_nothing_to_review_links_to_the_quests(signed_in):
    page = text(signed_in.get("/review/"))
    assert "Nothing to review — nice!" in page
    assert 'href="/quests/"' in page
    assert 'id="review-form"' not in page


def test_a_due_question_is_a_form_with_its_choices_and_no_answer(signed_in, due):
    response = signed_in.get("/review/")
    page = text(response)
    question = due[0]
    assert response.status_code == 200
    assert question.prompt in page
    assert "2 questions to review today" in page
    assert "from “Budget basics”" in page
    assert form_data(response, "review-form")["question"] == [str(question.pk)]
    for choice in question.choices.all():
        assert f'value="{choice.pk}"' in page and choice.text in page
    assert "is_correct" not in page and question.explanation not in page


def test_answering_without_javascript_shows_the_result_and_next(signed_in, learner, due):
    question = due[0]
    right = question.choices.get(is_correct=True)
    response = signed_in.post("/review/", answer_form(signed_in.get("/review/"), right.pk))

    page = text(response)
    assert response.status_code == 200
    assert "Right!" in page
    assert question.explanation in page
    assert "It comes back on 18 May." in page
    assert f"+{REVIEW_XP} XP" in page
    assert 'href="/review/"' in page and "1 left" in page
    learner.refresh_from_db()
    assert learner.xp == REVIEW_XP
    # Next: the other question; after it, the empty state.
    second = signed_in.get("/review/")
    assert form_data(second, "review-form")["question"] == [str(due[1].pk)]
    wrong = due[1].choices.filter(is_correct=False).first()
    result = text(signed_in.post("/review/", answer_form(second, wrong.pk)))
    assert "Not quite" in result and "(your pick)" in result
    assert "It comes back on 16 May." in result
    assert "Nothing to review — nice!" in text(signed_in.get("/review/"))


def test_a_number_question_is_answered_in_a_number_field(signed_in, learner, clock):
    game = make_game(xp_reward=0)
    add_number(game, answer=25, tolerance=0.5)
    miss(learner, game)
    clock.tick(days=1)
    form = signed_in.get("/review/")
    assert 'type="number"' in form.content.decode()
    page = text(signed_in.post("/review/", answer_form(form, "25")))
    assert "Right!" in page and 'Answer: <strong data-testid="right-answer">25</strong>' in page


def test_an_empty_answer_is_a_400_that_changes_nothing(signed_in, learner, due):
    data = form_data(signed_in.get("/review/"), "review-form")
    response = signed_in.post("/review/", data)
    assert response.status_code == 400
    assert "Pick an answer." in text(response)
    assert ReviewItem.objects.filter(user=learner, reviews=0).count() == 2


def test_a_choice_of_another_question_is_a_400(signed_in, learner, due):
    foreign = due[1].choices.first().pk
    response = signed_in.post("/review/", answer_form(signed_in.get("/review/"), foreign))
    assert response.status_code == 400
    assert ReviewItem.objects.filter(user=learner, reviews=0).count() == 2


def test_a_resent_form_is_a_friendly_409_and_grants_once(signed_in, learner, due):
    form = signed_in.get("/review/")
    data = answer_form(form, due[0].choices.get(is_correct=True).pk)
    assert signed_in.post("/review/", data).status_code == 200
    again = signed_in.post("/review/", data)
    assert again.status_code == 409
    assert "not waiting for review any more" in text(again)
    assert LedgerEntry.objects.filter(user=learner, reason=Reason.REVIEW).count() == 1


def test_the_review_page_in_albanian(signed_in, due):
    page = text(signed_in.get("/review/?lang=sq"))
    assert "Përsërit gabimet" in page
    assert "2 pyetje për të përsëritur sot" in page
    assert "Kontrollo" in page


def test_the_empty_state_in_albanian(signed_in):
    page = text(signed_in.get("/review/?lang=sq"))
    assert "Asgjë për të përsëritur — bukur!" in page
    assert "Shko te misionet" in page


def test_review_page_query_count_is_flat(signed_in, learner, clock, django_assert_max_num_queries):
    for size in (2, 20):
        miss(learner, make_game(single=size, xp_reward=0))
        clock.tick(days=1)
        with django_assert_max_num_queries(9):
            assert signed_in.get("/review/").status_code == 200


# ---- the dashboard ----------------------------------------------------------------------------


def test_dashboard_links_to_review_when_something_is_due(signed_in, learner, due):
    page = text(signed_in.get("/"))
    assert 'data-testid="review-due"' in page
    assert '<a href="/review/">🔁 2 to review</a>' in page


def test_dashboard_says_nothing_about_review_when_nothing_is_due(signed_in, learner, clock):
    miss(learner, make_game(single=1))  # due tomorrow, not today
    assert 'data-testid="review-due"' not in text(signed_in.get("/"))


def test_dashboard_query_count_stays_flat_with_reviews(signed_in, learner, clock):
    DailyQuestTemplateFactory(slug="review-five", metric="reviews_done", target=5)  # offered by the count it shows
    counts = []
    for size in (0, 1, 30):
        miss(learner, make_game(single=size, xp_reward=0))
        clock.tick(days=1)
        signed_in.get("/")  # the visit's first page asks the birth year once (a session write)
        with CaptureQueriesContext(connection) as queries:
            assert signed_in.get("/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] == counts[2]


def test_dashboard_review_link_in_albanian(signed_in, due):
    assert "2 për të përsëritur" in text(signed_in.get("/?lang=sq"))


def test_review_days_follow_the_learners_date(learner, due):
    assert ReviewItem.objects.filter(user=learner, due_on=TODAY + timedelta(1)).count() == 2


def test_dashboard_quests_are_todays_quests_with_the_due_count_in_one_query(learner, due, django_assert_num_queries):
    DailyQuestTemplateFactory(slug="review-five", metric="reviews_done", target=5)
    DailyQuestTemplateFactory(slug="play-two", metric="games_completed", target=2)
    with django_assert_num_queries(1):
        quests, waiting = selectors.dashboard_quests(user=learner)
    assert waiting == selectors.due_review_count(user=learner) == 2
    assert [q.template.pk for q in quests] == [q.template.pk for q in selectors.todays_daily_quests(user=learner)]
    assert "review-five" in {q.template.slug for q in quests}  # offered because something is due


def test_dashboard_quests_count_what_is_due_with_no_daily_quest_templates(learner, due):
    assert selectors.dashboard_quests(user=learner) == ([], 2)
