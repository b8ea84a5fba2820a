"""Ranking text against a question in Python: tokens, a light stemmer, BM25F, best sentences.

Pure functions. Used where PostgreSQL full-text search is not available (SQLite), for
every Albanian question (PostgreSQL has no Albanian configuration), to rank the
platform's games and videos, and to pick the sentences of an article that answer the
question. English text is analysed here (`terms`), Albanian text by `albanian.terms`.
"""

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from . import albanian

# Text → its matching terms, in order (repeats kept).
Analyzer = Callable[[str], list[str]]

STOPWORDS = frozenset(
    """
    a about above after again all am an and any are aren't as at be because been before being below between both
    but by can can't could couldn't did didn't do does doesn't doing don't down during each even ever every few for
    from further get gets getting got had has have having he her here hers herself him himself his how i i'd i'll
    i'm i've if in into is isn't it it's its itself just let's like me might more most much must my myself need no
    nor not now of off often on once only or other ought our ours ourselves out over own really same she should so
    some such than that that's the their theirs them themselves then there there's these they they're this those
    through to too under until up us very want was we were what what's when where which while who whom why will
    with would you you'd you'll you're you've your yours yourself yourselves anything something someone thing
    things way ways explain tell know mean means meaning please hey hi hello okay ok thanks thank finbot also
    actually pretty lot lots kind sort one ones goes went gone happen happens happened basically exactly say said
    use used using go going make makes made
    """.split()  # noqa: SIM905 — a word list reads better as text
)

# A learner's words mapped onto the words the articles use.
SYNONYMS = {
    "bitcoin": "crypto",
    "btc": "crypto",
    "ethereum": "crypto",
    "cryptocurrency": "crypto",
    "cryptocurrencies": "crypto",
    "nft": "crypto",
    "scammer": "scam",
    "scammers": "scam",
    "fraud": "scam",
    "fraudster": "scam",
    "con": "scam",
    "salary": "pay",
    "wage": "pay",
    "wages": "pay",
    "paycheck": "payslip",
    "paycheque": "payslip",
    "payslips": "payslip",
    "shares": "share",
    "etfs": "etf",
    "allowance": "pocket",
    "teenager": "teen",
    "teenagers": "teen",
    "teens": "teen",
    "bnpl": "later",
    "klarna": "later",
    "smartphone": "phone",
    "iphone": "phone",
    "pwd": "password",
}

_WORD_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
_SENTENCE_RE = re.compile(r"[^.!?\n]+(?:[.!?]+[\"”’)]*|$)")


def stem(word: str) -> str:
    """A small suffix stripper: saving/saves/save → sav, payments → pay, cards → card."""
    if len(word) <= 3 or word.isdigit():
        return word
    for suffix, replacement in (("ies", "y"), ("sses", "ss"), ("ss", "ss"), ("us", "us"), ("is", "is"), ("s", "")):
        if word.endswith(suffix):
            word = word[: -len(suffix)] + replacement
            break
    for suffix in ("ments", "ment", "ingly", "ing", "edly", "ed", "ly"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            if (
                suffix in ("ing", "ed", "ingly", "edly")
                and len(word) > 3
                and word[-1] == word[-2]
                and word[-1] not in "lsz"
            ):
                word = word[:-1]  # shopping → shop
            break
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
    return word


def words(text: str) -> list[str]:
    """Lower-cased words with their apostrophe endings dropped ("what's" → "what")."""
    return [re.split(r"['’]", token, maxsplit=1)[0] for token in _WORD_RE.findall(text.lower())]


def terms(text: str) -> list[str]:
    """The meaningful, stemmed words of a text, in order (repeats kept)."""
    result = []
    for word in words(text):
        word = SYNONYMS.get(word, word)
        if word in STOPWORDS or (len(word) < 2 and not word.isdigit()):
            continue
        result.append(stem(word))
    return result


def query_words(text: str) -> list[str]:
    """The meaningful words of a question, unstemmed and without repeats (for a database search)."""
    seen: list[str] = []
    for word in words(text):
        word = SYNONYMS.get(word, word)
        if word not in STOPWORDS and len(word) > 1 and word not in seen:
            seen.append(word)
    return seen


def analyzer(language: str) -> Analyzer:
    """How text in `language` is turned into terms: Albanian, or English for anything else."""
    return albanian.terms if language == "sq" else terms


def question_words(language: str) -> Callable[[str], list[str]]:
    """The meaningful words of a question in `language`, as the learner typed them."""
    return albanian.query_words if language == "sq" else query_words


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_RE.findall(text) if s.strip()]


@dataclass(frozen=True)
class Document:
    key: int
    fields: dict[str, str]  # field name -> text


@dataclass(frozen=True)
class Hit:
    key: int
    score: float
    coverage: float  # share of the question's weight (by idf) this document matched
    matched: int = 0  # how many of the question's words it holds
    in_heading: bool = False  # one of them is in its title or tags

    @property
    def confident(self) -> bool:
        """Enough to answer from: a title/tag word, or several words, not one stray word of a body."""
        return self.in_heading or self.matched >= 2


class Index:
    """BM25F over a few fields of a small collection, built in memory.

    `weights` scale each field's term frequencies before BM25's saturation, so a word in a
    title counts more than the same word deep in a body.
    """

    k1 = 1.2
    b = 0.75
    # Articles' titles are the questions they answer: a word of the question that is in the
    # title adds this share of its idf on top of BM25 (whose saturation would blur it).
    heading_bonus = 0.6

    def __init__(
        self,
        documents: Iterable[Document],
        weights: dict[str, float],
        *,
        heading: str = "title",
        labels: tuple[str, ...] = ("title", "tags", "topic"),
        analyze: Analyzer = terms,
    ):
        self.weights = weights
        self.analyze = analyze
        self.documents = list(documents)
        self.headings = [set(analyze(document.fields.get(heading, ""))) for document in self.documents]
        self.labels = [
            set(analyze(" ".join(document.fields.get(name, "") for name in labels))) for document in self.documents
        ]
        self.tf: list[dict[str, float]] = []  # term -> weighted frequency, per document
        self.lengths: list[float] = []
        df: Counter = Counter()
        for document in self.documents:
            counts: dict[str, float] = {}
            for name, weight in weights.items():
                for term in analyze(document.fields.get(name, "")):
                    counts[term] = counts.get(term, 0) + weight
            self.tf.append(counts)
            self.lengths.append(sum(counts.values()))
            df.update(counts.keys())
        self.size = len(self.documents)
        self.average_length = (sum(self.lengths) / self.size) if self.size else 0.0
        self.df = df

    def idf(self, term: str) -> float:
        df = self.df.get(term, 0)
        return math.log(1 + (self.size - df + 0.5) / (df + 0.5))

    def search(self, question: str, *, limit: int = 5) -> list[Hit]:
        query = list(dict.fromkeys(self.analyze(question)))
        if not query or not self.size:
            return []
        weights = {term: self.idf(term) for term in query}
        total_weight = sum(weights.values())
        hits = []
        for position, counts in enumerate(self.tf):
            score = covered = 0.0
            found = [term for term in query if counts.get(term)]
            norm = self.k1 * (1 - self.b + self.b * self.lengths[position] / (self.average_length or 1))
            for term in found:
                frequency = counts[term]
                score += weights[term] * frequency * (self.k1 + 1) / (frequency + norm)
                covered += weights[term]
                if term in self.headings[position]:
                    score += self.heading_bonus * weights[term]
            if found:
                in_heading = any(term in self.labels[position] for term in found)
                hits.append(Hit(self.documents[position].key, score, covered / total_weight, len(found), in_heading))
        hits.sort(key=lambda hit: (-hit.score, str(hit.key)))
        return hits[:limit]


def best_sentences(
    body: str, question: str, *, count: int = 3, max_chars: int = 480, analyze: Analyzer = terms
) -> list[str]:
    """The article's opening sentence plus the ones that share most with the question, in order."""
    parts = sentences(body)
    if not parts:
        return []
    asked = set(analyze(question))
    scored = []
    for position, sentence in enumerate(parts[1:], start=1):
        overlap = len(asked & set(analyze(sentence)))
        scored.append((overlap, -position, position))
    chosen = {0} | {position for overlap, _neg, position in sorted(scored, reverse=True)[: count - 1] if overlap}
    if len(chosen) < count:  # nothing else matched: keep reading from the start
        chosen |= set(range(min(count, len(parts))))
    result: list[str] = []
    length = 0
    for position in sorted(chosen):
        if result and length + len(parts[position]) > max_chars:
            break
        result.append(parts[position])
        length += len(parts[position]) + 1
    return result
