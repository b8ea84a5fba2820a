"""Small template fragments rendered once per process for each set of values they show.

`kept(template_name, **values)` renders the template from `values` alone: a plain context, with
no request, no user and no context processors. Its HTML is then a function of the template, the
values, the active language and the time zone, and is kept in a bounded memo keyed by exactly
those. A value that changes is a new key, never a stale fragment. Nothing of another learner
can be in a kept fragment, since nothing but the values reaches its template. Values must be
hashable: numbers, strings, tuples, NamedTuples.

This is for what pages show over and over with few distinct values: leaderboard rows, the XP
bar, the stats chip, today's quests. On the dashboard the template engine cost more than its
six queries (`make bench`).
"""

from functools import lru_cache

from django.template.loader import get_template
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

# About 1 KB each at most: a few MB per worker when full (the bench's idle RSS has the room).
KEPT = 4096

# Where a kept fragment's form takes the request's own CSRF field: `{{ csrf }}` in its template,
# this marker in the kept HTML, the field itself in `with_csrf`.
CSRF_SLOT = mark_safe("<!--csrf-->")


@lru_cache(maxsize=KEPT)
def _rendered(name: str, language: str | None, zone: str, values: tuple) -> SafeString:
    return mark_safe(get_template(name).render(dict(values)))  # noqa: S308 - escaped by the template


def kept(name: str, **values) -> SafeString:
    """The template `name` rendered from `values` only, once per process for each distinct key."""
    key = tuple(sorted(values.items()))
    return _rendered(name, translation.get_language(), timezone.get_current_timezone_name(), key)


def with_csrf(html: str, context) -> SafeString:
    """A kept fragment with the request's CSRF field in its `CSRF_SLOT` (as `{% csrf_token %}` writes it)."""
    token = context.get("csrf_token")
    field = (
        ""
        if not token or token == "NOTPROVIDED"
        else format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token)
    )
    return mark_safe(html.replace(CSRF_SLOT, field))  # noqa: S308 - the token is escaped by format_html


def forget() -> None:
    """Drop every kept fragment (tests; a deploy starts new processes anyway)."""
    _rendered.cache_clear()


def counts():
    """Hits and misses so far (`functools` cache info): what tests check."""
    return _rendered.cache_info()
