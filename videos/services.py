"""Every write of the videos app: saves, likes and watch progress."""

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, F, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy

from accounts.models import User
from core import events
from core.errors import DomainError, NotFound
from core.rewards import Rewards

from .models import SavedVideo, Video, VideoLike, VideoView
from .signals import VideoWatched

MAX_POSITION_SECONDS = 24 * 60 * 60
WATCHED_SHARE = 0.9  # of the duration: the video counts as watched from here
MIN_WATCH_SHARE = 0.5  # of the duration, in wall-clock time since the first progress report


class InvalidPosition(DomainError):
    default_message = gettext_lazy("position_seconds must be a number of seconds within the video.")


class VideoUnavailable(NotFound):
    default_message = gettext_lazy("No such video.")


def _ensure_published(video: Video) -> None:
    if not video.is_published:
        raise VideoUnavailable()


@dataclass
class Progress:
    view: VideoView
    watched: bool  # the video counts as watched (now or before)
    first_time: bool  # this report is the one that made it count
    rewards: Rewards


@transaction.atomic
def save_video(*, user: User, video: Video) -> bool:
    """Keep a video in the learner's list; saving twice is the same as once."""
    _ensure_published(video)
    _get_or_create(SavedVideo, user=user, video=video)
    return True


@transaction.atomic
def unsave_video(*, user: User, video: Video) -> bool:
    SavedVideo.objects.filter(user=user, video=video).delete()
    return False


@transaction.atomic
def like_video(*, user: User, video: Video) -> bool:
    """Like a video; liking twice is the same as once."""
    _ensure_published(video)
    _like, created = _get_or_create(VideoLike, user=user, video=video)
    if created:
        _move_like_count(video.pk, +1)
    return True


@transaction.atomic
def unlike_video(*, user: User, video: Video) -> bool:
    _unlike(user_id=user.pk, video_id=video.pk)
    return False


def _unlike(*, user_id: int, video_id: int) -> None:
    # The DELETE's row count says whether this request removed the like: of two taps at once,
    # the second waits for the first's row lock and then deletes nothing.
    deleted, _ = VideoLike.objects.filter(user_id=user_id, video_id=video_id).delete()
    if deleted:
        _move_like_count(video_id, -deleted)


def _move_like_count(video_id: int, by: int) -> None:
    Video.objects.filter(pk=video_id).update(like_count=F("like_count") + by)


@transaction.atomic
def forget_likes(*, user: User) -> None:
    """Take back every like of a learner who is being erased (their rows go with them by cascade)."""
    for video_id in VideoLike.objects.filter(user=user).values_list("video_id", flat=True):
        _unlike(user_id=user.pk, video_id=video_id)


@transaction.atomic
def remove_likes(likes: Iterable[VideoLike]) -> None:
    """Delete like rows chosen by an editor, each with its video's counter."""
    for like in likes:
        _unlike(user_id=like.user_id, video_id=like.video_id)


def recount_likes() -> int:
    """Set every video's like counter from the like rows (after a bulk load, or to heal a drift).

    Returns how many counters were wrong.
    """
    counted = Coalesce(
        Subquery(
            VideoLike.objects.filter(video=OuterRef("pk"))
            .order_by()
            .values("video")
            .annotate(n=Count("pk"))
            .values("n")[:1]
        ),
        0,
        output_field=IntegerField(),
    )
    with transaction.atomic():
        # Lock the videos first: a like that commits after this point waits for the lock and moves the
        # counter set here; one committed before it is in the count (a later statement, a later snapshot).
        list(Video.objects.select_for_update().values_list("pk", flat=True))
        wrong = list(
            Video.objects.annotate(counted=counted).exclude(like_count=F("counted")).values_list("pk", flat=True)
        )
        return Video.objects.filter(pk__in=wrong).update(like_count=counted)


def _get_or_create(model, **fields):
    # get_or_create retries the read when a concurrent request inserted the same pair first,
    # so two taps at once both succeed, one row remains, and only one of them created it.
    try:
        return model.objects.get_or_create(**fields)
    except IntegrityError:
        return model.objects.get(**fields), False


def check_position(*, video: Video, position_seconds) -> float:
    """The reported position as seconds, or InvalidPosition: negative, not a number, or absurd."""
    if isinstance(position_seconds, bool) or not isinstance(position_seconds, int | float):
        raise InvalidPosition(gettext_lazy("position_seconds must be a number of seconds."))
    position = float(position_seconds)
    if not math.isfinite(position) or position < 0:
        raise InvalidPosition(gettext_lazy("position_seconds cannot be negative."))
    limit = min(2 * video.duration_seconds, MAX_POSITION_SECONDS)
    if position > limit:
        raise InvalidPosition(
            gettext_lazy("position_seconds %(position)s is past the end of this %(duration)s-second video."),
            position=f"{position:g}",
            duration=video.duration_seconds,
        )
    return position


@transaction.atomic
def record_progress(*, user: User, video: Video, position_seconds: float) -> Progress:
    """Store how far the learner got; the first time the video counts as watched, announce it.

    Watched means: at least 90% of the duration reached, and at least half the duration of
    wall-clock time since the learner's first progress report for this video, so skipping to
    the end cannot farm XP. The learner's VideoView row is locked: the same report twice, or
    two at once, announce the video once.
    """
    _ensure_published(video)
    position = check_position(video=video, position_seconds=position_seconds)
    view, _created = VideoView.objects.select_for_update().get_or_create(user=user, video=video)
    now = timezone.now()
    changes: dict[str, datetime | float] = {"last_seen_at": now}
    if position > view.position_seconds:
        view.position_seconds = changes["position_seconds"] = position
    if view.completed_at is not None:
        VideoView.objects.filter(pk=view.pk).update(**changes)
        return Progress(view=view, watched=True, first_time=False, rewards=events.standing(user))
    reached_end = view.position_seconds >= video.duration_seconds * WATCHED_SHARE
    watched_long_enough = now - view.first_seen_at >= timedelta(seconds=video.duration_seconds * MIN_WATCH_SHARE)
    if not (reached_end and watched_long_enough):
        VideoView.objects.filter(pk=view.pk).update(**changes)
        return Progress(view=view, watched=False, first_time=False, rewards=events.standing(user))
    view.completed_at = changes["completed_at"] = now
    VideoView.objects.filter(pk=view.pk).update(**changes)
    rewards = events.deliver(VideoWatched.of(user=user, video=video))
    return Progress(view=view, watched=True, first_time=True, rewards=rewards)
