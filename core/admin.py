"""Shared admin parts: read-only screens for records of what happened (attempts, views,
ledger …), and the form fields for JSON lists of words or lines editors type as text."""

from typing import TYPE_CHECKING, Any

from django import forms

if TYPE_CHECKING:  # for mypy, the admin it is mixed into (so `super()` calls are checked)
    from django.contrib.admin.options import BaseModelAdmin

    _AdminBase = BaseModelAdmin[Any]
else:
    _AdminBase = object


class ReadOnlyAdminMixin(_AdminBase):
    """Mix into a ModelAdmin or inline. Nobody adds or edits these rows by hand; deleting is
    allowed only where `allow_delete` says so (e.g. clearing a learner's stray records)."""

    allow_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return self.allow_delete and super().has_delete_permission(request, obj)


class WordListField(forms.CharField):
    """Words typed separated by commas, stored as a JSON list (tags): trimmed, each once, lower case."""

    def prepare_value(self, value):
        return ", ".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        words = (word.strip().lower() for word in (value or "").split(","))
        return list(dict.fromkeys(word for word in words if word))


class LineListField(forms.CharField):
    """One text per line, stored as a JSON list (e.g. the ways learners ask a question)."""

    widget = forms.Textarea(attrs={"rows": 5})

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        lines = (line.strip() for line in (value or "").splitlines())
        return list(dict.fromkeys(line for line in lines if line))
