"""Reads of learner accounts."""

from .models import User


def find_for_login(identifier: str) -> User | None:
    """The user a sign-in names: the username (exact, else in any case), or the email in any case."""
    identifier = identifier.strip()
    if not identifier:
        return None
    if "@" in identifier:
        # Sign-up refuses "@" in usernames, so this is an email; only an account made
        # another way (createsuperuser) could still have such a username.
        by_email = User.objects.filter(email__iexact=identifier).first()
        return by_email or User.objects.filter(username=identifier).first()
    user = User.objects.filter(username=identifier).first()
    if user is None:
        # Sign-up keeps usernames unique ignoring case; older rows might not be, so only a
        # single match counts.
        matches = list(User.objects.filter(username__iexact=identifier)[:2])
        user = matches[0] if len(matches) == 1 else None
    return user


def export_data(user: User) -> dict:
    """The account's part of the learner's data export."""
    return {
        "id": user.pk,
        "username": user.username,
        "email": user.email,
        "display_name": user.display_name,
        "avatar_url": user.avatar_url,
        "birth_year": user.birth_year,
        "timezone": user.timezone,
        "show_on_leaderboard": user.show_on_leaderboard,
        "date_joined": user.date_joined.isoformat(),
        "xp": user.xp,
        "coins": user.coins,
        "level": user.level,
        "streak_count": user.streak_count,
        "longest_streak": user.longest_streak,
        "last_active_date": user.last_active_date.isoformat() if user.last_active_date else None,
        "streak_freezes": user.streak_freezes,
    }
