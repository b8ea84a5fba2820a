"""FinBot through any OpenAI-compatible chat completions server (the `openai` package)."""

import logging
from collections.abc import Iterator

import openai
from django.conf import settings
from django.utils import translation
from openai.types.chat import ChatCompletionMessageParam

from .base import ChatTimeout, ChatUnavailable, Context, Reply, Turn

logger = logging.getLogger(__name__)

HISTORY_TURNS = 10
MAX_REPLY_TOKENS = 500

SYSTEM_PROMPT = (
    "You are FinBot, the friendly money coach inside RaiPlay, a learning app for teenagers aged 12 to 17 "
    "run by a bank's education team.\n"
    "How you answer:\n"
    "- Explain money ideas (budgeting, saving, interest, cards, banking, credit and debt, investing, crypto, "
    "scams and online safety, taxes, first jobs) simply, warmly and briefly: at most about 150 words, short "
    "paragraphs, plain text without Markdown tables.\n"
    "- Use everyday examples a teenager knows: pocket money, a first job, saving for a phone.\n"
    "- Prefer the RaiPlay knowledge articles given below; when they don't cover the question, answer from "
    "general knowledge and say so if you are unsure. Never make up facts, prices or rates.\n"
    "- Teach, don't sell: never recommend a specific bank, product, coin, share or app, and never give "
    "personal investment advice. Suggest talking to a parent, guardian or the bank for decisions.\n"
    "- Never ask for, repeat or accept personal or secret data: card numbers, IBANs, PINs, passwords, "
    "one-time codes, addresses. If someone offers it, tell them kindly never to share it.\n"
    "- Stay safe for teens: no gambling tips, nothing violent, sexual, hateful or illegal. If a learner seems "
    "to be in danger, being scammed or pressured, tell them to talk to a trusted adult and their bank right away.\n"
    "- If a question isn't about money, say kindly that you are a money coach and suggest a money question.\n"
    "- You may point to the RaiPlay game or video listed below when it fits."
)


# Which language to answer in: the question's (chat.language), said in the system prompt.
# For Albanian, the money words RaiPlay uses everywhere (the glossary), so the model's
# answer reads like the rest of the app.
LANGUAGE_LINES = {
    "en": "Answer in English: the learner's question is in English.",
    "sq": (
        "Answer in Albanian (shqip): the learner's question is in Albanian, even if written without ë and ç. "
        "Write correct Albanian with ë and ç, address the learner as “ti”, keep sentences short, and use "
        "RaiPlay's words: buxhet, kursim, llogari kursimi, fond emergjence, interes, normë interesi, "
        "kartë debiti, kartë krediti, kredi, borxh, tarifë, investim, rrezik, mashtrim, tatim, para xhepi."
    ),
}


def language_line(language: str) -> str:
    return LANGUAGE_LINES.get(language, LANGUAGE_LINES["en"])


def _context_block(context: Context) -> str:
    if not (context.articles or context.links):
        return "No RaiPlay article matches this question."
    lines = ["RaiPlay knowledge articles (most relevant first):"]
    for article in context.articles[:3]:
        lines.append(f"### {article.title}\n{article.body}")
    for link in context.links:
        lines.append(f"Related RaiPlay {link.kind}: “{link.title}”")
    return "\n\n".join(lines)


def _turn_message(turn: Turn) -> ChatCompletionMessageParam:
    # A turn is the learner's (user) or FinBot's (assistant): the only roles a Message has.
    if turn.role == "assistant":
        return {"role": "assistant", "content": turn.content}
    return {"role": "user", "content": turn.content}


def build_messages(question: str, history: list[Turn], context: Context) -> list[ChatCompletionMessageParam]:
    """System prompt (with the reply's language) and the retrieved context, the last turns, then the question."""
    with translation.override(context.language):  # the articles' texts in the question's language
        block = _context_block(context)
    messages: list[ChatCompletionMessageParam] = [
        {"role": "system", "content": f"{SYSTEM_PROMPT}\n- {language_line(context.language)}\n\n{block}"}
    ]
    messages += [_turn_message(turn) for turn in history[-HISTORY_TURNS:]]
    messages.append({"role": "user", "content": question})
    return messages


def _translate(error: openai.OpenAIError) -> Exception:
    if isinstance(error, openai.APITimeoutError):
        return ChatTimeout()
    logger.warning("chat model call failed: %s", error)
    return ChatUnavailable()


class OpenAIBackend:
    name = "openai"

    def _client(self) -> openai.OpenAI:
        return openai.OpenAI(
            api_key=settings.CHAT_API_KEY,
            base_url=settings.CHAT_BASE_URL,
            timeout=settings.CHAT_TIMEOUT_SECONDS,
            max_retries=settings.CHAT_MAX_RETRIES,
        )

    def _create(self, question: str, history: list[Turn], context: Context, *, stream: bool):
        return self._client().chat.completions.create(
            model=settings.CHAT_MODEL,
            messages=build_messages(question, history, context),
            temperature=0.4,
            max_tokens=MAX_REPLY_TOKENS,
            stream=stream,
        )

    def reply(self, question: str, history: list[Turn], context: Context) -> Reply:
        try:
            completion = self._create(question, history, context, stream=False)
        except openai.OpenAIError as error:
            raise _translate(error) from error
        text = (completion.choices[0].message.content or "").strip() if completion.choices else ""
        if not text:
            logger.warning("chat model returned an empty answer")
            raise ChatUnavailable()
        usage = getattr(completion, "usage", None)
        return Reply(text=text, backend=self.name, tokens=getattr(usage, "completion_tokens", 0) or 0)

    def stream(self, question: str, history: list[Turn], context: Context) -> Iterator[str]:
        try:
            chunks = self._create(question, history, context, stream=True)
            with chunks:
                for chunk in chunks:
                    if not chunk.choices:
                        continue
                    piece = chunk.choices[0].delta.content
                    if piece:
                        yield piece
        except openai.OpenAIError as error:
            raise _translate(error) from error
