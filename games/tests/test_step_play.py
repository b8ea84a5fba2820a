"""Step-by-step play: start, one answer at a time with its feedback, then finish (services)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.tests.factories import UserFactory
from achievements.models import LedgerEntry
from games.models import Attempt, Game, Question, UserGame
from games.scoring import Answer, InvalidAnswers
from games.services import (
    AlreadyAnswered,
    AttemptNotFound,
    GameLocked,
    PlayFinished,
    WrongScoring,
    answer_question,
    finish_attempt,
    start_attempt,
    submit_attempt,
)

from .factories import (
    ClientGameFactory,
    QuestFactory,
    correct_answer,
    correct_answers,
    make_game,
    questions_of,
    wrong_answer,
    wrong_answers,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def quest():
    return make_game(single=2, multiple=1, number=1, factory=QuestFactory, position=1, xp_reward=100, coin_reward=20)


def play(user, game, answers) -> Attempt:
    """A started play with these answers recorded one by one."""
    attempt = start_attempt(user=user, game=game)
    for answer in answers:
        answer_question(user=user, game=game, attempt_id=attempt.pk, answer=answer)
    return attempt


# ---- start ------------------------------------------------------------------------


def test_start_opens_an_unfinished_play_of_a_server_scored_game(learner, quest):
    attempt = start_attempt(user=learner, game=quest)
    assert (attempt.user, attempt.game, attempt.answers, attempt.finished_at) == (learner, quest, [], None)
    assert not UserGame.objects.filter(attempts_count__gt=0).exists()


def test_start_of_a_locked_quest_is_refused(learner, quest):
    locked = make_game(single=1, factory=QuestFactory, position=2)
    with pytest.raises(GameLocked):
        start_attempt(user=learner, game=locked)
    assert not Attempt.objects.exists()


# ---- one answer at a time ---------------------------------------------------------


@pytest.mark.parametrize("right", [True, False], ids=["right", "wrong"])
def test_an_answer_is_recorded_and_answered_with_its_feedback(learner, quest, right):
    question = questions_of(quest)[0]
    attempt = start_attempt(user=learner, game=quest)
    answer = correct_answer(question) if right else wrong_answer(question)
    feedback = answer_question(user=learner, game=quest, attempt_id=attempt.pk, answer=answer)
    assert feedback.correct is right
    assert feedback.explanation == question.explanation
    assert feedback.correct_choices == tuple(c.pk for c in question.choices.all() if c.is_correct)
    assert feedback.answer_value is None
    attempt.refresh_from_db()
    assert attempt.answers == [{"question": question.pk, "choices": list(answer.choices)}]
    assert attempt.finished_at is None


def test_a_number_answer_gives_the_right_value(learner, quest):
    question = questions_of(quest)[3]
    attempt = start_attempt(user=learner, game=quest)
    feedback = answer_question(
        user=learner, game=quest, attempt_id=attempt.pk, answer=Answer(question=question.pk, value=25.4)
    )
    assert (feedback.correct, feedback.correct_choices, feedback.answer_value) == (True, (), 25)
    attempt.refresh_from_db()
    assert attempt.answers == [{"question": question.pk, "value": 25.4}]


def test_the_same_question_twice_is_refused_and_the_first_answer_stays(learner, quest):
    question = questions_of(quest)[0]
    attempt = play(learner, quest, [wrong_answer(question)])
    with pytest.raises(AlreadyAnswered):
        answer_question(user=learner, game=quest, attempt_id=attempt.pk, answer=correct_answer(question))
    attempt.refresh_from_db()
    assert attempt.answers == [{"question": question.pk, "choices": list(wrong_answer(question).choices)}]


@pytest.mark.parametrize(
    "case",
    ["question of another game", "choice of another question", "value for a choice question", "missing question"],
)
def test_an_answer_that_does_not_fit_the_game_is_refused_and_nothing_is_recorded(learner, quest, case):
    other = questions_of(make_game(single=1))[0]
    question = questions_of(quest)[0]
    answer = {
        "question of another game": correct_answer(other),
        "choice of another question": Answer(question=question.pk, choices=(other.choices.first().pk,)),
        "value for a choice question": Answer(question=question.pk, value=1),
        "missing question": Answer(question=987654, value=1),
    }[case]
    attempt = start_attempt(user=learner, game=quest)
    with pytest.raises(InvalidAnswers):
        answer_question(user=learner, game=quest, attempt_id=attempt.pk, answer=answer)
    attempt.refresh_from_db()
    assert attempt.answers == []


def test_another_learners_play_is_not_found(learner, quest):
    theirs = start_attempt(user=UserFactory(), game=quest)
    question = questions_of(quest)[0]
    with pytest.raises(AttemptNotFound):
        answer_question(user=learner, game=quest, attempt_id=theirs.pk, answer=correct_answer(question))
    with pytest.raises(AttemptNotFound):
        finish_attempt(user=learner, game=quest, attempt_id=theirs.pk)
    theirs.refresh_from_db()
    assert (theirs.answers, theirs.finished_at) == ([], None)


def test_a_play_of_another_game_is_not_found(learner, quest):
    other = make_game(single=1)
    attempt = start_attempt(user=learner, game=other)
    with pytest.raises(AttemptNotFound):
        answer_question(user=learner, game=quest, attempt_id=attempt.pk, answer=correct_answer(questions_of(quest)[0]))


def test_a_client_scored_play_takes_no_answers_and_no_finish(learner):
    game = ClientGameFactory()
    attempt = start_attempt(user=learner, game=game)
    with pytest.raises(WrongScoring):
        answer_question(user=learner, game=game, attempt_id=attempt.pk, answer=Answer(question=1, value=1))
    with pytest.raises(WrongScoring):
        finish_attempt(user=learner, game=game, attempt_id=attempt.pk)
    attempt.refresh_from_db()
    assert attempt.finished_at is None


# ---- finish -----------------------------------------------------------------------


def test_finishing_a_perfect_play_scores_it_and_rewards_the_first_pass(learner, quest):
    attempt = play(learner, quest, correct_answers(quest))
    result = finish_attempt(user=learner, game=quest, attempt_id=attempt.pk)
    attempt.refresh_from_db()
    learner.refresh_from_db()
    assert result.attempt.pk == attempt.pk
    assert (attempt.score, attempt.passed, result.first_time) == (100, True, True)
    assert attempt.finished_at is not None
    assert (result.rewards.xp, result.rewards.coins) == (100, 20)
    assert (learner.xp, learner.coins) == (100, 20)
    assert [r.question for r in result.score.results] == [q.pk for q in questions_of(quest)]
    progress = UserGame.objects.get(user=learner, game=quest)
    assert (progress.attempts_count, progress.best_score, progress.completed_at) == (1, 100, attempt.finished_at)


def test_unanswered_questions_count_wrong(learner, quest):
    answers = correct_answers(quest)
    attempt = play(learner, quest, answers[:3])  # three of four right, the last never answered
    result = finish_attempt(user=learner, game=quest, attempt_id=attempt.pk)
    assert (result.attempt.score, result.attempt.passed) == (75, True)
    assert [r.correct for r in result.score.results] == [True, True, True, False]
    unanswered = questions_of(quest)[3]
    assert unanswered.answered_count == 0  # nobody answered it: the editors' statistic is not moved


def test_a_play_with_no_answer_finishes_at_zero_and_earns_nothing(learner, quest):
    attempt = start_attempt(user=learner, game=quest)
    result = finish_attempt(user=learner, game=quest, attempt_id=attempt.pk)
    assert (result.attempt.score, result.attempt.passed, result.rewards.xp) == (0, False, 0)
    assert UserGame.objects.get(user=learner, game=quest).attempts_count == 1
    assert not LedgerEntry.objects.exists()


def test_a_finished_play_takes_no_more_answers_and_is_not_finished_twice(learner, quest):
    answers = correct_answers(quest)
    attempt = play(learner, quest, answers[:3])
    finish_attempt(user=learner, game=quest, attempt_id=attempt.pk)
    with pytest.raises(PlayFinished):
        answer_question(user=learner, game=quest, attempt_id=attempt.pk, answer=answers[3])
    with pytest.raises(PlayFinished):
        finish_attempt(user=learner, game=quest, attempt_id=attempt.pk)
    learner.refresh_from_db()
    assert learner.xp == 100
    assert LedgerEntry.objects.filter(user=learner).count() == 1
    assert UserGame.objects.get(user=learner, game=quest).attempts_count == 1


def test_a_second_pass_step_by_step_rewards_nothing(learner, quest):
    submit_attempt(user=learner, game=quest, answers=correct_answers(quest))
    result = finish_attempt(user=learner, game=quest, attempt_id=play(learner, quest, correct_answers(quest)).pk)
    assert (result.first_time, result.rewards.xp) == (False, 0)
    learner.refresh_from_db()
    assert learner.xp == 100
    assert LedgerEntry.objects.filter(user=learner).count() == 1


def test_finishing_counts_the_answers_for_the_editors_statistics(learner, quest, django_capture_on_commit_callbacks):
    first, second, *_ = questions_of(quest)
    attempt = play(learner, quest, [correct_answer(first), wrong_answer(second)])
    with django_capture_on_commit_callbacks(execute=True):
        finish_attempt(user=learner, game=quest, attempt_id=attempt.pk)
    counts = {
        pk: (answered, right)
        for pk, answered, right in Question.objects.filter(game=quest).values_list(
            "pk", "answered_count", "correct_count"
        )
    }
    assert counts[first.pk] == (1, 1)
    assert counts[second.pk] == (1, 0)
    assert sum(answered for answered, _ in counts.values()) == 2


def test_step_by_step_and_one_form_score_the_same(learner, quest):
    answers = [correct_answer(q) if i % 2 else wrong_answer(q) for i, q in enumerate(questions_of(quest))]
    whole = submit_attempt(user=learner, game=quest, answers=answers)
    stepped = finish_attempt(user=learner, game=quest, attempt_id=play(learner, quest, answers).pk)
    assert stepped.attempt.score == whole.attempt.score == 50
    assert stepped.attempt.answers == whole.attempt.answers
    assert stepped.score.results == whole.score.results


def test_finishing_a_quest_locked_since_it_started_is_refused(learner, quest):
    second = make_game(single=1, factory=QuestFactory, position=2)
    submit_attempt(user=learner, game=quest, answers=correct_answers(quest))
    attempt = start_attempt(user=learner, game=second)
    # Meanwhile an editor puts a new quest before it: that one comes first now.
    second.quest_step.position = 4
    second.quest_step.save()
    make_game(single=1, factory=QuestFactory, position=3)
    with pytest.raises(GameLocked):
        finish_attempt(user=learner, game=second, attempt_id=attempt.pk)
    attempt.refresh_from_db()
    assert attempt.finished_at is None


# ---- queries ----------------------------------------------------------------------


def _queries(work) -> int:
    with CaptureQueriesContext(connection) as captured:
        work()
    return len(captured)


def _costs(learner, game) -> tuple[int, int]:
    """Queries to record the last answer of a passing play, then to finish it."""
    *before, last = correct_answers(game)
    attempt = play(learner, game, before)
    bare = Game.objects.get(pk=game.pk)  # nothing prefetched: the services load what they score
    answering = _queries(lambda: answer_question(user=learner, game=bare, attempt_id=attempt.pk, answer=last))
    finishing = _queries(lambda: finish_attempt(user=learner, game=bare, attempt_id=attempt.pk))
    return answering, finishing


def test_answering_and_finishing_cost_the_same_queries_however_many_questions(db):
    small = make_game(single=1, xp_reward=0, coin_reward=0)
    large = make_game(single=8, multiple=6, number=6, xp_reward=0, coin_reward=0)
    assert _costs(UserFactory(), small) == _costs(UserFactory(), large)


def test_wrong_answers_helper_scores_zero(learner, quest):
    # The factories' wrong answers are wrong step by step too (the tests above rely on it).
    attempt = play(learner, quest, wrong_answers(quest))
    assert finish_attempt(user=learner, game=quest, attempt_id=attempt.pk).attempt.score == 0


def test_an_answer_to_a_question_removed_since_still_lets_the_play_finish(learner, quest):
    first, second, *_ = questions_of(quest)
    attempt = play(learner, quest, [correct_answer(first), correct_answer(second)])
    second.delete()  # an editor's change while the learner played
    result = finish_attempt(user=learner, game=quest, attempt_id=attempt.pk)
    assert (result.attempt.score, result.score.total) == (33, 3)
    assert result.attempt.answers == [{"question": first.pk, "choices": list(correct_answer(first).choices)}]
