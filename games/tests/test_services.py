from datetime import timedelta

import pytest

from accounts.tests.factories import UserFactory
from achievements.models import LedgerEntry, Reason
from core.errors import DomainError
from games import selectors
from games.models import Attempt, Game, QuestStep, UserGame
from games.scoring import Answer, InvalidAnswers
from games.services import (
    AttemptNotFound,
    GameLocked,
    WrongScoring,
    complete_attempt,
    start_attempt,
    submit_attempt,
)

from .factories import (
    ClientGameFactory,
    QuestFactory,
    correct_answers,
    make_game,
    questions_of,
    wrong_answers,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def quest():
    return make_game(single=2, multiple=1, number=1, factory=QuestFactory, position=1, xp_reward=100, coin_reward=20)


@pytest.fixture
def minigame():
    return make_game(single=2, number=1, xp_reward=40, coin_reward=8)


def progress_of(user, game) -> UserGame:
    return UserGame.objects.get(user=user, game=game)


# ---- server-scored plays ----------------------------------------------------------


def test_first_pass_grants_xp_and_coins_once(learner, quest):
    result = submit_attempt(user=learner, game=quest, answers=correct_answers(quest))
    learner.refresh_from_db()
    assert result.first_time is True
    assert result.attempt.passed and result.attempt.score == 100
    assert (result.rewards.xp, result.rewards.coins) == (100, 20)
    assert (learner.xp, learner.coins) == (100, 20)
    entries = LedgerEntry.objects.filter(user=learner)
    assert entries.count() == 1
    assert entries.get().reason == Reason.QUEST
    assert progress_of(learner, quest).completed_at is not None


def test_second_pass_grants_nothing_but_improves_best_score(learner, quest):
    questions = questions_of(quest)
    # 75%: three of four right passes (pass_score 70).
    partly = [*correct_answers(quest)[:3], wrong_answers(quest)[3]]
    first = submit_attempt(user=learner, game=quest, answers=partly)
    assert first.attempt.score == 75 and first.first_time
    second = submit_attempt(user=learner, game=quest, answers=correct_answers(quest))
    learner.refresh_from_db()
    assert second.first_time is False
    assert second.rewards.xp == 0 and second.rewards.coins == 0
    assert learner.xp == quest.xp_reward
    assert LedgerEntry.objects.filter(user=learner).count() == 1
    progress = progress_of(learner, quest)
    assert progress.best_score == 100
    assert progress.attempts_count == 2
    assert len(questions) == 4


def test_a_worse_attempt_keeps_the_best_score(learner, quest):
    submit_attempt(user=learner, game=quest, answers=correct_answers(quest))
    submit_attempt(user=learner, game=quest, answers=wrong_answers(quest))
    assert progress_of(learner, quest).best_score == 100


def test_failing_grants_nothing_and_does_not_complete(learner, quest):
    result = submit_attempt(user=learner, game=quest, answers=wrong_answers(quest))
    learner.refresh_from_db()
    assert result.attempt.passed is False and result.attempt.score == 0
    assert result.first_time is False
    assert result.rewards.xp == 0
    assert learner.xp == 0 and learner.coins == 0
    assert not LedgerEntry.objects.filter(user=learner).exists()
    progress = progress_of(learner, quest)
    assert progress.completed_at is None and progress.attempts_count == 1


def test_pass_after_a_failure_is_the_first_pass(learner, minigame):
    submit_attempt(user=learner, game=minigame, answers=wrong_answers(minigame))
    result = submit_attempt(user=learner, game=minigame, answers=correct_answers(minigame))
    learner.refresh_from_db()
    assert result.first_time is True
    assert learner.xp == minigame.xp_reward
    assert LedgerEntry.objects.get(user=learner).reason == Reason.GAME


def test_score_exactly_at_pass_score_passes(learner):
    game = make_game(single=10, pass_score=70)
    answers = [*correct_answers(game)[:7], *wrong_answers(game)[7:]]
    result = submit_attempt(user=learner, game=game, answers=answers)
    assert result.attempt.score == 70 and result.attempt.passed


def test_score_just_below_pass_score_fails(learner):
    game = make_game(single=10, pass_score=70)
    answers = [*correct_answers(game)[:6], *wrong_answers(game)[6:]]
    result = submit_attempt(user=learner, game=game, answers=answers)
    assert result.attempt.score == 60 and not result.attempt.passed


def test_attempt_stores_the_answers_given(learner, minigame):
    answers = correct_answers(minigame)
    result = submit_attempt(user=learner, game=minigame, answers=answers)
    stored = Attempt.objects.get(pk=result.attempt.pk)
    assert stored.finished_at is not None
    assert stored.answers == [
        {"question": a.question, "value": a.value}
        if a.value is not None
        else {"question": a.question, "choices": list(a.choices)}
        for a in answers
    ]


def test_malformed_answers_store_nothing(learner, minigame):
    question = questions_of(minigame)[0]
    with pytest.raises(InvalidAnswers):
        submit_attempt(user=learner, game=minigame, answers=[Answer(question.pk, value=3)])
    assert Attempt.objects.count() == 0
    assert not UserGame.objects.filter(user=learner).exists()
    assert LedgerEntry.objects.count() == 0


def test_two_learners_each_get_their_own_first_pass(learner, minigame):
    other = UserFactory()
    submit_attempt(user=learner, game=minigame, answers=correct_answers(minigame))
    result = submit_attempt(user=other, game=minigame, answers=correct_answers(minigame))
    other.refresh_from_db()
    assert result.first_time and other.xp == minigame.xp_reward


# ---- the storyline ----------------------------------------------------------------


def test_locked_quest_refuses_a_play_and_stores_nothing(learner, quest):
    second = make_game(single=1, factory=QuestFactory, position=2)
    with pytest.raises(GameLocked):
        submit_attempt(user=learner, game=second, answers=correct_answers(second))
    assert not Attempt.objects.filter(game=second).exists()


def test_quest_n_opens_once_quest_n_minus_one_is_completed(learner, quest):
    second = make_game(single=1, factory=QuestFactory, position=2)
    third = make_game(single=1, factory=QuestFactory, position=3)
    assert selectors.is_locked(user=learner, game=second)
    submit_attempt(user=learner, game=quest, answers=wrong_answers(quest))  # a failure opens nothing
    assert selectors.is_locked(user=learner, game=second)
    submit_attempt(user=learner, game=quest, answers=correct_answers(quest))
    assert not selectors.is_locked(user=learner, game=second)
    assert selectors.is_locked(user=learner, game=third)
    result = submit_attempt(user=learner, game=second, answers=correct_answers(second))
    assert result.first_time
    assert not selectors.is_locked(user=learner, game=third)


def test_first_quest_is_open_to_a_new_learner(learner, quest):
    assert not selectors.is_locked(user=learner, game=quest)


def test_an_unpublished_quest_does_not_block_the_next(learner, quest):
    hidden = make_game(single=1, factory=QuestFactory, position=2, is_published=False)
    third = make_game(single=1, factory=QuestFactory, position=3)
    submit_attempt(user=learner, game=quest, answers=correct_answers(quest))
    assert not selectors.is_locked(user=learner, game=third)
    assert hidden.pk not in selectors.quest_states(user=learner)


def test_minigames_are_never_locked(learner, quest):
    make_game(single=1, factory=QuestFactory, position=2)
    game = make_game(single=1)
    client_game = ClientGameFactory()
    assert not selectors.is_locked(user=learner, game=game)
    assert submit_attempt(user=learner, game=game, answers=correct_answers(game)).first_time
    assert start_attempt(user=learner, game=client_game).pk


# ---- client-scored plays ----------------------------------------------------------


def started(user, game, *, seconds_ago: int = 0) -> Attempt:
    attempt = start_attempt(user=user, game=game)
    if seconds_ago:
        Attempt.objects.filter(pk=attempt.pk).update(started_at=attempt.started_at - timedelta(seconds=seconds_ago))
    return attempt


def test_client_game_start_then_complete_grants_the_first_pass(learner):
    game = ClientGameFactory(min_play_seconds=30, xp_reward=60, coin_reward=12)
    attempt = started(learner, game, seconds_ago=31)
    result = complete_attempt(user=learner, game=game, attempt_id=attempt.pk, score=90)
    learner.refresh_from_db()
    assert result.first_time and result.attempt.passed and result.attempt.score == 90
    assert (learner.xp, learner.coins) == (60, 12)
    assert LedgerEntry.objects.filter(user=learner).count() == 1
    assert progress_of(learner, game).best_score == 90


def test_client_game_completed_too_soon_is_refused_and_unchanged(learner):
    game = ClientGameFactory(min_play_seconds=30)
    attempt = started(learner, game, seconds_ago=5)
    with pytest.raises(DomainError, match="at least 30 seconds"):
        complete_attempt(user=learner, game=game, attempt_id=attempt.pk, score=100)
    attempt.refresh_from_db()
    assert attempt.finished_at is None and attempt.score is None
    assert LedgerEntry.objects.count() == 0


def test_client_game_exactly_at_min_play_seconds_is_accepted(learner):
    game = ClientGameFactory(min_play_seconds=30)
    attempt = started(learner, game, seconds_ago=30)
    assert complete_attempt(user=learner, game=game, attempt_id=attempt.pk, score=100).attempt.passed


def test_client_game_failing_score_grants_nothing(learner):
    game = ClientGameFactory(pass_score=70)
    attempt = started(learner, game)
    result = complete_attempt(user=learner, game=game, attempt_id=attempt.pk, score=69)
    assert not result.attempt.passed and result.rewards.xp == 0
    assert LedgerEntry.objects.count() == 0


def test_completing_twice_is_refused(learner):
    game = ClientGameFactory()
    attempt = started(learner, game)
    complete_attempt(user=learner, game=game, attempt_id=attempt.pk, score=100)
    with pytest.raises(DomainError, match="already completed"):
        complete_attempt(user=learner, game=game, attempt_id=attempt.pk, score=100)
    assert LedgerEntry.objects.count() == 1
    assert progress_of(learner, game).attempts_count == 1


def test_second_client_pass_grants_nothing(learner):
    game = ClientGameFactory()
    complete_attempt(user=learner, game=game, attempt_id=started(learner, game).pk, score=80)
    result = complete_attempt(user=learner, game=game, attempt_id=started(learner, game).pk, score=95)
    learner.refresh_from_db()
    assert not result.first_time and result.rewards.xp == 0
    assert learner.xp == game.xp_reward
    assert progress_of(learner, game).best_score == 95


def test_attempt_of_another_user_is_not_found(learner):
    game = ClientGameFactory()
    theirs = started(UserFactory(), game)
    with pytest.raises(AttemptNotFound):
        complete_attempt(user=learner, game=game, attempt_id=theirs.pk, score=100)
    theirs.refresh_from_db()
    assert theirs.finished_at is None


def test_attempt_of_another_game_is_not_found(learner):
    game, other = ClientGameFactory(), ClientGameFactory()
    attempt = started(learner, other)
    with pytest.raises(AttemptNotFound):
        complete_attempt(user=learner, game=game, attempt_id=attempt.pk, score=100)


def test_server_scored_game_refuses_complete_even_for_its_started_play(learner, minigame):
    # Started plays of a server-scored game are answered step by step and finished, never given a score.
    attempt = start_attempt(user=learner, game=minigame)
    with pytest.raises(WrongScoring):
        complete_attempt(user=learner, game=minigame, attempt_id=attempt.pk, score=100)
    attempt.refresh_from_db()
    assert (attempt.score, attempt.finished_at) == (None, None)


def test_client_game_refuses_server_attempts(learner):
    game = ClientGameFactory()
    with pytest.raises(WrongScoring):
        submit_attempt(user=learner, game=game, answers=[])
    assert Attempt.objects.count() == 0


def test_locked_client_quest_cannot_be_started(learner, quest):
    locked = ClientGameFactory(type=Game.Type.QUEST)
    QuestStep.objects.create(game=locked, position=2)
    with pytest.raises(GameLocked):
        start_attempt(user=learner, game=locked)


def _queries_to_submit(game: Game) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    answers = correct_answers(game)
    bare = Game.objects.get(pk=game.pk)  # nothing prefetched: the service loads what it scores
    learner = UserFactory()
    with CaptureQueriesContext(connection) as captured:
        submit_attempt(user=learner, game=bare, answers=answers)
    return len(captured)


def test_submitting_a_bare_game_costs_the_same_queries_however_many_questions_and_choices(db):
    small = make_game(single=1, xp_reward=0, coin_reward=0)
    large = make_game(single=6, multiple=4, number=2, xp_reward=0, coin_reward=0)

    assert _queries_to_submit(small) == _queries_to_submit(large)
