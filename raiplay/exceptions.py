"""One place where domain errors become HTTP answers."""

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

RATE_LIMITED_MESSAGE = gettext_noop("Too many requests. Please wait a minute and try again.")


class DomainError(Exception):
    """A rule of the product was broken; `http_status` says how the API answers."""

    http_status = status.HTTP_400_BAD_REQUEST
    default_message = "This action is not allowed."

    def __init__(self, message: str | None = None):
        self.message = message or self.default_message
        super().__init__(self.message)


def exception_handler(exc, context):
    if isinstance(exc, Ratelimited):
        return Response({"detail": _(RATE_LIMITED_MESSAGE)}, status=status.HTTP_429_TOO_MANY_REQUESTS)
    if isinstance(exc, DomainError):
        response = Response({"detail": exc.message}, status=exc.http_status)
        view = context.get("view")
        if exc.http_status == status.HTTP_401_UNAUTHORIZED and view is not None:
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
