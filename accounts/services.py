"""Every write to a learner's account."""

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth.password_validation import validate_password
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower

from raiplay.exceptions import DomainError

from .models import User
from .signals import profile_updated, user_registered

PROFILE_FIELDS = ("display_name", "avatar_url", "timezone", "show_on_leaderboard", "birth_year")


class AccountTaken(DomainError):
    default_message = "A user with that username or email already exists."


def email_taken(email: str, *, exclude: User | None = None) -> bool:
    users = User.objects.annotate(email_ci=Lower("email")).filter(email_ci=email.lower())
    if exclude is not None:
        users = users.exclude(pk=exclude.pk)
    return users.exists()


def username_taken(username: str) -> bool:
    return User.objects.filter(username__iexact=username).exists()


@transaction.atomic
def register_user(*, username: str, email: str, password: str | None, **profile) -> User:
    """Create a learner and announce it. Password rules are the caller's to validate first."""
    user = User(username=username, email=email, **profile)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    try:
        # The database has the last word on uniqueness: two sign-ups racing for one email.
        with transaction.atomic():
            save_new_user(user)
    except IntegrityError as error:
        raise AccountTaken() from error
    return user


@transaction.atomic
def save_new_user(user: User) -> User:
    """Store a learner built elsewhere (allauth's forms) and announce the sign-up."""
    user.save()
    user_registered.send(sender=User, user=user)
    return user


def check_password_strength(password: str, *, username: str = "", email: str = "") -> None:
    """Django's validators against an unsaved user, so similarity to the name counts."""
    validate_password(password, user=User(username=username, email=email))


@transaction.atomic
def update_profile(*, user: User, **changes) -> User:
    """Change the learner's own profile fields; progression counters are not reachable here."""
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise DomainError(f"These fields cannot be changed: {', '.join(sorted(unknown))}.")
    changed = {name for name, value in changes.items() if getattr(user, name) != value}
    for name, value in changes.items():
        setattr(user, name, value)
    user.full_clean(exclude=["password", "username", "email"])
    user.save(update_fields=list(changes))
    if changed:
        profile_updated.send(sender=User, user=user, changed=changed)
    return user


@transaction.atomic
def delete_account(*, user: User) -> None:
    """Erase the learner and everything that hangs off them (cascades do the rest)."""
    User.objects.filter(pk=user.pk).delete()


def _free_username(email: str) -> str:
    base = "".join(ch for ch in email.split("@")[0] if ch.isalnum() or ch in "._-")[:24] or "learner"
    candidate, n = base, 1
    while username_taken(candidate):
        n += 1
        candidate = f"{base}{n}"
    return candidate


@transaction.atomic
def sign_in_with_google(*, identity) -> User:
    """The learner a verified Google identity belongs to: linked, matched by email, or new."""
    account = SocialAccount.objects.select_related("user").filter(provider="google", uid=identity.sub).first()
    if account is not None:
        return account.user
    user = User.objects.filter(email__iexact=identity.email).first()
    if user is None:
        user = register_user(
            username=_free_username(identity.email),
            email=identity.email,
            password=None,
            display_name=identity.name[:60],
            avatar_url=identity.picture,
        )
    SocialAccount.objects.get_or_create(
        provider="google", uid=identity.sub, defaults={"user": user, "extra_data": {"email": identity.email}}
    )
    EmailAddress.objects.update_or_create(user=user, email=identity.email, defaults={"verified": True, "primary": True})
    return user
