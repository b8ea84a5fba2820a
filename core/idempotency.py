"""`Idempotency-Key` for API writes that move XP, coins or stock.

A client that sends the same key again (a retry after a lost answer, a double tap) gets the
first answer again — status and body — and nothing happens twice. The key's row is inserted
in the same transaction as the work: a second request with the key waits on the row's
unique index until the first commits, then replays its answer (PostgreSQL); a first request
that crashed (5xx) or was rate-limited (429) stores nothing, so its retry does the work. Keys live 24 hours, in the
database rather than the cache, so they survive a Redis outage.
"""

import functools
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework.request import Request
from rest_framework.response import Response

from .errors import Conflict, DomainError
from .handlers import exception_handler
from .models import IdempotencyKey
from .renderers import JSONRenderer

HEADER = "Idempotency-Key"
MAX_LENGTH = 64
LIFETIME = timedelta(hours=24)


class InvalidKey(DomainError):
    default_message = _("An Idempotency-Key is 1 to 64 characters.")


class KeyReused(Conflict):
    default_message = _("This Idempotency-Key was already used for another request.")


def idempotent(view):
    """Decorate a DRF handler (function view or viewset action) of an authenticated write."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        request = next(arg for arg in args if isinstance(arg, Request))
        raw = request.headers.get(HEADER)
        user_id = request.user.pk
        if raw is None or user_id is None:
            return view(*args, **kwargs)  # no key, or nobody signed in (the view refuses those)
        key = raw.strip()
        if not key or len(key) > MAX_LENGTH:
            raise InvalidKey()
        endpoint = f"{request.method} {request.path}"[:255]
        with transaction.atomic():
            IdempotencyKey.objects.filter(user_id=user_id, key=key, created_at__lt=timezone.now() - LIFETIME).delete()
            try:
                # Claim the key before the work; a racing twin blocks on this insert until we commit.
                with transaction.atomic():
                    claim = IdempotencyKey.objects.create(user_id=user_id, key=key, endpoint=endpoint, status_code=0)
            except IntegrityError:
                return _replay(IdempotencyKey.objects.get(user_id=user_id, key=key), endpoint)
            return _first(view, args, kwargs, request=request, claim=claim)

    return wrapper


def _first(view, args, kwargs, *, request, claim: IdempotencyKey) -> Response:
    try:
        with transaction.atomic():
            response = view(*args, **kwargs)
    except Exception as error:
        response = exception_handler(error, {"request": request, "view": None})
        if response is None:
            raise  # a crash: the claim rolls back with everything else, and a retry does the work
    if response.status_code >= 500 or response.status_code == 429:
        # Not an outcome, a "try again": keep no answer, so the retry does the work.
        transaction.set_rollback(True)
        return response
    claim.status_code = response.status_code
    claim.body = JSONRenderer().render(response.data).decode() if response.data is not None else ""
    claim.save(update_fields=["status_code", "body"])
    return response


def _replay(stored: IdempotencyKey, endpoint: str) -> HttpResponse:
    if stored.endpoint != endpoint:
        raise KeyReused()
    response = HttpResponse(stored.body, status=stored.status_code, content_type="application/json")
    response["Idempotent-Replayed"] = "true"
    return response


def purge_expired() -> int:
    """Drop keys past their lifetime (run by the scheduler); returns how many."""
    deleted, _rows = IdempotencyKey.objects.filter(created_at__lt=timezone.now() - LIFETIME).delete()
    return deleted


# For the views' @extend_schema(parameters=[...]): how clients learn the header exists.
KEY_PARAMETER = OpenApiParameter(
    HEADER,
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="Any string of up to 64 characters. Retrying with the same key within 24 hours returns the "
    "first answer again (status and body) and does the work once.",
)
