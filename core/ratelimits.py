"""Thin wrapper over django-ratelimit for views that pick their keys at run time."""

from django_ratelimit.core import is_ratelimited
from django_ratelimit.exceptions import Ratelimited

NAMED_KEYS = ("ip", "user", "user_or_ip")


def enforce(request, *, group: str, key, rates: list[str]) -> None:
    """Count this request against every rate; raise Ratelimited (-> 429) when one is spent.

    `key` is a django-ratelimit key ("ip", "user", "user_or_ip"), a callable
    `(group, request) -> str`, or a value computed by the caller, such as the account a
    login names. Prefix computed values ("account:ana") so one can never read as a named key.
    The counters live in the default cache (Redis when configured), so every app server
    shares them.
    """
    django_request = getattr(request, "_request", request)
    if key in NAMED_KEYS or callable(key):
        key_fn = key
    else:
        value = str(key)

        def key_fn(_group, _request):
            return value

    for rate in rates:
        if is_ratelimited(django_request, group=f"{group}:{rate}", key=key_fn, rate=rate, increment=True):
            raise Ratelimited()
