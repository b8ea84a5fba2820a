"""Start-up checks of the accounts' configuration."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.compatibility)
def mail_goes_somewhere(app_configs, **kwargs):
    """Without EMAIL_HOST, confirmation and guardian mails go to the log: say so at every start."""
    backend = settings.MAILERS["default"]["BACKEND"]
    if backend.endswith("console.EmailBackend"):
        return [
            checks.Warning(
                "EMAIL_HOST is not set: confirmation and guardian consent mails are written to the log, not sent.",
                hint="Set EMAIL_HOST (and EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS).",
                id="accounts.W001",
            )
        ]
    return []
