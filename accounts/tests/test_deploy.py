"""Production configuration and the deploy files: what an operator relies on without reading code.

Docker cannot run in the test environment, so the files are checked for the contract they
promise (services, headers, health checks); the Django side is run for real in subprocesses.
"""

import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
import yaml

from accounts.tests.processes import BASE_DIR, child_env, manage, request_in_child

DEPLOY = BASE_DIR / "deploy"
PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
    "DJANGO_ALLOWED_HOSTS": "example.com",
    "EMAIL_HOST": "smtp.example.com",
}


# ---- Django in production ----------------------------------------------------------


def test_check_deploy_is_clean_in_production():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


def test_without_a_mail_server_every_start_warns_that_mails_go_to_the_log():
    production = {name: value for name, value in PRODUCTION.items() if name != "EMAIL_HOST"}
    result = manage("check", "--deploy", **production)

    assert "accounts.W001" in result.stderr + result.stdout
    assert "EMAIL_HOST is not set" in result.stderr + result.stdout


def test_production_refuses_to_start_with_the_development_key():
    result = manage(
        "check",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="django-insecure-raiplay-development-only",
        DJANGO_ALLOWED_HOSTS="x",
    )

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_refuses_a_short_secret_key():
    result = manage("check", **{**PRODUCTION, "DJANGO_SECRET_KEY": "abcde"})

    assert result.returncode != 0
    assert "at least 50 characters" in result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", DJANGO_DEBUG="0", DJANGO_ALLOWED_HOSTS="x")

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_redirects_to_https_except_the_health_check(tmp_path):
    env = {**PRODUCTION, "DJANGO_ALLOWED_HOSTS": "testserver", "DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}"}

    health = request_in_child("get", "/api/v1/health/", **env)
    page = request_in_child("get", "/accounts/login/", **env)

    assert health.stdout.startswith("200 "), health.stderr
    assert page.stdout.startswith("301 "), page.stderr


@pytest.mark.django_db(transaction=True)
def test_container_healthcheck_passes_against_a_running_server(live_server):
    port = live_server.url.rsplit(":", 1)[1]

    result = subprocess.run(
        [sys.executable, str(DEPLOY / "healthcheck.py")],
        env=child_env(HEALTHCHECK_PORT=port, DJANGO_ALLOWED_HOSTS="localhost,example.com"),
        capture_output=True,
        timeout=30,
    )

    assert result.returncode == 0, result.stderr


def test_container_healthcheck_fails_when_nothing_answers():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = subprocess.run(
        [sys.executable, str(DEPLOY / "healthcheck.py")],
        env=child_env(HEALTHCHECK_PORT=str(port)),
        capture_output=True,
        text=True,
        timeout=30,
    )

    assert result.returncode == 1
    assert "unhealthy" in result.stderr


# ---- the files -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())


def test_compose_runs_nginx_two_app_servers_postgres_redis_a_migration_and_a_scheduler(compose):
    services = compose["services"]

    assert set(services) == {"nginx", "web1", "web2", "db", "redis", "migrate", "scheduler"}
    assert services["scheduler"]["command"] == ["python", "manage.py", "scheduler"]
    assert services["db"]["image"] == "postgres:16"
    assert services["redis"]["image"] == "redis:7"
    assert services["migrate"]["command"] == ["python", "manage.py", "migrate", "--noinput"]
    assert services["migrate"]["restart"] == "no"
    for name in ("web1", "web2"):
        web = services[name]
        assert web["env_file"] == "../.env"
        assert web["environment"]["DJANGO_BEHIND_PROXY"] == "1"
        assert web["environment"]["DATABASE_URL"].startswith("postgres://raiplay:")
        assert web["environment"]["REDIS_URL"] == "redis://redis:6379/0"
        assert web["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
        assert web["depends_on"]["db"] == {"condition": "service_healthy"}
    for name in ("nginx", "web1", "web2", "db", "redis"):
        assert "test" in services[name]["healthcheck"], name
    assert services["nginx"]["depends_on"] == {
        "web1": {"condition": "service_healthy"},
        "web2": {"condition": "service_healthy"},
    }
    assert "./nginx.conf:/etc/nginx/conf.d/default.conf:ro" in services["nginx"]["volumes"]


def test_nginx_balances_both_app_servers_and_forwards_the_client():
    conf = (DEPLOY / "nginx.conf").read_text()
    upstream = re.search(r"upstream raiplay \{(.*?)\}", conf, re.S).group(1)

    assert "server web1:8000" in upstream
    assert "server web2:8000" in upstream
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in conf
    # The scheme nginx served, never one the client claims in its own X-Forwarded-Proto.
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in conf
    assert "$http_x_forwarded_proto" not in conf
    assert re.search(r"client_max_body_size \d+m;", conf)
    stream = re.search(r"location /api/v1/chat/stream \{(.*?)\}", conf, re.S).group(1)
    assert "proxy_buffering off;" in stream
    assert "location /static/" in conf


def test_gunicorn_takes_workers_from_the_environment(monkeypatch):
    import runpy

    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    config = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))

    assert config["workers"] == 3
    assert config["worker_class"] == "gthread"
    assert config["accesslog"] is None  # the app logs each request (core.logs)
    assert config["bind"] == "0.0.0.0:8000"
    assert config["timeout"] > 0


def _served_once(tmp_path, **env: str) -> str:
    """What gunicorn, as deploy/gunicorn.conf.py sets it up, prints for one request with a secret query."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(DEPLOY / "gunicorn.conf.py"), "raiplay.wsgi:application"],
        cwd=BASE_DIR,
        env=child_env(
            DJANGO_DEBUG="1",
            DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
            GUNICORN_BIND=f"127.0.0.1:{port}",
            WEB_CONCURRENCY="1",
            GUNICORN_THREADS="1",
            **env,
        ),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health/?code=SECRET-CODE", timeout=5) as r:
                    assert r.status == 200
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    return output


def test_gunicorn_logs_each_request_once_and_never_its_query_string(tmp_path):
    lines = [line for line in _served_once(tmp_path).splitlines() if "/api/v1/health/" in line]
    assert len(lines) == 1 and " 200 " in lines[0], lines  # core.logs' line, not gunicorn's too
    # Turned back on, gunicorn's own line leaves the query string (an OAuth callback's code) out too.
    output = _served_once(tmp_path, GUNICORN_ACCESS_LOG="-")
    lines = [line for line in output.splitlines() if "/api/v1/health/" in line]
    assert len(lines) == 2, lines
    assert "SECRET-CODE" not in output


def test_dockerfile_builds_a_non_root_gunicorn_image_with_a_healthcheck():
    dockerfile = (BASE_DIR / "Dockerfile").read_text()

    assert dockerfile.startswith("#") or "FROM python:3.13-slim" in dockerfile.splitlines()[0]
    assert re.search(r"^FROM python:3\.13-slim$", dockerfile, re.M)
    assert re.search(r"^RUN pip install -r requirements\.txt$", dockerfile, re.M)
    assert "collectstatic --noinput" in dockerfile
    assert re.search(r"^USER raiplay$", dockerfile, re.M)
    assert re.search(r"^EXPOSE 8000$", dockerfile, re.M)
    assert re.search(r"^HEALTHCHECK .*\n?.*deploy/healthcheck\.py", dockerfile, re.M)
    assert '"--config", "deploy/gunicorn.conf.py"' in dockerfile
    ignored = (BASE_DIR / ".dockerignore").read_text().split()
    for path in (".git", ".venv", ".env", "db.sqlite3"):
        assert path in ignored
