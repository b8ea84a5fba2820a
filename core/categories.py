"""The money topics games and videos are filed under: one list, so a filter means the same everywhere."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    BUDGETING = "budgeting", _("Budgeting")
    SAVING = "saving", _("Saving")
    CREDIT = "credit", _("Credit")
    INVESTING = "investing", _("Investing")
    BANKING = "banking", _("Banking")
    CRYPTO = "crypto", _("Crypto")
    TAXES = "taxes", _("Taxes")
    SAFETY = "safety", _("Safety")
