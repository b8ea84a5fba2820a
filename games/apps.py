from django.apps import AppConfig


class GamesConfig(AppConfig):
    name = "games"

    def ready(self):
        from core import content, export

        from . import selectors
        from .content import KINDS

        content.register(*KINDS)
        export.register("games", selectors.export_data, app=self.label)
