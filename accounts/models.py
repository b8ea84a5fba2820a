"""Accounts own the learner: identity, profile and the denormalised progression counters."""

import zoneinfo
from typing import ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from core.prepared import Prepared


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("Unknown time zone: %(value)s"), params={"value": value})


class LearnerManager(UserManager["User"]):
    def get(self, *args, **kwargs):
        """`get(pk=…)` or `get(id=…)` alone runs a query compiled once (core.prepared): it is the
        read behind every signed-in request (the session's learner in Django's auth backend, the
        bearer token's in simplejwt), where building the query cost more than running it. Any
        other `get` is the ORM's; both return the same row or raise the same DoesNotExist."""
        if not args and self._db is None and len(kwargs) == 1 and kwargs.keys() <= {"pk", "id"}:
            (value,) = kwargs.values()
            if isinstance(value, int | str) and str(value).isascii() and str(value).isdecimal():
                user = _learner_by_pk.first(int(value))
                if user is None:
                    raise self.model.DoesNotExist(f"{self.model._meta.object_name} matching query does not exist.")
                return user
        return super().get(*args, **kwargs)

    def get_by_natural_key(self, username):
        # Sign-in accepts the email too, in any case. The username wins: natural keys
        # (fixtures, createsuperuser) must keep meaning the username.
        try:
            return self.get(username=username)
        except self.model.DoesNotExist:
            if "@" not in (username or ""):
                raise
            # Emails are unique ignoring case (see Meta), so this finds at most one.
            return self.get(email__iexact=username)


class ConsentStatus(models.TextChoices):
    NOT_NEEDED = "not_needed", _("not needed")
    PENDING = "pending", _("waiting for a guardian")
    GRANTED = "granted", _("granted by a guardian")
    UNKNOWN = "unknown", _("unknown: no birth year yet")


class User(AbstractUser):
    email = models.EmailField(_("email address"))
    display_name = models.CharField(_("display name"), max_length=60, blank=True)
    avatar_url = models.URLField(_("avatar URL"), blank=True)
    birth_year = models.PositiveSmallIntegerField(_("birth year"), null=True, blank=True)
    timezone = models.CharField(_("time zone"), max_length=64, default="Europe/Tirane", validators=[validate_timezone])
    show_on_leaderboard = models.BooleanField(_("show me on leaderboards"), default=True)
    language = models.CharField(
        _("language"),
        max_length=8,
        blank=True,
        choices=settings.LANGUAGES,
        help_text=_("Empty until the learner picks one; until then pages and answers follow the browser."),
    )

    # A learner under DIGITAL_CONSENT_AGE needs a guardian's yes (accounts.consent).
    guardian_email = models.EmailField(_("guardian's email"), blank=True)
    consent_status = models.CharField(
        _("guardian consent"), max_length=12, choices=ConsentStatus.choices, default=ConsentStatus.UNKNOWN
    )
    consent_requested_at = models.DateTimeField(_("consent mail sent"), null=True, blank=True)
    consent_at = models.DateTimeField(_("consent given"), null=True, blank=True)
    # Part of every session's auth hash: raising it signs the learner out everywhere.
    auth_epoch = models.PositiveIntegerField(default=0, editable=False)

    # Progression counters: moved only by achievements.services.grant(), under a row lock.
    xp = models.PositiveIntegerField(default=0)
    coins = models.IntegerField(default=0)
    level = models.PositiveIntegerField(default=1)
    streak_count = models.PositiveIntegerField(default=0)
    longest_streak = models.PositiveIntegerField(default=0)
    last_active_date = models.DateField(null=True, blank=True)
    streak_freezes = models.PositiveIntegerField(default=0)

    objects: ClassVar[LearnerManager] = LearnerManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="accounts_user_email_ci_unique",
                violation_error_message=_("A user with that email already exists."),
            ),
            models.CheckConstraint(condition=models.Q(coins__gte=0), name="accounts_user_coins_not_negative"),
        ]

    def __str__(self):
        return self.username

    @property
    def name(self) -> str:
        return self.display_name or self.username

    @property
    def consent_pending(self) -> bool:
        return self.consent_status == ConsentStatus.PENDING

    def _get_session_auth_hash(self, secret=None):
        # Django's hash covers the password only; the epoch lets "sign out everywhere" end
        # every session without touching the password.
        key_salt = "accounts.User.get_session_auth_hash"
        return salted_hmac(
            key_salt, f"{self.password}:{self.auth_epoch}", secret=secret, algorithm="sha256"
        ).hexdigest()


# LearnerManager.get's query: one learner by primary key.
_learner_by_pk = Prepared(lambda pk: User.objects.filter(pk=pk), int)
