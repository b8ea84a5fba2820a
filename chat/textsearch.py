"""Ranking text against a question in Python: analysers, BM25F with typo tolerance, best sentences.

Pure functions and one small in-memory index. FinBot's corpus is a few hundred articles
at most, so one ranking in Python serves every database (no PostgreSQL branch that ranks
differently). English text is analysed here (`terms`: the Snowball stemmer), Albanian
text by `albanian.terms`.
"""

import math
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import pairwise

import snowballstemmer

from . import albanian, concepts

# Text → its matching terms, in order (repeats kept).
Analyzer = Callable[[str], list[str]]

# Words that carry no topic. "need" and "want" are not among them: they are what the
# needs-and-wants article is about.
STOPWORDS = frozenset(
    """
    a about above after again all am an and any are aren as at be because been before being below both
    but by can cannot could couldn did didn do does doesn doing don down during each even ever every few for
    from further get gets getting got had has hasn have haven having he her here hers herself him himself his
    how i if in into is isn it its itself just let like me might more most must mustn my myself no nor not
    now of off often on once only or other ought our ours ourselves out over own really same she should
    shouldn so some such than that the their theirs them themselves then there these they this those through
    to too under until up us very was wasn we were weren what when where which while who whom why will with
    won would wouldn you your yours yourself yourselves anything something someone anyone thing things
    explain tell know mean means meaning please hey hi hello okay ok thanks thank finbot also actually pretty
    lot lots kind sort one ones goes went gone happen happens happened basically exactly say said
    use used using go going make makes made guess wonder wondering question asking ask someone
    lol lmao lmfao rofl bruh bro bros dude dudes guys ngl fr tbh idk idc imo imho pls plz u ur ure im ive
    wanna gonna gotta kinda sorta yo literally lowkey highkey omg wtf smh rn af tho fam deadass srsly
    btw yeah yea yep nah hmm um uh whats hows whos wheres whens thats theres dont doesnt didnt cant isnt
    arent wasnt wont wouldnt shouldnt couldnt youre theyre id ill
    """.split()  # noqa: SIM905 — a word list reads better as text
)

# A learner's words mapped onto the words the articles use (before stemming).
SYNONYMS = {
    "bitcoin": "crypto",
    "btc": "crypto",
    "ethereum": "crypto",
    "eth": "crypto",
    "dogecoin": "crypto",
    "cryptocurrency": "crypto",
    "cryptocurrencies": "crypto",
    "coin": "crypto",
    "coins": "crypto",
    "nft": "crypto",
    "nfts": "crypto",
    "scammer": "scam",
    "scammers": "scam",
    "scammed": "scam",
    "scamming": "scam",
    "fraud": "scam",
    "fraudster": "scam",
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
    "afterpay": "later",
    "smartphone": "phone",
    "iphone": "phone",
    "samsung": "phone",
    "pwd": "password",
}

# Question words and filler a learner wraps a topic in ("what's the difference between",
# "is it ok to", "how do I start"): they count for a match, but far less than the topic.
WEAK_WORDS = frozenset(
    """
    difference differ different between versus vs good bad idea ok okay way best better worth start started
    work works worked happen real need want money
    """.split()  # noqa: SIM905 — a word list reads better as text
)
WEAK_FACTOR = 0.3
# A number is weak too: "I get 20 a week" is not about the 50/30/20 rule.
NUMBER_FACTOR = 0.15
# A word the index does not know that is one slip away from one it does ("intrest",
# "bugdet") counts as that word, a little less sure.
FUZZY_FACTOR = 0.8
# A word no article holds, even with a slip forgiven ("haul", "yay", "einstein"): teens
# wrap a question in slang and names, so it counts, but far less than a known word (the
# rarest known word weighs as much as an unknown one would at full weight).
UNKNOWN_FACTOR = 0.35
MAX_CORRECTIONS = 10_000  # slips remembered per index

_WORD_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
_SENTENCE_RE = re.compile(r"[^.!?\n]+(?:[.!?]+[\"”’)]*|$)")
_local = threading.local()  # a Snowball stemmer keeps state: one per thread


def _stemmer():
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = snowballstemmer.stemmer("english")
    return stemmer


def stem(word: str) -> str:
    """The English Snowball stem: saving/saves/save → save, payments → payment, cards → card."""
    return word if word.isdigit() else _stemmer().stemWord(word)


def words(text: str) -> list[str]:
    """Lower-cased words with their apostrophe endings dropped ("what's" → "what")."""
    return [re.split(r"['’]", token, maxsplit=1)[0] for token in _WORD_RE.findall(text.lower())]


def terms(text: str) -> list[str]:
    """The meaningful, stemmed words of an English text, in order (repeats kept)."""
    result = []
    for word in words(text):
        word = SYNONYMS.get(word, word)
        if word in STOPWORDS or (len(word) < 2 and not word.isdigit()):
            continue
        stemmed = stem(word)
        if stemmed not in STOPWORDS:  # "whats" stems to "what"
            result.append(stemmed)
    return result


_WEAK_STEMS = frozenset(stem(word) for word in WEAK_WORDS)


def weight_factor(term: str, weak: frozenset[str] = _WEAK_STEMS) -> float:
    """How much a question's term counts: a topic word fully, filler and numbers far less."""
    if term.isdigit():
        return NUMBER_FACTOR
    return WEAK_FACTOR if term in weak else 1.0


def query_words(text: str) -> list[str]:
    """The meaningful words of a question as the learner typed them (lower-cased), without repeats."""
    seen: list[str] = []
    for word in words(text):
        if word not in STOPWORDS and SYNONYMS.get(word, word) not in STOPWORDS and len(word) > 1 and word not in seen:
            seen.append(word)
    return seen


@dataclass(frozen=True)
class Language:
    """How one language's text is searched: its analyser, its filler, the words as typed.

    `contextual` words are about money only beside a money word (`anchors`): an account,
    points, hours or holidays. In a question without any money word they count as filler,
    so "open a new Instagram account" is not answered from the bank-account article.
    """

    analyze: Analyzer
    weak: frozenset[str]
    question_words: Callable[[str], list[str]]
    # A question with the ways learners put a topic read as the topic's words (`concepts`).
    rewrite: Callable[[str], str] = lambda question: question
    # The terms that make a question one about money (None: any question may be).
    domain: frozenset[str] | None = None
    # How much a word no document holds counts (UNKNOWN_FACTOR).
    unknown: float = UNKNOWN_FACTOR
    # Words about money only beside a money word (`anchors`): filler in a question without one.
    contextual: frozenset[str] = frozenset()
    anchors: frozenset[str] = frozenset()

    def weak_in(self, terms: Iterable[str]) -> frozenset[str]:
        """The filler of one question: `weak`, and its contextual words when it names no money."""
        if self.contextual and not any(term in self.anchors for term in terms):
            return self.weak | self.contextual
        return self.weak


ENGLISH = Language(
    terms,
    _WEAK_STEMS,
    query_words,
    rewrite=concepts.rewrite,
    domain=frozenset(terms(" ".join([*concepts.MONEY_WORDS, *concepts.CONCEPTS]))),
)
ALBANIAN = Language(
    albanian.terms,
    albanian.WEAK_KEYS,
    albanian.query_words,
    domain=albanian.DOMAIN_KEYS,
    # An Albanian word the index does not know is mostly a form the light stemmer did not
    # bring home ("verës", "fitu"), not slang: it keeps its full weight.
    unknown=1.0,
    contextual=albanian.CONTEXTUAL_KEYS,
    anchors=albanian.MONEY_KEYS,
)


def language(code: str) -> Language:
    """Albanian for "sq", English for anything else."""
    return ALBANIAN if code == "sq" else ENGLISH


def analyzer(code: str) -> Analyzer:
    return language(code).analyze


def question_words(code: str) -> Callable[[str], list[str]]:
    """The meaningful words of a question in language `code`, as the learner typed them."""
    return language(code).question_words


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_RE.findall(text) if s.strip()]


def edit_distance(one: str, other: str, limit: int) -> int:
    """Optimal string alignment distance (a swap of two neighbours is one edit), stopping past `limit`."""
    if abs(len(one) - len(other)) > limit:
        return limit + 1
    previous_row: list[int] = []
    row = list(range(len(other) + 1))
    for i in range(1, len(one) + 1):
        before, previous_row, row = previous_row, row, [i] + [0] * len(other)
        for j in range(1, len(other) + 1):
            cost = one[i - 1] != other[j - 1]
            row[j] = min(previous_row[j] + 1, row[j - 1] + 1, previous_row[j - 1] + cost)
            if i > 1 and j > 1 and one[i - 1] == other[j - 2] and one[i - 2] == other[j - 1]:
                row[j] = min(row[j], before[j - 2] + 1)
        if min(row) > limit:
            return limit + 1
    return row[-1]


def allowed_slips(term: str) -> int:
    """Typos forgiven in a word of this length: none below 5 letters, one up to 7, then two."""
    if len(term) < 5 or term.isdigit():
        return 0
    return 1 if len(term) < 8 else 2


@dataclass(frozen=True)
class Document:
    key: int
    fields: dict[str, str]  # field name -> text


@dataclass(frozen=True)
class Hit:
    key: int
    score: float
    coverage: float  # share of the question's weight this document matched
    matched: int = 0  # how many of the question's topic words it holds
    in_heading: bool = False  # one of them is in its title, questions or tags
    # How much of the question's weight it explains: words of its topic (title, tags) in
    # full, of its listed questions in part, of its body a little, and word pairs of a
    # title or question ("pay yourself first") on top.
    explained: float = 0.0

    @property
    def confident(self) -> bool:
        """Enough to answer from: a heading word, or several words, not one stray word of a body."""
        return self.in_heading or self.matched >= 2


@dataclass(frozen=True)
class QueryTerm:
    term: str  # as the index knows it (a typo already corrected)
    weight: float  # idf × how much this kind of word counts
    topic: bool = True  # a word of the question's topic, not filler or a number


class Index:
    """BM25F over a few fields of a small collection, built in memory.

    `weights` scale each field's term frequencies before BM25's saturation, so a word in a
    title counts more than the same word deep in a body. A question's word the index does
    not know, one or two letters away from one it does, is read as that word; one that is
    nowhere still counts in the question's weight, so a question mostly about something
    else is not answered from one shared word.
    """

    k1 = 1.2
    b = 0.75
    # Titles and the listed questions are the questions an article answers: a word of the
    # question found there adds this share of its weight on top of BM25 (whose saturation
    # would blur it).
    heading_bonus = 0.3
    # What a word explains when it is only in an article's listed questions, or its body
    # (a word of its title or tags explains it fully); and a shared pair of words, on top.
    question_share = 0.6
    body_share = 0.25
    pair_share = 0.5

    def __init__(
        self,
        documents: Iterable[Document],
        weights: dict[str, float],
        *,
        headings: tuple[str, ...] = ("title", "questions"),
        labels: tuple[str, ...] = ("title", "questions", "tags", "topic"),
        topic: tuple[str, ...] = ("title", "tags", "topic"),
        language: Language = ENGLISH,
    ):
        self.weights = weights
        self.language = language
        analyze = language.analyze
        self.documents = list(documents)
        self.headings = [
            set(analyze(" ".join(document.fields.get(name, "") for name in headings))) for document in self.documents
        ]
        self.labels = [
            set(analyze(" ".join(document.fields.get(name, "") for name in labels))) for document in self.documents
        ]
        self.topics = [
            set(analyze(" ".join(document.fields.get(name, "") for name in topic))) for document in self.documents
        ]
        self.pairs = [
            {
                pair
                for name in headings
                for line in document.fields.get(name, "").split("\n")
                for pair in _pairs(analyze(line))
            }
            for document in self.documents
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
        self.label_df = Counter(term for heading in self.headings for term in heading)
        self._vocabulary = sorted(df)
        self._corrections: dict[str, str | None] = {}  # a slip, once looked up, for the index's life

    def idf(self, term: str) -> float:
        # Counted over the questions the documents answer (titles, listed questions), not
        # their bodies or category tags: "budget" is in half the bodies and tags but in
        # the questions of only a few articles.
        df = self.label_df.get(term) or self.df.get(term, 0)
        return math.log(1 + (self.size - df + 0.5) / (df + 0.5))

    def correct(self, term: str) -> str | None:
        """The indexed term `term` is a slip of: the closest, the commonest among equals."""
        if term not in self._corrections:
            if len(self._corrections) >= MAX_CORRECTIONS:
                self._corrections.clear()  # learners' words are endless; the cache must not be
            self._corrections[term] = self._closest(term)
        return self._corrections[term]

    def _closest(self, term: str) -> str | None:
        slips = allowed_slips(term)
        if not slips:
            return None
        best: tuple[int, int, str] | None = None
        for known in self._vocabulary:
            if known[0] != term[0] and known[:2] != term[:2][::-1]:
                continue  # teens slip in the middle of a word, rarely on its first letter
            distance = edit_distance(term, known, slips)
            # Both words long enough for the slip: "selfi" is not a slip of "self".
            if distance > min(slips, allowed_slips(known)):
                continue
            if best is None or (distance, -self.df[known]) < best[:2]:
                best = (distance, -self.df[known], known)
        return best[2] if best else None

    def query(self, question: str) -> list[QueryTerm]:
        """The question's terms with their weights, typos read as the words they stand for."""
        result: dict[str, QueryTerm] = {}
        asked = list(dict.fromkeys(self.language.analyze(self.language.rewrite(question))))
        weak = self.language.weak_in(asked)
        for term in asked:
            factor = weight_factor(term, weak)
            if term not in self.df:
                corrected = self.correct(term)
                if corrected:
                    term, factor = corrected, weight_factor(corrected, weak) * FUZZY_FACTOR
                else:
                    factor *= self.language.unknown
            if term not in result:
                result[term] = QueryTerm(term, self.idf(term) * factor, topic=weight_factor(term, weak) == 1.0)
        return list(result.values())

    def on_topic(self, query: list[QueryTerm]) -> bool:
        """Whether the question is about what this index knows (its language's domain)."""
        domain = self.language.domain
        return domain is None or any(item.term in domain for item in query)

    def search(self, question: str, *, limit: int = 5) -> list[Hit]:
        query = self.query(question)
        if not query or not self.size or not self.on_topic(query):
            return []
        weights = {item.term: item.weight for item in query}
        asked_pairs = _pairs([item.term for item in query])
        total_weight = sum(weights.values())
        # What a confident match must hold: the topic words, or whatever the question has
        # when it is all numbers and filler ("50 30 20?").
        topics = {item.term for item in query if item.topic}
        topics = topics or {item.term for item in query}
        hits = []
        for position, counts in enumerate(self.tf):
            score = covered = 0.0
            found = [item for item in query if counts.get(item.term)]
            norm = self.k1 * (1 - self.b + self.b * self.lengths[position] / (self.average_length or 1))
            explained = 0.0
            for item in found:
                frequency = counts[item.term]
                score += item.weight * frequency * (self.k1 + 1) / (frequency + norm)
                covered += item.weight
                if item.term in self.topics[position]:
                    explained += item.weight
                elif item.term in self.headings[position]:
                    explained += self.question_share * item.weight
                else:
                    explained += self.body_share * item.weight
                if item.term in self.headings[position]:
                    score += self.heading_bonus * item.weight
            for one, other in asked_pairs & self.pairs[position]:
                pair_weight = min(weights[one], weights[other])
                score += self.heading_bonus * pair_weight
                explained += self.pair_share * pair_weight
            if found:
                topical = [item for item in found if item.term in topics]
                in_heading = any(item.term in self.labels[position] for item in topical)
                hits.append(
                    Hit(
                        self.documents[position].key,
                        score,
                        covered / total_weight,
                        len(topical),
                        in_heading,
                        explained / total_weight,
                    )
                )
        hits.sort(key=lambda hit: (-hit.score, str(hit.key)))
        return hits[:limit]


def _pairs(terms: list[str]) -> set[tuple[str, str]]:
    """Neighbouring terms, in order: what two words mean together ("stock photo" is not "stock market")."""
    return {(one, other) for one, other in pairwise(terms) if one != other}


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
