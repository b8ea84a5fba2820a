"""A list's query string, validated by its serializer once per distinct query string.

Building a DRF serializer and its fields to validate `?period=all` cost a list request about as
much as a database round trip (`make bench`). Validation of these query serializers is a pure
function of the query string (no context, no database), so each valid query string's result is
kept; an invalid one is validated again each time, so its errors speak the request's language.
"""

from functools import lru_cache

from django.http import QueryDict
from rest_framework.serializers import Serializer


def validated_query(serializer_class: type[Serializer], query: QueryDict) -> dict:
    """`serializer_class(data=query)`'s validated data; raises ValidationError (a 400) as it would."""
    key = tuple((name, tuple(values)) for name, values in sorted(query.lists()))
    valid = _valid(serializer_class, key)
    if valid is None:
        serializer_class(data=query).is_valid(raise_exception=True)  # raises, in the request's language
        raise AssertionError("a query string that failed validation passed it")  # pragma: no cover
    return dict(valid)  # a copy: the caller may change it


@lru_cache(maxsize=512)  # bounded: a client can send any query string
def _valid(serializer_class: type[Serializer], key: tuple) -> dict | None:
    query = QueryDict(mutable=True)
    for name, values in key:
        query.setlist(name, list(values))
    serializer = serializer_class(data=query)
    return dict(serializer.validated_data) if serializer.is_valid() else None
