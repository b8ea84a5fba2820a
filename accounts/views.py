from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_ratelimit.exceptions import Ratelimited

from core.errors import DomainError
from core.handlers import RATE_LIMITED_MESSAGE
from core.ratelimits import enforce

from . import consent, services
from .forms import DeleteAccountForm, GuardianForm, SettingsForm
from .language import LANGUAGE_CODES
from .models import ConsentStatus, User

DECISIONS = {"approve": services.approve_consent, "decline": services.decline_consent}


@login_required
def settings_page(request):
    form = SettingsForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.update_profile(user=request.user, **form.cleaned_data)
        messages.success(request, _("Settings saved."))
        return redirect("settings")
    status = 400 if form.is_bound else 200
    return _settings(request, form=form, status=status)


def _settings(request, *, form=None, guardian_form=None, delete_form=None, status=200):
    context = {
        "form": form or SettingsForm(user=request.user),
        "guardian_form": guardian_form or GuardianForm(initial={"guardian_email": request.user.guardian_email}),
        "delete_form": delete_form or DeleteAccountForm(user=request.user),
        "consent_age": settings.DIGITAL_CONSENT_AGE,
    }
    return render(request, "accounts/settings.html", context, status=status)


@login_required
@require_POST
def guardian_settings(request):
    """Give the birth year once (when unknown) and, for a minor, (re)send the guardian's mail."""
    form = GuardianForm(request.POST)
    if not form.is_valid():
        return _settings(request, guardian_form=form, status=400)
    user = request.user
    try:
        if user.birth_year is None and form.cleaned_data["birth_year"] is not None:
            services.update_profile(user=user, birth_year=form.cleaned_data["birth_year"])
        if user.consent_pending:
            enforce(request, group="guardian-mail", key=f"user:{user.pk}", rates=settings.GUARDIAN_MAIL_RATES)
            services.request_guardian_consent(
                user=user,
                guardian_email=form.cleaned_data["guardian_email"] or "",
                site_url=request.build_absolute_uri("/"),
            )
            messages.success(request, _("We emailed your guardian a link to approve your account."))
        else:
            messages.success(request, _("Settings saved."))
    except Ratelimited:
        form.add_error(None, _(RATE_LIMITED_MESSAGE))
        return _settings(request, guardian_form=form, status=429)
    except DomainError as error:
        form.add_error(None, error.message)
        return _settings(request, guardian_form=form, status=400)
    return redirect("settings")


@login_required
@require_POST
def delete_account(request):
    form = DeleteAccountForm(request.POST, user=request.user)
    if not form.is_valid():
        return _settings(request, delete_form=form, status=400)
    services.delete_account(user=request.user)
    logout(request)
    messages.info(request, _("Your account and all its data have been deleted."))
    return redirect("home")


@never_cache
@require_http_methods(["GET", "POST"])
def consent_page(request, token: str):
    """The guardian's page, no sign-in: what RaiPlay is and keeps, then approve or decline."""
    learner: User | None = None
    try:
        if request.method == "POST":
            decide = DECISIONS.get(request.POST.get("decision", ""))
            if decide is None:
                return _consent(request, "invalid", status=400)
            learner, state = decide(token=token)
        else:
            learner = services.pending_consent(token=token)
            state = "already_approved" if learner.consent_status == ConsentStatus.GRANTED else "ask"
    except consent.BadLink as bad:
        return _consent(request, "expired" if bad.expired else "invalid", status=410 if bad.expired else 400)
    return _consent(request, state, learner=learner, status=409 if state == "decline_refused" else 200)


def _consent(request, state: str, *, learner=None, status: int = 200):
    context = {"state": state, "learner": learner, "days": settings.CONSENT_LINK_DAYS}
    return render(request, "accounts/consent.html", context, status=status)


@require_POST
def set_language(request):
    """The footer's language switcher: Django's cookie, and the learner's own choice once signed in."""
    response = i18n.set_language(request)
    code = request.POST.get("language", "")
    if request.user.is_authenticated and code in LANGUAGE_CODES and request.user.language != code:
        services.update_profile(user=request.user, language=code)
    return response
