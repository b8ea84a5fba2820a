import zoneinfo
from functools import cache
from typing import TYPE_CHECKING, cast

from allauth.account.forms import AddEmailForm as AllauthAddEmailForm
from allauth.account.forms import ChangePasswordForm as AllauthChangePasswordForm
from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import ResetPasswordForm as AllauthResetPasswordForm
from allauth.account.forms import ResetPasswordKeyForm as AllauthResetPasswordKeyForm
from allauth.account.forms import SetPasswordForm as AllauthSetPasswordForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.socialaccount.forms import SignupForm as AllauthSocialSignupForm
from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

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


# allauth's fields in RaiPlay's words: a visible label (no placeholder repeating it, no
# trailing colon: the templates render labels themselves) and help text that the input
# points at with aria-describedby (Django adds it for any field with help text).
Wording = dict[str, tuple["StrOrPromise", "StrOrPromise | None"]]

EMAIL = (_("Email"), None)
NEW_PASSWORD = (_("New password"), None)
NEW_PASSWORD_AGAIN = (_("New password again"), _("Type it once more, so a typo cannot lock you out."))
PASSWORD_AGAIN = (_("Password again"), _("Type it once more, so a typo cannot lock you out."))
USERNAME = (
    _("Username"),
    _("Others see it on leaderboards, so better not your full name. Letters, digits and . + - _ only."),
)


def reword(form: forms.BaseForm, wording: Wording) -> None:
    for name, (label, help_text) in wording.items():
        field = form.fields.get(name)
        if field is None:
            continue
        field.label = label
        if help_text is not None:
            field.help_text = help_text
        field.widget.attrs.pop("placeholder", None)


class LoginForm(AllauthLoginForm):
    """allauth's sign-in: by username or email, with a way back if the password is gone."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        reset = format_html('<a href="{}">{}</a>', reverse("account_reset_password"), _("Forgot your password?"))
        reword(
            self,
            {
                "login": (_("Username or email"), None),
                "password": (_("Password"), reset),
                "remember": (_("Keep me signed in"), _("Only on your own phone or computer, not a shared one.")),
            },
        )


class SignupForm(AllauthSignupForm):
    """allauth's sign-up with the learner's birth year and, for under-16s, a guardian's email."""

    birth_year = forms.TypedChoiceField(
        label=_("Year you were born"),
        coerce=int,
        help_text=_("So we know whether a parent or guardian needs to OK your account."),
    )
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
        reword(
            self,
            {
                "email": (_("Email"), _("We send you a link to confirm it. Other learners never see it.")),
                "username": USERNAME,
                "password1": (_("Password"), None),
                "password2": PASSWORD_AGAIN,
            },
        )

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


class SocialSignupForm(AllauthSocialSignupForm):
    """The last step of a first Google sign-in: a username, and the email Google gave."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        reword(self, {"email": EMAIL, "username": USERNAME})


class ResetPasswordForm(AllauthResetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        reword(self, {"email": (_("Email"), _("The one you signed up with."))})


class ResetPasswordKeyForm(AllauthResetPasswordKeyForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        reword(self, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD_AGAIN})


class ChangePasswordForm(AllauthChangePasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        reword(
            self,
            {
                "oldpassword": (_("Current password"), None),
                "password1": NEW_PASSWORD,
                "password2": NEW_PASSWORD_AGAIN,
            },
        )


class SetPasswordForm(AllauthSetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        reword(self, {"password1": (_("Password"), None), "password2": PASSWORD_AGAIN})


class AddEmailForm(AllauthAddEmailForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        reword(self, {"email": (_("New email address"), None)})
