"""Verify Google Sign-In ID tokens sent by the mobile app (signature, audience, expiry)."""

from dataclasses import dataclass
from functools import lru_cache

import jwt
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.errors import NotAuthenticated, Unavailable

GOOGLE_ISSUERS = ("accounts.google.com", "https://accounts.google.com")


class GoogleNotConfigured(Unavailable):
    default_message = _("Google sign-in is not configured on this server.")


class GoogleUnavailable(Unavailable):
    default_message = _("Google's signing keys could not be fetched. Please try again.")


class InvalidGoogleToken(NotAuthenticated):
    default_message = _("The Google token is not valid.")


@dataclass(frozen=True)
class GoogleIdentity:
    sub: str
    email: str
    name: str
    picture: str


@lru_cache(maxsize=4)
def _jwks_client(url: str) -> jwt.PyJWKClient:
    # One client per URL keeps Google's keys cached between requests (5 minutes).
    return jwt.PyJWKClient(url, cache_keys=True, lifespan=300, timeout=5)


def verify_id_token(token: str) -> GoogleIdentity:
    """Check the token came from Google, for us, is current, and names a verified email."""
    if not settings.GOOGLE_CLIENT_ID:
        raise GoogleNotConfigured()
    try:
        signing_key = _jwks_client(settings.GOOGLE_CERTS_URL).get_signing_key_from_jwt(token)
    except jwt.PyJWKClientConnectionError as error:
        raise GoogleUnavailable() from error
    except (jwt.PyJWKClientError, jwt.DecodeError) as error:
        raise InvalidGoogleToken(_("The Google token is not valid: %(reason)s"), reason=str(error)) from error
    try:
        claims = jwt.decode(
            token,
            signing_key.key,
            algorithms=["RS256"],
            audience=settings.GOOGLE_CLIENT_ID,
            issuer=GOOGLE_ISSUERS,
            options={"require": ["exp", "iat", "aud", "iss", "sub"]},
        )
    except jwt.ExpiredSignatureError as error:
        raise InvalidGoogleToken(_("The Google token has expired.")) from error
    except jwt.InvalidAudienceError as error:
        raise InvalidGoogleToken(_("The Google token was issued for another app.")) from error
    except jwt.InvalidTokenError as error:
        raise InvalidGoogleToken(_("The Google token is not valid: %(reason)s"), reason=str(error)) from error
    if not claims.get("email") or claims.get("email_verified") not in (True, "true"):
        raise InvalidGoogleToken(_("The Google account has no verified email."))
    return GoogleIdentity(
        sub=str(claims["sub"]),
        email=claims["email"],
        name=claims.get("name", ""),
        picture=claims.get("picture", ""),
    )
