from django.dispatch import Signal

# Sent by accounts.services.update_profile after a learner changed their profile.
# Args: user, changed (the set of field names that changed).
profile_updated = Signal()
