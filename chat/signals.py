"""The events the chat app sends: a learner's question, once it is stored."""

from dataclasses import dataclass

from core import metrics
from core.events import Event

from .models import Message


@dataclass(frozen=True, kw_only=True)
class QuestionAsked(Event):
    """No XP per message, so chatting cannot be farmed; it still moves stats and daily quests."""

    message: Message

    @classmethod
    def of(cls, *, user, message: Message) -> "QuestionAsked":
        return cls(
            user=user,
            source=message,
            key=f"{user.pk}:chat:{message.pk}",
            reason="",
            increments={metrics.CHAT_QUESTIONS: 1},
            message=message,
        )
