"""A learner's data export: each app registers its section in `ready()`; this gathers them.

A registry rather than a list kept by hand, so a new app's data cannot be forgotten: a
test checks that every installed app of ours holding learner rows has registered one.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Section:
    name: str  # the key in the export document
    app: str  # the label of the app whose data it is
    collect: Callable[[Any], Any]  # user -> JSON-ready data


_sections: dict[str, Section] = {}


def register(name: str, collect: Callable[[Any], Any], *, app: str) -> None:
    _sections[name] = Section(name=name, app=app, collect=collect)


def sections() -> list[Section]:
    return list(_sections.values())


def export_user(user) -> dict[str, Any]:
    return {section.name: section.collect(user) for section in _sections.values()}
