import zoneinfo
from functools import cache
from typing import cast

from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError

from . import consent
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
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("Follow my browser")), *settings.LANGUAGES],
        help_text=_("RaiPlay's pages, quests and FinBot speak it."),
    )

    def __init__(self, *args, user: User, **kwargs):
        kwargs.setdefault("initial", {name: getattr(user, name) for name in self.base_fields})
        super().__init__(*args, **kwargs)
        names = _timezone_names()
        if user.timezone not in names:
            names = (user.timezone, *names)
        timezone_field = cast(forms.ChoiceField, self.fields["timezone"])  # declared above as a ChoiceField
        timezone_field.choices = [(name, name.replace("_", " ")) for name in names]


class DeleteAccountForm(forms.Form):
    confirm = forms.CharField(label=_("Type your username to confirm"))

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_confirm(self):
        if self.cleaned_data["confirm"].strip() != self.user.username:
            raise forms.ValidationError(_("That is not your username."))
        return self.cleaned_data["confirm"]


class SignupForm(AllauthSignupForm):
    """allauth's sign-up with the learner's birth year and, for under-16s, a guardian's email."""

    birth_year = forms.TypedChoiceField(label=_("Year you were born"), coerce=int)
    guardian_email = forms.EmailField(
        label=_("A parent's or guardian's email"),
        required=False,
        help_text=_("Needed if you are under 16: we ask them to OK your account before FinBot opens."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        years = range(this_year - 8, this_year - consent.OLDEST_AGE - 1, -1)
        self.fields["birth_year"].choices = [("", "—"), *((year, str(year)) for year in years)]

    def clean(self):
        cleaned = super().clean()
        try:
            cleaned["guardian_email"] = consent.check_guardian(
                birth_year=cleaned.get("birth_year"),
                guardian_email=cleaned.get("guardian_email", ""),
                learner_email=cleaned.get("email", ""),
            )
        except DomainError as error:
            self.add_error("guardian_email", error.message)
        return cleaned


class GuardianForm(forms.Form):
    birth_year = forms.IntegerField(label=_("Year you were born"), required=False)
    guardian_email = forms.EmailField(label=_("A parent's or guardian's email"), required=False)

    def clean_birth_year(self):
        year = self.cleaned_data["birth_year"]
        if year is not None:
            try:
                consent.check_birth_year(year)
            except DomainError as error:
                raise forms.ValidationError(error.message) from error
        return year

    def clean(self):
        cleaned = super().clean() or {}
        if consent.needs_consent(cleaned.get("birth_year")) and not cleaned.get("guardian_email"):
            self.add_error("guardian_email", consent.GuardianRequired(age=settings.DIGITAL_CONSENT_AGE).message)
        return cleaned
