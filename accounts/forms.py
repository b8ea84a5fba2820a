import zoneinfo

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import User

TIMEZONE_CHOICES = [(name, name) for name in sorted(zoneinfo.available_timezones()) if "/" in name]


class SettingsForm(forms.ModelForm):
    timezone = forms.ChoiceField(label=_("Time zone"), choices=TIMEZONE_CHOICES)

    class Meta:
        model = User
        fields = ["display_name", "avatar_url", "timezone", "show_on_leaderboard"]


class DeleteAccountForm(forms.Form):
    confirm = forms.CharField(label=_("Type your username to confirm"))

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_confirm(self):
        if self.cleaned_data["confirm"] != self.user.username:
            raise forms.ValidationError(_("That is not your username."))
        return self.cleaned_data["confirm"]
