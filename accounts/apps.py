from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from allauth.account.signals import password_changed, password_reset, password_set
        from django.db.models.signals import post_migrate

        from core import export

        from . import checks, receivers, selectors  # noqa: F401 — checks registers itself

        export.register("account", selectors.export_data, app=self.label)
        for signal in (password_changed, password_reset, password_set):
            signal.connect(receivers.on_password_changed, dispatch_uid=f"accounts.{id(signal)}")
        # After django.contrib.sites' own post_migrate (it comes first in INSTALLED_APPS).
        post_migrate.connect(receivers.name_the_site, sender=self, dispatch_uid="accounts.name_the_site")
