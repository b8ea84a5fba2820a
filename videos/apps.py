from django.apps import AppConfig


class VideosConfig(AppConfig):
    name = "videos"

    def ready(self):
        from core import content, export

        from . import selectors
        from .content import KINDS

        content.register(*KINDS)
        export.register("videos", selectors.export_data, app=self.label)
