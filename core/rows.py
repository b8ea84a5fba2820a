"""Lists serialized in one pass: a serializer's fields bound once, then applied to every item.

DRF builds a ModelSerializer's fields (model introspection, a dozen Field objects) per serializer
instance, and `ListSerializer` walks a generator of them per item; a view that makes a serializer
per item pays the build per item. `Rows` binds the fields once and writes each item's dict with
the same `get_attribute` / `to_representation` calls, so the output is the serializer's, byte for
byte, and the serializer class stays what the OpenAPI schema documents.
"""

import threading
from collections.abc import Callable, Iterable, Mapping
from functools import cache
from typing import Any

from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject
from rest_framework.serializers import BaseSerializer


class Rows:
    """One serializer's readable fields, bound once; `row(item)` is `Serializer(item).data`."""

    def __init__(self, serializer_class: type[BaseSerializer], *, context: Mapping[str, Any] | None = None):
        serializer: Any = serializer_class(context=dict(context or {}))
        self.serializer = serializer
        self.fields: list[tuple[str, Callable, Callable]] = [
            (field.field_name, field.get_attribute, field.to_representation) for field in serializer._readable_fields
        ]

    def row(self, item: Any) -> dict:
        # What Serializer.to_representation does, without rebuilding or re-walking the fields.
        data = {}
        for name, get, show in self.fields:
            try:
                value = get(item)
            except SkipField:
                continue
            check = value.pk if isinstance(value, PKOnlyObject) else value
            data[name] = None if check is None else show(value)
        return data

    def many(self, items: Iterable[Any] | None) -> list[dict]:
        """`Serializer(items, many=True).data`; None (a view's page when pagination is off) is no items."""
        row = self.row
        return [row(item) for item in items or ()]


@cache
def rows_of(serializer_class: type[BaseSerializer]) -> Rows:
    """The bound fields of a serializer that needs no request context, built once per process.

    Bound fields hold no per-request state, so the worker's threads may share them.
    """
    return Rows(serializer_class)


_local = threading.local()


def rows_in(serializer_class: type[BaseSerializer], context: Mapping[str, Any]) -> Rows:
    """The bound fields of a serializer that reads its context (the request), built once per thread.

    Bound fields read the context through their serializer when they run, so one thread's
    fields serve each of its requests with that request's context; a worker's other
    threads have their own.
    """
    built: dict = _local.__dict__.setdefault("rows", {})
    rows = built.get(serializer_class)
    if rows is None:
        rows = built[serializer_class] = Rows(serializer_class)
    rows.serializer._context = dict(context)
    return rows
