from typing import cast

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import User
from core.idempotency import KEY_PARAMETER, idempotent

from .. import leaderboards, selectors, services
from . import serializers as s


def _learner(request: Request) -> User:
    """The signed-in learner, in the views that require IsAuthenticated."""
    return cast(User, request.user)


@extend_schema(
    parameters=[
        OpenApiParameter("period", enum=["all", "week"], default="all"),
        OpenApiParameter("limit", int, default=50),
        OpenApiParameter("around", enum=["me"], description="Five learners above and five below the caller."),
    ],
    responses=s.LeaderboardSerializer,
    tags=["leaderboard"],
)
@api_view(["GET"])
@permission_classes([AllowAny])
def leaderboard(request):
    query = s.LeaderboardQuery(data=request.query_params)
    query.is_valid(raise_exception=True)
    around = query.validated_data.get("around") == "me"
    if around and not request.user.is_authenticated:
        return Response({"detail": "Sign in to see the learners around you."}, status=status.HTTP_401_UNAUTHORIZED)
    board = leaderboards.board(
        period=query.validated_data["period"], limit=query.validated_data["limit"], user=request.user, around=around
    )
    return Response(s.LeaderboardSerializer(board).data)


class BadgesView(generics.ListAPIView):
    serializer_class = s.BadgeSerializer
    permission_classes = [IsAuthenticated]
    pagination_class = None

    def get_queryset(self):
        return selectors.badges_for(user=_learner(self.request))


class ActivityView(generics.ListAPIView):
    serializer_class = s.LedgerEntrySerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        return selectors.activity_for(user=_learner(self.request))


class PublicProfileView(generics.RetrieveAPIView):
    serializer_class = s.PublicProfileSerializer
    permission_classes = [AllowAny]

    def get_queryset(self):
        return selectors.public_profiles()


@extend_schema(responses=s.AchievementProgressSerializer(many=True), tags=["achievements"])
@api_view(["GET"])
@permission_classes([AllowAny])
def achievements(request):
    items = selectors.achievements_for(user=request.user)
    return Response(s.AchievementProgressSerializer(items, many=True).data)


@extend_schema(responses=s.DailyQuestSerializer(many=True), tags=["achievements"])
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def daily_quests(request):
    quests = selectors.todays_daily_quests(user=request.user)
    return Response(s.DailyQuestSerializer(quests, many=True).data)


class ShopItemsView(generics.ListAPIView):
    serializer_class = s.ShopItemSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        return selectors.shop_items()


@extend_schema(request=None, responses={201: s.RedeemOutput}, tags=["shop"], parameters=[KEY_PARAMETER])
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


class RedemptionsView(generics.ListAPIView):
    serializer_class = s.RedemptionSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        return selectors.redemptions_for(user=_learner(self.request))
