"""The client address behind nginx: the hop a trusted proxy added, and only from a trusted proxy."""

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


@override_settings(TRUSTED_PROXIES=["10.0.0.0/8"])
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


@override_settings(TRUSTED_PROXIES=["10.0.0.0/8"])
@pytest.mark.parametrize("forwarded", ["", " , ", "203.0.113.7, not-an-address"])
def test_behind_the_proxy_a_missing_or_garbled_last_hop_keeps_the_peer(forwarded):
    assert seen_address(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded) == "10.0.0.2"


@override_settings(TRUSTED_PROXIES=[])
def test_without_a_proxy_the_header_is_ignored():
    assert seen_address(REMOTE_ADDR="198.51.100.4", HTTP_X_FORWARDED_FOR="203.0.113.7") == "198.51.100.4"


@override_settings(TRUSTED_PROXIES=["10.0.0.2"])
def test_a_request_straight_to_the_app_port_cannot_forge_its_address_or_https():
    request = RequestFactory().get(
        "/", REMOTE_ADDR="198.51.100.4", HTTP_X_FORWARDED_FOR="203.0.113.7", HTTP_X_FORWARDED_PROTO="https"
    )
    seen = {}

    def view(request):
        seen.update(ip=request.META["REMOTE_ADDR"], proto=request.META.get("HTTP_X_FORWARDED_PROTO"))
        return HttpResponse()

    ForwardedForMiddleware(view)(request)

    assert seen == {"ip": "198.51.100.4", "proto": None}


@override_settings(TRUSTED_PROXIES=["10.0.0.0/8"])
def test_hops_added_by_other_trusted_proxies_are_skipped():
    # load balancer 10.0.0.9 -> nginx 10.0.0.2 -> app: the client is the hop before them.
    assert seen_address(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7, 10.0.0.9") == (
        "203.0.113.7"
    )
