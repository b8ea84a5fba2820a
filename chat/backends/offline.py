"""FinBot without a model: answers composed from the editors' articles and the platform's content.

The fixed phrases are translated: call it with the reply's language active (the chat
services do), and the context retrieved in that language.
"""

import re
from collections.abc import Iterator

from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from .. import smalltalk, textsearch
from .base import Context, Reply, Turn


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
    """The answer from the best article's own sentences, or an honest "not yet" with the closest topics."""
    if context.articles:
        parts = [" ".join(context.sentences) or context.articles[0].body[:400]]
        links = _links_text(context)
        if links:
            parts.append("\n".join(links))
        if context.suggestions:
            parts.append(_("Want to dig deeper? Ask me: “%(question)s”") % {"question": context.suggestions[0]})
        return "\n\n".join(parts)

    topics = _quoted_list(context.suggestions)
    said = smalltalk.kind(question)
    if said == smalltalk.GREETING:
        return _(
            "Hi! 👋 I'm FinBot. I can help with money questions — budgeting, saving, cards, banking, "
            "investing and staying safe from scams. Try asking me %(topics)s."
        ) % {"topics": topics}
    if said == smalltalk.THANKS:
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
    if context.near_misses:
        parts.append(_("The closest I know about: %(topics)s. Is it one of those?") % {"topics": topics})
    elif context.suggestions:
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
