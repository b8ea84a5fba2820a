"""Where the game layer listens to accounts: who may stand on the public boards.

Rewards for games, videos and chat arrive through `core.events` (`services.RewardLayer`).
"""

from . import leaderboards, services


def on_questions_answered(sender, *, event, **kwargs) -> None:
    """A scored play's wrong answers go on the learner's review schedule (games.signals.QuestionsAnswered)."""
    services.schedule_misses(user=event.user, questions=event.wrong)


def on_profile_updated(sender, *, user, changed, **kwargs) -> None:
    if changed & BOARD_FIELDS:
        leaderboards.visibility_changed(user=user)


# Fields whose change moves a learner on or off the public boards.
BOARD_FIELDS = {"is_active", "show_on_leaderboard", "consent_status"}


def on_user_saved(sender, *, instance, created, update_fields=None, **kwargs) -> None:
    # Not a reward: keeps the Redis sets in step when an operator deactivates or hides a
    # learner in the admin, where no domain event is sent. Sign-up and logins never touch them.
    if created or (update_fields is not None and not BOARD_FIELDS & set(update_fields)):
        return
    leaderboards.visibility_changed(user=instance)


def on_user_deleted(sender, *, instance, **kwargs) -> None:
    # Not a reward: the learner's board entries go with them (cascade); their places in the
    # score counts behind the database's ranks must go too.
    leaderboards.forget_learner(user_id=instance.pk)
