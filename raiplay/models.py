"""The composition root owns no tables: only the models the admin's insights and content-file
pages hang on (for their place in the admin index and their permissions)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from achievements.models import LedgerEntry


class Insights(LedgerEntry):
    """No table of its own: the admin index links to the editors' dashboard through it."""

    class Meta:
        proxy = True
        verbose_name = _("insights dashboard")
        verbose_name_plural = _("insights dashboard")


class ContentFile(models.Model):
    """No table: the admin's "Import content" page and the permissions to import and export."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("import_content", _("Can import content files")),
            ("export_content", _("Can export content files")),
        ]
        verbose_name = _("content file")
        verbose_name_plural = _("content files (import and export)")

    def __str__(self):
        return str(self._meta.verbose_name)
