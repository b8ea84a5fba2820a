"""Finding what FinBot knows about a question: articles, then related games and videos.

One ranking on every database: BM25F in Python (`textsearch.Index`) over the published
articles (a few hundred at most) in the question's language: their titles, the other
ways learners ask them (`questions`), tags and bodies, each falling back to English
where an article has no Albanian yet. A question is answered from an article only when
the match is confident; otherwise FinBot says it does not know yet and offers the two
closest articles. Games and videos are ranked the same way. Everything learners see
(titles, suggestions) is in the question's language.
"""

import hashlib
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.db import connection
from django.db.models import Count, Max
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

# When FinBot answers from an article (below any of these it says it does not know yet
# and offers the closest two): the article holds this share of the question's weight,
# explains this much of it (textsearch.Hit.explained), and scores this high. Chosen on
# the main evaluation sets to keep wrong answers to off-topic questions rare
# (`manage.py finbot_eval` shows the trade).
MIN_COVERAGE = 0.2
MIN_EXPLAINED = 0.3
MIN_SCORE = 8.0
# "What is a budget?", "apr??": every word is the article's topic; short, so a low score.
FULLY_EXPLAINED = 0.8
# The title and the listed questions say what an article answers; tags name its topic.
ARTICLE_WEIGHTS = {"title": 3.0, "questions": 2.5, "tags": 2.0, "body": 1.0}
# How many nearby articles FinBot offers: as follow-ups, or as the closest when it does not know.
NEARBY = 3
CLOSEST = 2
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


@dataclass(frozen=True)
class Search:
    """What the articles say to a question: the confident answers, and the nearest of the rest."""

    answers: list[ArticleHit] = field(default_factory=list)  # best first
    # Articles that share a title, question or tag word with the question without being
    # sure answers: follow-ups after an answer, the closest topics without one.
    nearby: list[KnowledgeArticle] = field(default_factory=list)


# --- articles ---------------------------------------------------------------------

# Per language, one (key, index, articles) tuple, swapped whole so threads never see half an update.
_index_cache: dict[str, tuple] = {}


def _text(article: KnowledgeArticle, field: str, language: str):
    """One of the article's texts in `language`, or in English where it has none."""
    return getattr(article, f"{field}_{language}", None) or getattr(article, f"{field}_en") or ""


def _document(article: KnowledgeArticle, language: str) -> textsearch.Document:
    return textsearch.Document(
        article.pk,
        {
            "title": _text(article, "title", language),
            "questions": "\n".join(_text(article, "questions", language)),
            "tags": " ".join(_text(article, "tags", language)),
            "body": _text(article, "body", language),
        },
    )


def _article_index(language: str = "en") -> tuple[textsearch.Index, dict[int, KnowledgeArticle]]:
    """The published articles' BM25F index over their texts in `language`, rebuilt when an article changes."""
    published = KnowledgeArticle.objects.filter(published=True)
    stamp = published.aggregate(count=Count("pk"), changed=Max("updated_at"), last=Max("pk"))
    key = f"{connection.alias}:{stamp['count']}:{stamp['changed']}:{stamp['last']}"
    cached = _index_cache.get(language)
    if cached is None or cached[0] != key:
        articles = {article.pk: article for article in published.order_by("pk")}
        index = textsearch.Index(
            (_document(article, language) for article in articles.values()),
            ARTICLE_WEIGHTS,
            language=textsearch.language(language),
        )
        cached = (key, index, articles)
        _index_cache[language] = cached
    return cached[1], cached[2]


def _answers(hit: textsearch.Hit) -> bool:
    """Sure enough to answer from: a strong match, or a short question its topic explains in full."""
    if not hit.confident or hit.coverage < MIN_COVERAGE:
        return False
    return (hit.explained >= MIN_EXPLAINED and hit.score >= MIN_SCORE) or hit.explained >= FULLY_EXPLAINED


def search(question: str, *, language: str = "en", limit: int = 4) -> Search:
    """The published articles that answer `question` (written in `language`), and the nearby ones."""
    index, articles = _article_index(language)
    answers, nearby = [], []
    for hit in index.search(question, limit=limit + NEARBY):
        if _answers(hit):
            answers.append(ArticleHit(articles[hit.key], hit.score))
        elif hit.in_heading:
            nearby.append(articles[hit.key])
    return Search(answers=answers[:limit], nearby=nearby[:NEARBY])


def search_articles(question: str, *, language: str = "en", limit: int = 4) -> list[ArticleHit]:
    """Published articles that answer `question` (written in `language`), best first; empty when none does."""
    return search(question, language=language, limit=limit).answers


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
        headings=("title",),
        language=textsearch.language(language),
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
    # The article's first tag names its topic; the rest are learners' words for it (brands,
    # slang) that would only dilute a match with a game or a video.
    query = " ".join([question, title, *tags[:1], *_category_words(english_tags, language)])
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


def _follow_ups(found: Search, language: str, *, count: int = 3) -> list[str]:
    """Other articles to ask about next: the other answers, the nearby ones, then the same topic's."""
    best = found.answers[0].article
    chosen = [hit.article for hit in found.answers[1:]] + found.nearby
    tags = _text(best, "tags", "en")
    if len(chosen) < count and tags:
        same_topic = (
            KnowledgeArticle.objects.filter(published=True, tags_en__icontains=f'"{tags[0]}"')
            .exclude(pk__in=[best.pk, *(article.pk for article in chosen)])
            .order_by("slug")
        )
        chosen += list(same_topic[: count - len(chosen)])
    return [_text(article, "title", language) for article in chosen[:count]]


def context_for(question: str, *, language: str | None = None, link_language: str | None = None) -> Context:
    """Everything a backend needs to answer `question` from the platform's own content.

    `language` is the question's (the default: English); what the learner will see is in
    it. Internal links carry `?lang=link_language` when given. Without a confident
    article the context holds no article: the closest two are only suggestions.
    """
    language = language or settings.LANGUAGE_CODE
    with translation.override(language):
        found = search(question, language=language)
        best = found.answers[0].article if found.answers else None
        games, videos = related_links(question, best, language=language, link_language=link_language)
        if best is None:
            closest = [_text(article, "title", language) for article in found.nearby[:CLOSEST]]
            return Context(
                games=games,
                videos=videos,
                suggestions=closest or _topics_for_unknown(question),
                near_misses=bool(closest),
                language=language,
            )
        return Context(
            articles=[hit.article for hit in found.answers],
            games=games,
            videos=videos,
            suggestions=_follow_ups(found, language),
            sentences=textsearch.best_sentences(
                _text(best, "body", language), question, analyze=textsearch.analyzer(language)
            ),
            language=language,
        )
