"""Accounts own the learner: identity, profile and the denormalised progression counters."""

import zoneinfo

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("Unknown time zone: %(value)s"), params={"value": value})


class LearnerManager(UserManager):
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


class User(AbstractUser):
    email = models.EmailField(_("email address"))
    display_name = models.CharField(_("display name"), max_length=60, blank=True)
    avatar_url = models.URLField(_("avatar URL"), blank=True)
    birth_year = models.PositiveSmallIntegerField(_("birth year"), null=True, blank=True)
    timezone = models.CharField(_("time zone"), max_length=64, default="Europe/Tirane", validators=[validate_timezone])
    show_on_leaderboard = models.BooleanField(_("show me on leaderboards"), default=True)

    # Progression counters: moved only by achievements.services.grant(), under a row lock.
    xp = models.PositiveIntegerField(default=0)
    coins = models.IntegerField(default=0)
    level = models.PositiveIntegerField(default=1)
    streak_count = models.PositiveIntegerField(default=0)
    longest_streak = models.PositiveIntegerField(default=0)
    last_active_date = models.DateField(null=True, blank=True)
    streak_freezes = models.PositiveIntegerField(default=0)

    objects = LearnerManager()

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
