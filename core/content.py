"""Content files: editors' games, videos, achievements … as one JSON document.

Each app describes its kinds with a `ContentKind` (in its `content.py`) and registers them
in its `AppConfig.ready()`; they are imported in the order they were registered (the order
of INSTALLED_APPS, so games come before the achievements that name them). Importing
validates the whole file first and writes it in one transaction, so a file with any error
changes nothing.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import models, transaction


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
            for name, errors in error.message_dict.items():
                for message in errors:
                    self.add(f"{where}.{name}" if name != "__all__" else where, message)
        else:
            for message in error.messages:
                self.add(where, message)


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
    required: tuple[str, ...] = ("slug",)
    extra_keys: tuple[str, ...] = ()

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
            unknown = set(item) - set(self.fields) - set(self.extra_keys)
            for name in sorted(unknown):
                problems.add(f"{where}.{name}", "unknown field")
            for name in self.required:
                if item.get(name) in (None, ""):
                    problems.add(f"{where}.{name}", "this field is required")
            slug = item.get("slug")
            if slug is not None and not isinstance(slug, str):
                # A list or object here would otherwise crash the lookups below.
                problems.add(f"{where}.slug", "must be a string")
                continue
            if slug in seen:
                problems.add(f"{where}.slug", "appears twice in this file")
            seen.add(slug)
            instance = existing.get(slug) or self.model()
            for key, attr in self.fields.items():
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
        changed = any(getattr(before, attr) != getattr(instance, attr) for attr in self.fields.values())
        if changed:
            instance.save()
        changed = self.write_extra(item, instance) or changed
        return "updated" if changed else "unchanged"

    def export(self) -> list[dict]:
        return [
            {**{key: getattr(obj, attr) for key, attr in self.fields.items()}, **self.export_extra(obj)}
            for obj in self.export_queryset()
        ]

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


def import_content(document, *, progress=None) -> dict[str, Counter]:
    """Check the whole document, then write it all in one transaction. Raises ContentError."""
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
    return {kind.key: kind.export() for kind in kinds()}
