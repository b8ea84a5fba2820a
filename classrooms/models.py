"""Classrooms own teachers' classes: who teaches them, who joined, and what is assigned."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from games.models import Game
from videos.models import Video


class Classroom(models.Model):
    name = models.CharField(_("name"), max_length=80)
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="classrooms_taught", verbose_name=_("teacher")
    )
    # 8 characters from classrooms.codes.ALPHABET: no 0/O, 1/I/L to mistake for each other.
    join_code = models.CharField(_("join code"), max_length=8, unique=True)
    archived = models.BooleanField(_("archived"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["archived", "name", "id"]
        verbose_name = _("class")
        verbose_name_plural = _("classes")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("class-detail", args=[self.pk])


class Membership(models.Model):
    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="class_memberships")
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["classroom", "user"], name="classrooms_membership_unique")]

    def __str__(self):
        return f"{self.user_id} in {self.classroom_id}"


class Assignment(models.Model):
    """A game or a video the class should finish by `due_date`."""

    class Kind(models.TextChoices):
        GAME = "game", _("Game")
        VIDEO = "video", _("Video")

    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="assignments")
    game = models.ForeignKey(Game, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    video = models.ForeignKey(Video, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    due_date = models.DateField(_("due date"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(game__isnull=False, video__isnull=True) | models.Q(game__isnull=True, video__isnull=False)
                ),
                name="classrooms_assignment_game_xor_video",
            )
        ]

    def __str__(self):
        return f"{self.content} by {self.due_date}"

    @property
    def kind(self) -> str:
        return self.Kind.GAME if self.game_id else self.Kind.VIDEO

    @property
    def content(self) -> Game | Video:
        content = self.game if self.game_id else self.video
        assert content is not None  # the check constraint holds one of the two
        return content
