"""Domain errors: what went wrong, in the learner's words, and nothing about HTTP.

Services raise these by meaning (not found, conflict, …); `core.handlers` alone decides
how the API and the pages answer each kind. Messages are lazy translations, so they come
out in the language of the request that sees them.
"""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A rule of the product was broken by the request (the API answers 400).

    `params` fill the message's `%(name)s` placeholders when it is shown, after translation.
    """

    default_message: str | Promise = _("This action is not allowed.")
    default_params: dict[str, object] = {}

    def __init__(self, message: str | Promise | None = None, **params: object):
        self._message = message or self.default_message
        self.params = {**self.default_params, **params}
        super().__init__(self._message)

    @property
    def message(self) -> str:
        """The message in the active language."""
        text = str(self._message)
        return text % self.params if self.params else text

    def __str__(self) -> str:
        return self.message


class NotAuthenticated(DomainError):
    """The caller is not who they claim, or may not sign in."""


class Forbidden(DomainError):
    """The caller may not do this (yet)."""


class NotFound(DomainError):
    """The thing named does not exist for this caller."""


class Conflict(DomainError):
    """The request is valid but the current state refuses it (balance, stock, already done)."""


class Unavailable(DomainError):
    """A service we depend on is not configured or not reachable."""


class UpstreamFailed(DomainError):
    """A service we called answered with an error."""


class UpstreamTimeout(DomainError):
    """A service we called did not answer in time."""


def first_message(errors) -> str:
    """The first error sentence of a serializer's errors, for clients that show only `detail` (the old app)."""
    if isinstance(errors, dict):
        for value in errors.values():
            return first_message(value)
    if isinstance(errors, list) and errors:
        return first_message(errors[0])
    return str(errors)
