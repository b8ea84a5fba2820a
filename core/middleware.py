import ipaddress

from django.conf import settings
from django.utils.translation import gettext as _


class ForwardedForMiddleware:
    """The client address: the hop a trusted proxy added to X-Forwarded-For.

    Only a request whose socket peer is one of DJANGO_TRUSTED_PROXIES (nginx) has its
    forwarding headers believed; the client is then the right-most X-Forwarded-For hop that
    is not itself a trusted proxy (everything left of it is whatever the client claimed).
    A request that reaches the app port directly keeps its socket address, and its
    X-Forwarded-* headers are dropped, so nobody can forge an address (rate limits, logs)
    or claim https. Runs first: Django's SecurityMiddleware reads X-Forwarded-Proto.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        meta = request.META
        proxies = trusted_proxies()
        if proxies and _in(meta.get("REMOTE_ADDR", ""), proxies):
            hops = [h.strip() for h in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
            for hop in reversed(hops):
                if not _is_ip(hop):
                    break  # garbled: keep the proxy's own address rather than guess
                if not _in(hop, proxies):
                    meta["REMOTE_ADDR"] = hop
                    break
        else:
            for header in ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST"):
                meta.pop(header, None)
        return self.get_response(request)


def trusted_proxies() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(entry, strict=False) for entry in settings.TRUSTED_PROXIES]


def _in(address: str, networks) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


class RequestHygieneMiddleware:
    """Refuse what no page or endpoint can use before any view sees it.

    A NUL character in the path or the query string (PostgreSQL cannot store or compare
    one: a 500 otherwise), and an API body over the limit (413 without reading it).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from .handlers import TOO_BIG_MESSAGE, error_response
        from .parsers import has_nul_field

        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", "") or has_nul_field(request.GET):
            return error_response(request, 400, _("Text may not contain NUL characters."))
        length = request.META.get("CONTENT_LENGTH") or "0"
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if request.path.startswith("/api/") and length.isdigit() and limit and int(length) > limit:
            return error_response(request, 413, _(TOO_BIG_MESSAGE))
        return self.get_response(request)


class PrivateApiNoStoreMiddleware:
    """`Cache-Control: no-store` on API answers for a signed-in caller: no proxy or shared
    device keeps a learner's data. Public answers (health, schema, anonymous reads) may be cached."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith("/api/") and _private(request):
            response["Cache-Control"] = "no-store"
        return response


def _private(request) -> bool:
    if "HTTP_AUTHORIZATION" in request.META:
        return True
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)
