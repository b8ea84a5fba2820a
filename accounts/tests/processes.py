"""Run Django in a separate process: a second app server, or one configured for production."""

import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]

# Environment that would leak this test run's configuration into the child unless asked for.
PROJECT_VARIABLES = (
    "DATABASE_URL",
    "REDIS_URL",
    "AUTH_RATE",
    "GOOGLE_CLIENT_ID",
    "DJANGO_SECURE_SSL_REDIRECT",
    "DJANGO_BEHIND_PROXY",
    "DJANGO_HSTS_SECONDS",
    "DJANGO_ALLOWED_HOSTS",
    "DJANGO_SECRET_KEY",
    "DJANGO_DEBUG",
    "DJANGO_EMAIL_BACKEND",
    "DJANGO_ALLOW_ASYNC_UNSAFE",  # set by the root conftest for Playwright; never in production
)


def child_env(**env: str) -> dict[str, str]:
    base = {name: value for name, value in os.environ.items() if name not in PROJECT_VARIABLES}
    base.pop("DJANGO_SETTINGS_MODULE", None)
    return {**base, "DJANGO_SETTINGS_MODULE": "raiplay.settings", **env}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=child_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )


def request_in_child(method: str, path: str, data: dict | None = None, **env: str) -> subprocess.CompletedProcess:
    """Send one request through a fresh Django process's test client; stdout is 'status body'."""
    env.setdefault("DJANGO_DEBUG", "1")
    code = f"""
import django, json
django.setup()
from django.test.utils import setup_test_environment
setup_test_environment()
from django.test import Client
response = getattr(Client(), {method.lower()!r})({path!r}, {data!r})
print(response.status_code, response.content.decode())
"""
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=child_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )
