"""Reads of learner accounts."""

from dataclasses import dataclass
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.db.models import Exists, OuterRef

from core.prepared import Prepared

from .models import User

TEACHERS = "Teachers"  # the group of teachers (made by a classrooms migration)


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


def login_limit_key(identifier: str) -> str:
    """The per-account rate-limit key of a sign-in: the account it names, else the text itself.

    One account named by its username and by its email shares one counter.
    """
    user = find_for_login(identifier)
    return f"account:user:{user.pk}" if user is not None else f"account:name:{identifier.strip().lower()}"


def email_verified(user: User, *, email: str | None = None) -> bool:
    """Whether the learner proved they own their address (or `email`, one of theirs)."""
    address = (email or user.email).strip()
    return bool(address) and EmailAddress.objects.filter(user=user, email__iexact=address, verified=True).exists()


def is_teacher(user) -> bool:
    """Whether the user may run classes: a member of the `Teachers` group."""
    return user.is_authenticated and user.groups.filter(name=TEACHERS).exists()


@dataclass(frozen=True)
class AccountFlags:
    email_verified: bool
    is_teacher: bool


# Both flags in one query, built and compiled once (users/me asks on every call): the address
# compared is the row's own, so the learner's id is the only value that varies.
_flags_of: Prepared[Any] = Prepared(
    lambda pk: (
        User.objects.filter(pk=pk)
        .only("pk")
        .annotate(
            verified=Exists(
                EmailAddress.objects.filter(user=OuterRef("pk"), email__iexact=OuterRef("email"), verified=True)
            ),
            teacher=Exists(Group.objects.filter(user=OuterRef("pk"), name=TEACHERS)),
        )
    ),
    int,
)


def account_flags(user: User) -> AccountFlags:
    """`email_verified` and `is_teacher` together, in one query (users/me shows both).

    Kept on the instance: a profile serialized twice in one request asks once.
    """
    cached = getattr(user, "_account_flags", None)
    if cached is not None:
        return cached
    row = _flags_of.first(user.pk)
    flags = AccountFlags(email_verified=bool(row and row.verified), is_teacher=bool(row and row.teacher))
    user._account_flags = flags  # type: ignore[attr-defined]
    return flags


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
        "guardian_consent": {
            "status": user.consent_status,
            "guardian_email": user.guardian_email,
            "requested_at": user.consent_requested_at.isoformat() if user.consent_requested_at else None,
            "given_at": user.consent_at.isoformat() if user.consent_at else None,
        },
    }
