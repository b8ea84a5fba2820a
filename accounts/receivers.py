"""Where accounts listen to allauth: a changed, set or reset password signs the learner out elsewhere."""

from django.contrib.auth import update_session_auth_hash

from . import services


def on_password_changed(sender, *, request, user, **kwargs) -> None:
    # Every refresh token and every other session end; the browser that changed the password
    # stays signed in (update_session_auth_hash only touches a session that is this user's).
    services.end_all_sessions(user=user)
    update_session_auth_hash(request, user)
