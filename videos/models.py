"""Videos own the short-video library and what each learner saved, liked and watched."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.categories import Category

VIDEO_EXTENSIONS = ["mp4", "webm", "ogv", "m4v", "mov"]
# No SVG: an uploaded SVG served from our own origin could carry script.
IMAGE_EXTENSIONS = ["jpg", "jpeg", "png", "webp", "gif", "avif"]
MAX_VIDEO_BYTES = 200 * 1024 * 1024
MAX_IMAGE_BYTES = 5 * 1024 * 1024


def validate_source(value: str) -> None:
    """A link the browser can load: a path on this site (`/static/…`) or an http(s) URL."""
    if not value:
        return
    if value.startswith("//") or not (value.startswith(("/", "https://", "http://"))):
        raise ValidationError(_("Give a path on this site starting with / or a full http(s):// address."))
    if any(ch.isspace() for ch in value):
        raise ValidationError(_("An address cannot contain spaces."))


def validate_tags(value) -> None:
    if not isinstance(value, list) or not all(isinstance(tag, str) and tag.strip() for tag in value):
        raise ValidationError(_("Tags must be a list of non-empty strings."))
    if any(len(tag) > 40 for tag in value):
        raise ValidationError(_("A tag has at most 40 characters."))


def _check_size(file, limit: int) -> None:
    # Only a new upload is measured; a stored file is not read back from storage.
    if getattr(file, "_committed", True) is False and file.size > limit:
        raise ValidationError(_("This file is too large (at most %(mb)s MB).") % {"mb": limit // (1024 * 1024)})


def validate_video_size(file) -> None:
    _check_size(file, MAX_VIDEO_BYTES)


def validate_image_size(file) -> None:
    _check_size(file, MAX_IMAGE_BYTES)


class Video(models.Model):
    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    file = models.FileField(
        upload_to="videos/",
        blank=True,
        validators=[FileExtensionValidator(VIDEO_EXTENSIONS), validate_video_size],
        help_text=_("Upload the video (MP4 plays everywhere), or give its address below."),
    )
    url = models.CharField(
        max_length=500,
        blank=True,
        validators=[validate_source],
        help_text=_("Used when no file is uploaded: /static/… or https://…"),
    )
    thumbnail_file = models.FileField(
        upload_to="videos/thumbnails/",
        blank=True,
        validators=[FileExtensionValidator(IMAGE_EXTENSIONS), validate_image_size],
        help_text=_("A still image shown before the video plays, or give its address below."),
    )
    thumbnail = models.CharField(
        max_length=500,
        blank=True,
        validators=[validate_source],
        help_text=_("Used when no thumbnail is uploaded: /static/… or https://…"),
    )
    duration_seconds = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    category = models.CharField(max_length=20, choices=Category.choices)
    tags = models.JSONField(default=list, blank=True, validators=[validate_tags])
    xp_reward = models.PositiveIntegerField(default=10)
    is_published = models.BooleanField(default=True)
    # Kept, not counted per request: moved with each like row by videos.services (recount_likes heals it).
    like_count = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["is_published", "category"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(duration_seconds__gte=1), name="videos_duration_positive"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("video-detail", args=[self.slug])

    def clean(self):
        if not self.file and not self.url:
            raise ValidationError({"url": _("Upload a video file or give its address.")})

    @property
    def source(self) -> str:
        """Where the video plays from: the uploaded file when there is one, else `url`."""
        return self.file.url if self.file else self.url

    @property
    def poster(self) -> str:
        return self.thumbnail_file.url if self.thumbnail_file else self.thumbnail

    @property
    def duration_label(self) -> str:
        minutes, seconds = divmod(self.duration_seconds, 60)
        return f"{minutes}:{seconds:02d}"


class SavedVideo(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_videos")
    video = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="saves")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "video"], name="videos_saved_unique")]

    def __str__(self):
        return f"{self.user_id} saved {self.video_id}"


class VideoLike(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="video_likes")
    video = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="likes")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "video"], name="videos_like_unique")]

    def __str__(self):
        return f"{self.user_id} likes {self.video_id}"


class VideoView(models.Model):
    """How far one learner got in one video, and when it first counted as watched."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="video_views")
    video = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="views")
    position_seconds = models.FloatField(default=0, help_text=_("The furthest position reported."))
    first_seen_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "video"], name="videos_view_unique"),
            models.CheckConstraint(condition=models.Q(position_seconds__gte=0), name="videos_view_position_gte_0"),
        ]
        indexes = [models.Index(fields=["video", "completed_at"])]

    def __str__(self):
        return f"{self.user_id} viewed {self.video_id}"

    @property
    def watched(self) -> bool:
        return self.completed_at is not None
