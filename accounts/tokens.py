from functools import lru_cache

from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import RefreshToken, Token
from rest_framework_simplejwt.utils import aware_utcnow

from .models import User


def token_pair(user: User) -> dict:
    """The token response both the app and the old mobile client read."""
    refresh = RefreshToken.for_user(user)
    return {"access_token": str(refresh.access_token), "refresh_token": str(refresh), "token_type": "bearer"}


@lru_cache(maxsize=2048)  # about the learners one worker serves within a token's 15 minutes
def _decoded(raw_token: bytes) -> Token:
    """The access token a header's bytes hold, checked once: signature, claims, type.

    Raises TokenError for anything else, which is not kept: junk sent on purpose cannot push
    the real tokens out.
    """
    for token_class in api_settings.AUTH_TOKEN_CLASSES:
        try:
            return token_class(raw_token)
        except TokenError:
            continue
    raise TokenError("Not an access token.")


def checked_access_token(raw_token: bytes) -> Token | None:
    """The valid access token in `raw_token`, or None (the caller reports why, as simplejwt does).

    A learner's app sends the same token with every request for its 15 minutes. Its signature and
    claims cannot change, so they are checked once per worker; only the expiry is checked again
    on every request. Tokens are never revoked before they expire (logging out blacklists the
    refresh token), so nothing else about them can change.
    """
    try:
        token = _decoded(raw_token)
        token.check_exp(current_time=aware_utcnow())
    except TokenError:
        return None
    return token
