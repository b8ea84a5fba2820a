from datetime import timedelta

import factory
from django.db.models import F
from django.utils import timezone

from accounts.tests.factories import UserFactory
from videos.models import SavedVideo, Video, VideoLike, VideoView


class VideoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Video
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"video-{n}")
    title = factory.Sequence(lambda n: f"Video {n}")
    description = "A short video about money."
    url = factory.LazyAttribute(lambda v: f"/static/demo/videos/{v.slug}.mp4")
    thumbnail = factory.LazyAttribute(lambda v: f"/static/demo/videos/{v.slug}.jpg")
    duration_seconds = 60
    category = "saving"
    tags = factory.LazyFunction(lambda: ["saving"])
    xp_reward = 10
    is_published = True


class SavedVideoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SavedVideo

    user = factory.SubFactory(UserFactory)
    video = factory.SubFactory(VideoFactory)


class VideoLikeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VideoLike

    user = factory.SubFactory(UserFactory)
    video = factory.SubFactory(VideoFactory)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # As the like service does: the video's kept counter moves with the row.
        like = super()._create(model_class, *args, **kwargs)
        Video.objects.filter(pk=like.video_id).update(like_count=F("like_count") + 1)
        return like


class VideoViewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VideoView

    user = factory.SubFactory(UserFactory)
    video = factory.SubFactory(VideoFactory)
    position_seconds = 0


def started_ago(user, video, seconds: float) -> None:
    """Data setup for the time rule: the learner's first progress report was `seconds` ago."""
    VideoView.objects.filter(user=user, video=video).update(first_seen_at=timezone.now() - timedelta(seconds=seconds))
