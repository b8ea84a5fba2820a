"""The learner's data export: each app offers its part, this module gathers them."""

from drf_spectacular.utils import OpenApiTypes, extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors as accounts_selectors
from achievements import selectors as achievements_selectors
from chat import selectors as chat_selectors
from videos import selectors as videos_selectors

# Each entry: the export key and a function user -> JSON-ready data. Apps add theirs here.
SECTIONS = [
    ("account", accounts_selectors.export_data),
    ("chat", chat_selectors.export_data),
    ("videos", videos_selectors.export_data),
    ("rewards", achievements_selectors.export_data),
]


def export_user(user) -> dict:
    return {name: section(user) for name, section in SECTIONS}


class ExportView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=OpenApiTypes.OBJECT, tags=["users"], description="All of the learner's data as JSON.")
    def get(self, request):
        response = Response(export_user(request.user))
        response["Content-Disposition"] = 'attachment; filename="raiplay-export.json"'
        return response
