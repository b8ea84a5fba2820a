"""The one place where domain errors become HTTP answers, for the API and for pages."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_ratelimit.exceptions import Ratelimited
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.fields import get_error_detail
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from . import errors

RATE_LIMITED_MESSAGE = gettext_noop("Too many requests. Please wait a minute and try again.")

# Most specific first: a subclass of Conflict is a 409 even if it also names another kind.
STATUS_BY_KIND: dict[type[errors.DomainError], int] = {
    errors.NotAuthenticated: status.HTTP_401_UNAUTHORIZED,
    errors.Forbidden: status.HTTP_403_FORBIDDEN,
    errors.NotFound: status.HTTP_404_NOT_FOUND,
    errors.Conflict: status.HTTP_409_CONFLICT,
    errors.UpstreamFailed: status.HTTP_502_BAD_GATEWAY,
    errors.Unavailable: status.HTTP_503_SERVICE_UNAVAILABLE,
    errors.UpstreamTimeout: status.HTTP_504_GATEWAY_TIMEOUT,
}


def status_for(error: errors.DomainError) -> int:
    """The HTTP status of a domain error (400 for a plain broken rule)."""
    for kind in type(error).__mro__:
        if kind in STATUS_BY_KIND:
            return STATUS_BY_KIND[kind]
    return status.HTTP_400_BAD_REQUEST


def exception_handler(exc, context):
    if isinstance(exc, Ratelimited):
        return Response({"detail": _(RATE_LIMITED_MESSAGE)}, status=status.HTTP_429_TOO_MANY_REQUESTS)
    if isinstance(exc, errors.DomainError):
        code = status_for(exc)
        response = Response({"detail": exc.message}, status=code)
        view = context.get("view")
        if code == status.HTTP_401_UNAUTHORIZED and view is not None:
            # A 401 names the scheme to authenticate with, as DRF's own 401s do.
            header = view.get_authenticate_header(context["request"])
            if header:
                response["WWW-Authenticate"] = header
        return response
    if isinstance(exc, DjangoValidationError):
        # A model's own validation (full_clean in a service) is bad input too: 400, not 500.
        exc = ValidationError(detail=get_error_detail(exc))
    return drf_exception_handler(exc, context)


def ratelimited_page(request, exception):
    """django-ratelimit's view for pages (and any non-DRF JSON endpoint)."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _(RATE_LIMITED_MESSAGE)}, status=429)
    return render(request, "429.html", {"message": _(RATE_LIMITED_MESSAGE)}, status=429)
