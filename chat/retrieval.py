"""Finding what FinBot knows about a question: articles, then related games and videos.

On PostgreSQL the articles are ranked by full-text search (weighted title, tags, body);
elsewhere by BM25F in Python over the published articles (a few hundred at most).
Games and videos are few and ranked in Python the same way on every database.
"""

import hashlib
import math
from dataclasses import dataclass
from functools import reduce
from operator import add
from urllib.parse import urlencode

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Case, Count, F, Max, Q, TextField, Value, When
from django.db.models.functions import Cast
from django.urls import NoReverseMatch

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

# One (key, index, articles) tuple, swapped whole so threads never see half an update.
_index_cache: list[tuple] = []


def _article_index() -> tuple[textsearch.Index, dict[int, KnowledgeArticle]]:
    """The published articles' BM25F index, rebuilt when an article changes."""
    published = KnowledgeArticle.objects.filter(published=True)
    stamp = published.aggregate(count=Count("pk"), changed=Max("updated_at"), last=Max("pk"))
    key = f"{connection.alias}:{stamp['count']}:{stamp['changed']}:{stamp['last']}"
    cached = _index_cache[0] if _index_cache else None
    if cached is None or cached[0] != key:
        articles = {article.pk: article for article in published.order_by("pk")}
        index = textsearch.Index(
            (
                textsearch.Document(
                    article.pk,
                    {"title": article.title, "tags": " ".join(article.tags or []), "body": article.body},
                )
                for article in articles.values()
            ),
            ARTICLE_WEIGHTS,
        )
        cached = (key, index, articles)
        _index_cache[:] = [cached]
    return cached[1], cached[2]


def _search_python(question: str, limit: int) -> list[ArticleHit]:
    index, articles = _article_index()
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
    vector = (
        SearchVector("title", weight="A", config="english")
        + SearchVector(Cast("tags", TextField()), weight="B", config="english")
        + SearchVector("body", weight="C", config="english")
    )
    labels = SearchVector("title", config="english") + SearchVector(Cast("tags", TextField()), config="english")
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


def search_articles(question: str, *, limit: int = 4) -> list[ArticleHit]:
    """Published articles that answer `question`, best first; empty when none does."""
    if connection.vendor == "postgresql":
        return _search_postgres(question, limit)
    return _search_python(question, limit)


# --- games and videos -------------------------------------------------------------


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


def _best(items: list, fields, query: str):
    index = textsearch.Index(
        (textsearch.Document(position, fields(item)) for position, item in enumerate(items)),
        {"title": 3.0, "topic": 2.0, "description": 1.0},
    )
    hits = index.search(query, limit=1)
    return items[hits[0].key] if hits and hits[0].coverage >= 0.15 else None


def related_links(question: str, article: KnowledgeArticle | None) -> tuple[list[Link], list[Link]]:
    """The game and the video most related to the question (and its best article)."""
    tags = list(article.tags) if article else []
    query = " ".join([question, article.title if article else "", *tags, *(TAG_CATEGORIES.get(t, "") for t in tags)])
    game = _best(
        games.link_candidates(),
        lambda g: {"title": g.title, "topic": g.get_category_display(), "description": g.description},
        query,
    )
    video = _best(
        videos.link_candidates(),
        lambda v: {"title": v.title, "topic": f"{v.category} {_tags_text(v.tags)}", "description": v.description},
        query,
    )
    return (
        [Link("game", game.title, _game_url(game))] if game else [],
        [Link("video", video.title, _video_url(video))] if video else [],
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


def context_for(question: str) -> Context:
    """Everything a backend needs to answer `question` from the platform's own content."""
    hits = search_articles(question)
    best = hits[0].article if hits else None
    games, videos = related_links(question, best)
    if best is None:
        return Context(games=games, videos=videos, suggestions=_topics_for_unknown(question))
    return Context(
        articles=[hit.article for hit in hits],
        games=games,
        videos=videos,
        suggestions=_follow_ups(hits),
        sentences=textsearch.best_sentences(best.body, question),
    )
