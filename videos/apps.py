from django.apps import AppConfig


class VideosConfig(AppConfig):
    name = "videos"

    def ready(self):
        from django.db.models.signals import pre_delete

        from accounts.models import User
        from core import content, export

        from . import receivers, selectors
        from .content import KINDS

        content.register(*KINDS)
        export.register("videos", selectors.export_data, app=self.label)
        pre_delete.connect(receivers.on_user_deleted, sender=User, dispatch_uid="videos.user_deleted")
