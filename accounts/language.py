"""The language of a request: `?lang=`, else the signed-in learner's choice, else the
language cookie, else `Accept-Language`, else English (DESIGN.md, "Languages").

Django's LocaleMiddleware already does the last three; this module adds the first two:
the middleware for pages (session sign-in), `JWTAuthentication` for the app's API calls,
whose user is known only once DRF has read the token.
"""

from django.conf import settings
from django.utils import translation
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from rest_framework_simplejwt import authentication

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

    def authenticate(self, request):
        found = super().authenticate(request)
        if found is not None:
            use_learners_choice(request, found[0])
        return found


class JWTScheme(SimpleJWTScheme):
    """The OpenAPI document describes our subclass as simplejwt's own bearer scheme."""

    target_class = "accounts.language.JWTAuthentication"
