from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view, inline_serializer
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from core.idempotency import KEY_PARAMETER, idempotent
from core.openapi import BAD_INPUT, BAD_QUERY, KEY_REUSED, NO_PAGE, SIGNED_OUT, error
from core.queries import validated_query
from core.rewards import RewardsSerializer
from core.rows import rows_of

from .. import selectors, services
from ..models import Game
from . import serializers as s

AttemptOutput = inline_serializer(
    "AttemptOutput",
    {
        "attempt_id": serializers.IntegerField(),
        "score": serializers.IntegerField(),
        "passed": serializers.BooleanField(),
        "first_time": serializers.BooleanField(),
        "results": s.QuestionResultSerializer(many=True),
        "rewards": RewardsSerializer(),
    },
)


NOT_FOUND = error("No such published game (or, for `complete`, no such attempt of the learner's)")
LOCKED = error("A quest whose previous quest is not done yet")
PLAY_ERRORS = {400: BAD_INPUT, 401: SIGNED_OUT, 403: LOCKED, 404: NOT_FOUND}
# A step-by-step play: `start`, then `attempts/{attempt_id}/answers` per question, then `…/finish`.
ATTEMPT_ID = OpenApiParameter(
    "attempt_id", int, OpenApiParameter.PATH, description="The `attempt_id` that `start` returned."
)
STEP_ERRORS = {
    **PLAY_ERRORS,
    404: error("No such published game, or no such attempt of this game by the learner"),
}


def attempt_response(result: services.AttemptResult) -> dict:
    return {
        "attempt_id": result.attempt.pk,
        "score": result.attempt.score,
        "passed": result.attempt.passed,
        "first_time": result.first_time,
        "results": rows_of(s.QuestionResultSerializer).many(result.score.results if result.score else []),
        "rewards": result.rewards.as_dict(),
    }


@extend_schema_view(retrieve=extend_schema(responses={200: s.GameDetailSerializer, 401: SIGNED_OUT, 404: NOT_FOUND}))
class GameViewSet(viewsets.ReadOnlyModelViewSet):
    """Games with the learner's state; play them through `attempts` or `start` + `complete`."""

    permission_classes = [AllowAny]
    lookup_value_regex = r"\d+"

    def get_serializer_class(self):
        return s.GameDetailSerializer if self.action == "retrieve" else s.GameSerializer

    def get_object(self):
        try:
            return selectors.playable_game(lookup={"pk": self.kwargs["pk"]})
        except (Game.DoesNotExist, ValueError) as error:
            raise Http404(_("No such game.")) from error

    @extend_schema(
        parameters=[
            OpenApiParameter("completed", bool),
            OpenApiParameter("type", enum=["quest", "minigame"]),
            OpenApiParameter("category", str),
            OpenApiParameter("difficulty", int, enum=[1, 2, 3]),
        ],
        responses={
            200: s.GameSerializer(many=True),
            400: BAD_INPUT,
            401: error("Not signed in, or invalid credentials"),
            404: NO_PAGE,
        },
    )
    def list(self, request):
        if not request.user.is_authenticated:
            return Response({"detail": _("Sign in to see your games.")}, status=status.HTTP_401_UNAUTHORIZED)
        filters = validated_query(s.GameListQuery, request.query_params)
        games = selectors.games_for(user=request.user, filters=filters)
        page = self.paginate_queryset(games)
        return self.get_paginated_response(rows_of(s.GameSerializer, catalogue=True).many(page))

    @extend_schema(responses={200: s.GameSerializer(many=True), 400: BAD_QUERY, 401: SIGNED_OUT, 404: NO_PAGE})
    @action(detail=False, methods=["get"], url_path="minigames")
    def minigames(self, request):
        page = self.paginate_queryset(selectors.minigames().select_related("quest_step"))
        return self.get_paginated_response(rows_of(s.GameSerializer, catalogue=True).many(page))

    @extend_schema(
        responses={200: s.StorylineSerializer, 401: SIGNED_OUT},
        description="Quests in order with `position` and `state`.",
    )
    @action(detail=False, methods=["get"], url_path="quests/storyline")
    def storyline(self, request):
        steps = selectors.storyline_for(user=request.user)
        signed_in = request.user.is_authenticated
        game_row = rows_of(s.GameSerializer, catalogue=True).row
        body = [
            {
                **game_row(step.game),
                "position": step.position,
                "state": step.state if signed_in else None,
                "completed": step.state == selectors.COMPLETED if signed_in else False,
                "locked": step.state == selectors.LOCKED if signed_in else False,
                "best_score": step.best_score,
            }
            for step in steps
        ]
        return Response({"count": len(body), "results": body})

    @extend_schema(
        request=s.AttemptInput,
        responses={201: AttemptOutput, **PLAY_ERRORS, 409: KEY_REUSED},
        parameters=[KEY_PARAMETER],
    )
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    @idempotent
    def attempts(self, request, pk=None):
        game = self.get_object()
        data = s.AttemptInput(data=request.data)
        data.is_valid(raise_exception=True)
        result = services.submit_attempt(user=request.user, game=game, answers=data.validated_data["answers"])
        return Response(attempt_response(result), status=status.HTTP_201_CREATED)

    @extend_schema(
        request=None,
        responses={201: s.StartOutput, **PLAY_ERRORS},
        description="Opens a play: a client-scored mini-game's clock starts (close it with `complete`); a "
        "server-scored game is then answered one question at a time (`attempts/{attempt_id}/answers`) and "
        "closed with `attempts/{attempt_id}/finish`.",
    )
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def start(self, request, pk=None):
        attempt = services.start_attempt(user=request.user, game=self.get_object())
        return Response({"attempt_id": attempt.pk}, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=s.StepAnswerInput,
        responses={
            200: s.AnswerFeedbackSerializer,
            **STEP_ERRORS,
            409: error("This question is already answered in this play, or the play is finished"),
        },
        parameters=[ATTEMPT_ID],
        description="Records one answer of a step-by-step play and says whether it was right, with the "
        "explanation and the right answer. Each question takes one answer per play.",
    )
    @action(
        detail=True,
        methods=["post"],
        permission_classes=[IsAuthenticated],
        url_path=r"attempts/(?P<attempt_id>\d+)/answers",
        url_name="attempt-answers",
    )
    def answers(self, request, pk=None, attempt_id=None):
        game = self.get_object()
        data = s.StepAnswerInput(data=request.data)
        data.is_valid(raise_exception=True)
        feedback = services.answer_question(
            user=request.user, game=game, attempt_id=int(attempt_id), answer=data.to_answer()
        )
        return Response(s.AnswerFeedbackSerializer(feedback).data)

    @extend_schema(
        request=None,
        responses={
            200: AttemptOutput,
            **STEP_ERRORS,
            409: error("The play is already finished, or this `Idempotency-Key` was used for another request"),
        },
        parameters=[ATTEMPT_ID, KEY_PARAMETER],
        description="Closes a step-by-step play: the body of `attempts`, scored from the answers recorded "
        "(unanswered questions count wrong). The first pass earns the game's rewards, once.",
    )
    @action(
        detail=True,
        methods=["post"],
        permission_classes=[IsAuthenticated],
        url_path=r"attempts/(?P<attempt_id>\d+)/finish",
        url_name="attempt-finish",
    )
    @idempotent
    def finish(self, request, pk=None, attempt_id=None):
        result = services.finish_attempt(user=request.user, game=self.get_object(), attempt_id=int(attempt_id))
        return Response(attempt_response(result))

    @extend_schema(
        request=s.CompleteInput,
        responses={200: AttemptOutput, **PLAY_ERRORS, 409: KEY_REUSED},
        parameters=[KEY_PARAMETER],
    )
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    @idempotent
    def complete(self, request, pk=None):
        game = self.get_object()
        data = s.CompleteInput(data=request.data)
        data.is_valid(raise_exception=True)
        result = services.complete_attempt(user=request.user, game=game, **data.validated_data)
        return Response(attempt_response(result))
