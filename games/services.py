"""Every write of the games app: plays, their scores, and the learner's standing."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import F, Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from accounts.models import User
from core import events
from core.errors import Conflict, DomainError, Forbidden, NotFound
from core.rewards import Rewards

from . import scoring, selectors, validation
from .models import Attempt, Choice, Game, Question, QuestStep, UserGame
from .signals import GameCompleted, QuestionsAnswered, questions_answered


class GameLocked(Forbidden):
    default_message = gettext_lazy("This quest is locked: finish the previous quest first.")


class WrongScoring(DomainError):
    default_message = gettext_lazy("This game is not played that way.")


class AttemptNotFound(NotFound):
    default_message = gettext_lazy("No such attempt for this game.")


class AttemptFinished(DomainError):
    default_message = gettext_lazy("This attempt is already completed.")


class PlayFinished(Conflict):
    """A step-by-step play that is over takes no more answers and is not finished twice."""

    default_message = gettext_lazy("This play is already finished: start a new one to play again.")


class AlreadyAnswered(Conflict):
    default_message = gettext_lazy("You already answered this question in this play.")


@dataclass
class AttemptResult:
    attempt: Attempt
    first_time: bool
    rewards: Rewards
    score: scoring.Score | None = None
    results: list = field(default_factory=list)


def ensure_unlocked(*, user: User, game: Game) -> None:
    if selectors.is_locked(user=user, game=game):
        raise GameLocked()


def _lock_progress(user: User, game: Game) -> UserGame:
    # Lock the learner's row for this game: two tabs passing at once must not both count
    # as the first pass. One statement makes the row if missing and locks it (an upsert's
    # no-op update takes the row lock), with no savepoint and no error on a twin's row.
    table, qn = UserGame._meta.db_table, connection.ops.quote_name
    sql = (
        f"INSERT INTO {qn(table)} (user_id, game_id, best_score, attempts_count) VALUES (%s, %s, 0, 0) "  # noqa: S608 - names only
        f"ON CONFLICT (user_id, game_id) DO UPDATE SET attempts_count = {qn(table)}.attempts_count "
        "RETURNING id, user_id, game_id, completed_at, best_score, attempts_count"
    )
    return next(iter(UserGame.objects.raw(sql, [user.pk, game.pk])))


def _record_result(*, user: User, game: Game, progress: UserGame, attempt: Attempt) -> AttemptResult:
    """Update the learner's standing with a finished attempt and announce a pass."""
    assert attempt.score is not None  # a finished attempt has its score
    first_time = attempt.passed and progress.completed_at is None
    changes: dict[str, Any] = {"attempts_count": F("attempts_count") + 1}
    if attempt.score > progress.best_score:
        changes["best_score"] = attempt.score
    if first_time:
        changes["completed_at"] = attempt.finished_at
    UserGame.objects.filter(pk=progress.pk).update(**changes)
    if attempt.passed:
        event = GameCompleted.of(user=user, game=game, attempt=attempt, first_time=first_time)
        rewards = events.deliver(event)
    else:
        rewards = events.standing(user)
    return AttemptResult(attempt=attempt, first_time=first_time, rewards=rewards)


@transaction.atomic
def submit_attempt(*, user: User, game: Game, answers: list[scoring.Answer]) -> AttemptResult:
    """Score one play on the server, store it, and announce a pass (the first one earns rewards)."""
    if game.scoring != Game.Scoring.SERVER:
        raise WrongScoring(gettext_lazy("This mini-game is scored by the app: use start and complete."))
    ensure_unlocked(user=user, game=game)
    progress = _lock_progress(user, game)
    # A new play, saved only once its answers are scored: malformed answers store nothing.
    attempt = Attempt(user=user, game=game)
    questions = selectors.questions_of(game)
    return _finish_play(user=user, game=game, progress=progress, attempt=attempt, questions=questions, answers=answers)


def _finish_play(
    *,
    user: User,
    game: Game,
    progress: UserGame,
    attempt: Attempt,
    questions: list[Question],
    answers: list[scoring.Answer],
) -> AttemptResult:
    """The one ending of every server-scored play (a whole form, or step by step):
    score these answers, store them on the attempt, count them, record the result.

    Call inside the caller's transaction with the learner's row for the game locked
    (`_lock_progress`) and, for a stored attempt, its row too; `questions` are the game's
    (`selectors.questions_of`). Raises InvalidAnswers (nothing stored) when an answer does
    not fit the game.
    """
    result = scoring.score(questions, answers)  # raises InvalidAnswers -> 400, nothing stored
    attempt.answers = [answer_json(a) for a in answers]
    attempt.score = result.percent
    attempt.passed = result.percent >= game.pass_score
    attempt.finished_at = timezone.now()
    attempt.save()  # an INSERT for a new play, an UPDATE for a started one
    answered = {a.question for a in answers}
    _count_answers(result, answered=answered)
    _announce_answers(user=user, game=game, score=result, answered=answered)
    outcome = _record_result(user=user, game=game, progress=progress, attempt=attempt)
    outcome.score = result
    return outcome


def _count_answers(score: scoring.Score, *, answered: set[int]) -> None:
    """Move each answered question's counters (one update, whatever the number of questions), after commit.

    A game's question rows are shared by every learner who plays it: updated inside the
    attempt's transaction they would stay locked until its end, queueing every concurrent
    play of the game behind it. After the commit it is one short statement of its own that
    waits for nothing else; a lost count (a crash in between) only blurs an editor's
    statistic, never a reward.
    """
    if not answered:
        return
    right = [r.question for r in score.results if r.correct and r.question in answered]
    table, qn = connection.ops.quote_name(Question._meta.db_table), connection.ops.quote_name
    ids, hits = sorted(answered), sorted(right)
    # By hand: the ORM's Case/When cost more to build than the statement takes to run.
    correct = f"CASE WHEN {qn('id')} IN ({', '.join(['%s'] * len(hits))}) THEN 1 ELSE 0 END" if hits else "0"
    sql = (
        f"UPDATE {table} SET {qn('answered_count')} = {qn('answered_count')} + 1, "  # noqa: S608 - names and placeholders only
        f"{qn('correct_count')} = {qn('correct_count')} + {correct} "
        f"WHERE {qn('id')} IN ({', '.join(['%s'] * len(ids))})"
    )

    def count() -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, hits + ids)

    transaction.on_commit(count)


def _announce_answers(*, user: User, game: Game, score: scoring.Score, answered: set[int]) -> None:
    """Tell listeners which questions of a scored play were answered, right or wrong (pass or fail).

    Unanswered questions are left out. Called inside the play's transaction, before the
    learner's row is locked for rewards (locks: the play's rows, then the review rows, then the user).
    """
    results = [r for r in score.results if r.question in answered]
    event = QuestionsAnswered(
        user=user,
        game=game,
        right=frozenset(r.question for r in results if r.correct),
        wrong=frozenset(r.question for r in results if not r.correct),
    )
    questions_answered.send(sender=Game, event=event)


def preview_attempt(*, game: Game, answers: list[scoring.Answer]) -> scoring.Score:
    """Score a staff member's preview play. Nothing is stored and nothing announced, so a
    preview earns nothing, moves no standing and counts in no insight."""
    return scoring.score(selectors.questions_of(game), answers)


def answer_json(answer: scoring.Answer) -> dict:
    if answer.value is not None:
        return {"question": answer.question, "value": answer.value}
    return {"question": answer.question, "choices": list(answer.choices or ())}


def answer_from_json(stored: dict) -> scoring.Answer:
    """An answer as `answer_json` stored it on an attempt."""
    if "value" in stored:
        return scoring.Answer(question=stored["question"], value=stored["value"])
    return scoring.Answer(question=stored["question"], choices=tuple(stored.get("choices") or ()))


@transaction.atomic
def start_attempt(*, user: User, game: Game) -> Attempt:
    """Open a play: a client-scored mini-game's clock starts now; a server-scored game is
    then answered one question at a time (`answer_question`) and closed by `finish_attempt`."""
    ensure_unlocked(user=user, game=game)
    return Attempt.objects.create(user=user, game=game)


def _lock_open_attempt(*, user: User, game: Game, attempt_id: int) -> Attempt:
    """The learner's unfinished play of this game, its row locked. Call inside a transaction.

    Another learner's attempt, or one of another game, is not found: ids are not secrets.
    """
    attempt = Attempt.objects.select_for_update().filter(pk=attempt_id, user=user, game=game).first()
    if attempt is None:
        raise AttemptNotFound()
    if attempt.finished_at is not None:
        raise PlayFinished()
    return attempt


@transaction.atomic
def answer_question(*, user: User, game: Game, attempt_id: int, answer: scoring.Answer) -> scoring.QuestionResult:
    """Record one answer of a step-by-step play and say at once whether it was right.

    The attempt's row is locked: two answers to one question racing (a double tap) record
    one, and the other is refused (AlreadyAnswered), as is an answer after the finish.
    """
    if game.scoring != Game.Scoring.SERVER:
        raise WrongScoring(gettext_lazy("This mini-game is scored by the app: use start and complete."))
    attempt = _lock_open_attempt(user=user, game=game, attempt_id=attempt_id)
    questions = selectors.questions_of(game)
    scoring.check_answers(questions, [answer])  # raises InvalidAnswers -> 400, nothing stored
    if any(stored["question"] == answer.question for stored in attempt.answers):
        raise AlreadyAnswered()
    question = next(q for q in questions if q.pk == answer.question)
    attempt.answers = [*attempt.answers, answer_json(answer)]
    attempt.save(update_fields=["answers"])
    return scoring.result_of(question, answer)


@transaction.atomic
def finish_attempt(*, user: User, game: Game, attempt_id: int) -> AttemptResult:
    """Close a step-by-step play: scored from the answers it recorded (unanswered questions
    count wrong), exactly as `submit_attempt` scores a whole form, and rewarded once."""
    if game.scoring != Game.Scoring.SERVER:
        raise WrongScoring(gettext_lazy("This mini-game is scored by the app: use start and complete."))
    ensure_unlocked(user=user, game=game)
    progress = _lock_progress(user, game)  # the same lock order as every play: progress, then attempt
    attempt = _lock_open_attempt(user=user, game=game, attempt_id=attempt_id)
    questions = selectors.questions_of(game)
    # An editor may have removed a question or a choice since it was answered: that answer
    # no longer counts (like an unanswered question) rather than leaving the play unfinishable.
    answers = [
        answer for answer in (answer_from_json(stored) for stored in attempt.answers) if _still_fits(questions, answer)
    ]
    return _finish_play(user=user, game=game, progress=progress, attempt=attempt, questions=questions, answers=answers)


def _still_fits(questions: list[Question], answer: scoring.Answer) -> bool:
    try:
        scoring.check_answers(questions, [answer])
    except scoring.InvalidAnswers:
        return False
    return True


@transaction.atomic
def complete_attempt(*, user: User, game: Game, attempt_id: int, score: int) -> AttemptResult:
    """Close a client-scored play with the score the app reports, once, and not too soon."""
    if game.scoring != Game.Scoring.CLIENT:
        raise WrongScoring(gettext_lazy("This game is scored on the server: post its answers to attempts."))
    progress = _lock_progress(user, game)
    attempt = Attempt.objects.select_for_update().filter(pk=attempt_id, user=user, game=game).first()
    if attempt is None:
        raise AttemptNotFound()
    if attempt.finished_at is not None:
        raise AttemptFinished()
    now = timezone.now()
    if now - attempt.started_at < timedelta(seconds=game.min_play_seconds):
        raise DomainError(
            gettext_lazy("Too quick: this game takes at least %(seconds)s seconds to play."),
            seconds=game.min_play_seconds,
        )
    attempt.score = score
    attempt.passed = score >= game.pass_score
    attempt.finished_at = now
    attempt.save(update_fields=["score", "passed", "finished_at"])
    return _record_result(user=user, game=game, progress=progress, attempt=attempt)


# ---- publishing -------------------------------------------------------------------------


@dataclass
class PublishOutcome:
    changed: list[Game] = field(default_factory=list)
    refused: dict[Game, list[str]] = field(default_factory=dict)  # each game with why, question by question


def publish_refusals(game: Game) -> list[str]:
    """Why this saved game may not be published, one sentence per problem (empty: it may)."""
    drafts = validation.stored_drafts(game)
    return validation.describe(validation.publish_problems(scoring=game.scoring, questions=drafts), drafts)


@transaction.atomic
def set_published(*, games: "QuerySet[Game] | Iterable[Game]", published: bool) -> PublishOutcome:
    """Publish or unpublish games; a game learners could not answer is refused, the others go ahead.

    Unpublishing keeps every learner's progress: the quest line simply skips the quest
    (see selectors.quest_states), and publishing it again puts it back where it was.
    """
    ids = [game.pk for game in games]
    choices = Prefetch("choices", queryset=Choice.objects.order_by("position", "id"))
    rows = (
        Game.objects.select_for_update()
        .filter(pk__in=ids)
        .prefetch_related(Prefetch("questions", queryset=Question.objects.prefetch_related(choices)))
        .order_by("pk")
    )
    outcome = PublishOutcome()
    for game in rows:
        if game.is_published == published:
            continue
        refusals = publish_refusals(game) if published else []
        if refusals:
            outcome.refused[game] = refusals
            continue
        outcome.changed.append(game)
    Game.objects.filter(pk__in=[g.pk for g in outcome.changed]).update(is_published=published)
    return outcome


PARKED = 1_000_000  # out of the way of every real position while a reorder is written


@transaction.atomic
def reorder_quest_line(*, positions: dict[int, int]) -> int:
    """Move quest steps (step id → new position) in one go, swaps included.

    Positions are unique, and both databases check that row by row: the moved steps are
    parked out of the way first, so no intermediate state collides.
    """
    steps = list(QuestStep.objects.select_for_update().filter(pk__in=positions).order_by("pk"))
    targets = {positions[step.pk] for step in steps}
    if len(targets) != len(steps) or any(position < 1 for position in targets):
        raise DomainError(gettext_lazy("Each quest needs its own position, from 1."))
    for step in steps:
        QuestStep.objects.filter(pk=step.pk).update(position=step.position + PARKED)
    clash = QuestStep.objects.filter(position__in=targets).exclude(pk__in=positions).first()
    if clash is not None:
        raise DomainError(gettext_lazy("Position %(position)s is taken by another quest."), position=clash.position)
    for step in steps:
        QuestStep.objects.filter(pk=step.pk).update(position=positions[step.pk])
    return len(steps)
