from django.conf import settings


def site(request):
    """What every page needs: whether Google sign-in is configured."""
    return {"google_enabled": bool(settings.GOOGLE_CLIENT_ID)}
