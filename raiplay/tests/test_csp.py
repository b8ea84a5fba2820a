"""Every page satisfies its own Content-Security-Policy: a real browser reports no violation."""

import json
from pathlib import Path

import pytest
from django.conf import settings

from accounts.tests.factories import UserFactory
from conftest import sign_in
from core.content import import_content

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO = Path(settings.BASE_DIR) / "content" / "demo"

# Listens before any page script runs (init scripts are not subject to the page's policy).
RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
"""

LEARNER_PAGES = [
    "/",
    "/quests/",
    "/games/",
    "/videos/",
    "/videos/saved/",
    "/leaderboard/",
    "/achievements/",
    "/shop/",
    "/chat/",
    "/profile/",
    "/settings/",
]
EDITOR_PAGES = ["/admin/", "/admin/games/game/", "/admin/games/game/add/", "/admin/raiplay/insights/"]
PUBLIC_PAGES = ["/", "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/", "/api/v1/docs/"]


def violations_on(context, live_server, paths) -> dict[str, list[str]]:
    found = {}
    page = context.new_page()
    page.add_init_script(RECORD_VIOLATIONS)
    console = []
    page.on(
        "console", lambda message: console.append(message.text) if "Content Security Policy" in message.text else None
    )
    # Nothing is fetched from elsewhere (a CDN): this machine, like a school's filter, may not reach it.
    page.on(
        "request",
        lambda request: (
            console.append(f"external {request.url}")
            if not request.url.startswith((live_server.url, "data:", "blob:"))
            else None
        ),
    )
    for path in paths:
        response = page.goto(live_server.url + path, wait_until="networkidle")
        assert response is not None and response.status < 400, (path, response and response.status)
        assert "content-security-policy" in {name.lower() for name in response.headers}, path
        seen = page.evaluate("window.__csp") + console
        console.clear()
        if seen:
            found[path] = seen
    page.close()
    return found


def test_no_page_breaks_its_content_security_policy(browser, live_server):
    for name in ("games", "videos", "rewards"):
        file = DEMO / f"{name}.json"
        if file.exists():
            import_content(json.loads(file.read_text()))
    learner = UserFactory(username="csp-learner")
    editor = UserFactory(username="csp-editor", is_staff=True, is_superuser=True)

    anonymous = browser.new_context()
    signed_in = browser.new_context()
    sign_in(signed_in, live_server, learner)
    admin = browser.new_context()
    sign_in(admin, live_server, editor)
    found = violations_on(anonymous, live_server, PUBLIC_PAGES)
    found.update(violations_on(signed_in, live_server, LEARNER_PAGES))
    found.update(violations_on(admin, live_server, EDITOR_PAGES))
    for context in (anonymous, signed_in, admin):
        context.close()

    assert found == {}


def test_the_policy_allows_no_inline_script(client):
    policy = client.get("/accounts/login/")["Content-Security-Policy"]

    script = next(part for part in policy.split(";") if part.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script
    assert "frame-ancestors 'none'" in policy


def test_private_api_answers_are_not_stored_and_public_ones_may_be(auth_api, api):
    assert auth_api.get("/api/v1/users/me")["Cache-Control"] == "no-store"
    assert auth_api.get("/api/v1/games/")["Cache-Control"] == "no-store"
    assert "no-store" not in api.get("/api/v1/health/").get("Cache-Control", "")
