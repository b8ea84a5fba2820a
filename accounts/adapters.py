"""allauth hooks: sign-ups through the pages go through the same service as the API."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp
from django import forms
from django.http import Http404
from django.utils.translation import gettext as _

from .services import save_new_user


class AccountAdapter(DefaultAccountAdapter):
    def clean_username(self, username, shallow=False):
        # Sign-in takes a username or an email: a username must never look like an email.
        if "@" in username:
            raise forms.ValidationError(_("Use letters, digits and . + - _ only."))
        return super().clean_username(username, shallow=shallow)

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        data = getattr(form, "cleaned_data", {})
        user.birth_year = data.get("birth_year") or None
        user.guardian_email = data.get("guardian_email", "")
        if commit:
            save_new_user(user, site_url=request.build_absolute_uri("/"))
        return user


class ProviderNotConfigured(SocialApp.DoesNotExist, Http404):
    """No app for this provider (e.g. GOOGLE_CLIENT_ID unset): its pages are a 404, not a 500.

    Still a SocialApp.DoesNotExist, so allauth code that expects that keeps working.
    """


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def get_app(self, request, provider, client_id=None):
        try:
            return super().get_app(request, provider, client_id=client_id)
        except SocialApp.DoesNotExist as error:
            raise ProviderNotConfigured(f"Sign-in with {provider} is not configured.") from error
