"""The app servers' memory settings: deploy/gunicorn.conf.py's allocator tuning and preload, raiplay.wsgi's warm-up."""

import gc
import platform
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connections
from django.template import engines
from django.urls import get_resolver
from django.utils.translation import trans_real

CONF = Path(__file__).resolve().parents[2] / "deploy" / "gunicorn.conf.py"

# Four threads hash a password each, twice (a login per thread, as a gthread worker's four
# threads do), then the process says how much anonymous memory it gained.
HASHES = f"""
import re, runpy, sys, threading
if sys.argv[1] == "tuned":
    runpy.run_path({str(CONF)!r})
from argon2.low_level import Type, hash_secret
def anon():
    return int(re.search(r"RssAnon:\\s+(\\d+)", open("/proc/self/status").read()).group(1)) // 1024
def login():
    for _ in range(2):
        hash_secret(b"pw", b"saltsalt", time_cost=2, memory_cost=19 * 1024, parallelism=1, hash_len=32, type=Type.ID)
before = anon()
threads = [threading.Thread(target=login) for _ in range(4)]
[t.start() for t in threads]
[t.join() for t in threads]
print(anon() - before)
"""


def kept_after_hashes(mode: str) -> int:
    env = {"PATH": "/usr/bin:/bin"}  # no MALLOC_* or GUNICORN_* from the caller's environment
    done = subprocess.run([sys.executable, "-c", HASHES, mode], env=env, capture_output=True, text=True, check=True)
    return int(done.stdout)


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="the tuning is glibc's (Linux)")
def test_argon2_memory_goes_back_to_the_system_after_a_login():
    # Untuned, each thread's 19 MiB stays in its malloc arena (about 76 MiB for four).
    assert kept_after_hashes("untuned") >= 38
    assert kept_after_hashes("tuned") < 10


def test_the_app_is_preloaded_unless_turned_off(monkeypatch):
    monkeypatch.delenv("GUNICORN_PRELOAD", raising=False)
    assert runpy.run_path(str(CONF))["preload_app"] is True
    monkeypatch.setenv("GUNICORN_PRELOAD", "0")
    assert runpy.run_path(str(CONF))["preload_app"] is False


def test_when_ready_freezes_what_the_master_built():
    when_ready = runpy.run_path(str(CONF))["when_ready"]
    try:
        when_ready(None)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_warm_up_loads_the_urls_and_catalogs_without_connecting():
    """Run in gunicorn's master before the fork: a connection made here would be shared by every worker."""
    from raiplay import wsgi

    connections.close_all()
    # Django never closes an in-memory SQLite database (it would lose it): after an earlier test
    # used one, it is still open here, so only the others can show a connection was made.
    closable = [c for c in connections.all() if not (c.vendor == "sqlite" and c.is_in_memory_db())]
    trans_real._translations.pop("sq", None)
    get_resolver()._reverse_dict.pop("sq", None)
    wsgi.warm_up()  # no django_db mark: a query here fails the test
    assert all(connection.connection is None for connection in closable)
    assert get_resolver()._populated
    assert "sq" in trans_real._translations
    assert {"en", "sq"} <= set(get_resolver()._reverse_dict)  # each language's URL maps


READ = ["django.template.loaders.filesystem.Loader", "django.template.loaders.app_directories.Loader"]


def test_warm_up_compiles_our_page_templates_where_templates_are_kept(settings):
    from raiplay import wsgi

    template = settings.TEMPLATES[0]

    def loaders(chosen):
        settings.TEMPLATES = [{**template, "APP_DIRS": False, "OPTIONS": {**template["OPTIONS"], "loaders": chosen}}]

    loaders(READ)  # as under DEBUG: read afresh each time, nothing to keep
    assert wsgi.compile_templates() == []
    loaders([("django.template.loaders.cached.Loader", READ)])  # production's
    names = wsgi.compile_templates()
    assert {"dashboard.html", "base.html", "achievements/leaderboard.html", "games/play.html"} <= set(names)
    assert not [name for name in names if name.startswith("admin/")]
    assert "django/forms/widgets/input.html" not in names  # a library's own, not ours
    loader = engines["django"].engine.template_loaders[0]
    assert set(names) <= {template.origin.template_name for template in loader.get_template_cache.values()}
