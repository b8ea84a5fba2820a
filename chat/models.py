"""Chat owns FinBot: conversations, messages and the editors' knowledge articles."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def validate_tags(value) -> None:
    if not isinstance(value, list) or not all(isinstance(tag, str) and tag.strip() for tag in value):
        raise ValidationError(_('Tags must be a list of words, e.g. ["budgeting", "saving"].'))


def validate_questions(value) -> None:
    if not isinstance(value, list) or not all(isinstance(q, str) and q.strip() for q in value):
        raise ValidationError(_('Questions must be a list of texts, e.g. ["how do I start saving?"].'))


class KnowledgeArticle(models.Model):
    """An editor-written answer FinBot can retrieve and quote."""

    slug = models.SlugField(max_length=120, unique=True)
    title = models.CharField(max_length=200, help_text=_("Phrase it as the question a learner would ask."))
    body = models.TextField()
    tags = models.JSONField(default=list, blank=True, validators=[validate_tags])
    questions = models.JSONField(
        default=list,
        blank=True,
        validators=[validate_questions],
        help_text=_("Other ways learners ask it, one question each; FinBot's retrieval reads them with the title."),
    )
    published = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        indexes = [models.Index(fields=["published", "updated_at"])]

    def __str__(self):
        return self.title


class Conversation(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conversations")
    title = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now_add=True)

    # Not a field: the API's detail view attaches the messages, oldest first.
    message_list: list["Message"]

    class Meta:
        ordering = ["-updated_at", "-pk"]
        indexes = [models.Index(fields=["user", "-updated_at"], name="chat_conversation_recent")]

    def __str__(self):
        return self.title or f"Conversation {self.pk}"

    def get_absolute_url(self):
        return reverse("chat-conversation", args=[self.pk])


class Message(models.Model):
    class Role(models.TextChoices):
        USER = "user", _("Learner")
        ASSISTANT = "assistant", _("FinBot")

    class Status(models.TextChoices):
        OK = "ok", _("OK")
        FAILED = "failed", _("No answer (the model failed)")

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    role = models.CharField(max_length=10, choices=Role.choices)
    content = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    backend = models.CharField(max_length=20, blank=True, help_text=_("Which backend wrote a reply."))
    tokens = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OK)
    error = models.CharField(max_length=300, blank=True)
    flagged = models.BooleanField(
        default=False,
        help_text=_("The learner's message held private data (card, IBAN, PIN, password); it was redacted."),
    )
    # Shown with a reply: follow-up questions and links to related games and videos.
    suggestions = models.JSONField(default=list, blank=True)
    links = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["conversation", "created_at"])]

    def __str__(self):
        return f"{self.role}: {self.content[:60]}"
