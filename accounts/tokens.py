from rest_framework_simplejwt.tokens import RefreshToken

from .models import User


def token_pair(user: User) -> dict:
    """The token response both the app and the old mobile client read."""
    refresh = RefreshToken.for_user(user)
    return {"access_token": str(refresh.access_token), "refresh_token": str(refresh), "token_type": "bearer"}
