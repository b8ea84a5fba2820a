"""The classes API: thin views over classrooms.services and classrooms.selectors."""

from typing import cast

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import renderers, status
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from achievements.api.serializers import LeaderboardSerializer
from core.openapi import BAD_INPUT, BAD_QUERY, SIGNED_OUT, error
from core.queries import validated_query
from core.renderers import JSONRenderer

from .. import joining, reports, selectors, services
from ..models import Assignment
from . import serializers as s

NO_CLASS = error("No such class, or not one of yours")
TEACHER_ONLY = error("Only the class's teacher may do this")
NOT_TEACHER = error("Only teachers can make classes")
TAGS = ["classes"]


def _user(request: Request) -> User:
    return cast(User, request.user)


def _classroom(request: Request, pk: int, *, teacher_only: bool = False):
    return selectors.classroom_for(user=_user(request), pk=pk, teacher_only=teacher_only)


@extend_schema(methods=["GET"], responses={200: s.ClassroomSerializer(many=True), 401: SIGNED_OUT}, tags=TAGS)
@extend_schema(
    methods=["POST"],
    request=s.ClassroomInput,
    responses={201: s.ClassroomCreated, 400: BAD_INPUT, 401: SIGNED_OUT, 403: NOT_TEACHER},
    tags=TAGS,
)
@api_view(["GET", "POST"])
@permission_classes([IsAuthenticated])
def classes(request):
    if request.method == "POST":
        data = s.ClassroomInput(data=request.data)
        data.is_valid(raise_exception=True)
        created = services.create_classroom(teacher=_user(request), name=data.validated_data["name"])
        return Response(s.ClassroomCreated(created).data, status=status.HTTP_201_CREATED)
    rows = selectors.classes_for(user=_user(request))
    return Response(s.ClassroomSerializer(rows, many=True, context={"request": request}).data)


@extend_schema(
    request=s.JoinInput,
    responses={
        200: OpenApiResponse(s.JoinOutput, description="Already a member"),
        201: s.JoinOutput,
        400: BAD_INPUT,
        401: SIGNED_OUT,
        404: error("No open class has this code"),
        429: error("Too many wrong codes: wait an hour"),
    },
    tags=TAGS,
)
@api_view(["POST"])
@permission_classes([IsAuthenticated])
def join(request):
    data = s.JoinInput(data=request.data)
    data.is_valid(raise_exception=True)
    classroom, created = joining.join_by_code(request, code=data.validated_data["code"])
    return Response(s.JoinOutput(classroom).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


@extend_schema(
    methods=["GET"],
    responses={200: s.ClassroomDetail, 401: SIGNED_OUT, 403: TEACHER_ONLY, 404: NO_CLASS},
    tags=TAGS,
)
@extend_schema(
    methods=["PATCH"],
    request=s.ClassroomPatch,
    responses={200: s.ClassroomDetail, 400: BAD_INPUT, 401: SIGNED_OUT, 403: TEACHER_ONLY, 404: NO_CLASS},
    tags=TAGS,
)
@api_view(["GET", "PATCH"])
@permission_classes([IsAuthenticated])
def classroom(request, pk: int):
    room = _classroom(request, pk, teacher_only=True)
    if request.method == "PATCH":
        data = s.ClassroomPatch(data=request.data)
        data.is_valid(raise_exception=True)
        services.update_classroom(classroom=room, **data.validated_data)
    room.members_count = room.memberships.count()
    room.members = selectors.members_of(room)
    return Response(s.ClassroomDetail(room, context={"request": request}).data)


@extend_schema(
    request=None, responses={200: s.CodeOutput, 401: SIGNED_OUT, 403: TEACHER_ONLY, 404: NO_CLASS}, tags=TAGS
)
@api_view(["POST"])
@permission_classes([IsAuthenticated])
def new_code(request, pk: int):
    room = services.regenerate_code(classroom=_classroom(request, pk, teacher_only=True))
    return Response(s.CodeOutput(room).data)


@extend_schema(request=None, responses={204: None, 401: SIGNED_OUT, 404: NO_CLASS}, tags=TAGS)
@api_view(["POST"])
@permission_classes([IsAuthenticated])
def leave(request, pk: int):
    room = _classroom(request, pk)
    services.leave_classroom(user=_user(request), classroom=room)  # the teacher is no member: 404
    return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(
    responses={200: s.MemberSerializer(many=True), 401: SIGNED_OUT, 403: TEACHER_ONLY, 404: NO_CLASS}, tags=TAGS
)
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def members(request, pk: int):
    room = _classroom(request, pk, teacher_only=True)
    return Response(s.MemberSerializer(selectors.members_of(room), many=True).data)


@extend_schema(
    responses={204: None, 401: SIGNED_OUT, 403: TEACHER_ONLY, 404: error("No such class or member")}, tags=TAGS
)
@api_view(["DELETE"])
@permission_classes([IsAuthenticated])
def remove_member(request, pk: int, user_id: int):
    room = _classroom(request, pk, teacher_only=True)
    services.remove_member(classroom=room, user_id=user_id)
    return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(
    methods=["GET"],
    responses={200: s.AssignmentSerializer(many=True), 401: SIGNED_OUT, 404: NO_CLASS},
    tags=TAGS,
)
@extend_schema(
    methods=["POST"],
    request=s.AssignmentInput,
    responses={
        201: s.AssignmentSerializer,
        400: OpenApiResponse(
            OpenApiTypes.OBJECT,
            description="Invalid input, a past due date, unpublished content, or not one of game and video",
        ),
        401: SIGNED_OUT,
        403: TEACHER_ONLY,
        404: NO_CLASS,
    },
    tags=TAGS,
)
@api_view(["GET", "POST"])
@permission_classes([IsAuthenticated])
def assignments(request, pk: int):
    if request.method == "POST":
        room = _classroom(request, pk, teacher_only=True)
        data = s.AssignmentInput(data=request.data)
        data.is_valid(raise_exception=True)
        created = services.create_assignment(classroom=room, **data.validated_data)
        row = next(
            row for row in selectors.assignments_for(classroom=room, user=_user(request)) if row.id == created.pk
        )
        return Response(s.AssignmentSerializer(row, context={"teacher": True}).data, status=status.HTTP_201_CREATED)
    room = _classroom(request, pk)
    rows = selectors.assignments_for(classroom=room, user=_user(request))
    teacher = selectors.teaches(_user(request), room)
    return Response(s.AssignmentSerializer(rows, many=True, context={"teacher": teacher}).data)


@extend_schema(
    responses={204: None, 401: SIGNED_OUT, 403: TEACHER_ONLY, 404: error("No such class or assignment")}, tags=TAGS
)
@api_view(["DELETE"])
@permission_classes([IsAuthenticated])
def assignment(request, pk: int, assignment_id: int):
    room = _classroom(request, pk, teacher_only=True)
    found = get_object_or_404(Assignment, pk=assignment_id, classroom=room)
    services.delete_assignment(assignment=found)
    return Response(status=status.HTTP_204_NO_CONTENT)


class CSVRenderer(renderers.BaseRenderer):
    """Lets `?format=csv` through content negotiation; the view writes the CSV itself."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return JSONRenderer().render(data)


class ProgressView(APIView):
    permission_classes = [IsAuthenticated]
    renderer_classes = [JSONRenderer, CSVRenderer]

    @extend_schema(
        parameters=[OpenApiParameter("format", enum=["json", "csv"], description="`csv`: one row per member.")],
        responses={
            (200, "application/json"): s.ClassProgressSerializer,
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="A header row, then one row per member"),
            400: BAD_QUERY,
            401: SIGNED_OUT,
            403: TEACHER_ONLY,
            404: error("No such class, or an unknown `format`"),
        },
        tags=TAGS,
    )
    def get(self, request, pk: int):
        room = _classroom(request, pk, teacher_only=True)
        if request.accepted_renderer.format == "csv":
            response = HttpResponse(
                reports.progress_csv(selectors.members_of(room)), content_type="text/csv; charset=utf-8"
            )
            response["Content-Disposition"] = f'attachment; filename="class-{room.pk}-progress.csv"'
            return response
        return Response(s.ClassProgressSerializer(selectors.progress(room)).data)

    def handle_exception(self, exc):
        # Errors are JSON even when the CSV was asked for.
        response = super().handle_exception(exc)
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = "application/json"
        return response


@extend_schema(
    parameters=[OpenApiParameter("period", enum=["all", "week"], default="week")],
    responses={200: LeaderboardSerializer, 400: BAD_INPUT, 401: SIGNED_OUT, 404: NO_CLASS},
    tags=TAGS,
)
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def leaderboard(request, pk: int):
    room = _classroom(request, pk)
    query = validated_query(s.BoardQuery, request.query_params)
    board = selectors.board(classroom=room, period=query["period"], user=_user(request))
    return Response(LeaderboardSerializer(board).data)
