import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "raiplay.settings")
application = get_wsgi_application()


def warm_up() -> None:
    """Import the URLconf and load each language's catalog now, not on a worker's first request.

    Under gunicorn's preload_app (deploy/gunicorn.conf.py) this runs once, in the master, so
    every worker shares those modules, URL maps and catalogs instead of building its own
    copy. It touches neither the database nor Redis: nothing may be connected before the fork.
    """
    from django.conf import settings
    from django.urls import get_resolver
    from django.utils import translation

    resolver = get_resolver()
    resolver.reverse_dict  # noqa: B018 — builds the URL maps of every app (imports every view)
    for code, _name in settings.LANGUAGES:
        with translation.override(code):  # activating a language loads its catalog
            pass


warm_up()
