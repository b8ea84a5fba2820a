"""Every write to a learner's account."""

from typing import cast

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import update_last_login
from django.contrib.auth.password_validation import validate_password
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Lower
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken

from core.errors import Conflict, DomainError, NotAuthenticated

from . import consent, selectors
from .models import ConsentStatus, User
from .signals import profile_updated
from .tokens import token_pair

PROFILE_FIELDS = ("display_name", "avatar_url", "timezone", "show_on_leaderboard", "birth_year", "language")
AVATAR_URL_MAX_LENGTH = cast(int, User._meta.get_field("avatar_url").max_length)  # a URLField always has one


class AccountTaken(DomainError):
    default_message = _("A user with that username or email already exists.")


class InvalidCredentials(NotAuthenticated):
    default_message = _("Incorrect username or password.")


class AccountDisabled(NotAuthenticated):
    default_message = _("This account is disabled.")


class InvalidRefreshToken(NotAuthenticated):
    default_message = _("The refresh token is invalid, expired or revoked.")


class BirthYearFixed(DomainError):
    default_message = _("Your birth year is already set. Ask your teacher or write to us if it is wrong.")


class GoogleEmailUnverified(Conflict):
    default_message = _(
        "An account with this email already exists. Sign in with your password, then connect Google in settings."
    )


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
def register_user(
    *,
    username: str,
    email: str,
    password: str | None,
    birth_year: int | None = None,
    guardian_email: str = "",
    site_url: str | None = None,
    confirm_email: bool = True,
    **profile,
) -> User:
    """Create a learner; after commit, mail the confirmation link and, for a minor, the guardian.

    Password rules are the caller's to validate first; the age and guardian rules are checked here.
    """
    email = normalize_email(email)
    if birth_year is not None:
        consent.check_birth_year(birth_year)
    guardian_email = consent.check_guardian(birth_year=birth_year, guardian_email=guardian_email, learner_email=email)
    user = User(
        username=username,
        email=email,
        birth_year=birth_year,
        guardian_email=guardian_email,
        consent_status=consent.status_for(birth_year),
        **profile,
    )
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
        address = EmailAddress.objects.create(user=user, email=email, primary=True, verified=False)
        if confirm_email:
            transaction.on_commit(lambda: address.send_confirmation(signup=True))
    if user.consent_pending:
        _mail_guardian_after_commit(user, site_url=site_url)
    return user


@transaction.atomic
def save_new_user(user: User, *, site_url: str | None = None) -> User:
    """Store a learner built elsewhere (allauth's sign-up form, which sends its own confirmation)."""
    if user.birth_year is not None:
        consent.check_birth_year(user.birth_year)
    user.guardian_email = consent.check_guardian(
        birth_year=user.birth_year, guardian_email=user.guardian_email, learner_email=user.email
    )
    user.consent_status = consent.status_for(user.birth_year)
    user.save()
    if user.consent_pending:
        _mail_guardian_after_commit(user, site_url=site_url)
    return user


def _mail_guardian_after_commit(user: User, *, site_url: str | None) -> None:
    """Send the consent mail once the account exists for real; stamp when it was asked."""
    User.objects.filter(pk=user.pk).update(consent_requested_at=timezone.now())
    url = site_url or f"http://{settings.SITE_DOMAIN}"
    language = translation.get_language() or settings.LANGUAGE_CODE
    transaction.on_commit(lambda: consent.send_consent_mail(user=user, site_url=url, language=language))


@transaction.atomic
def request_guardian_consent(*, user: User, guardian_email: str, site_url: str | None = None) -> User:
    """(Re)send the consent mail, to a new address if given. Only while consent is pending."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.consent_status != ConsentStatus.PENDING:
        raise consent.ConsentNotNeeded()
    user.guardian_email = consent.check_guardian(
        birth_year=user.birth_year, guardian_email=guardian_email or user.guardian_email, learner_email=user.email
    )
    user.save(update_fields=["guardian_email"])
    _mail_guardian_after_commit(user, site_url=site_url)
    return user


class ConsentOutcome:
    APPROVED = "approved"
    ALREADY_APPROVED = "already_approved"
    DECLINED = "declined"
    DECLINE_REFUSED = "decline_refused"


def _consenting_user(token: str) -> User:
    """The learner a guardian's link names (locked), pending or approved, or consent.BadLink."""
    link = consent.read_token(token)
    user = User.objects.select_for_update().filter(pk=link.user_id).first()
    if user is None or user.guardian_email != link.guardian_email:
        raise consent.BadLink(expired=False)
    if user.consent_status not in (ConsentStatus.PENDING, ConsentStatus.GRANTED):
        raise consent.BadLink(expired=False)
    return user


def pending_consent(*, token: str) -> User:
    """The learner a still-usable link names (for the guardian's page), or consent.BadLink."""
    link = consent.read_token(token)
    user = User.objects.filter(pk=link.user_id, guardian_email=link.guardian_email).first()
    if user is None:
        raise consent.BadLink(expired=False)
    return user


@transaction.atomic
def approve_consent(*, token: str) -> tuple[User, str]:
    """The guardian says yes: the learner may chat and appear on boards. A second yes changes nothing."""
    user = _consenting_user(token)
    if user.consent_status == ConsentStatus.GRANTED:
        return user, ConsentOutcome.ALREADY_APPROVED
    user.consent_status = ConsentStatus.GRANTED
    user.consent_at = timezone.now()
    user.save(update_fields=["consent_status", "consent_at"])
    profile_updated.send(sender=User, user=user, changed={"consent_status"})
    return user, ConsentOutcome.APPROVED


@transaction.atomic
def decline_consent(*, token: str) -> tuple[User, str]:
    """The guardian says no: the account is erased. After a yes, a no from the link is refused."""
    user = _consenting_user(token)
    if user.consent_status == ConsentStatus.GRANTED:
        return user, ConsentOutcome.DECLINE_REFUSED
    delete_account(user=user)
    return user, ConsentOutcome.DECLINED


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
    update_last_login(User, user)  # a signal receiver; the sender is not used
    return user


@transaction.atomic
def update_profile(*, user: User, **changes) -> User:
    """Change the learner's own profile fields; progression counters are not reachable here."""
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise DomainError(_("These fields cannot be changed: %(fields)s."), fields=", ".join(sorted(unknown)))
    if "birth_year" in changes:
        _set_birth_year(user, changes.pop("birth_year"))
    changed = {name for name, value in changes.items() if getattr(user, name) != value}
    for name, value in changes.items():
        setattr(user, name, value)
    user.full_clean(exclude=["password", "username", "email"])
    user.save(update_fields=list(changes))
    if changed:
        profile_updated.send(sender=User, user=user, changed=changed)
    return user


def _set_birth_year(user: User, birth_year: int | None) -> None:
    """A learner gives their birth year once (the pages ask when it is unknown); then it is fixed.

    Otherwise a minor waiting for a guardian could make themselves older to skip the consent.
    """
    if birth_year == user.birth_year:
        return
    if user.birth_year is not None or birth_year is None:
        raise BirthYearFixed()
    user.birth_year = consent.check_birth_year(birth_year)
    user.consent_status = consent.status_for(birth_year)
    User.objects.filter(pk=user.pk).update(birth_year=user.birth_year, consent_status=user.consent_status)
    profile_updated.send(sender=User, user=user, changed={"birth_year", "consent_status"})


@transaction.atomic
def end_all_sessions(*, user: User) -> None:
    """Sign the learner out everywhere: every refresh token revoked, every browser session ended."""
    live = OutstandingToken.objects.filter(user=user, blacklistedtoken__isnull=True)
    BlacklistedToken.objects.bulk_create([BlacklistedToken(token=token) for token in live], ignore_conflicts=True)
    User.objects.filter(pk=user.pk).update(auth_epoch=F("auth_epoch") + 1)
    user.refresh_from_db(fields=["auth_epoch"])


@transaction.atomic
def rotate_refresh_token(raw: str) -> dict:
    """A new token pair for a refresh token, which is spent: of N racing requests exactly one wins.

    The blacklist row is the spend: its one-to-one key lets one insert through and refuses the rest.
    """
    try:
        # signature, expiry, and not already blacklisted (simplejwt types its argument as a Token)
        token = RefreshToken(raw)  # type: ignore[arg-type]
    except TokenError as error:
        raise InvalidRefreshToken() from error
    outstanding = OutstandingToken.objects.filter(jti=token["jti"]).select_related("user").first()
    if outstanding is None or outstanding.user is None or not outstanding.user.is_active:
        raise InvalidRefreshToken()
    user = outstanding.user
    try:
        with transaction.atomic():
            BlacklistedToken.objects.create(token=outstanding)
    except IntegrityError as error:
        raise InvalidRefreshToken() from error
    return token_pair(user)


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
    if user is not None and not selectors.email_verified(user, email=email):
        # Whoever registered this address never proved it is theirs; linking would hand the
        # account to them, or theirs to Google's holder. The owner links from settings instead.
        raise GoogleEmailUnverified()
    if user is None:
        picture = identity.picture if len(identity.picture) <= AVATAR_URL_MAX_LENGTH else ""
        user = register_user(
            username=_free_username(email),
            email=email,
            password=None,
            display_name=identity.name[:60],
            avatar_url=picture,
            confirm_email=False,
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
