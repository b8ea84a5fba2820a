"""The main navigation, and its icons drawn inline (no request, no icon font, nothing for the CSP
to allow): 24 × 24 line icons in the current text colour; decorative (the label next to each names it).
"""

from django import template
from django.template.loader import get_template
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from core.fragments import CSRF_SLOT, kept, with_csrf
from raiplay.navigation import Navigation

register = template.Library()

# Each: the inside of an <svg viewBox="0 0 24 24">, stroked.
ICONS = {
    "home": '<path d="M3 10.5 12 3l9 7.5"/><path d="M5 9v11h5v-6h4v6h5V9"/>',
    "map": '<path d="M9 4 3 6v14l6-2 6 2 6-2V4l-6 2z"/><path d="M9 4v14M15 6v14"/>',
    "gamepad": (
        '<path d="M7 7h10a5 5 0 0 1 4.6 7l-.6 1.5a3 3 0 0 1-5 .8L14.5 15h-5L8 16.3a3 3 0 0 1-5-.8L2.4 14'
        'A5 5 0 0 1 7 7z"/>'
        '<path d="M8 10v3M6.5 11.5h3M15.5 11h.01M17.5 12.5h.01"/>'
    ),
    "play": '<rect x="3" y="5" width="18" height="14" rx="3"/><path d="m10 9 5 3-5 3z"/>',
    "bot": (
        '<rect x="4" y="8" width="16" height="11" rx="3"/><path d="M12 8V4M9 13h.01M15 13h.01M2 13v2M22 13v2"/>'
        '<circle cx="12" cy="3.5" r=".5"/>'
    ),
    "more": '<circle cx="5" cy="12" r="1.3"/><circle cx="12" cy="12" r="1.3"/><circle cx="19" cy="12" r="1.3"/>',
    "review": '<path d="M3 12a9 9 0 1 0 2.7-6.4L3 8"/><path d="M3 3v5h5"/><path d="M12 8v4l3 2"/>',
    "trophy": (
        '<path d="M8 4h8v5a4 4 0 0 1-8 0z"/><path d="M8 6H5a3 3 0 0 0 3 4M16 6h3a3 3 0 0 1-3 4"/>'
        '<path d="M12 13v4M8 21h8M9 17h6v4H9z"/>'
    ),
    "medal": (
        '<circle cx="12" cy="15" r="5.5"/><path d="M8.5 10.7 6 3h4l2 5 2-5h4l-2.5 7.7"/>'
        '<path d="m12 12.5.8 1.6 1.7.3-1.2 1.2.3 1.7-1.6-.8-1.6.8.3-1.7-1.2-1.2 1.7-.3z"/>'
    ),
    "bag": '<path d="M5 8h14l-1.2 12.1a1 1 0 0 1-1 .9H7.2a1 1 0 0 1-1-.9z"/><path d="M9 10V7a3 3 0 0 1 6 0v3"/>',
    "users": (
        '<circle cx="9" cy="8" r="3.5"/><path d="M2.5 20a6.5 6.5 0 0 1 13 0"/>'
        '<path d="M16 4.6a3.5 3.5 0 0 1 0 6.8M18 14.3a6.5 6.5 0 0 1 3.5 5.7"/>'
    ),
    "user": '<circle cx="12" cy="8" r="4"/><path d="M4 21a8 8 0 0 1 16 0"/>',
    "sliders": (
        '<path d="M4 6h9M17 6h3M4 12h3M11 12h9M4 18h11M19 18h1"/>'
        '<circle cx="15" cy="6" r="2"/><circle cx="9" cy="12" r="2"/><circle cx="17" cy="18" r="2"/>'
    ),
    "log-out": '<path d="M9 21H5a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2h4"/><path d="m16 17 5-5-5-5M21 12H9"/>',
    "log-in": '<path d="M15 3h4a2 2 0 0 1 2 2v14a2 2 0 0 1-2 2h-4"/><path d="m10 17 5-5-5-5M15 12H3"/>',
    "user-plus": '<circle cx="9" cy="8" r="4"/><path d="M2 21a7 7 0 0 1 14 0M19 8v6M16 11h6"/>',
}


@register.simple_tag
def nav_icon(name: str) -> SafeString:
    """One decorative icon: `{% nav_icon "home" %}`."""
    return format_html(
        '<svg class="icon" viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false" '
        'fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">{}</svg>',
        mark_safe(ICONS[name]),  # noqa: S308 - our own constant markup above, never input
    )


NAV_TEMPLATE = "_nav.html"
# The navigation's HTML by (language, signed in, current destination): a few dozen at most. It
# was half of every page's base template (`make bench`); only the log-out form's CSRF field is
# the request's own (core.fragments.with_csrf). Its own memo rather than `core.fragments.kept`:
# these three values decide it, and hashing the whole Navigation (lazy labels) cost 16 µs a page.
_rendered: dict[tuple[str | None, bool, str | None], str] = {}


@register.simple_tag(takes_context=True)
def main_nav(context) -> SafeString:
    nav: Navigation = context["nav"]
    key = (translation.get_language(), nav.signed_in, nav.current)
    html = _rendered.get(key)
    if html is None:
        html = _rendered[key] = get_template(NAV_TEMPLATE).render({"nav": nav, "csrf": CSRF_SLOT})
    return with_csrf(html, context) if nav.signed_in else mark_safe(html)  # noqa: S308 (escaped by the template)


@register.simple_tag(takes_context=True)
def language_form(context) -> SafeString:
    """The footer's language switch, back to this page after: kept per language and path."""
    return with_csrf(kept("_language_form.html", next=context["request"].get_full_path(), csrf=CSRF_SLOT), context)
