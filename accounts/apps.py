from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from core import export

        from . import selectors

        export.register("account", selectors.export_data, app=self.label)
