from django.dispatch import Signal

# Sent by chat.services when a learner's question has been stored. Args: user, message.
question_asked = Signal()
