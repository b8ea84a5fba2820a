from django.apps import AppConfig


class AchievementsConfig(AppConfig):
    name = "achievements"

    def ready(self):
        from django.db.models.signals import post_save

        from accounts.models import User
        from accounts.signals import profile_updated
        from chat.signals import question_asked
        from games.signals import game_completed
        from videos.signals import video_watched

        from . import receivers

        game_completed.connect(receivers.on_game_completed, dispatch_uid="achievements.game_completed")
        video_watched.connect(receivers.on_video_watched, dispatch_uid="achievements.video_watched")
        question_asked.connect(receivers.on_question_asked, dispatch_uid="achievements.question_asked")
        profile_updated.connect(receivers.on_profile_updated, dispatch_uid="achievements.profile_updated")
        post_save.connect(receivers.on_user_saved, sender=User, dispatch_uid="achievements.user_saved")
