"""The events the videos app sends: a video first counting as watched."""

from dataclasses import dataclass

from core import metrics
from core.events import Event

from .models import Video


@dataclass(frozen=True, kw_only=True)
class VideoWatched(Event):
    """Sent once per learner and video, inside the progress report that made it count."""

    video: Video

    @classmethod
    def of(cls, *, user, video: Video) -> "VideoWatched":
        return cls(
            user=user,
            source=video,
            key=f"{user.pk}:video:{video.pk}",
            reason="video",
            xp=video.xp_reward,
            increments={metrics.VIDEOS_WATCHED: 1},
            video=video,
        )
