"""The error answers the API documents, shared by every app's views (OpenAPI only, no behaviour)."""

from drf_spectacular.utils import OpenApiResponse, OpenApiTypes
from rest_framework import serializers


class ErrorDetail(serializers.Serializer):
    """The body of every error answer but a 400's field errors."""

    detail = serializers.CharField()


def error(description: str) -> OpenApiResponse:
    """An error answer with a `{detail}` body."""
    return OpenApiResponse(ErrorDetail, description=description)


BAD_INPUT = OpenApiResponse(
    OpenApiTypes.OBJECT, description="Invalid input: `{field: [messages]}`, or `{detail}` for a broken rule"
)
SIGNED_OUT = error("Missing, invalid or expired credentials")
REFUSED = error("Credentials refused")
LIMITED = error("Too many requests: wait a minute")
NO_PAGE = error("`page` is not a page number, or past the last page")
BAD_QUERY = error("A NUL character in the query string")  # any endpoint; those with parameters get one
# An `Idempotency-Key` longer than 64 characters is a 400; one reused for another request a 409.
KEY_REUSED = error("This `Idempotency-Key` was already used for another request")
