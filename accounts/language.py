"""The language of a request: `?lang=`, else the signed-in learner's choice, else the
language cookie, else `Accept-Language`, else English (DESIGN.md, "Languages").

Django's LocaleMiddleware already does the last three; this module adds the first two:
the middleware for pages (session sign-in), `JWTAuthentication` for the app's API calls,
whose user is known only once DRF has read the token.
"""

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt import authentication

from . import tokens

LANGUAGE_CODES = tuple(code for code, _name in settings.LANGUAGES)


def asked_for(request) -> str | None:
    """The supported language named by `?lang=`, if any (anything else is ignored)."""
    code = request.GET.get("lang", "")
    return code if code in LANGUAGE_CODES else None


def use(request, code: str) -> None:
    translation.activate(code)
    request.LANGUAGE_CODE = code


def use_learners_choice(request, user) -> None:
    """After sign-in: the learner's own language, unless this request asked for one."""
    if asked_for(request) is None and getattr(user, "language", "") in LANGUAGE_CODES:
        use(request, user.language)


class UserLanguageMiddleware:
    """After AuthenticationMiddleware (and Django's LocaleMiddleware, which it refines)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        code = asked_for(request)
        if code is not None:
            use(request, code)
        elif request.user.is_authenticated:
            use_learners_choice(request, request.user)
        return self.get_response(request)


class JWTAuthentication(authentication.JWTAuthentication):
    """simplejwt's, then the signed-in learner's language for the rest of the request."""

    def get_validated_token(self, raw_token):
        # A token seen before is not decoded again, only its expiry read (accounts.tokens).
        token = tokens.checked_access_token(raw_token)
        return token if token is not None else super().get_validated_token(raw_token)  # raises, with why

    def authenticate(self, request):
        found = super().authenticate(request)
        if found is not None:
            use_learners_choice(request, found[0])
        return found


class DeferredJWTAuthentication(authentication.JWTStatelessUserAuthentication, JWTAuthentication):
    """The token checked here, the learner's row left to the view, which reads it in a query it
    makes anyway (the leaderboard: with the page's names), saving a round trip per request.

    `request.user` is simplejwt's `TokenUser` (the id in the token, nothing confirmed): a view
    using this class must pass the row it read to `confirm`, which refuses a deleted or
    inactive learner as `JWTAuthentication` does, and then applies the learner's language.
    """

    # get_user is simplejwt's stateless one (the token's claims, no query).

    def authenticate(self, request):
        return authentication.JWTAuthentication.authenticate(self, request)  # no row yet: no language


def token_user_id(request) -> int | None:
    """The learner's id when `DeferredJWTAuthentication` signed the request in (their row unread)."""
    if not isinstance(request.successful_authenticator, DeferredJWTAuthentication):
        return None
    try:
        return int(request.user.id)
    except (TypeError, ValueError):
        raise AuthenticationFailed(_("Token contained no recognizable user identification")) from None


def confirm(request, user) -> None:
    """After `DeferredJWTAuthentication`: the row read for the token's id (None: no such learner)."""
    if user is None or not user.is_active:
        request.user = AnonymousUser()  # as DRF leaves a request whose credentials failed
        if user is None:
            raise AuthenticationFailed(_("User not found"), code="user_not_found")
        raise AuthenticationFailed(_("User is inactive"), code="user_inactive")
    use_learners_choice(request, user)


class JWTScheme(SimpleJWTScheme):
    """The OpenAPI document describes our subclass as simplejwt's own bearer scheme."""

    target_class = "accounts.language.JWTAuthentication"
