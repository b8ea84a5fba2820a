"""Thin wrapper over django-ratelimit for views that pick their keys at run time."""

from django_ratelimit.core import is_ratelimited
from django_ratelimit.exceptions import Ratelimited


def enforce(request, *, group: str, key, rates: list[str]) -> None:
    """Count this request against every rate; raise Ratelimited (-> 429) when one is spent.

    `key` is a django-ratelimit key ("ip", "user") or a value computed by the caller,
    such as the account a login names.
    """
    django_request = getattr(request, "_request", request)
    key_fn = key if key in ("ip", "user", "user_or_ip") else (lambda _group, _request: key)
    for rate in rates:
        if is_ratelimited(django_request, group=f"{group}:{rate}", key=key_fn, rate=rate, increment=True):
            raise Ratelimited()
