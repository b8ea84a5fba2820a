from collections.abc import Sequence
from typing import cast

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, OpenApiTypes, extend_schema, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from core.categories import Category
from core.idempotency import KEY_PARAMETER, idempotent
from core.openapi import BAD_INPUT, BAD_QUERY, KEY_REUSED, LIMITED, NO_PAGE, SIGNED_OUT
from core.pagination import ReadAhead
from core.queries import validated_query
from core.ratelimits import enforce
from core.rows import rows_in

from .. import selectors, services
from ..models import Video
from . import serializers as s

Detail = inline_serializer("VideoErrorDetail", {"detail": serializers.CharField()})
NOT_FOUND = {401: SIGNED_OUT, 404: OpenApiResponse(Detail, description="No such published video.")}
VIDEO_ID = [OpenApiParameter("id", int, OpenApiParameter.PATH, description="The video's id.")]


class VideoViewSet(viewsets.ReadOnlyModelViewSet):
    """The video library with the learner's state; save, like and report progress."""

    permission_classes = [AllowAny]
    serializer_class = s.VideoSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return selectors.videos_for(user=self.request.user)

    def get_video(self) -> Video:
        """The published video the route names, without the list's annotations."""
        try:
            return selectors.published_video(pk=int(self.kwargs["pk"]))
        except (Video.DoesNotExist, ValueError, OverflowError) as error:
            raise Http404(_("No such video.")) from error

    @extend_schema(
        tags=["videos"],
        summary="List published videos",
        description=(
            "Newest first, or by relevance when `q` is given (PostgreSQL full-text search over title, tags "
            "and description). For a signed-in learner each video carries `saved`, `liked`, `watched` and "
            "`position_seconds`; for visitors they are false / 0."
        ),
        parameters=[
            OpenApiParameter("category", str, enum=Category.values, description="One category."),
            OpenApiParameter("q", str, description="Search text."),
        ],
        responses={200: s.VideoSerializer(many=True), 400: BAD_INPUT, 401: SIGNED_OUT, 404: NO_PAGE},
    )
    def list(self, request):
        query = validated_query(s.VideoListQuery, request.query_params)
        category, text = query.get("category", ""), query.get("q", "")
        paginator = self.paginator
        page_size = paginator.get_page_size(request) if isinstance(paginator, PageNumberPagination) else None
        if request.user.is_authenticated and page_size and not (category or text or "page" in request.query_params):
            # The plain first page, the usual call, from a query compiled once; the queryset is
            # built only for the count of a library longer than a page.
            start = selectors.library_start(user=request.user, limit=page_size + 1)
            # ReadAhead answers what a paginator asks of a list: its slices and its count.
            videos: Sequence | QuerySet = cast(
                Sequence,
                ReadAhead(start, page_size=page_size, rest=lambda: selectors.videos_for(user=request.user)),
            )
        else:
            videos = selectors.videos_for(user=request.user, category=category, query=text)
        page = self.paginate_queryset(videos)
        return self.get_paginated_response(
            rows_in(s.VideoSerializer, self.get_serializer_context(), catalogue=True).many(page)
        )

    @extend_schema(
        tags=["videos"],
        summary="One published video",
        parameters=VIDEO_ID,
        responses={200: s.VideoSerializer, **NOT_FOUND},
    )
    def retrieve(self, request, pk=None):
        return super().retrieve(request, pk=pk)

    @extend_schema(
        tags=["videos"],
        summary="The learner's saved videos",
        description="Published videos the learner saved, last saved first.",
        responses={200: s.VideoSerializer(many=True), 400: BAD_QUERY, 401: SIGNED_OUT, 404: NO_PAGE},
    )
    @action(detail=False, methods=["get"], permission_classes=[IsAuthenticated])
    def saved(self, request):
        page = self.paginate_queryset(selectors.saved_for(user=request.user))
        return self.get_paginated_response(
            rows_in(s.VideoSerializer, self.get_serializer_context(), catalogue=True).many(page)
        )

    @extend_schema(
        methods=["POST"],
        tags=["videos"],
        summary="Save a video",
        description="Idempotent: saving a saved video answers 200 again.",
        request=None,
        parameters=VIDEO_ID,
        responses={200: s.SavedOutput, **NOT_FOUND},
    )
    @extend_schema(
        methods=["DELETE"],
        tags=["videos"],
        summary="Remove a video from the saved list",
        description="Idempotent: removing an unsaved video answers 200 again.",
        request=None,
        parameters=VIDEO_ID,
        responses={200: s.SavedOutput, **NOT_FOUND},
    )
    @action(detail=True, methods=["post", "delete"], permission_classes=[IsAuthenticated])
    def save(self, request, pk=None):
        video = self.get_video()
        if request.method == "POST":
            saved = services.save_video(user=request.user, video=video)
        else:
            saved = services.unsave_video(user=request.user, video=video)
        return Response({"saved": saved})

    @extend_schema(
        methods=["POST"],
        tags=["videos"],
        summary="Like a video",
        description="Idempotent: liking a liked video answers 200 again. `likes` is the video's like count.",
        request=None,
        parameters=VIDEO_ID,
        responses={200: s.LikedOutput, **NOT_FOUND},
    )
    @extend_schema(
        methods=["DELETE"],
        tags=["videos"],
        summary="Take back a like",
        description="Idempotent.",
        request=None,
        parameters=VIDEO_ID,
        responses={200: s.LikedOutput, **NOT_FOUND},
    )
    @action(detail=True, methods=["post", "delete"], permission_classes=[IsAuthenticated])
    def like(self, request, pk=None):
        video = self.get_video()
        if request.method == "POST":
            liked = services.like_video(user=request.user, video=video)
        else:
            liked = services.unlike_video(user=request.user, video=video)
        return Response({"liked": liked, "likes": selectors.like_count(video)})

    @extend_schema(
        tags=["videos"],
        summary="Report playback progress",
        description=(
            "Send the current position while playing (every few seconds and at the end). The video counts as "
            "watched at 90% of its duration, and no sooner than half its duration after the learner's first "
            "progress report for it. The first time it counts, `rewards` holds what was earned; later reports "
            "earn nothing. A negative position, or one past twice the duration (or 24 hours), is refused with 400."
        ),
        request=s.ProgressInput,
        parameters=[*VIDEO_ID, KEY_PARAMETER],
        responses={
            200: s.ProgressOutput,
            400: OpenApiResponse(
                OpenApiTypes.OBJECT,
                description='Not a valid position: `{"position_seconds": [...]}` or `{"detail": "..."}`.',
            ),
            **NOT_FOUND,
            409: KEY_REUSED,
            429: LIMITED,
        },
    )
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    @idempotent
    def progress(self, request, pk=None):
        # The player reports every few seconds; far more than that is a script.
        enforce(request, group="video-progress", key="user", rates=[settings.VIDEO_PROGRESS_RATE])
        video = self.get_video()
        data = s.ProgressInput(data=request.data)
        data.is_valid(raise_exception=True)
        result = services.record_progress(
            user=request.user, video=video, position_seconds=data.validated_data["position_seconds"]
        )
        return Response(
            {
                "watched": result.watched,
                "position_seconds": result.view.position_seconds,
                "rewards": result.rewards.as_dict(),
            }
        )
