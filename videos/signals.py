from django.dispatch import Signal

# Sent by videos.services inside the progress transaction, once per learner and video,
# when the video first counts as watched. Args: user, video. Receivers may return Rewards.
video_watched = Signal()
