"""Finding what FinBot knows about a question: articles, then related games and videos.

English questions: on PostgreSQL the articles are ranked by full-text search (weighted
title, tags, body); elsewhere by BM25F in Python over the published articles (a few
hundred at most). Albanian questions: BM25F in Python on every database (PostgreSQL has
no Albanian configuration) over the articles' Albanian texts, the learners' own ways of
asking included, each falling back to English where an article has no Albanian yet.
Games and videos are few and ranked in Python the same way on every database, in the
question's language. Everything learners see (titles, suggestions) is in that language.
"""

import hashlib
import math
from dataclasses import dataclass
from functools import reduce
from operator import add
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Case, Count, F, Max, Q, TextField, Value, When
from django.db.models.functions import Cast
from django.urls import NoReverseMatch
from django.utils import translation

from core.categories import Category
from games import selectors as games
from games.models import Game
from videos import selectors as videos
from videos.models import Video

from . import textsearch
from .backends.base import Context, Link
from .models import KnowledgeArticle

# A question must share this much of its meaning (idf-weighted words) with an article
# before FinBot answers from it; below that it says it does not know yet.
MIN_COVERAGE = 0.25
# ts_rank weights for body (C), tags (B) and title (A); D is unused.
PG_WEIGHTS = [0.05, 0.4, 0.6, 1.0]
ARTICLE_WEIGHTS = {"title": 3.0, "tags": 2.0, "body": 1.0}
# Albanian articles also carry the ways learners ask them (`questions_sq`): nearly as
# telling as the title, and, like it, enough to be confident in a match.
ALBANIAN_WEIGHTS = {"title": 3.0, "questions": 2.0, "tags": 2.0, "body": 1.0}
ALBANIAN_LABELS = ("title", "tags", "questions")
STARTER_SLUGS = [
    "what-is-a-budget",
    "what-is-compound-interest",
    "how-do-i-spot-a-phishing-message",
    "debit-card-vs-credit-card",
    "how-do-i-save-for-a-new-phone",
    "is-crypto-risky",
]
# Article tags that name a game category of another name.
TAG_CATEGORIES = {
    "interest": "saving",
    "debt": "credit",
    "scams": "safety",
    "payments": "banking",
    "shopping": "budgeting",
    "work": "taxes",
}


@dataclass(frozen=True)
class ArticleHit:
    article: KnowledgeArticle
    score: float


# --- articles ---------------------------------------------------------------------

# Per language, one (key, index, articles) tuple, swapped whole so threads never see half an update.
_index_cache: dict[str, tuple] = {}


def _text(article: KnowledgeArticle, field: str, language: str):
    """One of the article's texts in `language`, or in English where it has none."""
    return getattr(article, f"{field}_{language}", None) or getattr(article, f"{field}_en") or ""


def _document(article: KnowledgeArticle, language: str) -> textsearch.Document:
    fields = {
        "title": _text(article, "title", language),
        "tags": " ".join(_text(article, "tags", language)),
        "body": _text(article, "body", language),
    }
    if language == "sq":
        fields["questions"] = " ".join(_text(article, "questions", language))
    return textsearch.Document(article.pk, fields)


def _new_index(documents, language: str) -> textsearch.Index:
    if language == "sq":
        return textsearch.Index(
            documents, ALBANIAN_WEIGHTS, labels=ALBANIAN_LABELS, analyze=textsearch.analyzer(language)
        )
    return textsearch.Index(documents, ARTICLE_WEIGHTS)


def _article_index(language: str = "en") -> tuple[textsearch.Index, dict[int, KnowledgeArticle]]:
    """The published articles' BM25F index over their texts in `language`, rebuilt when an article changes."""
    published = KnowledgeArticle.objects.filter(published=True)
    stamp = published.aggregate(count=Count("pk"), changed=Max("updated_at"), last=Max("pk"))
    key = f"{connection.alias}:{stamp['count']}:{stamp['changed']}:{stamp['last']}"
    cached = _index_cache.get(language)
    if cached is None or cached[0] != key:
        articles = {article.pk: article for article in published.order_by("pk")}
        index = _new_index((_document(article, language) for article in articles.values()), language)
        cached = (key, index, articles)
        _index_cache[language] = cached
    return cached[1], cached[2]


def _search_python(question: str, limit: int, language: str = "en") -> list[ArticleHit]:
    index, articles = _article_index(language)
    return [
        ArticleHit(articles[hit.key], hit.score)
        for hit in index.search(question, limit=limit)
        if hit.coverage >= MIN_COVERAGE and hit.confident
    ]


def _search_postgres(question: str, limit: int) -> list[ArticleHit]:
    """Full-text search, each word of the question weighted by its rarity (idf) among the articles.

    ts_rank alone treats "credit" (in a dozen articles) like "overdraft" (in one), so the
    rank is the idf-weighted sum of one ts_rank per word, and a match must cover enough
    of the question's weight, as in the Python ranking.
    """
    words = textsearch.query_words(question)
    if not words:
        return []
    # The English columns by name: modeltranslation does not rewrite a SearchVector's
    # fields, and the untranslated `title` column holds whichever language was saved last.
    vector = (
        SearchVector("title_en", weight="A", config="english")
        + SearchVector(Cast("tags_en", TextField()), weight="B", config="english")
        + SearchVector("body_en", weight="C", config="english")
    )
    labels = SearchVector("title_en", config="english") + SearchVector(Cast("tags_en", TextField()), config="english")
    queries = [SearchQuery(word, config="english", search_type="plain") for word in words]
    published = KnowledgeArticle.objects.filter(published=True).annotate(document=vector, labels=labels)
    counts = published.aggregate(
        total=Count("pk"), **{f"df{i}": Count("pk", filter=Q(document=query)) for i, query in enumerate(queries)}
    )
    size, frequencies = counts["total"], [counts[f"df{i}"] for i in range(len(queries))]
    weights = [math.log(1 + (size - df + 0.5) / (df + 0.5)) for df in frequencies]
    total_weight = sum(weights) or 1.0
    matched = [(query, weight) for query, weight, df in zip(queries, weights, frequencies, strict=True) if df]
    if not matched:
        return []
    rank = reduce(add, (Value(w) * SearchRank(F("document"), query, weights=PG_WEIGHTS) for query, w in matched))
    coverage = reduce(
        add, (Case(When(Q(document=query), then=Value(w / total_weight)), default=Value(0.0)) for query, w in matched)
    )
    matched_words = reduce(add, (Case(When(Q(document=query), then=1), default=0) for query, _w in matched))
    in_labels = reduce(add, (Case(When(Q(labels=query), then=1), default=0) for query, _w in matched))
    found = (
        published.annotate(rank=rank, coverage=coverage, matched_words=matched_words, in_labels=in_labels)
        # As in textsearch.Hit.confident: a title/tag word, or several words of the body.
        .filter(Q(coverage__gte=MIN_COVERAGE) & (Q(in_labels__gt=0) | Q(matched_words__gte=2)))
        .order_by("-rank", "slug")[:limit]
    )
    return [ArticleHit(article, article.rank) for article in found]


def search_articles(question: str, *, language: str = "en", limit: int = 4) -> list[ArticleHit]:
    """Published articles that answer `question` (written in `language`), best first; empty when none does."""
    if language == "sq":
        return _search_python(question, limit, language)
    if connection.vendor == "postgresql":
        return _search_postgres(question, limit)
    return _search_python(question, limit)


# --- games and videos -------------------------------------------------------------


def with_language(url: str, language: str | None) -> str:
    """`url` with `?lang=` set, so the page opens in `language` (unchanged for None)."""
    if not language:
        return url
    parts = urlsplit(url)
    query = [(name, value) for name, value in parse_qsl(parts.query, keep_blank_values=True) if name != "lang"]
    return urlunsplit(parts._replace(query=urlencode([*query, ("lang", language)])))


def _game_url(game: Game) -> str:
    try:
        return game.get_absolute_url()
    except NoReverseMatch:
        return f"/games/{game.slug}/"


def _video_url(video: Video) -> str:
    try:
        return video.get_absolute_url()
    except NoReverseMatch:
        return "/videos/?" + urlencode({"q": video.title})


def _tags_text(tags) -> str:
    if isinstance(tags, list | tuple):
        return " ".join(str(tag) for tag in tags)
    return str(tags or "")


def _best(items: list, fields, query: str, language: str):
    index = textsearch.Index(
        (textsearch.Document(position, fields(item)) for position, item in enumerate(items)),
        {"title": 3.0, "topic": 2.0, "description": 1.0},
        analyze=textsearch.analyzer(language),
    )
    hits = index.search(query, limit=1)
    return items[hits[0].key] if hits and hits[0].coverage >= 0.15 else None


def _category_words(tags: list[str], language: str) -> list[str]:
    """The game categories an article's (English) tags point at, named in `language`."""
    categories = [TAG_CATEGORIES.get(tag, "") for tag in tags]
    if language == "en":
        return categories
    valid = set(Category.values)
    return [str(Category(name).label) for name in [*tags, *categories] if name in valid]


def related_links(
    question: str, article: KnowledgeArticle | None, *, language: str = "en", link_language: str | None = None
) -> tuple[list[Link], list[Link]]:
    """The game and the video most related to the question (and its best article), in `language`.

    Call with `language` active (titles are read in it); links carry `?lang=link_language`.
    """
    tags = list(_text(article, "tags", language)) if article else []
    english_tags = list(_text(article, "tags", "en")) if article else []
    title = _text(article, "title", language) if article else ""
    query = " ".join([question, title, *tags, *_category_words(english_tags, language)])
    game = _best(
        games.link_candidates(),
        lambda g: {"title": g.title, "topic": g.get_category_display(), "description": g.description},
        query,
        language,
    )
    video = _best(
        videos.link_candidates(),
        lambda v: {
            "title": v.title,
            "topic": f"{v.get_category_display()} {_tags_text(v.tags)}",
            "description": v.description,
        },
        query,
        language,
    )
    return (
        [Link("game", game.title, with_language(_game_url(game), link_language))] if game else [],
        [Link("video", video.title, with_language(_video_url(video), link_language))] if video else [],
    )


# --- suggestions ------------------------------------------------------------------


def starter_questions(*, count: int = 4) -> list[str]:
    """Questions to start a conversation with (article titles the editors wrote)."""
    titles = dict(KnowledgeArticle.objects.filter(published=True, slug__in=STARTER_SLUGS).values_list("slug", "title"))
    chosen = [titles[slug] for slug in STARTER_SLUGS if slug in titles][:count]
    if len(chosen) < count:
        more = KnowledgeArticle.objects.filter(published=True).exclude(slug__in=STARTER_SLUGS).order_by("title")
        chosen += list(more.values_list("title", flat=True)[: count - len(chosen)])
    return chosen


def _topics_for_unknown(question: str, *, count: int = 3) -> list[str]:
    """Three different starter topics, varied by question so FinBot does not repeat itself."""
    pool = starter_questions(count=len(STARTER_SLUGS))
    if not pool:
        return []
    start = int(hashlib.sha256(question.encode()).hexdigest(), 16) % len(pool)
    return [pool[(start + step) % len(pool)] for step in range(min(count, len(pool)))]


def _follow_ups(hits: list[ArticleHit], *, count: int = 3) -> list[str]:
    best = hits[0].article
    chosen = [hit.article.title for hit in hits[1:]]
    if len(chosen) < count and best.tags:
        same_topic = (
            KnowledgeArticle.objects.filter(published=True, tags__icontains=f'"{best.tags[0]}"')
            .exclude(pk__in=[hit.article.pk for hit in hits])
            .order_by("title")
            .values_list("title", flat=True)
        )
        chosen += list(same_topic[: count - len(chosen)])
    return chosen[:count]


def context_for(question: str, *, language: str | None = None, link_language: str | None = None) -> Context:
    """Everything a backend needs to answer `question` from the platform's own content.

    `language` is the question's (the default: English); what the learner will see is in
    it. Internal links carry `?lang=link_language` when given.
    """
    language = language or settings.LANGUAGE_CODE
    with translation.override(language):
        hits = search_articles(question, language=language)
        best = hits[0].article if hits else None
        games, videos = related_links(question, best, language=language, link_language=link_language)
        if best is None:
            return Context(games=games, videos=videos, suggestions=_topics_for_unknown(question), language=language)
        return Context(
            articles=[hit.article for hit in hits],
            games=games,
            videos=videos,
            suggestions=_follow_ups(hits),
            sentences=textsearch.best_sentences(
                _text(best, "body", language), question, analyze=textsearch.analyzer(language)
            ),
            language=language,
        )
