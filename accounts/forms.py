import zoneinfo
from functools import cache

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import User


@cache
def _timezone_names() -> tuple[str, ...]:
    # Regions ("Europe/Tirane") and UTC; the legacy aliases ("EST5EDT", "Etc/GMT+1") only
    # clutter the list, but a learner who already has one (set via the API) keeps it.
    names = zoneinfo.available_timezones()
    return tuple(sorted(n for n in names if ("/" in n and not n.startswith(("Etc/", "SystemV/"))) or n == "UTC"))


class SettingsForm(forms.Form):
    """The learner's own profile. A plain form: the service decides what changes, not the form."""

    display_name = forms.CharField(
        label=_("Display name"),
        max_length=User._meta.get_field("display_name").max_length,
        required=False,
        help_text=_("Shown on leaderboards instead of your username."),
    )
    avatar_url = forms.URLField(
        label=_("Avatar URL"),
        max_length=User._meta.get_field("avatar_url").max_length,
        required=False,
        assume_scheme="https",
        help_text=_("A link to a picture of you (or of anything you like)."),
    )
    timezone = forms.ChoiceField(label=_("Time zone"), help_text=_("Your day (and your streak) follows it."))
    show_on_leaderboard = forms.BooleanField(label=_("Show me on leaderboards"), required=False)

    def __init__(self, *args, user: User, **kwargs):
        kwargs.setdefault("initial", {name: getattr(user, name) for name in self.base_fields})
        super().__init__(*args, **kwargs)
        names = _timezone_names()
        if user.timezone not in names:
            names = (user.timezone, *names)
        self.fields["timezone"].choices = [(name, name.replace("_", " ")) for name in names]


class DeleteAccountForm(forms.Form):
    confirm = forms.CharField(label=_("Type your username to confirm"))

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_confirm(self):
        if self.cleaned_data["confirm"].strip() != self.user.username:
            raise forms.ValidationError(_("That is not your username."))
        return self.cleaned_data["confirm"]
