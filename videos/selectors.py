"""Reads of the video library with the learner's state attached."""

from functools import cache, reduce
from operator import add, or_
from typing import TYPE_CHECKING, TypedDict

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
)
from django.db.models.functions import Cast, Coalesce

from accounts.models import User
from core.prepared import Prepared

from .models import SavedVideo, Video, VideoLike, VideoView

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

MAX_QUERY_LENGTH = 200


class VideoCounts(TypedDict):
    """What `with_counts` attaches to each video."""

    view_count: int
    completion_count: int
    save_count: int


def _count(model, **filters) -> Coalesce:
    """How many rows of `model` point at each video, as a correlated subquery (no GROUP BY on videos)."""
    rows = model.objects.filter(video=OuterRef("pk"), **filters).order_by().values("video")
    return Coalesce(Subquery(rows.annotate(n=Count("pk")).values("n")[:1]), 0, output_field=IntegerField())


def with_state(videos: QuerySet[Video], *, user: User | AnonymousUser) -> QuerySet[Video]:
    """Attach `saved`, `liked`, `watched` and `position` (the learner's), in the same query."""
    if not user.is_authenticated:
        return videos.annotate(
            saved=Value(False, output_field=BooleanField()),
            liked=Value(False, output_field=BooleanField()),
            watched=Value(False, output_field=BooleanField()),
            position=Value(0.0, output_field=FloatField()),
        )
    return _with_learners_state(videos, user_id=user.pk)


def _with_learners_state(videos: QuerySet[Video], *, user_id: int) -> QuerySet[Video]:
    mine = {"user_id": user_id, "video": OuterRef("pk")}
    view = VideoView.objects.filter(**mine)
    return videos.annotate(
        saved=Exists(SavedVideo.objects.filter(**mine)),
        liked=Exists(VideoLike.objects.filter(**mine)),
        watched=Exists(view.filter(completed_at__isnull=False)),
        position=Coalesce(Subquery(view.values("position_seconds")[:1]), 0.0, output_field=FloatField()),
    )


# Texts searched, in both languages (a learner may type either), with their ranks' weights.
SEARCHED = {"title": "A", "tags": "B", "description": "C"}
# English words are stemmed; PostgreSQL has no Albanian configuration, so Albanian words match as typed.
SEARCH_CONFIGS = {"en": "english", "sq": "simple"}


def _search(videos: QuerySet[Video], query: str) -> QuerySet[Video]:
    in_titles = Q(title_en__icontains=query) | Q(title_sq__icontains=query)
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        # Each language's texts against the query read in that language: "interest -loans"
        # must not match an English "loans" through the unstemmed Albanian reading.
        matches, ranks = [], []
        for code, config in SEARCH_CONFIGS.items():
            vector = reduce(
                add,
                (
                    SearchVector(Cast(f"{name}_{code}", TextField()), weight=weight, config=config)
                    for name, weight in SEARCHED.items()
                ),
            )
            search = SearchQuery(query, search_type="websearch", config=config)
            videos = videos.annotate(**{f"document_{code}": vector})
            matches.append(Q(**{f"document_{code}": search}))
            ranks.append(SearchRank(vector, search))
        # Full-text matches by rank; a title that merely contains the text (a half-typed word) still shows, last.
        return (
            videos.annotate(rank=reduce(add, ranks))
            .filter(reduce(or_, matches) | in_titles)
            .order_by("-rank", "-created_at", "-id")
        )
    texts = Q()
    for name in SEARCHED:
        for code in SEARCH_CONFIGS:
            texts |= Q(**{f"{name}_{code}__icontains": query})
    return videos.filter(texts)


def videos_for(*, user: User | AnonymousUser, category: str = "", query: str = "") -> QuerySet[Video]:
    """Published videos, filtered by category and search text, each with the learner's state."""
    videos: QuerySet[Video] = Video.objects.filter(is_published=True)
    if category:
        videos = videos.filter(category=category)
    query = " ".join(query.split())[:MAX_QUERY_LENGTH]
    if query:
        videos = _search(videos, query)
    return with_state(videos, user=user)


@cache
def _library_start(limit: int) -> Prepared[Video]:
    return Prepared(
        lambda user_id: _with_learners_state(Video.objects.filter(is_published=True), user_id=user_id)[:limit],
        int,
        catalogue=True,
    )


def library_start(*, user: User, limit: int) -> list[Video]:
    """`videos_for(user=user)[:limit]` (the library's first page), from a query compiled once:
    the read behind most calls of videos/."""
    return _library_start(limit).rows(user.pk)


def saved_for(*, user: User) -> QuerySet[Video]:
    """The learner's saved published videos, last saved first."""
    saved_at = SavedVideo.objects.filter(user=user, video=OuterRef("pk")).values("created_at")[:1]
    videos = (
        Video.objects.filter(is_published=True, saves__user=user)
        .annotate(saved_at=Subquery(saved_at))
        .order_by("-saved_at", "-id")
    )
    return with_state(videos, user=user)


def link_candidates() -> list[Video]:
    """Published videos with what another app needs to point at one (FinBot's related links)."""
    return list(Video.objects.filter(is_published=True).only("slug", "title", "description", "tags", "category"))


def published_video(*, pk=None, slug=None) -> Video:
    """One published video (raises Video.DoesNotExist)."""
    lookup = {"pk": pk} if pk is not None else {"slug": slug}
    return Video.objects.get(is_published=True, **lookup)


def video_for(*, user: User, slug: str) -> Video:
    """One published video with the learner's state (raises Video.DoesNotExist)."""
    return with_state(Video.objects.filter(is_published=True), user=user).get(slug=slug)


def like_count(video: Video) -> int:
    """The video's kept like counter as committed now (not the possibly stale loaded instance)."""
    return Video.objects.filter(pk=video.pk).values_list("like_count", flat=True).first() or 0


def with_counts(videos: QuerySet[Video]) -> "QuerySet[WithAnnotations[Video, VideoCounts]]":
    """Attach how many learners started, finished and saved each video (likes are kept in `like_count`)."""
    return videos.annotate(
        view_count=_count(VideoView),
        completion_count=_count(VideoView, completed_at__isnull=False),
        save_count=_count(SavedVideo),
    )


def top_videos(*, limit: int = 10) -> "QuerySet[WithAnnotations[Video, VideoCounts]]":
    """The most watched videos, most completions first (for the editors' dashboard)."""
    return (
        with_counts(Video.objects.all())
        .filter(view_count__gt=0)
        .order_by("-completion_count", "-view_count", "title")[:limit]
    )


def export_data(user: User) -> dict:
    """The videos part of the learner's data export."""
    return {
        "saved": [
            {"video": slug, "saved_at": at}
            for slug, at in SavedVideo.objects.filter(user=user)
            .order_by("created_at")
            .values_list("video__slug", "created_at")
        ],
        "liked": [
            {"video": slug, "liked_at": at}
            for slug, at in VideoLike.objects.filter(user=user)
            .order_by("created_at")
            .values_list("video__slug", "created_at")
        ],
        "views": [
            {
                "video": slug,
                "position_seconds": position,
                "first_seen_at": first,
                "last_seen_at": last,
                "completed_at": done,
            }
            for slug, position, first, last, done in VideoView.objects.filter(user=user)
            .order_by("first_seen_at")
            .values_list("video__slug", "position_seconds", "first_seen_at", "last_seen_at", "completed_at")
        ],
    }
