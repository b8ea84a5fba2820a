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
    # None: a guest's (the old mobile app asks without an account).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="conversations"
    )
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


class SafetyFlag(models.Model):
    """A learner's message that needed a person (self-harm, abuse, threats, gambling, debt), for editors."""

    class Reason(models.TextChoices):
        SELF_HARM = "self_harm", _("Self-harm")
        ABUSE = "abuse", _("Abuse")
        THREAT = "threat", _("Threats or sextortion")
        DEBT = "debt", _("Debt distress")
        GAMBLING = "gambling", _("Gambling")

    message = models.OneToOneField(Message, on_delete=models.CASCADE, related_name="safety_flag")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    # The message as stored: private data already redacted. No user name: editors need the words, not who.
    text = models.TextField()
    language = models.CharField(max_length=8, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    handled = models.BooleanField(default=False)
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["handled", "-created_at", "-pk"]
        verbose_name = _("flagged conversation")
        verbose_name_plural = _("flagged conversations")
        indexes = [models.Index(fields=["handled", "-created_at"], name="chat_flag_open")]

    def __str__(self):
        return f"{self.get_reason_display()}: {self.text[:60]}"


class UnansweredQuestion(models.Model):
    """A question FinBot had no article for, counted per normalised wording, so editors write the missing ones."""

    language = models.CharField(max_length=8)
    key = models.CharField(max_length=200, help_text=_("The question's meaningful words, normalised."))
    text = models.CharField(max_length=1000, help_text=_("The latest wording (private data redacted)."))
    count = models.PositiveIntegerField(default=1)
    first_asked = models.DateTimeField(auto_now_add=True)
    last_asked = models.DateTimeField()

    class Meta:
        ordering = ["-last_asked", "-pk"]
        verbose_name = _("unanswered question")
        verbose_name_plural = _("unanswered questions")
        constraints = [models.UniqueConstraint(fields=["language", "key"], name="chat_unanswered_once")]
        indexes = [models.Index(fields=["-last_asked"], name="chat_unanswered_recent")]

    def __str__(self):
        return self.text[:80]
