"""The events the games app sends: a passed play, and the questions of every scored play."""

from dataclasses import dataclass

from django.dispatch import Signal

from core import metrics
from core.events import Event

from .models import Attempt, Game


@dataclass(frozen=True, kw_only=True)
class GameCompleted(Event):
    """A learner passed a game; only the first pass (`first_time`) is worth the game's reward."""

    game: Game
    attempt: Attempt

    @classmethod
    def of(cls, *, user, game: Game, attempt: Attempt, first_time: bool) -> "GameCompleted":
        increments = {metrics.GAMES_COMPLETED: 1, metrics.category_metric(game.category): 1}
        if game.is_quest:
            increments[metrics.QUESTS_COMPLETED] = 1
        return cls(
            user=user,
            source=game,
            key=f"{user.pk}:game:{game.pk}",
            reason="quest" if game.is_quest else "game",
            xp=game.xp_reward,
            coins=game.coin_reward,
            increments=increments,
            marks={metrics.game_metric(game.slug): 1},
            first_time=first_time,
            game=game,
            attempt=attempt,
        )


@dataclass(frozen=True, kw_only=True)
class QuestionsAnswered:
    """The questions a learner answered in one scored play (passed or not), each right or wrong.

    Sent with `questions_answered` from `services._announce_answers`; the reward layer
    schedules the missed ones for review. It earns nothing by itself.
    """

    user: object  # accounts.User
    game: Game
    right: frozenset[int]  # question ids answered right
    wrong: frozenset[int]  # question ids answered wrong


# Sent as `questions_answered.send(sender=Game, event=QuestionsAnswered(...))`, inside the
# play's transaction; receivers are connected in their AppConfig.ready().
questions_answered = Signal()
