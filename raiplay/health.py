from django.core.cache import cache
from django.db import DatabaseError, connection
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.response import Response


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except DatabaseError:
        return False


def _cache_ok() -> bool:
    # django-redis swallows errors (IGNORE_EXCEPTIONS), so a failed round trip reads None.
    try:
        cache.set("health:ping", "pong", 5)
        return cache.get("health:ping") == "pong"
    except Exception:  # noqa: BLE001 — any cache failure means "down", never a 500
        return False


Health = inline_serializer(
    "Health",
    {
        "status": serializers.ChoiceField(choices=["ok", "error"]),
        "database": serializers.CharField(help_text="`ok` or `down`."),
        "cache": serializers.CharField(help_text="`ok` or `down`."),
    },
)


@extend_schema(
    responses={
        200: Health,
        503: OpenApiResponse(Health, description="The database is unreachable: the same body, `status` is `error`."),
    },
    description="Liveness for load balancers: 503 when the database is unreachable.",
)
@api_view(["GET"])
@authentication_classes([])
@permission_classes([])
def health(request):
    database = _database_ok()
    body = {
        "status": "ok" if database else "error",
        "database": "ok" if database else "down",
        "cache": "ok" if _cache_ok() else "down",
    }
    return Response(body, status=status.HTTP_200_OK if database else status.HTTP_503_SERVICE_UNAVAILABLE)
