import ipaddress

from django.conf import settings


class ForwardedForMiddleware:
    """Behind nginx, take the client address nginx saw (the last X-Forwarded-For hop).

    Earlier hops are whatever the client claimed, so they never count; without a proxy
    the header is ignored entirely and REMOTE_ADDR stays the socket peer. Rate limits
    (ours and allauth's) and logs read REMOTE_ADDR.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.BEHIND_PROXY:
            hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
            if hops and _is_ip(hops[-1]):
                request.META["REMOTE_ADDR"] = hops[-1]
        return self.get_response(request)


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True
