from rest_framework import serializers

from core.categories import Category
from core.rewards import RewardsSerializer

from ..models import Video
from ..services import MAX_POSITION_SECONDS


class VideoSerializer(serializers.ModelSerializer):
    """A video with the learner's state; reads only what selectors.with_state attached."""

    url = serializers.SerializerMethodField(
        help_text="Where the video plays from: the uploaded file, else its address."
    )
    thumbnail = serializers.SerializerMethodField()
    saved = serializers.BooleanField(read_only=True, default=False)
    liked = serializers.BooleanField(read_only=True, default=False)
    watched = serializers.BooleanField(read_only=True, default=False)
    position_seconds = serializers.FloatField(
        source="position", read_only=True, default=0.0, help_text="How far the learner got (the furthest position)."
    )
    likes = serializers.IntegerField(source="like_count", read_only=True, default=0)

    class Meta:
        model = Video
        fields = [
            "id",
            "slug",
            "title",
            "description",
            "url",
            "thumbnail",
            "duration_seconds",
            "category",
            "tags",
            "xp_reward",
            "created_at",
            "likes",
            "saved",
            "liked",
            "watched",
            "position_seconds",
        ]
        # core.rows keeps these per row, language and request origin: the same for every learner.
        catalogue_fields = ("url", "thumbnail")

    def _absolute(self, link: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(link) if request and link else link

    def get_url(self, video) -> str:
        return self._absolute(video.source)

    def get_thumbnail(self, video) -> str:
        return self._absolute(video.poster)


class VideoListQuery(serializers.Serializer):
    category = serializers.ChoiceField(choices=Category.choices, required=False, allow_blank=True)
    q = serializers.CharField(required=False, allow_blank=True, max_length=200, trim_whitespace=True)


class StrictFloatField(serializers.FloatField):
    """A number; unlike FloatField, `true` is not 1."""

    def to_internal_value(self, data):
        if isinstance(data, bool):
            self.fail("invalid")
        return super().to_internal_value(data)


class ProgressInput(serializers.Serializer):
    position_seconds = StrictFloatField(
        min_value=0,
        max_value=MAX_POSITION_SECONDS,
        help_text="Where playback is now, in seconds from the start of the video (at most twice its duration).",
    )


class ProgressOutput(serializers.Serializer):
    watched = serializers.BooleanField()
    position_seconds = serializers.FloatField(help_text="The furthest position recorded.")
    rewards = RewardsSerializer()


class SavedOutput(serializers.Serializer):
    saved = serializers.BooleanField()


class LikedOutput(serializers.Serializer):
    liked = serializers.BooleanField()
    likes = serializers.IntegerField()
