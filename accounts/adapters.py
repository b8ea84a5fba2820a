"""allauth hooks: sign-ups through the pages go through the same service as the API."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.db import transaction

from .models import User
from .services import save_new_user
from .signals import user_registered


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        if commit:
            save_new_user(user)
        return user


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def save_user(self, request, sociallogin, form=None):
        # allauth saves the user and its social account together; announce it in the same transaction.
        with transaction.atomic():
            user = super().save_user(request, sociallogin, form)
            user_registered.send(sender=User, user=user)
        return user
