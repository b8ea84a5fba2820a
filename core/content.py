"""Content files: editors' games, videos, achievements … as one JSON document.

Each app describes its kinds with a `ContentKind` (in its `content.py`) and registers them
in its `AppConfig.ready()`; they are imported in the order they were registered (the order
of INSTALLED_APPS, so games come before the achievements that name them). Importing
validates the whole file first and writes it in one transaction, so a file with any error
changes nothing.

Texts come in two languages: the plain key is English, `<key>_sq` Albanian (a kind lists
its translated keys in `translated`). Files are read and written with English active, so a
plain key always means the English text, whatever the caller's language.
"""

import json
from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import translation

from .translations import LANGUAGE_NAMES, SECOND_LANGUAGE


class ContentError(Exception):
    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


@dataclass
class Problems:
    """Errors collected while checking a file, each naming the item and the field."""

    messages: list[str] = field(default_factory=list)

    def add(self, where: str, message: str) -> None:
        self.messages.append(f"{where}: {message}")

    def add_validation(self, where: str, error: ValidationError) -> None:
        if hasattr(error, "error_dict"):
            reported = {message.split(": ", 1)[0] for message in self.messages}
            for name, errors in error.message_dict.items():
                # One problem once: a missing required text is not also "blank" in English.
                plain = name.removesuffix("_en")
                labels = {
                    f"{where}.{plain}",
                    f"{where}.{field_label(name)}",
                    f"{where}.{plain} ({LANGUAGE_NAMES['en']})",
                }
                if labels & reported or (plain != name and plain in error.message_dict):
                    continue
                for message in errors:
                    self.add(f"{where}.{field_label(name)}" if name != "__all__" else where, message)
        else:
            for message in error.messages:
                self.add(where, message)


def field_label(name: str) -> str:
    """A model field as a content file names it, with the language of a text: `title_sq (Albanian)`."""
    base, _, language = name.rpartition("_")
    if base and language in LANGUAGE_NAMES:
        key = base if language == "en" else name
        return f"{key} ({LANGUAGE_NAMES[language]})"
    return name


def item_label(kind: str, index: int, item) -> str:
    slug = item.get("slug") if isinstance(item, dict) else None
    return f"{kind}[{slug}]" if slug and isinstance(slug, str) else f"{kind}[{index}]"


class ContentKind:
    """One top-level key of a content file, upserted by slug into `model`.

    `fields` maps file keys to model field names; subclasses add nested parts by
    overriding `check_extra`, `write_extra` and `export_extra`.
    """

    key: str
    model: type[models.Model]
    fields: dict[str, str]
    translated: tuple[str, ...] = ()  # keys of `fields` whose Albanian text comes as `<key>_sq`
    required: tuple[str, ...] = ("slug",)
    extra_keys: tuple[str, ...] = ()

    @property
    def file_fields(self) -> dict[str, str]:
        """`fields` plus the Albanian twin of each translated text."""
        twins = {f"{key}_{SECOND_LANGUAGE}": f"{self.fields[key]}_{SECOND_LANGUAGE}" for key in self.translated}
        return {**self.fields, **twins}

    def check(self, items, problems: Problems) -> list[tuple[dict, models.Model]]:
        if not isinstance(items, list):
            problems.add(self.key, "must be a list")
            return []
        checked, seen = [], set()
        existing = self.model._default_manager.in_bulk(self._slugs(items), field_name="slug")
        for index, item in enumerate(items):
            where = item_label(self.key, index, item)
            if not isinstance(item, dict):
                problems.add(where, "must be an object")
                continue
            unknown = set(item) - set(self.file_fields) - set(self.extra_keys)
            for name in sorted(unknown):
                problems.add(f"{where}.{name}", "unknown field")
            for name in self.required:
                if item.get(name) in (None, ""):
                    # A translated text's plain key is its English version: say so.
                    label = f"{name} ({LANGUAGE_NAMES['en']})" if name in self.translated else name
                    problems.add(f"{where}.{label}", "this field is required")
            slug = item.get("slug")
            if slug is not None and not isinstance(slug, str):
                # A list or object here would otherwise crash the lookups below.
                problems.add(f"{where}.slug", "must be a string")
                continue
            if slug in seen:
                problems.add(f"{where}.slug", "appears twice in this file")
            seen.add(slug)
            instance = existing.get(slug) or self.model()
            for key, attr in self.file_fields.items():
                if key in item:
                    setattr(instance, attr, item[key])
            try:
                instance.full_clean(validate_unique=False, validate_constraints=False)
            except ValidationError as error:
                problems.add_validation(where, error)
            self.check_extra(item, instance, where, problems)
            checked.append((item, instance))
        return checked

    def write(self, item: dict, instance: models.Model) -> str:
        """Save one checked item; returns created, updated or unchanged."""
        if instance.pk is None:
            instance.save()
            self.write_extra(item, instance)
            return "created"
        before = self.model._default_manager.get(pk=instance.pk)
        changed = any(getattr(before, attr) != getattr(instance, attr) for attr in self.file_fields.values())
        if changed:
            instance.save()
        changed = self.write_extra(item, instance) or changed
        return "updated" if changed else "unchanged"

    def export(self) -> list[dict]:
        return [{**self.export_fields(obj), **self.export_extra(obj)} for obj in self.export_queryset()]

    def export_fields(self, obj) -> dict:
        # An Albanian text not written yet is left out: it falls back to English.
        values = {key: getattr(obj, attr) for key, attr in self.file_fields.items()}
        return {key: value for key, value in values.items() if value or not key.endswith(f"_{SECOND_LANGUAGE}")}

    def export_queryset(self):
        return self.model._default_manager.order_by("slug")

    # Hooks for nested parts (questions, quest positions).
    def check_extra(self, item: dict, instance, where: str, problems: Problems) -> None:
        pass

    def write_extra(self, item: dict, instance) -> bool:
        return False

    def export_extra(self, obj) -> dict:
        return {}

    @staticmethod
    def _slugs(items) -> list:
        return [i["slug"] for i in items if isinstance(i, dict) and isinstance(i.get("slug"), str)]


_registry: dict[str, ContentKind] = {}


def register(*kinds: ContentKind) -> None:
    """Add an app's kinds (from its `ready()`); registering a key again replaces it."""
    for kind in kinds:
        _registry[kind.key] = kind


def kinds() -> list[ContentKind]:
    """Every registered kind, in import order."""
    return list(_registry.values())


OUTCOMES = ("created", "updated", "unchanged")


class _DryRun(Exception):
    """Raised inside the dry run's transaction so that everything it wrote is rolled back."""


def read_document(data: bytes):
    """A content file's bytes as the document to import. Raises ContentError when it is no JSON."""
    try:
        return json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ContentError(["the file is not UTF-8 text"]) from None
    except json.JSONDecodeError as error:
        raise ContentError(
            [f"the file is not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})"]
        ) from None


def import_content(document, *, progress=None, dry_run: bool = False) -> dict[str, Counter]:
    """Check the whole document, then write it all in one transaction. Raises ContentError.

    With `dry_run`, everything is checked and written exactly as an import would, then
    rolled back: the counts say what the import would create, update and leave unchanged.
    """
    with translation.override("en"):
        if not dry_run:
            return _import(document, progress)
        try:
            with transaction.atomic():
                summary = _import(document, progress)
                raise _DryRun()
        except _DryRun:
            pass
        return {key: Counter({outcome: counts[outcome] for outcome in OUTCOMES}) for key, counts in summary.items()}


def _import(document, progress) -> dict[str, Counter]:
    by_key = {kind.key: kind for kind in kinds()}
    problems = Problems()
    if not isinstance(document, dict):
        raise ContentError(["the file must hold a JSON object with content kinds as keys"])
    for key in document:
        if key not in by_key:
            problems.add(key, f"unknown kind (expected one of {', '.join(by_key)})")
    checked = {key: by_key[key].check(document[key], problems) for key in by_key if key in document}
    if problems.messages:
        raise ContentError(problems.messages)
    summary: dict[str, Counter] = {}
    total = sum(len(items) for items in checked.values())
    with transaction.atomic():
        bar = progress(total) if progress else None
        for key, items in checked.items():
            summary[key] = Counter()
            for item, instance in items:
                summary[key][by_key[key].write(item, instance)] += 1
                if bar is not None:
                    bar.update(1)
        if bar is not None:
            bar.close()
    return summary


def export_content() -> dict[str, list[dict]]:
    with translation.override("en"):
        return {kind.key: kind.export() for kind in kinds()}
