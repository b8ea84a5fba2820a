"""Two answers of one due review at the same moment (a double tap, two tabs): PostgreSQL row locks."""

import pytest

from achievements.models import LedgerEntry, Reason, ReviewItem, UserStat
from achievements.services import REVIEW_XP, NotDueForReview, answer_review
from conftest import run_together
from games.services import submit_attempt
from games.tests.factories import correct_answer, make_game, questions_of, wrong_answers

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 8


def test_the_same_due_review_answered_at_once_is_reviewed_and_rewarded_once(learner):
    game = make_game(single=1, xp_reward=0, coin_reward=0)
    submit_attempt(user=learner, game=game, answers=wrong_answers(game))
    ReviewItem.objects.update(due_on=ReviewItem.objects.get().due_on.replace(year=2000))  # due long ago
    answer = correct_answer(questions_of(game)[0])

    def work(_):
        try:
            return answer_review(user=learner, answer=answer).rewards.xp
        except NotDueForReview:
            return "409"

    results, errors = run_together(THREADS, work)

    assert errors == []
    assert sorted(results, key=str) == sorted([REVIEW_XP] + ["409"] * (THREADS - 1), key=str)
    learner.refresh_from_db()
    assert learner.xp == REVIEW_XP
    assert LedgerEntry.objects.filter(user=learner, reason=Reason.REVIEW).count() == 1
    item = ReviewItem.objects.get()
    assert (item.step, item.reviews) == (1, 1)
    assert UserStat.objects.get(user=learner, metric="reviews_done").value == 1


def test_a_play_and_a_review_of_the_same_learner_at_once_do_not_deadlock(learner):
    game = make_game(single=3, xp_reward=10, coin_reward=0)
    submit_attempt(user=learner, game=game, answers=wrong_answers(game))
    ReviewItem.objects.update(due_on=ReviewItem.objects.first().due_on.replace(year=2000))
    questions = questions_of(game)

    def work(index):
        if index % 2:
            return submit_attempt(user=learner, game=game, answers=wrong_answers(game)).attempt.pk
        return answer_review(user=learner, answer=correct_answer(questions[index // 2 % 3])).result.correct

    results, errors = run_together(6, lambda i: _tolerate_not_due(work, i))
    assert [e for e in errors if not isinstance(e, NotDueForReview)] == []
    assert len(results) == 6
    assert ReviewItem.objects.filter(user=learner).count() == 3


def _tolerate_not_due(work, index):
    try:
        return work(index)
    except NotDueForReview:
        return None
