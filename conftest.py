"""Shared fixtures: users, API clients, and the real services some tests need.

Tests marked `postgres`, `redis` or `browser` skip (with the reason) where that service is
missing; CI sets REQUIRE_SERVICES=1 so there a missing service fails the run instead.
"""

import os
import shutil
import threading
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.utils import translation
from rest_framework.test import APIClient

from accounts.tests.factories import UserFactory
from accounts.tokens import token_pair

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"

# Playwright's sync API runs an event loop in the test thread; the ORM calls it makes
# through the live server are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _redis_available() -> bool:
    if not settings.REDIS_URL:
        return False
    import redis

    try:
        return bool(redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=0.5).ping())
    except redis.RedisError:
        return False


def _missing(marker: str) -> str | None:
    """Why a test with this marker cannot run here, or None."""
    if marker == "postgres" and connection.vendor != "postgresql":
        return "needs PostgreSQL: set DATABASE_URL=postgres://… (CI does)"
    if marker == "redis" and not _redis_available():
        return "needs Redis: set REDIS_URL to a reachable server (CI does)"
    if marker == "browser":
        if not shutil.which(CHROMIUM):
            return f"needs Debian's chromium at {CHROMIUM} (apt-get install chromium)"
        try:
            import playwright  # noqa: F401
        except ImportError:
            return "needs the playwright package (requirements-dev.txt)"
    return None


def pytest_collection_modifyitems(config, items):
    cached: dict[str, str | None] = {}
    for item in items:
        for marker in ("postgres", "redis", "browser"):
            if item.get_closest_marker(marker) is None:
                continue
            if marker not in cached:
                cached[marker] = _missing(marker)
            reason = cached[marker]
            if reason and REQUIRE_SERVICES:
                raise pytest.UsageError(f"REQUIRE_SERVICES=1 but {item.nodeid} {reason}")
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Real hashing costs tens of ms per user; tests create thousands. Production uses Argon2id (settings).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _english_first():
    # A request activates its language in the thread and nothing resets it: without this, a
    # test after an Albanian request would write its factories' texts as Albanian ones.
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rate-limit counters and cached reads must not leak from one test into the next.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def learner(db):
    return UserFactory(username="learner")


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def auth_api(learner):
    """An API client signed in as `learner` with a bearer token, as the mobile app is."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_pair(learner)['access_token']}")
    client.user = learner
    return client


def client_for(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_pair(user)['access_token']}")
    client.user = user
    return client


def sign_in(context, live_server, user) -> None:
    """Sign `user` in to a Playwright browser context (replacing whoever was signed in there)."""
    client = Client()
    client.force_login(user)
    context.clear_cookies()
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])


class _FormReader(HTMLParser):
    """What a browser would submit from one form: inputs, checked boxes, selected options, text areas."""

    def __init__(self, form_id: str):
        super().__init__()
        self.form_id, self.inside, self.data = form_id, False, []
        self._select: str | None = None
        self._textarea: str | None = None
        self._first_option: str | None = None
        self._selected = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button", "file", "image"):
            if a.get("type") in ("checkbox", "radio"):
                if "checked" in a:
                    self.data.append((name, a.get("value") or "on"))
            else:
                self.data.append((name, a.get("value") or ""))
        elif tag == "select" and name:
            self._select, self._first_option, self._selected = name, None, False
        elif tag == "option" and self._select:
            value = a.get("value") or ""
            if self._first_option is None:
                self._first_option = value
            if "selected" in a:
                self.data.append((self._select, value))
                self._selected = True
        elif tag == "textarea" and name:
            self._textarea = name
            self.data.append((name, ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self._select:
            if not self._selected and self._first_option is not None:
                self.data.append((self._select, self._first_option))
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea and self.data and self.data[-1][0] == self._textarea:
            name, text = self.data[-1]
            self.data[-1] = (name, text + data)


def form_data(response, form_id: str) -> dict[str, list[str]]:
    """The fields of `form_id` on a rendered page, as a browser would post them unchanged."""
    reader = _FormReader(form_id)
    reader.feed(response.content.decode())
    data: dict[str, list[str]] = {}
    for name, value in reader.data:
        text = value.removeprefix("\n") if value.startswith("\n") else value  # a textarea's leading newline
        data.setdefault(name, []).append(text)
    return data


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-background-networking", "--disable-gpu", "--disable-component-update"],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def run_together(count: int, work) -> tuple[list, list[BaseException]]:
    """Run work(i) in `count` threads released at once; returns (results, errors)."""
    barrier = threading.Barrier(count)
    results, errors, guard = [], [], threading.Lock()

    def worker(index):
        try:
            barrier.wait(timeout=10)
            value = work(index)
            with guard:
                results.append(value)
        except BaseException as error:  # noqa: BLE001 - every failure is reported by the test
            with guard:
                errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread hung (deadlock?)"
    return results, errors
