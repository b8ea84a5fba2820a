"""Queries built and compiled once per process, then run with each request's values.

For the reads every request makes (the signed-in learner's row, a list with their progress),
building the queryset and compiling its SQL costs the ORM 0.3–1.2 ms, while PostgreSQL answers
the statement in a tenth of that. A `Prepared` builds its queryset once with marker values in
place of its arguments, keeps the compiled SQL, and on each call puts the arguments where the
markers landed. The rows become what the queryset itself would return: model instances with
their annotations (and `select_related` rows), converted by the same compiler.

The SQL depends on the active language (modeltranslation rewrites translated fields into the
language's column) and on the database, so it is compiled per both. The same text each time
also lets psycopg prepare the statement on the server after five runs (settings: parameters
bound on the server).
"""

import threading
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime
from operator import itemgetter
from typing import Any, cast

from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.base import ModelState
from django.db.models.query import get_related_populators
from django.utils import translation

# Values no caller passes: each argument's marker, by its type, found again among the parameters.
# The int marker fits an IntegerField: Django drops a comparison with an out-of-range number
# (or makes the query empty), which would lose the argument's place.
_INT_MARKER = 2_013_265_921
_DATE_MARKER = date(1, 1, 2)
_DATETIME_MARKER = datetime(1, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)


def _marker(kind: type, position: int) -> Any:
    if kind is int:
        return _INT_MARKER - position
    if kind is datetime:
        return _DATETIME_MARKER.replace(day=2 + position)
    if kind is date:
        return _DATE_MARKER.replace(day=2 + position)
    if kind is str:
        return f"\x00prepared-argument-{position}\x00"
    raise TypeError(f"Prepared queries take int, date, datetime or str arguments, not {kind.__name__}")


class _Statement:
    """Compiled SQL and, for each of its parameters, a constant or the argument it takes."""

    def __init__(self, sql: str, params: Sequence, markers: tuple, db: str):
        self.sql, self.db = sql, db
        ops = connections[db].ops
        # Each argument's forms: its marker as given, and as the backend adapts it (SQLite
        # passes dates and datetimes as text); the argument is adapted the same way.
        forms: list[tuple[Any, int, Callable | None]] = []
        for position, marker in enumerate(markers):
            forms.append((marker, position, None))
            if isinstance(marker, datetime):
                forms.append((ops.adapt_datetimefield_value(marker), position, ops.adapt_datetimefield_value))
            elif isinstance(marker, date):
                forms.append((ops.adapt_datefield_value(marker), position, ops.adapt_datefield_value))
        self.slots = [next(((at, adapt) for form, at, adapt in forms if param == form), None) for param in params]
        self.constants = list(params)
        missing = set(range(len(markers))) - {slot[0] for slot in self.slots if slot}
        if missing:
            raise ValueError(f"Argument(s) {sorted(missing)} were not found as parameters in {sql}")

    def fetchall(self, args: tuple) -> list[tuple]:
        params = [
            constant if slot is None else slot[1](args[slot[0]]) if slot[1] else args[slot[0]]
            for constant, slot in zip(self.constants, self.slots, strict=True)
        ]
        with connections[self.db].cursor() as cursor:
            cursor.execute(self.sql, params)
            return cursor.fetchall()


class _ModelRows:
    """A queryset's statement, and how ModelIterable turns its rows into instances.

    `queryset` is a QuerySet; its private parts are read as ModelIterable reads them.
    """

    def __init__(self, queryset: Any, markers: tuple, catalogue: bool = False):
        if queryset._prefetch_related_lookups or queryset._fields is not None:
            raise TypeError("A prepared query returns model instances: no prefetch_related, values() or values_list()")
        db = queryset.db
        compiler = queryset.query.get_compiler(using=db)
        sql, params = compiler.as_sql()  # fills compiler.select, klass_info, annotation_col_map
        self.statement = _Statement(sql, params, markers, db)
        self.compiler = compiler
        self.converters = compiler.get_converters([column[0] for column in compiler.select[: compiler.col_count]])
        klass_info = compiler.klass_info
        fields = klass_info["select_fields"]
        self.model_slice = slice(fields[0], fields[-1] + 1)
        self.model = klass_info["model"]
        self.init_list = [column[0].target.attname for column in compiler.select[self.model_slice]]
        self.annotations = list(compiler.annotation_col_map.items())
        self.related = get_related_populators(klass_info, compiler.select, db, queryset._fetch_mode)
        # Catalogue rows: the instance (and its select_related ones) built from each distinct row
        # as read, kept unconverted as the key; the annotations are the caller's own, converted per row.
        self.kept: dict[tuple, Model] | None = {} if catalogue else None
        positions = {position for _, position in self.annotations}
        kept_columns = [i for i in range(len(compiler.select)) if i not in positions]
        self.row_key = itemgetter(*kept_columns) if len(kept_columns) > 1 else lambda row: (row[kept_columns[0]],)
        self.annotation_converters = {i: c for i, c in self.converters.items() if i in positions}

    def run(self, args: tuple) -> list:
        rows: list[tuple] = self.statement.fetchall(args)
        if self.kept is not None:
            return [self._catalogue_row(row) for row in rows]
        converted: Iterable = self.compiler.apply_converters(rows, self.converters) if self.converters else rows
        return [self._annotated(self._build(row), row) for row in converted]

    def _build(self, row: Sequence) -> Model:
        obj = self.model.from_db(self.statement.db, self.init_list, row[self.model_slice])
        for populator in self.related:
            populator.populate(row, obj)
        return obj

    def _annotated(self, obj: Model, row: Sequence) -> Model:
        for name, position in self.annotations:
            setattr(obj, name, row[position])
        return obj

    def _catalogue_row(self, row: tuple) -> Model:
        kept = cast(dict, self.kept)
        try:
            key = self.row_key(row)
            template = kept.get(key)
        except TypeError:  # an unhashable column (an array): built afresh
            key, template = None, None
        if template is None:
            converted = next(self.compiler.apply_converters([row], self.converters)) if self.converters else row
            obj = self._build(converted)
            if key is not None:
                if len(kept) >= KEPT_ROWS:
                    kept.clear()
                kept[key] = _copy(obj, {})
            return self._annotated(obj, converted)
        if self.annotation_converters:
            row = next(self.compiler.apply_converters([row], self.annotation_converters))
        return self._annotated(_copy(template, {}), row)


KEPT_ROWS = 4096  # per statement and language: every catalogue row, with room to spare


def _copy(obj: Model, copies: dict[int, Model]) -> Model:
    """A new instance equal to `obj`, its select_related instances copied too, sharing nothing mutable.

    What `from_db` would give from the same row, for a fraction of its cost (modeltranslation's
    __init__, the init signals, the JSON columns' decoding). `copies` keeps the links between
    an instance and its related ones (a one-to-one links both ways) pointing at the copies.
    """
    made = copies.get(id(obj))
    if made is not None:
        return made
    copy = copies[id(obj)] = obj.__class__.__new__(obj.__class__)
    values = obj.__dict__.copy()
    for name, value in values.items():
        if type(value) is list or type(value) is dict:  # a JSON column's value
            values[name] = _fresh(value)
    state = values["_state"] = ModelState()
    state.db, state.adding = obj._state.db, obj._state.adding
    state.fields_cache = {
        name: _copy(related, copies) if isinstance(related, Model) else related
        for name, related in obj._state.fields_cache.items()
    }
    copy.__dict__.update(values)
    return copy


def _fresh(value: Any) -> Any:
    """A copy of a JSON value's lists and dicts (what copy.deepcopy does, without its bookkeeping)."""
    if type(value) is list:
        return [_fresh(item) for item in value]
    if type(value) is dict:
        return {key: _fresh(item) for key, item in value.items()}
    return value


class _Cache:
    """One compiled form per language and database, made on first use under a lock."""

    def __init__(self, kinds: tuple[type, ...]):
        self.markers = tuple(_marker(kind, position) for position, kind in enumerate(kinds))
        self._compiled: dict[tuple, Any] = {}
        self._lock = threading.Lock()

    def get(self, make: Callable[[], Any]):
        key = (translation.get_language(), connections["default"].vendor)
        compiled = self._compiled.get(key)
        if compiled is None:
            with self._lock:
                compiled = self._compiled.get(key)
                if compiled is None:
                    compiled = self._compiled[key] = make()
        return compiled

    def check(self, args: tuple) -> None:
        if len(args) != len(self.markers):
            raise TypeError(f"{len(self.markers)} argument(s) expected, {len(args)} given")


class Prepared[M: Model]:
    """`build(*args)` once per language and database; `rows(*args)` is `list(build(*args))`.

    `kinds` are the arguments' types (int, date, datetime or str). Each argument must reach the
    SQL as a parameter of its own, unchanged (an equality, `in`, a comparison; not `contains`,
    which wraps it): compiling checks that every one was found. Everything else in the query is
    kept as first compiled, so `build` must not read the clock, settings or the database: what
    varies is an argument.

    `catalogue`: for rows every learner reads alike (games, videos, achievements): each distinct
    row, as read, is built into instances once and copied after, with its annotations (the
    learner's state) set per call. An edited row reads differently, so it is built afresh.
    """

    def __init__(self, build: Callable[..., QuerySet[M]], *kinds: type, catalogue: bool = False):
        self.build = build
        self.catalogue = catalogue
        self._cache = _Cache(kinds)

    def rows(self, *args: Any) -> list[M]:
        self._cache.check(args)
        return self._cache.get(self._compile).run(args)

    def _compile(self) -> _ModelRows:
        return _ModelRows(self.build(*self._cache.markers), self._cache.markers, self.catalogue)

    def first(self, *args: Any) -> M | None:
        found = self.rows(*args)
        return found[0] if found else None


class PreparedSQL:
    """The same for SQL made from querysets by hand (a UNION of several, say): `build(*args)`
    returns `(sql, params)` once per language and database; `fetchall(*args)` runs it with the
    arguments in place and returns the cursor's rows, unconverted."""

    def __init__(self, build: Callable[..., tuple[str, Sequence]], *kinds: type):
        self.build = build
        self._cache = _Cache(kinds)

    def fetchall(self, *args: Any) -> list[tuple]:
        self._cache.check(args)
        return self._cache.get(self._compile).fetchall(args)

    def _compile(self) -> _Statement:
        sql, params = self.build(*self._cache.markers)
        return _Statement(sql, params, self._cache.markers, "default")
