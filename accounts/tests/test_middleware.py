"""The client address behind nginx: the last X-Forwarded-For hop, and only behind the proxy."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from core.middleware import ForwardedForMiddleware


def seen_address(**meta) -> str:
    request = RequestFactory().get("/", **meta)
    seen = {}

    def view(request):
        seen["ip"] = request.META["REMOTE_ADDR"]
        return HttpResponse()

    ForwardedForMiddleware(view)(request)
    return seen["ip"]


@override_settings(BEHIND_PROXY=True)
@pytest.mark.parametrize(
    ("forwarded", "expected"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("6.6.6.6, 203.0.113.7", "203.0.113.7"),
        ("6.6.6.6,203.0.113.7 ", "203.0.113.7"),
        ("2001:db8::1", "2001:db8::1"),
    ],
)
def test_behind_the_proxy_the_last_hop_is_the_client(forwarded, expected):
    assert seen_address(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded) == expected


@override_settings(BEHIND_PROXY=True)
@pytest.mark.parametrize("forwarded", ["", " , ", "203.0.113.7, not-an-address"])
def test_behind_the_proxy_a_missing_or_garbled_last_hop_keeps_the_peer(forwarded):
    assert seen_address(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded) == "10.0.0.2"


@override_settings(BEHIND_PROXY=False)
def test_without_a_proxy_the_header_is_ignored():
    assert seen_address(REMOTE_ADDR="198.51.100.4", HTTP_X_FORWARDED_FOR="203.0.113.7") == "198.51.100.4"
