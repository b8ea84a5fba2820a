from django.conf import settings

from . import navigation as nav


def site(request):
    """What every page needs: whether Google sign-in is configured."""
    return {"google_enabled": bool(settings.GOOGLE_CLIENT_ID)}


def navigation(request):
    """The main navigation with the current destination marked, from the request's path (no query)."""
    user = getattr(request, "user", None)
    signed_in = bool(user is not None and user.is_authenticated)
    return {"nav": nav.for_request(path=request.path, signed_in=signed_in)}
