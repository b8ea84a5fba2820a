from django.dispatch import Signal

# Sent once, inside the transaction that created the learner. Args: user.
user_registered = Signal()
