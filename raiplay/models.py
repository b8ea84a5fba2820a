"""The composition root owns no tables: only the proxy the admin's insights page hangs on."""

from django.utils.translation import gettext_lazy as _

from achievements.models import LedgerEntry


class Insights(LedgerEntry):
    """No table of its own: the admin index links to the editors' dashboard through it."""

    class Meta:
        proxy = True
        verbose_name = _("insights dashboard")
        verbose_name_plural = _("insights dashboard")
