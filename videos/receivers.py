"""Where the videos app listens to other apps."""

from . import services


def on_user_deleted(sender, *, instance, **kwargs) -> None:
    # The learner's likes go with them by cascade; the videos' kept like counters must go down with them.
    services.forget_likes(user=instance)
