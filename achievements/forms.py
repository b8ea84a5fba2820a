"""The review form: one question at a time, answered as in a play."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from games.forms import answer_field
from games.models import Question
from games.scoring import Answer


class ReviewForm(forms.Form):
    question = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, question: Question, **kwargs):
        kwargs["initial"] = {"question": question.pk, **kwargs.get("initial", {})}
        super().__init__(*args, **kwargs)
        self.asked = question
        messages: dict[str, Any] = {"required": _("Pick an answer.")}
        if question.kind == Question.Kind.NUMBER:
            messages = {"required": _("Type a number."), "invalid": _("Type a number.")}
        elif question.kind == Question.Kind.MULTIPLE:
            messages = {"required": _("Pick at least one answer.")}
        self.fields["answer"] = answer_field(question, label=question.prompt, required=True, error_messages=messages)

    def answer(self) -> Answer:
        value = self.cleaned_data["answer"]
        if self.asked.kind == Question.Kind.NUMBER:
            return Answer(question=self.asked.pk, value=value)
        if self.asked.kind == Question.Kind.MULTIPLE:
            return Answer(question=self.asked.pk, choices=tuple(value))
        return Answer(question=self.asked.pk, choices=(value,))
