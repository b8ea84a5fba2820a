"""Reads of the chat app: a learner's conversations and their export."""

from typing import Any

from django.db.models import Count, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.errors import NotFound

from .models import Conversation, Message, SafetyFlag, UnansweredQuestion


class ConversationNotFound(NotFound):
    default_message = _("No such conversation.")


def own_conversation(*, user: User, conversation_id) -> Conversation:
    """The learner's own conversation; someone else's is as good as missing (404)."""
    try:
        return Conversation.objects.get(pk=int(conversation_id), user=user)
    except (Conversation.DoesNotExist, TypeError, ValueError) as error:
        raise ConversationNotFound() from error


def conversations_for(*, user: User) -> QuerySet[Conversation]:
    """The learner's conversations, most recently active first, with their message counts."""
    return (
        Conversation.objects.filter(user=user).annotate(message_count=Count("messages")).order_by("-updated_at", "-pk")
    )


def conversation_with_messages(*, user: User, conversation_id) -> tuple[Conversation, list[Message]]:
    """One of the learner's conversations and its messages, oldest first (404 for anyone else's)."""
    conversation = own_conversation(user=user, conversation_id=conversation_id)
    return conversation, list(conversation.messages.order_by("created_at", "pk"))


def export_data(user: User) -> dict:
    """The chat part of the learner's data export (messages were stored redacted)."""
    conversations: dict[int, dict[str, Any]] = {
        pk: {"id": pk, "title": title, "created_at": created, "messages": []}
        for pk, title, created in Conversation.objects.filter(user=user)
        .order_by("created_at", "pk")
        .values_list("pk", "title", "created_at")
    }
    for conversation_id, role, content, created in (
        Message.objects.filter(conversation__user=user)
        .order_by("created_at", "pk")
        .values_list("conversation_id", "role", "content", "created_at")
    ):
        conversations[conversation_id]["messages"].append({"role": role, "content": content, "created_at": created})
    return {"conversations": list(conversations.values())}


def unanswered_questions(*, limit: int = 20) -> list[UnansweredQuestion]:
    """What FinBot could not answer, one row per normalised question, most recently asked first."""
    return list(UnansweredQuestion.objects.order_by("-last_asked", "-pk")[:limit])


def open_flags(*, limit: int = 10) -> tuple[int, list[SafetyFlag]]:
    """How many flagged conversations wait for an editor, and the newest of them (redacted text only)."""
    waiting = SafetyFlag.objects.filter(handled=False)
    return waiting.count(), list(waiting.order_by("-created_at", "-pk")[:limit])
