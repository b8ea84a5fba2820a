"""core.fragments: a kept fragment is rendered once per values, language and time zone, from its values alone."""

import pytest
from django.test import override_settings
from django.utils import timezone, translation

from core import fragments


@pytest.fixture(autouse=True)
def fresh():
    fragments.forget()
    yield
    fragments.forget()


def test_the_same_values_are_rendered_once_and_new_values_are_a_new_render():
    first = fragments.kept("_stats_chip.html", level=3, streak=2, coins=40)
    assert fragments.kept("_stats_chip.html", coins=40, streak=2, level=3) == first  # order does not matter
    assert (fragments.counts().hits, fragments.counts().misses) == (1, 1)
    assert "⭐ 3" in first and "🔥 2" in first and "🪙 40" in first

    richer = fragments.kept("_stats_chip.html", level=3, streak=2, coins=41)
    assert "🪙 41" in richer and "🪙 40" not in richer
    assert fragments.counts().misses == 2


def test_each_language_and_time_zone_is_its_own_render():
    english = fragments.kept("_stats_chip.html", level=3, streak=1, coins=5)
    with translation.override("sq"):
        albanian = fragments.kept("_stats_chip.html", level=3, streak=1, coins=5)
    assert "Your profile. Level 3, streak: 1 day, coins: 5" in english
    assert "Profili yt. Niveli 3, seria: 1 ditë, monedha: 5" in albanian
    with timezone.override("Asia/Tokyo"):
        fragments.kept("_stats_chip.html", level=3, streak=1, coins=5)
    assert fragments.counts().misses == 3


def test_a_fragment_sees_its_values_and_nothing_of_the_page(tmp_path):
    (tmp_path / "peek.html").write_text("[{{ shown }}|{{ user.username }}|{{ request.path }}|{{ secret }}]")
    engine = {"BACKEND": "django.template.backends.django.DjangoTemplates", "DIRS": [tmp_path]}
    with override_settings(TEMPLATES=[engine]):
        html = fragments.kept("peek.html", shown="<b>")
    assert html == "[&lt;b&gt;|||]"  # escaped, and no user, request or other value reached it


def test_with_csrf_puts_each_requests_own_field_in_the_slot():
    html = f"<form>{fragments.CSRF_SLOT}</form>"
    assert fragments.with_csrf(html, {"csrf_token": 'a"b'}) == (
        '<form><input type="hidden" name="csrfmiddlewaretoken" value="a&quot;b"></form>'
    )
    assert fragments.with_csrf(html, {"csrf_token": "NOTPROVIDED"}) == "<form></form>"
    assert fragments.with_csrf(html, {}) == "<form></form>"
