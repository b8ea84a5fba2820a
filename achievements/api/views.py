from typing import cast

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from accounts import language
from accounts.models import User
from core.idempotency import KEY_PARAMETER, idempotent
from core.openapi import BAD_INPUT, BAD_QUERY, NO_PAGE, SIGNED_OUT, error
from core.queries import validated_query
from core.rows import rows_of

from .. import leaderboards, selectors, services
from . import serializers as s

NOT_FOUND = error("No such learner or item")
SOLD_OUT = error("Not enough coins, or out of stock; or the `Idempotency-Key` was used for another request")


def _learner(request: Request) -> User:
    """The signed-in learner, in the views that require IsAuthenticated."""
    return cast(User, request.user)


@extend_schema(
    parameters=[
        OpenApiParameter("period", enum=["all", "week"], default="all"),
        OpenApiParameter("limit", int, default=50),
        OpenApiParameter("around", enum=["me"], description="Five learners above and five below the caller."),
    ],
    responses={
        200: s.LeaderboardSerializer,
        400: BAD_INPUT,
        401: error("`around=me` without signing in, or invalid credentials"),
    },
    tags=["leaderboard"],
    # The same schemes as every route: the deferred token check is the bearer token still.
    # (spectacular returns these security requirement objects as given; its hint says str.)
    auth=[{"jwtAuth": []}, {"cookieAuth": []}, {}],  # type: ignore[list-item]
)
@api_view(["GET"])
@authentication_classes([language.DeferredJWTAuthentication, SessionAuthentication])
@permission_classes([AllowAny])
def leaderboard(request):
    query = validated_query(s.LeaderboardQuery, request.query_params)
    around = query.get("around") == "me"
    if around and not request.user.is_authenticated:
        return Response({"detail": _("Sign in to see the learners around you.")}, status=status.HTTP_401_UNAUTHORIZED)
    # A bearer token's learner is read with the page's names, not in a query of its own.
    viewer_id = language.token_user_id(request)
    board = leaderboards.board(
        period=query["period"],
        limit=query["limit"],
        user=request.user if viewer_id is None else None,
        viewer_id=viewer_id,
        around=around,
    )
    if viewer_id is not None:
        language.confirm(request, board.viewer)
    # Plain dicts in LeaderboardSerializer's shape: a serializer per row would cost more than the read.
    results = [
        {
            "rank": row.rank,
            "id": row.id,
            "username": row.username,
            "display_name": row.display_name,
            "avatar_url": row.avatar_url,
            "level": row.level,
            "xp": row.xp,
        }
        for row in board.results
    ]
    return Response({"period": board.period, "results": results, "me": board.me})


@extend_schema(responses={200: s.BadgeSerializer(many=True), 401: SIGNED_OUT})
class BadgesView(generics.ListAPIView):
    serializer_class = s.BadgeSerializer
    permission_classes = [IsAuthenticated]
    pagination_class = None

    def get_queryset(self):
        return selectors.badges_for(user=_learner(self.request))


@extend_schema(responses={200: s.LedgerEntrySerializer(many=True), 400: BAD_QUERY, 401: SIGNED_OUT, 404: NO_PAGE})
class ActivityView(generics.ListAPIView):
    serializer_class = s.LedgerEntrySerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        return selectors.activity_for(user=_learner(self.request))


@extend_schema(responses={200: s.PublicProfileSerializer, 401: SIGNED_OUT, 404: NOT_FOUND})
class PublicProfileView(generics.RetrieveAPIView):
    serializer_class = s.PublicProfileSerializer
    permission_classes = [AllowAny]

    def get_queryset(self):
        return selectors.public_profiles()


@extend_schema(responses={200: s.AchievementProgressSerializer(many=True), 401: SIGNED_OUT}, tags=["achievements"])
@api_view(["GET"])
@permission_classes([AllowAny])
def achievements(request):
    items = selectors.achievements_for(user=request.user)
    return Response(s.progress_rows(items))


@extend_schema(responses={200: s.DailyQuestSerializer(many=True), 401: SIGNED_OUT}, tags=["achievements"])
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def daily_quests(request):
    quests = selectors.todays_daily_quests(user=request.user)
    return Response(rows_of(s.DailyQuestSerializer).many(quests))


@extend_schema(responses={200: s.ShopItemSerializer(many=True), 400: BAD_QUERY, 401: SIGNED_OUT, 404: NO_PAGE})
class ShopItemsView(generics.ListAPIView):
    serializer_class = s.ShopItemSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        return selectors.shop_items()


@extend_schema(
    request=None,
    responses={201: s.RedeemOutput, 400: BAD_INPUT, 401: SIGNED_OUT, 404: NOT_FOUND, 409: SOLD_OUT},
    tags=["shop"],
    parameters=[KEY_PARAMETER],
)
@api_view(["POST"])
@permission_classes([IsAuthenticated])
@idempotent
def redeem(request, pk: int):
    item = get_object_or_404(selectors.shop_items(), pk=pk)
    redemption = services.redeem_item(user=request.user, item=item)
    request.user.refresh_from_db(fields=["coins"])
    redemption.item.refresh_from_db(fields=["stock"])
    body = {"code": redemption.code, "item": redemption.item, "coins": request.user.coins}
    return Response(s.RedeemOutput(body).data, status=status.HTTP_201_CREATED)


@extend_schema(responses={200: s.RedemptionSerializer(many=True), 400: BAD_QUERY, 401: SIGNED_OUT, 404: NO_PAGE})
class RedemptionsView(generics.ListAPIView):
    serializer_class = s.RedemptionSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        return selectors.redemptions_for(user=_learner(self.request))


NOT_DUE = error(
    "The question is not waiting for review today (never missed, already reviewed, or retired); "
    "or the `Idempotency-Key` was used for another request"
)


@extend_schema(responses={200: s.ReviewItemSerializer(many=True), 400: BAD_QUERY, 401: SIGNED_OUT, 404: NO_PAGE})
class ReviewView(generics.ListAPIView):
    """The questions due for review today (missed before; back after 1, 3, 7, 14 and 30 days)."""

    serializer_class = s.ReviewItemSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        return selectors.due_reviews(user=_learner(self.request))


@extend_schema(
    request=s.ReviewAnswerInput,
    responses={200: s.ReviewAnswerOutput, 400: BAD_INPUT, 401: SIGNED_OUT, 409: NOT_DUE},
    tags=["review"],
    parameters=[KEY_PARAMETER],
)
@api_view(["POST"])
@permission_classes([IsAuthenticated])
@idempotent
def review_answer(request):
    data = s.ReviewAnswerInput(data=request.data)
    data.is_valid(raise_exception=True)
    outcome = services.answer_review(user=request.user, answer=data.to_answer())
    body = {
        "correct": outcome.result.correct,
        "explanation": outcome.result.explanation,
        "correct_choices": list(outcome.result.correct_choices),
        "answer_value": outcome.result.answer_value,
        "next_due": outcome.next_due,
        "rewards": outcome.rewards.as_dict(),
    }
    return Response(s.ReviewAnswerOutput(body).data)
