"""Reads of games with the learner's state attached."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypedDict

from django.db.models import (
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from accounts.models import User
from core.prepared import Prepared

from .models import Attempt, Choice, Game, Question, QuestStep, UserGame

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

COMPLETED, AVAILABLE, LOCKED = "completed", "available", "locked"


def _completed_ids(user: User) -> set[int]:
    if not user.is_authenticated:
        return set()
    return set(UserGame.objects.filter(user=user, completed_at__isnull=False).values_list("game_id", flat=True))


def quest_states(*, user: User) -> dict[int, str]:
    """Each published quest's state for this learner: quest n opens when quest n−1 is completed."""
    return _states(_completed_ids(user))


def _states(done: set[int], steps: Iterable[int] | None = None) -> dict[int, str]:
    """Quest states from the completed games and the quest line (its game ids in order; read when not given)."""
    if steps is None:
        steps = QuestStep.objects.filter(game__is_published=True).order_by("position").values_list("game_id", flat=True)
    states, previous_done = {}, True
    for game_id in steps:
        states[game_id] = COMPLETED if game_id in done else (AVAILABLE if previous_done else LOCKED)
        previous_done = game_id in done
    return states


def _quests(games: list[Game]) -> list[Game]:
    return [game for game in games if getattr(game, "quest_step", None) is not None]


def is_locked(*, user: User, game: Game) -> bool:
    """`quest_states(...)[game] == LOCKED` in one query: the previous published quest is not completed."""
    if not game.is_quest or not game.is_published:
        return False
    previous = _previous_quest.first(game.pk, user.pk)
    return previous is not None and not previous.done


def _previous_step(game_id: int, user_id: int) -> QuerySet[QuestStep]:
    """The published quest before this one, with whether the learner completed it."""
    here = QuestStep.objects.filter(game_id=game_id).values("position")[:1]
    completed = UserGame.objects.filter(user_id=user_id, game_id=OuterRef("game_id"), completed_at__isnull=False)
    return (
        QuestStep.objects.filter(game__is_published=True, position__lt=Subquery(here))
        .order_by("-position")
        .only("pk")
        .annotate(done=Exists(completed))[:1]
    )


_previous_quest: Prepared[Any] = Prepared(_previous_step, int, int)  # every play of a quest asks


def _published_games() -> QuerySet[Game]:
    return (
        Game.objects.filter(is_published=True)
        .select_related("quest_step")
        .order_by("type", "quest_step__position", "title")
    )


def _published_games_with_plays(user_id: int) -> QuerySet[Game]:
    # The learner's row for each game rides along (a unique (user, game) row).
    mine = UserGame.objects.filter(user_id=user_id, game=OuterRef("pk"))
    return _published_games().annotate(
        play_id=Subquery(mine.values("pk")[:1]),
        play_completed_at=Subquery(mine.values("completed_at")[:1]),
        play_best_score=Subquery(mine.values("best_score")[:1]),
    )


# The reads of every unfiltered games/ call, built and compiled once (core.prepared).
_all_published_games = Prepared(_published_games, catalogue=True)
_all_published_games_with_plays: Prepared[Any] = Prepared(_published_games_with_plays, int, catalogue=True)

LIST_FILTERS = ("type", "category", "difficulty")


def games_for(*, user: User, filters: dict | None = None) -> list[Game]:
    """Published games with `mine` (the learner's UserGame or None) and `state` attached.

    Unfiltered, `mine` holds what the list shows of a play: its id, `completed_at` and
    `best_score` (read with the games); filtered, the whole row.

    Unfiltered, one query: the games with the learner's plays. Filtered, three however many
    games and plays: the learner's rows, the games, and the quest line.
    """
    filters = {name: value for name, value in (filters or {}).items() if value not in (None, "")}
    if not filters:
        return _unfiltered_games_for(user)
    mine = {ug.game_id: ug for ug in UserGame.objects.filter(user_id=user.pk)} if user.is_authenticated else {}
    done = {game_id for game_id, ug in mine.items() if ug.completed_at}
    games = _published_games().filter(**{name: filters[name] for name in LIST_FILTERS if name in filters})
    if "completed" in filters:
        games = games.filter(pk__in=done) if filters["completed"] else games.exclude(pk__in=done)
    return _with_states(list(games), mine, _states(done))


def _unfiltered_games_for(user: User) -> list[Game]:
    if not user.is_authenticated:
        loaded, mine = _all_published_games.rows(), {}
    else:
        loaded = _all_published_games_with_plays.rows(user.pk)
        mine = {
            game.pk: UserGame(
                pk=game.play_id,
                user_id=user.pk,
                game_id=game.pk,
                completed_at=game.play_completed_at,
                best_score=game.play_best_score,
            )
            for game in loaded
            if game.play_id is not None
        }
    done = {game_id for game_id, ug in mine.items() if ug.completed_at}
    # The list holds every published quest with its step: the quest line needs no query of its own.
    line = [game.pk for game in sorted(_quests(loaded), key=lambda g: g.quest_step.position)]
    return _with_states(loaded, mine, _states(done, line))


def _with_states(games: list[Game], mine: dict[int, UserGame], states: dict[int, str]) -> list[Game]:
    for game in games:
        game.mine = mine.get(game.pk)
        game.state = states.get(game.pk) or (COMPLETED if game.mine and game.mine.completed_at else AVAILABLE)
    return games


def link_candidates() -> list[Game]:
    """Published games with what another app needs to point at one (FinBot's related links)."""
    return list(Game.objects.filter(is_published=True).only("slug", "title", "description", "category", "type"))


def minigames() -> QuerySet[Game]:
    return Game.objects.filter(is_published=True, type=Game.Type.MINIGAME).order_by("title")


@dataclass
class StoryStep:
    position: int
    game: Game
    state: str
    best_score: int | None

    @property
    def map_x(self) -> int:
        """Where the quest map draws this node across (percent): a winding path."""
        return (50, 78, 50, 22)[(self.position - 1) % 4]


def _steps() -> QuerySet[QuestStep]:
    return QuestStep.objects.filter(game__is_published=True).select_related("game").order_by("position")


def _steps_with_plays(user_id: int) -> QuerySet[QuestStep]:
    # The learner's row for each quest rides along in the same query (a unique (user, game) row).
    mine = UserGame.objects.filter(user_id=user_id, game=OuterRef("game_id"))
    return _steps().annotate(
        done=Exists(mine.filter(completed_at__isnull=False)),
        best=Subquery(mine.values("best_score")[:1]),
    )


_storyline = Prepared(_steps, catalogue=True)
_storyline_with_plays = Prepared(_steps_with_plays, int, catalogue=True)


def _first_not_done(user_id: int) -> QuerySet[Any]:
    """The next quest: the first step not done (every step before it is done, so it is the open one)."""
    steps: QuerySet[Any] = _steps_with_plays(user_id)  # `done` is an annotation: no model field to check
    return steps.filter(done=False)[:1]


_next_step = Prepared(_first_not_done, int, catalogue=True)


def storyline_for(*, user: User) -> list[StoryStep]:
    """The quest line in order, each with the learner's state. One query, however long."""
    steps = _storyline_with_plays.rows(user.pk) if user.is_authenticated else _storyline.rows()
    result, previous_done = [], True
    for step in steps:
        done = bool(getattr(step, "done", False))
        state = COMPLETED if done else (AVAILABLE if previous_done else LOCKED)
        result.append(StoryStep(step.position, step.game, state, getattr(step, "best", None)))
        previous_done = done
    return result


def next_quest(*, user: User) -> StoryStep | None:
    """The quest open to the learner next (None: the line is done). One row, not the whole line."""
    if not user.is_authenticated:
        return next((step for step in storyline_for(user=user) if step.state == AVAILABLE), None)
    step = _next_step.first(user.pk)
    return None if step is None else StoryStep(step.position, step.game, AVAILABLE, step.best)


def _questions_with_choices() -> QuerySet[Question]:
    return Question.objects.prefetch_related(Prefetch("choices", queryset=Choice.objects.order_by("position", "id")))


# A play (the API's attempts, start, answers) reads its game by id, then the game's questions and
# their choices: compiled once (core.prepared), three short queries, no prefetch machinery.
_published_game = Prepared(
    lambda pk: Game.objects.filter(is_published=True, pk=pk).select_related("quest_step"), int, catalogue=True
)
_game_questions = Prepared(lambda game_id: Question.objects.filter(game_id=game_id), int, catalogue=True)
_game_choices = Prepared(lambda game_id: Choice.objects.filter(question__game_id=game_id), int, catalogue=True)


def playable_game(*, lookup: dict, published_only: bool = True) -> Game:
    """A published game (any game for a staff preview) with its questions and choices loaded.

    Raises Game.DoesNotExist.
    """
    if published_only and set(lookup) == {"pk"}:
        game = _published_game.first(int(lookup["pk"]))  # a ValueError for a non-number, as the ORM's
        if game is None:
            raise Game.DoesNotExist("No published game with this id.")
        game.loaded_questions = _questions_and_choices(game)
        return game
    games = Game.objects.filter(is_published=True) if published_only else Game.objects.all()
    return (
        games.select_related("quest_step")
        .prefetch_related(Prefetch("questions", queryset=_questions_with_choices()))
        .get(**lookup)
    )


def _questions_and_choices(game: Game) -> list[Question]:
    questions = _game_questions.rows(game.pk)
    choices: dict[int, list[Choice]] = {question.pk: [] for question in questions}
    for choice in _game_choices.rows(game.pk):  # in (position, id) order, as each question's own
        choices[choice.question_id].append(choice)
    for question in questions:
        question.loaded_choices = choices[question.pk]
    return questions


def questions_of(game: Game) -> list[Question]:
    """The game's questions, each with its choices (`choice_list()`): as loaded with the game
    (`playable_game`), or read now in two queries."""
    if game.loaded_questions is not None:
        return game.loaded_questions
    if "questions" in getattr(game, "_prefetched_objects_cache", {}):
        return list(game.questions.all())
    return _questions_and_choices(game)


def export_data(user: User) -> dict:
    """The games part of the learner's data export."""
    return {
        "progress": [
            {"game": slug, "completed_at": done, "best_score": best, "attempts": count}
            for slug, done, best, count in UserGame.objects.filter(user=user).values_list(
                "game__slug", "completed_at", "best_score", "attempts_count"
            )
        ],
        "attempts": [
            {
                "game": slug,
                "score": score,
                "passed": passed,
                "answers": answers,
                "started_at": start,
                "finished_at": end,
            }
            for slug, score, passed, answers, start, end in user.attempts.values_list(
                "game__slug", "score", "passed", "answers", "started_at", "finished_at"
            )
        ],
    }


class CompletionCounts(TypedDict):
    """What `completion_stats` attaches to each game."""

    n_completed: int
    n_finished: int
    n_passed: int


def completion_stats() -> "QuerySet[WithAnnotations[Game, CompletionCounts]]":
    """Every game with `n_completed` (learners who passed), `n_finished` and `n_passed` attempts.

    One query: each count is a correlated subquery, so attempts and players never multiply.
    """

    def count_of(model, **where):
        rows = model.objects.filter(game=OuterRef("pk"), **where).order_by().values("game")
        return Coalesce(Subquery(rows.annotate(n=Count("pk")).values("n")[:1]), Value(0), output_field=IntegerField())

    return Game.objects.annotate(
        n_completed=count_of(UserGame, completed_at__isnull=False),
        n_finished=count_of(Attempt, finished_at__isnull=False),
        n_passed=count_of(Attempt, finished_at__isnull=False, passed=True),
    ).order_by("-n_completed", "title")


HARDEST_MIN_ANSWERS = 20


def hardest_questions(*, limit: int = 10, min_answers: int = HARDEST_MIN_ANSWERS) -> "QuerySet[Question]":
    """Questions learners get wrong most often (lowest correct rate, at least `min_answers`): one query."""
    rate = ExpressionWrapper(F("correct_count") * 1.0 / F("answered_count"), output_field=FloatField())
    return (
        Question.objects.filter(answered_count__gte=max(min_answers, 1))
        .annotate(correct_rate=rate)
        .select_related("game")
        .order_by("correct_rate", "-answered_count", "pk")[:limit]
    )
