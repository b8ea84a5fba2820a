"""Plays that arrive at the same moment (double taps, two tabs, retries): PostgreSQL row locks."""

import pytest
from django.core.management import call_command

from accounts.tests.factories import UserFactory
from achievements.models import LedgerEntry, Reason, UserAchievement
from achievements.tests.factories import AchievementFactory, DailyQuestTemplateFactory
from conftest import run_together
from core.errors import DomainError
from games.models import Attempt, Question, UserGame
from games.services import (
    AlreadyAnswered,
    PlayFinished,
    answer_question,
    complete_attempt,
    finish_attempt,
    start_attempt,
    submit_attempt,
)

from .factories import ClientGameFactory, correct_answer, correct_answers, make_game, questions_of, wrong_answers

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 20


def assert_ledger_clean():
    call_command("check_ledger", stdout=_Sink(), stderr=_Sink())  # raises CommandError when it is not


class _Sink:
    def write(self, text):
        pass

    def flush(self):
        pass


@pytest.mark.parametrize("failed_before", [False, True], ids=["fresh", "after-a-failure"])
def test_same_passing_attempt_twenty_times_at_once_rewards_once(learner, failed_before):
    game = make_game(single=2, number=1, xp_reward=70, coin_reward=9)
    answers = correct_answers(game)
    if failed_before:  # the learner's row for this game exists already: only its lock keeps them apart
        submit_attempt(user=learner, game=game, answers=wrong_answers(game))
    results, errors = run_together(THREADS, lambda _: submit_attempt(user=learner, game=game, answers=answers))
    assert errors == []
    assert sum(r.first_time for r in results) == 1
    assert sum(r.rewards.xp for r in results) == 70
    assert LedgerEntry.objects.filter(user=learner).count() == 1
    learner.refresh_from_db()
    assert (learner.xp, learner.coins) == (70, 9)
    assert UserGame.objects.get(user=learner, game=game).attempts_count == THREADS + failed_before
    assert Attempt.objects.filter(user=learner, game=game, passed=True).count() == THREADS
    assert_ledger_clean()


def test_simultaneous_passes_unlock_an_achievement_and_a_daily_quest_once(learner):
    game = make_game(single=1, xp_reward=50, coin_reward=5)
    AchievementFactory(metric="games_completed", threshold=1, xp_reward=20, coin_reward=2)
    DailyQuestTemplateFactory(metric="games_completed", target=1, xp_reward=15, coin_reward=1)
    answers = correct_answers(game)
    results, errors = run_together(THREADS, lambda _: submit_attempt(user=learner, game=game, answers=answers))
    assert errors == []
    assert sum(len(r.rewards.achievements) for r in results) == 1
    assert sum(len(r.rewards.daily_quests) for r in results) == 1
    learner.refresh_from_db()
    assert (learner.xp, learner.coins) == (50 + 20 + 15, 5 + 2 + 1)
    assert sorted(LedgerEntry.objects.values_list("reason", flat=True)) == sorted(
        [Reason.GAME, Reason.ACHIEVEMENT, Reason.DAILY_QUEST]
    )
    assert UserAchievement.objects.count() == 1
    assert_ledger_clean()


@pytest.mark.parametrize("failed_before", [False, True], ids=["fresh", "after-a-failure"])
def test_twenty_different_attempts_completed_at_once_reward_one_first_pass(learner, failed_before):
    game = ClientGameFactory(xp_reward=45, coin_reward=6)
    if failed_before:
        complete_attempt(user=learner, game=game, attempt_id=start_attempt(user=learner, game=game).pk, score=10)
    attempts = [start_attempt(user=learner, game=game) for _ in range(THREADS)]
    results, errors = run_together(
        THREADS, lambda i: complete_attempt(user=learner, game=game, attempt_id=attempts[i].pk, score=90)
    )
    assert errors == []
    assert sum(r.first_time for r in results) == 1
    assert LedgerEntry.objects.filter(user=learner).count() == 1
    learner.refresh_from_db()
    assert (learner.xp, learner.coins) == (45, 6)
    assert UserGame.objects.get(user=learner, game=game).attempts_count == THREADS + failed_before
    assert_ledger_clean()


def test_the_same_attempt_completed_twenty_times_at_once_counts_once(learner):
    game = ClientGameFactory(xp_reward=45, coin_reward=6)
    attempt = start_attempt(user=learner, game=game)
    results, errors = run_together(
        THREADS, lambda _: complete_attempt(user=learner, game=game, attempt_id=attempt.pk, score=90)
    )
    assert len(results) == 1 and results[0].first_time
    assert len(errors) == THREADS - 1
    assert all(isinstance(e, DomainError) and "already completed" in str(e) for e in errors)
    learner.refresh_from_db()
    assert (learner.xp, learner.coins) == (45, 6)
    assert LedgerEntry.objects.filter(user=learner).count() == 1
    assert UserGame.objects.get(user=learner, game=game).attempts_count == 1
    assert_ledger_clean()


def test_two_different_games_completed_at_once_reward_both(learner):
    for round_ in range(5):
        games = [
            make_game(single=1, xp_reward=30 + round_, coin_reward=3),
            ClientGameFactory(xp_reward=40, coin_reward=4),
        ]
        attempt = start_attempt(user=learner, game=games[1])

        def play(index, games=games, attempt=attempt):
            if index == 0:
                return submit_attempt(user=learner, game=games[0], answers=correct_answers(games[0]))
            return complete_attempt(user=learner, game=games[1], attempt_id=attempt.pk, score=100)

        results, errors = run_together(2, play)
        assert errors == []
        assert all(r.first_time for r in results)
    learner.refresh_from_db()
    assert learner.xp == sum(30 + r for r in range(5)) + 5 * 40
    assert learner.coins == 5 * (3 + 4)
    assert LedgerEntry.objects.filter(user=learner).count() == 10
    assert_ledger_clean()


def test_many_different_games_completed_at_once_reward_each(learner):
    games = [make_game(single=1, xp_reward=10 + i, coin_reward=1) for i in range(10)]
    answers = [correct_answers(g) for g in games]
    results, errors = run_together(10, lambda i: submit_attempt(user=learner, game=games[i], answers=answers[i]))
    assert errors == []
    assert all(r.first_time for r in results)
    learner.refresh_from_db()
    assert learner.xp == sum(10 + i for i in range(10))
    assert learner.coins == 10
    assert_ledger_clean()


def test_twenty_learners_playing_one_game_at_once_all_get_through_and_are_counted():
    """A game's questions are shared by everyone who plays it: their answer counters must not
    make concurrent plays queue or deadlock (they move after each attempt commits)."""
    game = make_game(single=3, number=1)
    learners = UserFactory.create_batch(THREADS)
    answers = correct_answers(game)
    results, errors = run_together(THREADS, lambda i: submit_attempt(user=learners[i], game=game, answers=answers))
    assert errors == []
    assert all(result.first_time for result in results)
    assert set(Question.objects.filter(game=game).values_list("answered_count", "correct_count")) == {
        (THREADS, THREADS)
    }
    assert_ledger_clean()


# ---- step-by-step plays ---------------------------------------------------------------


def test_one_question_answered_twenty_times_at_once_is_recorded_once(learner):
    game = make_game(single=2, number=1)
    question = questions_of(game)[0]
    attempt = start_attempt(user=learner, game=game)
    results, errors = run_together(
        THREADS,
        lambda _: answer_question(user=learner, game=game, attempt_id=attempt.pk, answer=correct_answer(question)),
    )
    assert len(results) == 1 and results[0].correct
    assert len(errors) == THREADS - 1
    assert all(isinstance(e, AlreadyAnswered) for e in errors)
    attempt.refresh_from_db()
    assert attempt.answers == [{"question": question.pk, "choices": list(correct_answer(question).choices)}]


def test_different_questions_answered_at_once_are_all_recorded(learner):
    # Each answer rewrites the attempt's list: without the row lock, the last writer would drop the others.
    game = make_game(single=THREADS)
    answers = correct_answers(game)
    attempt = start_attempt(user=learner, game=game)
    results, errors = run_together(
        THREADS, lambda i: answer_question(user=learner, game=game, attempt_id=attempt.pk, answer=answers[i])
    )
    assert errors == []
    assert len(results) == THREADS
    attempt.refresh_from_db()
    assert sorted(a["question"] for a in attempt.answers) == sorted(a.question for a in answers)
    assert finish_attempt(user=learner, game=game, attempt_id=attempt.pk).attempt.score == 100


def test_one_play_finished_twenty_times_at_once_rewards_once(learner):
    game = make_game(single=2, number=1, xp_reward=60, coin_reward=7)
    attempt = start_attempt(user=learner, game=game)
    for answer in correct_answers(game):
        answer_question(user=learner, game=game, attempt_id=attempt.pk, answer=answer)
    results, errors = run_together(THREADS, lambda _: finish_attempt(user=learner, game=game, attempt_id=attempt.pk))
    assert len(results) == 1 and results[0].first_time
    assert len(errors) == THREADS - 1
    assert all(isinstance(e, PlayFinished) for e in errors)
    learner.refresh_from_db()
    assert (learner.xp, learner.coins) == (60, 7)
    assert LedgerEntry.objects.filter(user=learner).count() == 1
    assert UserGame.objects.get(user=learner, game=game).attempts_count == 1
    assert_ledger_clean()


def test_an_answer_racing_the_finish_is_either_counted_or_refused(learner):
    game = make_game(single=2)
    first, second = correct_answers(game)
    for _ in range(5):
        attempt = start_attempt(user=learner, game=game)
        answer_question(user=learner, game=game, attempt_id=attempt.pk, answer=first)

        def step(index, attempt=attempt):
            if index == 0:
                return finish_attempt(user=learner, game=game, attempt_id=attempt.pk)
            return answer_question(user=learner, game=game, attempt_id=attempt.pk, answer=second)

        results, errors = run_together(2, step)
        attempt.refresh_from_db()
        finished = next(r for r in results if hasattr(r, "attempt"))
        if errors:  # the finish came first: the late answer is refused and the score stands
            assert [type(e) for e in errors] == [PlayFinished]
            assert (attempt.score, len(attempt.answers)) == (50, 1)
        else:  # the answer came first: the finish counts it
            assert (attempt.score, len(attempt.answers)) == (100, 2)
        assert finished.attempt.score == attempt.score
    assert_ledger_clean()
