from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The kernel every app stands on; it imports no app, the apps register with it."""

    name = "core"
    verbose_name = "Core"
