"""Writes of the chat app: a learner's question, FinBot's answer, deleting a conversation.

A turn has two steps. `ask_question` stores the learner's message (redacted when it holds
private data) in its own committed transaction and announces it; only then is a model
called (`answer_question` / `stream_answer`), so a failed or slow model loses nothing.

Two kinds of message go to no model: one holding private data (`safety`) gets an
explanation, one that needs a person (`care`: self-harm, abuse, threats, gambling, debt
distress) gets the caring reply and is flagged for editors. A question no article
answers is counted for the editors (`UnansweredQuestion`). A guest (no account: the old
mobile app) is answered the same way, in a conversation of their own that no one can
continue, with nothing announced.

The answer is in the question's language (`chat.language`): a plain English or Albanian
question is answered in it, anything else in the learner's language. It is decided once,
while the request's language is still active, and the reply is built under it.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from accounts import consent
from accounts.models import User
from core import events
from core.errors import DomainError
from core.rewards import Rewards

from . import care, language, retrieval, safety, smalltalk, textsearch
from .backends import get_backend
from .backends.base import Backend, ChatTimeout, ChatUnavailable, Context, Reply, Turn
from .backends.offline import pieces
from .models import Conversation, KnowledgeArticle, Message, SafetyFlag, UnansweredQuestion
from .selectors import ConversationNotFound, own_conversation
from .signals import QuestionAsked

HISTORY_MESSAGES = 10
TITLE_LENGTH = Conversation._meta.get_field("title").max_length or 120
SAFETY_SLUGS = ["why-keep-my-pin-and-card-details-secret", "how-do-i-spot-a-phishing-message", "what-is-identity-theft"]


class EmptyMessage(DomainError):
    default_message = _("Write a question for FinBot first.")


class MessageTooLong(DomainError):
    default_message = _("That message is too long: please keep it under %(limit)s characters.")
    default_params = {"limit": safety.MAX_MESSAGE_LENGTH}


@dataclass
class Question:
    """A stored question waiting for its answer."""

    user: User | None  # None: a guest
    conversation: Conversation
    message: Message
    scan: safety.Scan
    rewards: Rewards
    language: str  # the reply's: the question's own, else the learner's
    link_language: str | None = None  # the `?lang=` FinBot's links carry
    care: list[str] = field(default_factory=list)  # why it needs a person (care.REASONS), most urgent first


@dataclass
class Answer:
    question: Question
    reply: Message

    @property
    def conversation(self) -> Conversation:
        return self.question.conversation


def clean_text(text) -> str:
    text = str(text or "").replace("\x00", "").strip()
    if not text:
        raise EmptyMessage()
    if len(text) > safety.MAX_MESSAGE_LENGTH:
        raise MessageTooLong()
    return text


def _conversation(user: User | None, conversation_id: int | None, title: str) -> Conversation:
    if conversation_id is None:
        # Truncator counts combining marks as nothing; the column counts code points.
        return Conversation.objects.create(user=user, title=Truncator(" ".join(title.split())).chars(60)[:TITLE_LENGTH])
    if user is None:
        raise ConversationNotFound()  # a guest's conversation cannot be continued by anyone
    return own_conversation(user=user, conversation_id=conversation_id)


# durable: the question must be committed before any model is called, never folded
# into a caller's transaction that a failed call could roll back.
@transaction.atomic(durable=True)
def ask_question(*, user: User | None, text: str, conversation_id: int | None = None) -> Question:
    """Store the message (private data redacted), flag it if it needs a person, announce it. Commits on return.

    `user` None is a guest. Raises ConsentPending (403) while a minor's guardian has not
    approved the account.
    """
    if user is not None:
        consent.require_consent(user)
    text = clean_text(text)
    # Read from the raw text, in memory only: the words decide, not what is redacted.
    reply_language = language.reply_language(text, user=user)
    links_in = language.link_language(reply=reply_language, learner=language.learner_language(user))
    with translation.override(reply_language):
        scan = safety.scan(text)
    needs_care = care.reasons(text)
    conversation = _conversation(user, conversation_id, scan.redacted)
    message = Message.objects.create(
        conversation=conversation, role=Message.Role.USER, content=scan.redacted, flagged=scan.sensitive
    )
    if needs_care:
        SafetyFlag.objects.create(message=message, reason=needs_care[0], text=scan.redacted, language=reply_language)
    Conversation.objects.filter(pk=conversation.pk).update(updated_at=timezone.now())
    if user is None:
        rewards = Rewards(level=0, streak=0)
    else:
        rewards = events.deliver(QuestionAsked.of(user=user, message=message))
    return Question(
        user=user,
        conversation=conversation,
        message=message,
        scan=scan,
        rewards=rewards,
        language=reply_language,
        link_language=links_in,
        care=needs_care,
    )


def _history(question: Question) -> list[Turn]:
    recent = (
        Message.objects.filter(conversation=question.conversation, pk__lt=question.message.pk)
        .exclude(content="")
        .order_by("-pk")
        .values_list("role", "content")[:HISTORY_MESSAGES]
    )
    return [Turn(role, content) for role, content in reversed(recent)]


def _safety_context(reply_language: str) -> Context:
    with translation.override(reply_language):
        published = KnowledgeArticle.objects.filter(published=True, slug__in=SAFETY_SLUGS)
        titles = dict(published.values_list("slug", "title"))
    return Context(suggestions=[titles[slug] for slug in SAFETY_SLUGS if slug in titles], language=reply_language)


def _prepare(question: Question) -> tuple[Context, Backend | None]:
    """The context for a question and the backend to ask (None: private data or a need for care, no model)."""
    if question.care:
        return Context(language=question.language), None
    if question.scan.sensitive:
        return _safety_context(question.language), None
    context = retrieval.context_for(
        question.scan.text, language=question.language, link_language=question.link_language
    )
    if not context.articles and smalltalk.kind(question.scan.text) is None:
        record_unanswered(question)
    return context, get_backend()


def _fixed_reply(question: Question) -> Reply:
    with translation.override(question.language):
        if question.care:
            return Reply(text=care.caring_reply(question.care[0]), backend="care")
        return Reply(text=safety.explanation(question.scan.kinds), backend="safety")


def record_unanswered(question: Question) -> None:
    """Count a question no article answers, under its normalised words (the stored, redacted text)."""
    text = question.message.content
    key = " ".join(sorted(set(textsearch.analyzer(question.language)(text))))[:200]
    if not key:
        return  # emoji, punctuation: nothing an article could be written about
    now = timezone.now()
    same = UnansweredQuestion.objects.filter(language=question.language, key=key)
    if same.update(count=F("count") + 1, text=text[:1000], last_asked=now):
        return
    try:
        with transaction.atomic():
            UnansweredQuestion.objects.create(language=question.language, key=key, text=text[:1000], last_asked=now)
    except IntegrityError:  # asked at the same moment elsewhere: count it there
        same.update(count=F("count") + 1, text=text[:1000], last_asked=now)


def _in_language(reply_language: str, pieces: Iterable[str]) -> Iterator[str]:
    """`pieces`, each one produced under `reply_language`.

    A generator suspended at a `yield` must not leave its language active for whoever
    runs in between (the streaming response), so the override wraps each step only.
    """
    iterator = iter(pieces)
    while True:
        with translation.override(reply_language):
            piece = next(iterator, None)
        if piece is None:
            return
        yield piece


@transaction.atomic
def _store_reply(question: Question, reply: Reply, context: Context) -> Message:
    message = Message.objects.create(
        conversation=question.conversation,
        role=Message.Role.ASSISTANT,
        content=reply.text,
        backend=reply.backend,
        tokens=reply.tokens,
        suggestions=context.suggestions,
        links=[link.as_dict() for link in context.links],
    )
    Conversation.objects.filter(pk=question.conversation.pk).update(updated_at=timezone.now())
    return message


def _mark_failed(question: Question, error: DomainError) -> None:
    Message.objects.filter(pk=question.message.pk).update(status=Message.Status.FAILED, error=error.message[:300])


def answer_question(question: Question) -> Answer:
    """Ask the backend and store its reply. Raises ChatUnavailable (502) or ChatTimeout (504)."""
    context, backend = _prepare(question)
    if backend is None:
        reply = _fixed_reply(question)
    else:
        try:
            with translation.override(question.language):
                reply = backend.reply(question.scan.text, _history(question), context)
        except (ChatUnavailable, ChatTimeout) as error:
            _mark_failed(question, error)
            raise
    return Answer(question=question, reply=_store_reply(question, reply, context))


def ask(*, user: User | None, text: str, conversation_id: int | None = None) -> Answer:
    """One whole turn: store the question, then answer it."""
    return answer_question(ask_question(user=user, text=text, conversation_id=conversation_id))


@dataclass(frozen=True)
class Event:
    """One step of a streamed answer: a `token`, then `done` (with the answer) or `error`."""

    kind: str
    token: str = ""
    answer: Answer | None = None
    error: DomainError | None = None


def stream_answer(question: Question) -> Iterator[Event]:
    """The answer piece by piece; the reply is stored once the backend has finished."""
    context, backend = _prepare(question)
    if backend is None:
        reply = _fixed_reply(question)
        for piece in pieces(reply.text):
            yield Event("token", token=piece)
    else:
        received: list[str] = []
        try:
            answer = backend.stream(question.scan.text, _history(question), context)
            for piece in _in_language(question.language, answer):
                received.append(piece)
                yield Event("token", token=piece)
        except (ChatUnavailable, ChatTimeout) as error:
            _mark_failed(question, error)
            yield Event("error", error=error)
            return
        text = "".join(received).strip()
        if not text:
            empty = ChatUnavailable()
            _mark_failed(question, empty)
            yield Event("error", error=empty)
            return
        reply = Reply(text=text, backend=backend.name, tokens=len(received))
    yield Event("done", answer=Answer(question=question, reply=_store_reply(question, reply, context)))


def set_published(*, articles: QuerySet[KnowledgeArticle], published: bool) -> int:
    """Publish or unpublish articles; `updated_at` moves so every server's FinBot index notices."""
    return articles.update(published=published, updated_at=timezone.now())


def set_handled(*, flags: QuerySet[SafetyFlag], handled: bool, by: User) -> int:
    """Editors mark flagged conversations handled (or open again), with who and when."""
    if handled:
        return flags.filter(handled=False).update(handled=True, handled_at=timezone.now(), handled_by=by)
    return flags.update(handled=False, handled_at=None, handled_by=None)


@transaction.atomic
def delete_conversation(*, user: User, conversation_id: int) -> None:
    own_conversation(user=user, conversation_id=conversation_id).delete()
