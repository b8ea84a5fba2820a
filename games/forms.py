"""The play form: one field per question, built from the game's questions."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Question
from .scoring import Answer


def answer_field(
    question: Question, *, label: str, required: bool, error_messages: dict[str, Any] | None = None
) -> forms.Field:
    """The input for one question: a number, its checkboxes (multiple) or its radio buttons."""
    if question.kind == Question.Kind.NUMBER:
        number = forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"})
        return forms.FloatField(label=label, required=required, widget=number, error_messages=error_messages)
    choices = [(c.pk, c.text) for c in question.choices.all()]
    if question.kind == Question.Kind.MULTIPLE:
        return forms.TypedMultipleChoiceField(
            label=label,
            choices=choices,
            coerce=int,
            required=required,
            widget=forms.CheckboxSelectMultiple,
            error_messages=error_messages,
        )
    return forms.TypedChoiceField(
        label=label,
        choices=choices,
        coerce=int,
        required=required,
        widget=forms.RadioSelect,
        error_messages=error_messages,
    )


class PlayForm(forms.Form):
    def __init__(self, *args, game, **kwargs):
        super().__init__(*args, **kwargs)
        self.game = game
        self.questions = list(game.questions.all())
        for number, question in enumerate(self.questions, start=1):
            name = f"q{question.pk}"
            label = f"{number}. {question.prompt}"
            self.fields[name] = answer_field(question, label=label, required=False)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data  # what Form.clean() returns
        if not any(value not in (None, "", []) for value in data.values()):
            raise forms.ValidationError(_("Answer at least one question."))
        return data

    def answers(self) -> list[Answer]:
        result = []
        for question in self.questions:
            value = self.cleaned_data.get(f"q{question.pk}")
            if question.kind == Question.Kind.NUMBER:
                if value is not None:
                    result.append(Answer(question=question.pk, value=value))
            elif question.kind == Question.Kind.MULTIPLE:
                result.append(Answer(question=question.pk, choices=tuple(value or ())))
            elif value not in (None, ""):
                result.append(Answer(question=question.pk, choices=(value,)))
        return result

    def rows(self):
        """(question, bound field) pairs for the template."""
        return [(q, self[f"q{q.pk}"]) for q in self.questions]
