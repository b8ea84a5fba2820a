"""Lists serialized in one pass: a serializer's fields bound once, then applied to every item.

DRF builds a ModelSerializer's fields (model introspection, a dozen Field objects) per serializer
instance, and `ListSerializer` walks a generator of them per item; a view that makes a serializer
per item pays the build per item. `Rows` binds the fields once and writes each item's dict with
the same `get_attribute` / `to_representation` calls, so the output is the serializer's, byte for
byte, and the serializer class stays what the OpenAPI schema documents.

A ModelSerializer's plain fields (a column of the model shown as text, a number, a flag, a
choice, a date and time) are a function of the row's columns, the language and the time zone
alone, and every learner's list shows the same catalogue rows. So their part of each row is kept,
keyed by those and every column of the row as read: an edited row is a new key, never a stale
answer. Other fields (method fields, annotations) are written for every item, except those a
serializer names in `Meta.catalogue_fields`: fields whose output is a function of the row, the
language, the time zone and the request's origin alone (a video's absolute URLs), kept by all four.
"""

import threading
from collections.abc import Callable, Iterable, Mapping
from functools import cache
from operator import itemgetter
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import JSONField, Model
from django.utils import timezone, translation
from rest_framework import fields as drf
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject
from rest_framework.serializers import BaseSerializer, ModelSerializer

# Fields whose output depends on their value alone (no request, no lookup), or on the active
# time zone as well (a date and time), which is part of the key.
_PLAIN = (drf.CharField, drf.IntegerField, drf.BooleanField, drf.ChoiceField, drf.FloatField, drf.DateTimeField)
_KEPT_ROWS = 4096  # per serializer: the catalogue rows in both languages, with room to spare


class Rows:
    """One serializer's readable fields, bound once; `row(item)` is `Serializer(item).data`."""

    def __init__(
        self,
        serializer_class: type[BaseSerializer],
        *,
        context: Mapping[str, Any] | None = None,
        catalogue: bool = False,
    ):
        serializer: Any = serializer_class(context=dict(context or {}))
        self.serializer = serializer
        readable = list(serializer._readable_fields)
        self.fields: list[tuple[str, Callable, Callable]] = [
            (field.field_name, field.get_attribute, field.to_representation) for field in readable
        ]
        self.model: type[Model] | None = serializer.Meta.model if isinstance(serializer, ModelSerializer) else None
        # Only for catalogue rows (games, videos, achievements), read by every learner alike: one
        # learner's own row (their profile) would only fill the memory.
        model = self.model if catalogue else None
        plain = {field.field_name for field in readable if model and _is_plain(field, model)}
        by_origin = set(getattr(serializer.Meta, "catalogue_fields", ())) if model else set()
        plain |= by_origin
        self.by_origin = bool(by_origin)  # the request's scheme and host are part of the key
        self.plain = [entry for entry in self.fields if entry[0] in plain]
        columns = model._meta.concrete_fields if model and plain else []
        self.columns = [f.attname for f in columns]
        # Lists and dicts are keyed by their repr: distinct JSON values have distinct reprs (a dict
        # read with its keys in another order is only a miss), and it costs a fifth of json.dumps.
        self.json_columns = [f.attname for f in columns if isinstance(f, JSONField)]
        # The other columns' values, read in one call (a KeyError for a deferred one).
        others = [c for c in self.columns if c not in self.json_columns]
        self.values_of: Callable[[dict], Any] = itemgetter(*others) if others else lambda values: ()
        self.kept: dict[tuple, dict] = {}

    def row(self, item: Any, scope: tuple | None = None) -> dict:
        # What Serializer.to_representation does, without rebuilding or re-walking the fields.
        kept = self._plain_part(item, scope) if self.columns else None
        data = {}
        for name, get, show in self.fields:
            if kept is not None and name in kept:
                data[name] = kept[name]
                continue
            try:
                value = get(item)
            except SkipField:
                continue
            check = value.pk if isinstance(value, PKOnlyObject) else value
            data[name] = None if check is None else show(value)
        return data

    def _plain_part(self, item: Any, scope: tuple | None) -> dict | None:
        """The plain fields' output for this row, written once per language, time zone and row contents."""
        if type(item) is not self.model:
            return None
        values = item.__dict__
        try:
            key = (scope or self.scope(), self.values_of(values), *[repr(values[c]) for c in self.json_columns])
            kept = self.kept.get(key)
        except (KeyError, TypeError):  # a deferred column, or an unhashable value: not kept
            return None
        if kept is None:
            kept = {}
            for name, get, show in self.plain:
                value = get(item)
                kept[name] = None if value is None else show(value)
            if len(self.kept) >= _KEPT_ROWS:
                self.kept.clear()
            self.kept[key] = kept
        return kept

    def many(self, items: Iterable[Any] | None) -> list[dict]:
        """`Serializer(items, many=True).data`; None (a view's page when pagination is off) is no items."""
        row, scope = self.row, self.scope() if self.columns else None  # read once: each is a context-local lookup
        return [row(item, scope) for item in items or ()]

    def scope(self) -> tuple:
        """What a kept field's output depends on besides the row: the language, the time zone, and
        for `catalogue_fields` the request's origin."""
        found: tuple = (translation.get_language(), timezone.get_current_timezone_name())
        if self.by_origin:
            request = self.serializer.context.get("request")
            found += (request.build_absolute_uri("/") if request is not None else None,)
        return found


def _is_plain(field: drf.Field, model: type[Model]) -> bool:
    if not isinstance(field, _PLAIN) or len(field.source_attrs) != 1:
        return False
    try:
        column = model._meta.get_field(field.source_attrs[0])
    except FieldDoesNotExist:  # an annotation or a property: written per item
        return False
    return column.concrete and not column.is_relation


@cache
def rows_of(serializer_class: type[BaseSerializer], *, catalogue: bool = False) -> Rows:
    """The bound fields of a serializer that needs no request context, built once per process.

    Bound fields hold no per-request state, so the worker's threads may share them.
    """
    return Rows(serializer_class, catalogue=catalogue)


_local = threading.local()


def rows_in(serializer_class: type[BaseSerializer], context: Mapping[str, Any], *, catalogue: bool = False) -> Rows:
    """The bound fields of a serializer that reads its context (the request), built once per thread.

    Bound fields read the context through their serializer when they run, so one thread's
    fields serve each of its requests with that request's context; a worker's other
    threads have their own.
    """
    built: dict = _local.__dict__.setdefault("rows", {})
    rows = built.get((serializer_class, catalogue))
    if rows is None:
        rows = built[serializer_class, catalogue] = Rows(serializer_class, catalogue=catalogue)
    rows.serializer._context = dict(context)
    return rows
