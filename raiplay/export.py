"""The learner's data export over the API: every section `core.export` has gathered."""

from drf_spectacular.utils import OpenApiResponse, OpenApiTypes, extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.export import export_user


class ExportView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses={200: OpenApiTypes.OBJECT, 401: OpenApiResponse(description="Not signed in: `{detail}`")},
        tags=["users"],
        description="All of the learner's data as JSON.",
    )
    def get(self, request):
        response = Response(export_user(request.user))
        response["Content-Disposition"] = 'attachment; filename="raiplay-export.json"'
        return response
