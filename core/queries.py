"""A list's query string, validated by its serializer once per distinct query string.

Building a DRF serializer and its fields to validate `?period=all` cost a list request about as
much as a database round trip (`make bench`). Validation of these query serializers is a pure
function of the query string (no context, no database), so each valid query string's result is
kept. An invalid one raises and is not kept: its errors are written afresh each time, in the
request's language, and junk query strings cannot push the real ones out.
"""

from functools import lru_cache

from django.http import QueryDict
from rest_framework.serializers import Serializer


def validated_query(serializer_class: type[Serializer], query: QueryDict) -> dict:
    """`serializer_class(data=query)`'s validated data; raises ValidationError (a 400) as it would.

    A copy of the kept answer: callers may add to it, not change its values in place.
    """
    key = tuple((name, tuple(values)) for name, values in sorted(query.lists()))
    return dict(_valid(serializer_class, key))


@lru_cache(maxsize=512)  # bounded: a client can send any query string
def _valid(serializer_class: type[Serializer], key: tuple) -> dict:
    query = QueryDict(mutable=True)
    for name, values in key:
        query.setlist(name, list(values))
    serializer = serializer_class(data=query)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)
