from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from allauth.account.signals import password_changed, password_reset, password_set

        from core import export

        from . import checks, receivers, selectors  # noqa: F401 — checks registers itself

        export.register("account", selectors.export_data, app=self.label)
        for signal in (password_changed, password_reset, password_set):
            signal.connect(receivers.on_password_changed, dispatch_uid=f"accounts.{id(signal)}")
