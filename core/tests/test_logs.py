"""Request logs and error reports: one line per request, ids both ways, nothing private in either."""

import gzip
import json
import logging
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from accounts.tests.processes import BASE_DIR, child_env
from core.logs import JsonFormatter

pytestmark = pytest.mark.django_db


def request_lines(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "raiplay.request"]


def test_each_request_gets_an_id_and_one_log_line(client, caplog):
    with caplog.at_level(logging.INFO, logger="raiplay.request"):
        response = client.get("/accounts/login/")

    lines = request_lines(caplog)
    assert len(lines) == 1
    assert len(response["X-Request-ID"]) == 32
    assert (lines[0].method, lines[0].path, lines[0].status) == ("GET", "/accounts/login/", 200)
    assert lines[0].request_id == response["X-Request-ID"]


def test_a_trace_id_from_nginx_is_kept_and_a_garbled_one_replaced(client):
    assert client.get("/", HTTP_X_REQUEST_ID="abc123def456")["X-Request-ID"] == "abc123def456"
    assert client.get("/", HTTP_X_REQUEST_ID="<script>")["X-Request-ID"] != "<script>"


def test_json_lines_hold_no_token_password_query_or_chat_text(auth_api, api, caplog, learner):
    token = auth_api._credentials["HTTP_AUTHORIZATION"].split()[1]
    with caplog.at_level(logging.INFO):
        api.post("/api/v1/auth/login", {"username": "learner", "password": "hunter2-secret"}, format="json")
        auth_api.post("/api/v1/chat/", {"message": "my secret plan for money"}, format="json")
        auth_api.get(f"/api/v1/videos/?q=private-search&token={token}")

    formatter = JsonFormatter()
    output = "\n".join(formatter.format(record) for record in caplog.records)
    entries = [json.loads(formatter.format(record)) for record in request_lines(caplog)]
    assert [e["path"] for e in entries] == ["/api/v1/auth/login", "/api/v1/chat/", "/api/v1/videos/"]
    assert entries[1]["user_id"] == learner.pk and entries[1]["status"] == 200
    for secret in (token, "hunter2-secret", "my secret plan", "private-search"):
        assert secret not in output


def test_secrets_in_a_path_are_left_out_of_its_line(client, caplog):
    secret = "s3cret-Link-9f8e7d"
    paths = {
        f"/consent/{secret}/": "/consent/…/",
        f"/accounts/confirm-email/{secret}/": "/accounts/confirm-email/…/",
        f"/accounts/password/reset/key/2-{secret}/": "/accounts/password/reset/key/2-…/",
        f"/shop/codes/{secret}/": "/shop/codes/…/",
        "/classes/7/code/": "/classes/7/code/",  # a route's own word, not a secret
    }
    with caplog.at_level(logging.INFO):
        for path in paths:
            client.get(path)

    formatter = JsonFormatter()
    assert [json.loads(formatter.format(r))["path"] for r in request_lines(caplog)] == list(paths.values())
    assert secret not in "\n".join(formatter.format(record) for record in caplog.records)


def test_an_expected_403_or_404_is_logged_without_a_traceback(auth_api, caplog):
    with caplog.at_level(logging.INFO):
        auth_api.get("/api/v1/chat/conversations/999999")
        auth_api.post("/api/v1/games/999999/attempts", {}, format="json")

    assert [r for r in caplog.records if r.exc_info] == []
    assert {r.levelno for r in request_lines(caplog)} == {logging.INFO}


class _SentryStandIn(BaseHTTPRequestHandler):
    """Speaks Sentry's ingestion protocol as far as a client needs: accept envelopes."""

    received: list[bytes] = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        encoding = self.headers.get("Content-Encoding")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "br":  # sentry-sdk prefers brotli when the package is installed
            import brotli

            body = brotli.decompress(body)
        type(self).received.append(body)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"id": "0"}')

    def log_message(self, *args):
        pass


def test_sentry_dsn_sends_a_crash_to_sentry_without_personal_data():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _SentryStandIn)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _SentryStandIn.received = []
    dsn = f"http://publickey@127.0.0.1:{server.server_port}/42"
    code = """
import django, sentry_sdk
django.setup()
from django.conf import settings
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
settings.ROOT_URLCONF = "core.tests.sentry_urls"
settings.ALLOWED_HOSTS = ["*"]
response = Client(raise_request_exception=False).post(
    "/api/v1/crash/", {"password": "hunter2-secret"}, HTTP_AUTHORIZATION="Bearer tok-very-secret"
)
# Through Django's WSGI handler, as under gunicorn: where sentry-sdk reads the URL and query string.
from django.core.wsgi import get_wsgi_application
from wsgiref.util import setup_testing_defaults
environ = {"PATH_INFO": "/consent/guardian-link-secret/crash/", "QUERY_STRING": "code=oauth-code-secret"}
setup_testing_defaults(environ)
get_wsgi_application()(environ, lambda status, headers, exc_info=None: None)
sentry_sdk.flush(5)
print(response.status_code)
"""
    try:
        result = subprocess.run(
            [sys.executable, "-c", code],
            cwd=BASE_DIR,
            env=child_env(DJANGO_DEBUG="1", SENTRY_DSN=dsn, DATABASE_URL="sqlite:////nonexistent/unused.db"),
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        server.shutdown()

    assert result.stdout.strip() == "500", result.stderr
    sent = b"\n".join(_SentryStandIn.received).decode()
    assert "the crash Sentry should hear about" in sent
    assert "/api/v1/crash/" in sent
    assert "tok-very-secret" not in sent
    assert "hunter2-secret" not in sent
    events = [json.loads(line) for line in sent.splitlines() if line.startswith("{") and '"request"' in line]
    urls = [event["request"].get("url", "") for event in events]
    assert any(url.endswith("/consent/…/crash/") for url in urls), urls  # the second crash, secrets left out
    assert "guardian-link-secret" not in sent
    assert "oauth-code-secret" not in sent


def test_sentry_imports_only_the_integrations_we_use():
    """sentry-sdk's automatic integrations import every library installed (openai: +40 MiB per worker)."""
    code = """
import sys, django
django.setup()
import sentry_sdk
assert sentry_sdk.get_client().is_active()
print(",".join(name for name in ("openai", "celery", "flask") if name in sys.modules))
"""
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=child_env(
            DJANGO_DEBUG="1",
            SENTRY_DSN="http://publickey@127.0.0.1:9/42",
            DATABASE_URL="sqlite:////nonexistent/unused.db",
        ),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""
