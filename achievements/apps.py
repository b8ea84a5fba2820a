from django.apps import AppConfig


class AchievementsConfig(AppConfig):
    name = "achievements"

    def ready(self):
        from django.db.models.signals import post_save, pre_delete

        from accounts.models import User
        from accounts.signals import profile_updated
        from core import content, events, export
        from games.signals import questions_answered

        from . import receivers, selectors, services
        from .content import KINDS

        events.register(services.RewardLayer())
        content.register(*KINDS)
        export.register("rewards", selectors.export_data, app=self.label)
        questions_answered.connect(receivers.on_questions_answered, dispatch_uid="achievements.questions_answered")
        profile_updated.connect(receivers.on_profile_updated, dispatch_uid="achievements.profile_updated")
        post_save.connect(receivers.on_user_saved, sender=User, dispatch_uid="achievements.user_saved")
        pre_delete.connect(receivers.on_user_deleted, sender=User, dispatch_uid="achievements.user_deleted")
