"""The one interface every FinBot backend offers, and what it is given and gives back."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol

from django.utils.translation import gettext_lazy as _

from core.errors import UpstreamFailed, UpstreamTimeout


@dataclass(frozen=True)
class Link:
    kind: str  # game | video | article
    title: str
    url: str

    def as_dict(self) -> dict:
        return {"kind": self.kind, "title": self.title, "url": self.url}


@dataclass
class Context:
    """What retrieval found for a question: the articles (best first) and related content."""

    articles: list = field(default_factory=list)  # KnowledgeArticle, best first
    games: list[Link] = field(default_factory=list)
    videos: list[Link] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)  # follow-up questions for the learner
    near_misses: bool = False  # no article answered; the suggestions are the closest ones
    sentences: list[str] = field(default_factory=list)  # the best article's sentences that answer it
    language: str = "en"  # the question's, and so the reply's: "en" | "sq"

    @property
    def links(self) -> list[Link]:
        return [*self.games[:1], *self.videos[:1]]


@dataclass(frozen=True)
class Turn:
    role: str  # user | assistant
    content: str


@dataclass
class Reply:
    text: str
    backend: str
    tokens: int = 0


class ChatUnavailable(UpstreamFailed):
    default_message = _("FinBot could not get an answer right now. Your message is saved — please try again soon.")


class ChatTimeout(UpstreamTimeout):
    default_message = _("FinBot took too long to answer. Your message is saved — please try again.")


class Backend(Protocol):
    name: str

    def reply(self, question: str, history: list[Turn], context: Context) -> Reply:
        """The whole answer at once. Raises ChatUnavailable or ChatTimeout."""

    def stream(self, question: str, history: list[Turn], context: Context) -> Iterator[str]:
        """The answer in pieces as they come. Raises ChatUnavailable or ChatTimeout."""
