"""Joining by code, limited against guessing: wrong codes are counted per learner."""

from django_ratelimit.core import get_usage
from django_ratelimit.exceptions import Ratelimited

from accounts.models import User

from . import services
from .models import Classroom

WRONG_CODES_RATE = "10/h"
GROUP = "classes.join.wrong-code"


def _key(_group, request) -> str:
    return f"user:{request.user.pk}"


def _wrong_codes(request, *, increment: bool) -> tuple[int, int]:
    usage = get_usage(request, group=GROUP, key=_key, rate=WRONG_CODES_RATE, increment=increment)
    if usage is None:
        return 0, 1
    return usage["count"], usage["limit"]


def join_by_code(request, *, code: str) -> tuple[Classroom, bool]:
    """Join with a code; after WRONG_CODES_RATE wrong codes every try is refused (-> 429).

    Only wrong codes count, so a learner who mistypes once and then joins is never slowed.
    The counters live in the default cache (Redis when configured), shared by every server.
    """
    django_request = getattr(request, "_request", request)
    count, limit = _wrong_codes(django_request, increment=False)
    if count >= limit:
        raise Ratelimited()
    user: User = django_request.user
    try:
        return services.join_classroom(user=user, code=code)
    except services.UnknownCode:
        _wrong_codes(django_request, increment=True)
        raise
