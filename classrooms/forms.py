from django import forms
from django.utils.translation import gettext_lazy as _

from games.models import Game
from videos.models import Video


class ClassroomForm(forms.Form):
    name = forms.CharField(label=_("Class name"), max_length=80)


class JoinForm(forms.Form):
    code = forms.CharField(
        label=_("Class code"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )


class AssignmentForm(forms.Form):
    """What to assign: "game:<id>" or "video:<id>", among published content."""

    content = forms.ChoiceField(label=_("Game or video"))
    due_date = forms.DateField(label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        games = [(f"game:{g.pk}", f"🎯 {g.title}") for g in Game.objects.filter(is_published=True).order_by("title")]
        videos = [(f"video:{v.pk}", f"🎬 {v.title}") for v in Video.objects.filter(is_published=True).order_by("title")]
        self.fields["content"].choices = [(_("Games"), games), (_("Videos"), videos)]  # type: ignore[attr-defined]

    def content_kwargs(self) -> dict:
        kind, _sep, pk = self.cleaned_data["content"].partition(":")
        model = Game if kind == "game" else Video
        return {kind: model.objects.get(pk=int(pk))}
