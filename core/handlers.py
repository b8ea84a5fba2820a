"""The one place where domain errors become HTTP answers, for the API and for pages."""

import logging
import sys

from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_ratelimit.exceptions import Ratelimited
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.fields import get_error_detail
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from . import errors

logger = logging.getLogger(__name__)

RATE_LIMITED_MESSAGE = gettext_noop("Too many requests. Please wait a minute and try again.")
TOO_BIG_MESSAGE = gettext_noop("The request body is too large (1 MB at most).")
UNAVAILABLE_MESSAGE = gettext_noop("RaiPlay is unavailable for a moment. Please try again in a few seconds.")
RETRY_AFTER = "2"  # seconds: a database restart or failover is over in a few
# The database cannot be reached (down, restarting, a dropped connection): a 503 to retry,
# not a crash. Whatever the request did was rolled back, or its Idempotency-Key tells.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)

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
    if isinstance(exc, RequestDataTooBig):
        return Response({"detail": _(TOO_BIG_MESSAGE)}, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    if isinstance(exc, DATABASE_UNAVAILABLE):
        logger.warning("Database unavailable: %s", str(exc).strip().splitlines()[0] if str(exc).strip() else exc)
        response = Response({"detail": _(UNAVAILABLE_MESSAGE)}, status=status.HTTP_503_SERVICE_UNAVAILABLE)
        response["Retry-After"] = RETRY_AFTER
        return response
    if isinstance(exc, DataError):
        # A value the database cannot hold (a text past its column) is the client's input, not our crash.
        logger.warning("Refused input the database cannot store: %s", exc.__class__.__name__)
        return Response({"detail": _("A value in the request is too long or malformed.")}, status=400)
    return drf_exception_handler(exc, context)


# ---- Django's error views: JSON under /api/, branded pages elsewhere --------------------------

ERROR_DETAILS = {
    400: gettext_noop("Bad request."),
    403: gettext_noop("You do not have permission to do this."),
    404: gettext_noop("Not found."),
    413: TOO_BIG_MESSAGE,
    500: gettext_noop("Something went wrong on our side. Please try again in a moment."),
}


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def error_response(request: HttpRequest, code: int, detail: str | None = None):
    """One error for a client: `{"detail"}` JSON for the API, the branded page for a person."""
    message = detail or _(ERROR_DETAILS[code])
    if is_api(request):
        return JsonResponse({"detail": message}, status=code)
    return render(request, f"{code if code in (400, 403, 404) else 400}.html", {"message": message}, status=code)


def bad_request(request, exception=None):
    return error_response(request, 400)


def permission_denied(request, exception=None):
    return error_response(request, 403)


def page_not_found(request, exception=None):
    return error_response(request, 404)


def server_error(request):
    if isinstance(sys.exc_info()[1], DATABASE_UNAVAILABLE):
        return unavailable(request)
    if is_api(request):
        return JsonResponse({"detail": _(ERROR_DETAILS[500])}, status=500)
    # No request context (no user, no database): the page must render whatever failed.
    return HttpResponseServerError(loader.get_template("500.html").render({}))


def unavailable(request) -> HttpResponse:
    """503 while the database cannot be reached, rendered without it (no request context)."""
    response: HttpResponse
    if is_api(request):
        response = JsonResponse({"detail": _(UNAVAILABLE_MESSAGE)}, status=503)
    else:
        response = HttpResponse(loader.get_template("503.html").render({}), status=503)
    response["Retry-After"] = RETRY_AFTER
    return response


def ratelimited_page(request, exception):
    """django-ratelimit's view for pages (and any non-DRF JSON endpoint)."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _(RATE_LIMITED_MESSAGE)}, status=429)
    return render(request, "429.html", {"message": _(RATE_LIMITED_MESSAGE)}, status=429)
