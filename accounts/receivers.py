"""Where accounts listen to allauth: a changed, set or reset password signs the learner out elsewhere."""

from django.apps import apps as global_apps
from django.contrib.auth import update_session_auth_hash

from . import services


def on_password_changed(sender, *, request, user, **kwargs) -> None:
    # Every refresh token and every other session end; the browser that changed the password
    # stays signed in (update_session_auth_hash only touches a session that is this user's).
    services.end_all_sessions(user=user)
    update_session_auth_hash(request, user)


def name_the_site(sender, *, using, apps=global_apps, **kwargs) -> None:
    """After every migrate (and every flush), the Site that allauth's mails name is RaiPlay's.

    django.contrib.sites recreates "example.com" whenever its table is empty (a flush, a
    test database between transactional tests); the domain follows DJANGO_SITE_DOMAIN, so
    changing the env var and migrating is all a deploy needs. (migrate passes the migration
    state as `apps`; flush passes none.)
    """
    from django.conf import settings

    try:
        site_model = apps.get_model("sites", "Site")
    except LookupError:  # pragma: no cover - sites not installed
        return
    site_model.objects.using(using).update_or_create(
        pk=settings.SITE_ID, defaults={"name": settings.SITE_NAME, "domain": settings.SITE_DOMAIN}
    )
