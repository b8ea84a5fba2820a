from django.apps import AppConfig


class ChatConfig(AppConfig):
    name = "chat"

    def ready(self):
        from core import content, export

        from . import selectors
        from .content import KINDS

        content.register(*KINDS)
        export.register("chat", selectors.export_data, app=self.label)
