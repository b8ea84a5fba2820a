"""The events the games app sends: a passed play, delivered to the reward layer."""

from dataclasses import dataclass

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
