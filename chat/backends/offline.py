"""FinBot without a model: answers composed from the editors' articles and the platform's content.

The fixed phrases are translated: call it with the reply's language active (the chat
services do), and the context retrieved in that language.
"""

import hashlib
import re
from collections.abc import Iterator

from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from .. import albanian, textsearch
from .base import Context, Reply, Turn

GREETINGS = {
    "hi",
    "hello",
    "hey",
    "hiya",
    "yo",
    "hola",
    "morning",
    "evening",
    "afternoon",
    "sup",
    "greetings",
    "pershendetje",
    "tung",
    "ckemi",
    "cpo",
    "hej",
    "mirdita",
    "miredita",
    "mirembrema",
    "mengjes",
    "finbot",
    "bot",
}
THANKS = {
    "thanks",
    "thank",
    "thx",
    "ty",
    "cheers",
    "faleminderit",
    "flm",
    "rrofsh",
    "great",
    "cool",
    "awesome",
    "nice",
    "super",
    "bukur",
}
# Words a greeting or a thank-you may come with ("hi there", "tung si je", "faleminderit shume").
GREETING_FILLERS = {"there", "good", "si", "je", "jeni", "ja"}
THANKS_FILLERS = {
    *("you", "so", "much", "a", "lot", "finbot", "very", "that", "was", "helpful"),
    *("shume", "te", "per", "ndihmen", "ishte", "e", "dobishme", "mire", "ja"),
}


def _pick(options: list[str], seed: str) -> str:
    return options[int(hashlib.sha256(seed.encode()).hexdigest(), 16) % len(options)]


def _quoted_list(items: list[str]) -> str:
    return get_text_list([f"“{item}”" for item in items], _("or"))


def _links_text(context: Context) -> list[str]:
    lines = []
    for link in context.games[:1]:
        lines.append(_("🎮 Practise it: play “%(title)s”.") % {"title": link.title})
    for link in context.videos[:1]:
        lines.append(_("🎬 Watch: “%(title)s”.") % {"title": link.title})
    return lines


def compose(question: str, context: Context) -> str:
    """A friendly answer built from the best article, or an honest "not yet"."""
    if context.articles:
        article = context.articles[0]
        opener = _pick(
            [_("Great question!"), _("Good one!"), _("Happy to help!"), _("Let's work it out together.")], question
        )
        parts = [
            _("%(opener)s Here's the short version of “%(title)s”") % {"opener": opener, "title": article.title},
            " ".join(context.sentences) or article.body[:400],
        ]
        links = _links_text(context)
        if links:
            parts.append("\n".join(links))
        if context.suggestions:
            parts.append(_("Want to dig deeper? Ask me: “%(question)s”") % {"question": context.suggestions[0]})
        return "\n\n".join(parts)

    said = set(textsearch.words(albanian.fold(question)))  # "përshëndetje" as "pershendetje"
    topics = _quoted_list(context.suggestions)
    if said & GREETINGS and said <= GREETINGS | GREETING_FILLERS:
        return _(
            "Hi! 👋 I'm FinBot. I can help with money questions — budgeting, saving, cards, banking, "
            "investing and staying safe from scams. Try asking me %(topics)s."
        ) % {"topics": topics}
    if said & THANKS and said <= THANKS | THANKS_FILLERS:
        return _("You're welcome! 😊 Anything else about money? You could ask me %(topics)s.") % {"topics": topics}

    words = textsearch.question_words(context.language)(question)[:5]
    about = (
        _("I couldn't find anything about “%(words)s” in what I've learned so far.") % {"words": " ".join(words)}
        if words
        else _("I couldn't work out what you're asking.")
    )
    parts = [_("I don't know that one yet — %(about)s") % {"about": about}]
    links = _links_text(context)
    if links:
        parts.append(_("This might still help:") + "\n" + "\n".join(links))
    if context.suggestions:
        parts.append(_("I'm best at money topics. Try asking about %(topics)s.") % {"topics": topics})
    return "\n\n".join(parts)


def pieces(text: str) -> list[str]:
    """Word-sized pieces (with their following spaces) to stream, like a model would."""
    return re.findall(r"\S+\s*|\s+", text)


class OfflineBackend:
    name = "offline"

    def reply(self, question: str, history: list[Turn], context: Context) -> Reply:
        text = compose(question, context)
        return Reply(text=text, backend=self.name, tokens=len(pieces(text)))

    def stream(self, question: str, history: list[Turn], context: Context) -> Iterator[str]:
        yield from pieces(compose(question, context))
