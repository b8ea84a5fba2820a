"""Where the game layer listens: each event becomes one call of record_activity."""

from raiplay.rewards import Rewards

from . import leaderboards, metrics, services
from .models import Reason


def on_game_completed(sender, *, user, game, attempt, first_time, **kwargs) -> Rewards:
    increments = {metrics.GAMES_COMPLETED: 1, metrics.category_metric(game.category): 1}
    if game.is_quest:
        increments[metrics.QUESTS_COMPLETED] = 1
    if not first_time:
        return services.record_replay(user=user, increments=increments)
    return services.record_activity(
        user=user,
        activity=services.Activity(
            key=f"{user.pk}:game:{game.pk}",
            reason=Reason.QUEST if game.is_quest else Reason.GAME,
            xp=game.xp_reward,
            coins=game.coin_reward,
            source=game,
            increments=increments,
            marks={metrics.game_metric(game.slug): 1},
        ),
    )


def on_video_watched(sender, *, user, video, **kwargs) -> Rewards:
    return services.record_activity(
        user=user,
        activity=services.Activity(
            key=f"{user.pk}:video:{video.pk}",
            reason=Reason.VIDEO,
            xp=video.xp_reward,
            source=video,
            increments={metrics.VIDEOS_WATCHED: 1},
        ),
    )


def on_question_asked(sender, *, user, message, **kwargs) -> Rewards:
    # No XP per message, so chatting cannot be farmed; it still moves stats and quests.
    return services.record_activity(
        user=user,
        activity=services.Activity(
            key=f"{user.pk}:chat:{message.pk}", reason=Reason.ADJUSTMENT, increments={metrics.CHAT_QUESTIONS: 1}
        ),
    )


def on_profile_updated(sender, *, user, changed, **kwargs) -> None:
    if "show_on_leaderboard" in changed:
        leaderboards.visibility_changed_after_commit(user=user)


# Fields whose change moves a learner on or off the public boards.
BOARD_FIELDS = {"is_active", "show_on_leaderboard"}


def on_user_saved(sender, *, instance, created, update_fields=None, **kwargs) -> None:
    # Not a reward: keeps the Redis sets in step when an operator deactivates or hides a
    # learner in the admin, where no domain event is sent. Sign-up and logins never touch them.
    if created or (update_fields is not None and not BOARD_FIELDS & set(update_fields)):
        return
    leaderboards.visibility_changed_after_commit(user=instance)
