from django.dispatch import Signal

# Sent by games.services inside the attempt's transaction when a play passes.
# Args: user, game, attempt, first_time (the learner's first pass of this game).
# Receivers may return a raiplay.rewards.Rewards for the response.
game_completed = Signal()
