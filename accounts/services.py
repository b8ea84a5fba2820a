"""Every write to a learner's account."""

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import update_last_login
from django.contrib.auth.password_validation import validate_password
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from core.errors import DomainError, NotAuthenticated

from . import selectors
from .models import User
from .signals import profile_updated

PROFILE_FIELDS = ("display_name", "avatar_url", "timezone", "show_on_leaderboard", "birth_year")
AVATAR_URL_MAX_LENGTH = User._meta.get_field("avatar_url").max_length


class AccountTaken(DomainError):
    default_message = _("A user with that username or email already exists.")


class InvalidCredentials(NotAuthenticated):
    default_message = _("Incorrect username or password.")


class AccountDisabled(NotAuthenticated):
    default_message = _("This account is disabled.")


def normalize_email(email: str) -> str:
    # allauth looks addresses up lowercased, so they are stored that way everywhere.
    return email.strip().lower()


def email_taken(email: str, *, exclude: User | None = None) -> bool:
    users = User.objects.annotate(email_ci=Lower("email")).filter(email_ci=email.strip().lower())
    if exclude is not None:
        users = users.exclude(pk=exclude.pk)
    return users.exists()


def username_taken(username: str) -> bool:
    return User.objects.filter(username__iexact=username).exists()


@transaction.atomic
def register_user(*, username: str, email: str, password: str | None, **profile) -> User:
    """Create a learner and announce it. Password rules are the caller's to validate first."""
    email = normalize_email(email)
    user = User(username=username, email=email, **profile)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    try:
        # The database has the last word on uniqueness: two sign-ups racing for one email.
        with transaction.atomic():
            user.save()
    except IntegrityError as error:
        raise AccountTaken() from error
    if email:
        # allauth's pages (password reset, email settings) work from this table.
        EmailAddress.objects.create(user=user, email=email, primary=True, verified=False)
    return user


@transaction.atomic
def save_new_user(user: User) -> User:
    """Store a learner built elsewhere (allauth's forms) and announce the sign-up."""
    user.save()
    return user


def check_password_strength(password: str, *, username: str = "", email: str = "") -> None:
    """Django's validators against an unsaved user, so similarity to the name counts."""
    validate_password(password, user=User(username=username, email=email))


def log_in(*, identifier: str, password: str) -> User:
    """The active learner these credentials name (username or email); stamps last_login."""
    user = selectors.find_for_login(identifier)
    if user is None:
        # Hash anyway, so the time taken does not tell whether the account exists.
        make_password(password)
        raise InvalidCredentials()
    if not user.check_password(password):
        raise InvalidCredentials()
    if not user.is_active:
        raise AccountDisabled()
    update_last_login(None, user)
    return user


@transaction.atomic
def update_profile(*, user: User, **changes) -> User:
    """Change the learner's own profile fields; progression counters are not reachable here."""
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise DomainError(_("These fields cannot be changed: %(fields)s."), fields=", ".join(sorted(unknown)))
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
    """Erase the learner and everything that hangs off them (cascades do the rest).

    Their refresh tokens are revoked first: the token records outlive the user row.
    """
    if user.show_on_leaderboard:
        # Leave the public boards the way the settings switch does, so what is kept outside
        # the database (Redis leaderboards) drops the learner once this commits.
        User.objects.filter(pk=user.pk).update(show_on_leaderboard=False)
        user.show_on_leaderboard = False
        profile_updated.send(sender=User, user=user, changed={"show_on_leaderboard"})
    live = OutstandingToken.objects.filter(user=user, blacklistedtoken__isnull=True)
    BlacklistedToken.objects.bulk_create([BlacklistedToken(token=token) for token in live], ignore_conflicts=True)
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
    email = normalize_email(identity.email)
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        picture = identity.picture if len(identity.picture) <= AVATAR_URL_MAX_LENGTH else ""
        user = register_user(
            username=_free_username(email),
            email=email,
            password=None,
            display_name=identity.name[:60],
            avatar_url=picture,
        )
    SocialAccount.objects.get_or_create(
        provider="google", uid=identity.sub, defaults={"user": user, "extra_data": {"email": email}}
    )
    # Google vouched for the address.
    address = EmailAddress.objects.filter(user=user, email__iexact=email).first()
    if address is None:
        has_primary = EmailAddress.objects.filter(user=user, primary=True).exists()
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=not has_primary)
    elif not address.verified:
        address.verified = True
        address.save(update_fields=["verified"])
    return user
