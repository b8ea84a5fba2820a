"""Guardian consent for minors: who needs it, the signed link a guardian gets, and the mail.

A learner whose birth year says they may still be under DIGITAL_CONSENT_AGE needs a
guardian's approval. Only the year is known, so the rule is careful: a learner turning
16 this year still counts as 15 until next year. Until a guardian approves, FinBot is
closed and the learner appears on no leaderboard and has no public profile.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError, Forbidden

from .models import ConsentStatus, User

OLDEST_AGE = 100
SALT = "accounts.consent"


class ConsentPending(Forbidden):
    default_message = _(
        "FinBot opens once a parent or guardian has approved your account. We emailed them a link — ask them to check."
    )


class InvalidBirthYear(DomainError):
    default_message = _("Enter the year you were born, between %(oldest)s and %(this_year)s.")


class GuardianRequired(DomainError):
    default_message = _("You are under %(age)s, so we need a parent's or guardian's email to ask for their OK.")


class GuardianIsLearner(DomainError):
    default_message = _("Your guardian's email must be theirs, not your own.")


class ConsentNotNeeded(DomainError):
    default_message = _("Your account needs no guardian's approval.")


def check_birth_year(birth_year: int, *, today: date | None = None) -> int:
    today = today or timezone.localdate()
    if not today.year - OLDEST_AGE <= birth_year <= today.year:
        raise InvalidBirthYear(oldest=today.year - OLDEST_AGE, this_year=today.year)
    return birth_year


def needs_consent(birth_year: int | None, *, today: date | None = None) -> bool:
    """Whether a learner born in `birth_year` may still be under the consent age."""
    if birth_year is None:
        return False
    today = today or timezone.localdate()
    return today.year - birth_year <= settings.DIGITAL_CONSENT_AGE


def status_for(birth_year: int | None) -> str:
    """The status a learner starts with (or takes once they give their birth year)."""
    if birth_year is None:
        return ConsentStatus.UNKNOWN
    return ConsentStatus.PENDING if needs_consent(birth_year) else ConsentStatus.NOT_NEEDED


def check_guardian(*, birth_year: int | None, guardian_email: str, learner_email: str) -> str:
    """The guardian's address a sign-up must carry: required under the age, never the learner's own."""
    guardian_email = (guardian_email or "").strip().lower()
    if needs_consent(birth_year) and not guardian_email:
        raise GuardianRequired(age=settings.DIGITAL_CONSENT_AGE)
    if guardian_email and guardian_email == (learner_email or "").strip().lower():
        raise GuardianIsLearner()
    return guardian_email


def require_consent(user: User) -> None:
    """Raise ConsentPending while the learner's guardian has not approved yet."""
    if user.is_authenticated and user.consent_pending:
        raise ConsentPending()


# ---- the signed link -----------------------------------------------------------------


@dataclass(frozen=True)
class Link:
    user_id: int
    guardian_email: str


class BadLink(Exception):
    """The link was altered, is not ours, or has expired (`expired` says which)."""

    def __init__(self, *, expired: bool):
        self.expired = expired
        super().__init__("expired" if expired else "invalid")


def make_token(user: User) -> str:
    # The guardian's address is inside: a link sent to a former address stops working.
    return signing.dumps({"u": user.pk, "g": user.guardian_email}, salt=SALT, compress=True)


def read_token(token: str) -> Link:
    try:
        data = signing.loads(token, salt=SALT, max_age=timedelta(days=settings.CONSENT_LINK_DAYS))
    except signing.SignatureExpired as error:
        raise BadLink(expired=True) from error
    except signing.BadSignature as error:
        raise BadLink(expired=False) from error
    if not isinstance(data, dict) or not isinstance(data.get("u"), int) or not isinstance(data.get("g"), str):
        raise BadLink(expired=False)
    return Link(user_id=data["u"], guardian_email=data["g"])


def send_consent_mail(*, user: User, site_url: str, language: str) -> None:
    """The guardian's mail, in the language the learner signed up in. Runs after commit."""
    link = site_url.rstrip("/") + reverse("consent", args=[make_token(user)])
    context = {"learner": user, "link": link, "days": settings.CONSENT_LINK_DAYS}
    with translation.override(language):
        subject = render_to_string("accounts/email/guardian_consent_subject.txt", context).strip()
        body = render_to_string("accounts/email/guardian_consent_message.txt", context)
    send_mail(subject, body, None, [user.guardian_email])
