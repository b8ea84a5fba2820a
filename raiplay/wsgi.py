import os
from pathlib import Path

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "raiplay.settings")
application = get_wsgi_application()


def warm_up() -> None:
    """Import the URLconf, load each language's catalog and URL maps, and compile our page
    templates now, not on a worker's first request.

    Under gunicorn's preload_app (deploy/gunicorn.conf.py) this runs once, in the master, so
    every worker, and every worker that replaces a recycled one, shares those modules, URL maps,
    catalogs and templates instead of building its own copy while a learner waits: a worker's
    first dashboard took 170 ms (`make bench`'s worst page p99), 60 of them for the URL maps of
    a second language and 90 compiling templates. It touches neither the database nor Redis:
    nothing may be connected before the fork.
    """
    from django.conf import settings
    from django.urls import get_resolver
    from django.utils import translation

    resolver = get_resolver()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):  # activating a language loads its catalog
            # URL maps are built per language (a route may be translated); the first also
            # imports every view.
            resolver.reverse_dict  # noqa: B018
    compile_templates()


def compile_templates() -> list[str]:
    """Compile the project's own templates into the template cache (none is kept under DEBUG).

    The admin's are left to the few editors' first requests. Returns the names compiled.
    """
    from django.conf import settings
    from django.template import engines
    from django.template.loaders.cached import Loader as CachedLoader
    from django.template.utils import get_app_template_dirs

    engine = engines["django"].engine  # type: ignore[attr-defined]
    if not any(isinstance(loader, CachedLoader) for loader in engine.template_loaders):
        return []
    ours = Path(settings.BASE_DIR)
    folders = [Path(folder) for folder in (*engine.dirs, *get_app_template_dirs("templates"))]
    names = sorted(
        {
            path.relative_to(folder).as_posix()
            for folder in folders
            if folder.is_relative_to(ours) and "site-packages" not in folder.parts
            for path in folder.rglob("*.html")
        }
    )
    names = [name for name in names if not name.startswith("admin/")]
    for name in names:
        engine.get_template(name)
    return names


warm_up()
