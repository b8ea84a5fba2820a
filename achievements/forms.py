"""The review form: one question at a time, answered as in a play."""

from django import forms
from django.utils.translation import gettext_lazy as _

from games.models import Question
from games.scoring import Answer


class ReviewForm(forms.Form):
    question = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, question: Question, **kwargs):
        kwargs["initial"] = {"question": question.pk, **kwargs.get("initial", {})}
        super().__init__(*args, **kwargs)
        self.asked = question
        choices = [(c.pk, c.text) for c in question.choices.all()]
        field: forms.Field
        if question.kind == Question.Kind.NUMBER:
            field = forms.FloatField(
                label=question.prompt,
                widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
                error_messages={"required": _("Type a number."), "invalid": _("Type a number.")},
            )
        elif question.kind == Question.Kind.MULTIPLE:
            field = forms.TypedMultipleChoiceField(
                label=question.prompt,
                choices=choices,
                coerce=int,
                widget=forms.CheckboxSelectMultiple,
                error_messages={"required": _("Pick at least one answer.")},
            )
        else:
            field = forms.TypedChoiceField(
                label=question.prompt,
                choices=choices,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": _("Pick an answer.")},
            )
        self.fields["answer"] = field

    def answer(self) -> Answer:
        value = self.cleaned_data["answer"]
        if self.asked.kind == Question.Kind.NUMBER:
            return Answer(question=self.asked.pk, value=value)
        if self.asked.kind == Question.Kind.MULTIPLE:
            return Answer(question=self.asked.pk, choices=tuple(value))
        return Answer(question=self.asked.pk, choices=(value,))
