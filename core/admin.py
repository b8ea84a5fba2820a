"""Shared admin parts: read-only screens for records of what happened (attempts, views,
ledger …), inputs that screen readers can name, and the form fields for JSON lists of
words or lines editors type as text."""

from typing import TYPE_CHECKING, Any

from django import forms
from django.forms.utils import pretty_name
from django.utils.translation import gettext

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


def label_inputs(form: forms.BaseForm, row: str = "") -> None:
    """Give each visible input its label as an accessible name.

    Table layouts (tabular inlines, editable changelist columns) show the label once in a
    column heading, so their inputs have no <label> of their own; a row names which item
    the input belongs to ("Is published: Budget basics").
    """
    for name, field in form.fields.items():
        if field.widget.is_hidden:
            continue
        label = str(field.label or pretty_name(name)) if name != "DELETE" else gettext("Delete")
        field.widget.attrs.setdefault("aria-label", f"{label}: {row}" if row else label)


class LabelledInputsFormSetMixin:
    """Mix into an inline formset shown as a table: every input, the delete box included, is named."""

    def add_fields(self, form, index):
        super().add_fields(form, index)  # type: ignore[misc]
        label_inputs(form)


class LabelledChangelistMixin(_AdminBase):
    """Mix into a ModelAdmin with `list_editable`: each editable cell is named by column and row."""

    def get_changelist_form(self, request, **kwargs):
        base = super().get_changelist_form(request, **kwargs)  # type: ignore[misc]

        class LabelledChangelistForm(base):  # type: ignore[valid-type,misc]  # the admin makes it at run time
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                label_inputs(self, str(self.instance) if self.instance.pk else "")

        return LabelledChangelistForm


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
