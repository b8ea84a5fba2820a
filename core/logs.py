"""Request logs: one line per request with a request id; JSON when LOG_FORMAT=json.

What a line holds is chosen here, not taken from the request: method, path (never the query
string, which may carry a token), status, duration, the learner's id and the client address.
No header, body, token, password or chat text is ever logged.
"""

import json
import logging
import re
import time
import uuid
from contextvars import ContextVar
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

if TYPE_CHECKING:
    from sentry_sdk.types import Event, Hint

request_id: ContextVar[str] = ContextVar("request_id", default="-")
logger = logging.getLogger("raiplay.request")

INCOMING_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")  # nginx's $request_id, a client's own trace id
# Parts of a URL that are secrets: an email confirmation's or a password reset's key, a
# guardian's consent link, a learner's reward code. The logged path has "…" in their place.
SECRET_PARTS = frozenset({"key", "token", "code"})


class RequestIdFilter(logging.Filter):
    """Stamps every record made while serving a request with that request's id."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for the log pipeline of production."""

    FIELDS = ("method", "path", "status", "duration_ms", "user_id", "client")

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        entry.update({name: getattr(record, name) for name in self.FIELDS if hasattr(record, name)})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


class RequestLogMiddleware:
    """First in the chain: gives the request its id (X-Request-ID both ways) and logs it once."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        rid = incoming if INCOMING_ID.match(incoming) else uuid.uuid4().hex
        token = request_id.set(rid)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = rid
            self._log(request, response.status_code, started)
            return response
        finally:
            request_id.reset(token)

    @staticmethod
    def _log(request, status: int, started: float) -> None:
        user = getattr(request, "user", None)
        fields = {
            "method": request.method,
            "path": loggable_path(request),
            "status": status,
            "duration_ms": round((time.monotonic() - started) * 1000, 1),
            "user_id": user.pk if user is not None and user.is_authenticated else None,
            "client": request.META.get("REMOTE_ADDR", ""),
        }
        level = logging.ERROR if status >= 500 else logging.INFO
        logger.log(
            level, "%s %s %s %sms", fields["method"], fields["path"], status, fields["duration_ms"], extra=fields
        )


def loggable_path(request) -> str:
    """The request's path with the secrets its route names (SECRET_PARTS) left out."""
    match = getattr(request, "resolver_match", None)
    return _without_secrets(request.path, match.kwargs if match is not None else {})


def _without_secrets(path: str, kwargs: dict) -> str:
    for name, value in kwargs.items():
        if name in SECRET_PARTS and isinstance(value, str) and value:
            path = path.replace(value, "…")
    return path


def scrub_sentry_event(event: "Event", hint: "Hint") -> "Event":
    """sentry-sdk's `before_send`: a crash report's URL without the secrets its route names, and
    without its query string (where an OAuth callback carries its code)."""
    from django.urls import Resolver404, resolve

    request = event.get("request")
    if isinstance(request, dict):
        request.pop("query_string", None)
        url = request.get("url")
        if isinstance(url, str):
            parts = urlsplit(url)
            try:
                kwargs = resolve(parts.path).kwargs
            except Resolver404:
                kwargs = {}
            request["url"] = urlunsplit(parts._replace(path=_without_secrets(parts.path, kwargs), query=""))
    return event
