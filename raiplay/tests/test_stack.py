"""`deploy/stack.sh` (make stack) for real: nginx in front of two gunicorns on PostgreSQL + Redis.

It installs nginx if missing, starts three servers and takes ~15 s, so it runs only when asked:

    RUN_STACK_TESTS=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/raiplay \\
        REDIS_URL=redis://127.0.0.1:6379/1 .venv/bin/python -m pytest raiplay/tests/test_stack.py

The stack under test has its own ports, state dir, database (dropped afterwards) and Redis
db, so a `make stack` already running on this machine is left alone.
"""

import json
import os
import re
import socket
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
STACK = REPO / "deploy" / "stack.sh"
DATABASE = "raiplay_stack_test"
REDIS_URL = "redis://127.0.0.1:6379/3"

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.skipif(
        os.environ.get("RUN_STACK_TESTS") != "1", reason="starts nginx and two gunicorns: set RUN_STACK_TESTS=1"
    ),
]


@pytest.fixture(autouse=True)
def _fresh_cache():
    """No cache.clear() here: these tests run no Django in-process, and the stack has its own Redis db."""
    yield


def free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def get(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={name.replace("_", "-"): value for name, value in headers.items()})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie has exited already; only its parent has not collected it yet.
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().rsplit(")", 1)[1].split()[0] == "Z")


def masters(state: Path) -> dict[str, int]:
    files = {"nginx": "nginx/nginx.pid", "web1": "web1.pid", "web2": "web2.pid", "scheduler": "scheduler.pid"}
    return {name: int((state / path).read_text()) for name, path in files.items()}


def children(pid: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)
    return [int(line) for line in found.stdout.split()]


def listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture
def stack(tmp_path):
    port, web1, web2 = free_ports(3)
    env = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", "/root"),
        "STACK_DIR": str(tmp_path / "stack"),
        "STACK_PORT": str(port),
        "STACK_WEB1_PORT": str(web1),
        "STACK_WEB2_PORT": str(web2),
        "STACK_DB": DATABASE,
        "STACK_REDIS_URL": REDIS_URL,
        "STACK_WAIT": "60",
    }

    def run(command: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(STACK), command], env=env, capture_output=True, text=True, timeout=300)

    info = {"run": run, "dir": tmp_path / "stack", "port": port, "web1": web1, "web2": web2}
    try:
        yield info
    finally:
        run("down")
        subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)"],
            capture_output=True,
            timeout=60,
        )


def test_stack_serves_through_nginx_from_both_app_servers_and_down_stops_exactly_it(stack):
    run, state, port = stack["run"], stack["dir"], stack["port"]
    nginx_url = f"http://127.0.0.1:{port}"

    up = run("up")

    assert up.returncode == 0, up.stdout + up.stderr
    assert up.stdout.strip().endswith(f"{nginx_url}/")
    pids = masters(state)
    assert all(alive(pid) for pid in pids.values()), pids
    workers = [child for name in ("web1", "web2") for child in children(pids[name])]
    assert len(workers) == 4  # WEB_CONCURRENCY=2 per app server
    workers += children(pids["nginx"])

    # Healthy through nginx: the database and Redis both answer.
    status, _, body = get(f"{nginx_url}/api/v1/health/")
    assert status == 200
    assert json.loads(body) == {"status": "ok", "database": "ok", "cache": "ok"}

    # Each app server answers on its own port, and nginx spreads requests over both.
    for name in ("web1", "web2"):
        assert get(f"http://127.0.0.1:{stack[name]}/api/v1/health/")[0] == 200, name
    agent = f"stack-test-{uuid.uuid4()}"
    for _ in range(10):
        assert get(f"{nginx_url}/api/v1/health/", User_Agent=agent, X_Forwarded_For="203.0.113.9")[0] == 200
    time.sleep(0.5)  # access log lines are written after the response
    for name in ("web1", "web2"):
        lines = [line for line in (state / "logs" / f"{name}.log").read_text().splitlines() if agent in line]
        assert lines, f"nginx sent no request to {name}"
        # nginx appended the address it saw to what the client claimed.
        assert all(line.startswith("203.0.113.9, 127.0.0.1 ") for line in lines), lines

    # A client's own X-Forwarded-Proto: https must not make Django believe the request is
    # secure (no HSTS on plain http); the same header does, from a trusted proxy (the control).
    status, headers, _ = get(f"{nginx_url}/api/v1/health/", X_Forwarded_Proto="https")
    assert status == 200
    assert "Strict-Transport-Security" not in headers
    status, headers, _ = get(f"http://127.0.0.1:{stack['web1']}/api/v1/health/", X_Forwarded_Proto="https")
    assert "Strict-Transport-Security" in headers
    rendered = (state / "nginx" / "nginx.conf").read_text()
    assert "$http_x_forwarded_proto" not in rendered
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in rendered
    assert f"listen 127.0.0.1:{port} " in rendered

    # Static files come from the app (whitenoise, after collectstatic).
    page = get(f"{nginx_url}/accounts/login/")
    assert page[0] == 200
    css = re.search(r'/static/[^"]+\.css', page[2].decode())
    assert css, "no stylesheet on the login page"
    assert get(f"{nginx_url}{css.group(0)}")[0] == 200

    # `up` again changes nothing; `status` agrees.
    again = run("up")
    assert again.returncode == 0, again.stdout + again.stderr
    assert "already up" in again.stdout
    assert masters(state) == pids
    assert run("status").returncode == 0

    down = run("down")

    assert down.returncode == 0, down.stdout + down.stderr
    deadline = time.monotonic() + 10  # workers leave right after their master
    while any(alive(pid) for pid in [*pids.values(), *workers]) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not [pid for pid in [*pids.values(), *workers] if alive(pid)]
    assert not any(listening(stack[name]) for name in ("port", "web1", "web2"))
    assert not list(state.glob("*.pid")) and not (state / "nginx" / "nginx.pid").exists()
    assert run("status").returncode != 0
    # PostgreSQL and Redis are shared: still up.
    assert subprocess.run(["pg_isready", "-h", "127.0.0.1", "-q"]).returncode == 0
    assert (
        subprocess.run(["redis-cli", "-u", REDIS_URL, "ping"], capture_output=True, text=True).stdout.strip() == "PONG"
    )


def test_stack_nginx_mirrors_the_deploy_proxy_settings():
    deploy = (REPO / "deploy" / "nginx.conf").read_text()
    template = (REPO / "deploy" / "nginx.stack.conf.template").read_text()

    def proxy_settings(conf: str) -> list[str]:
        lines = (line.strip() for line in conf.splitlines())
        settings = (
            line
            for line in lines
            if re.match(r"(proxy_|client_|gzip|least_conn|keepalive )", line) and "_temp_path " not in line
        )
        # The stack's Host carries its port (8080); deploy/nginx.conf serves port 80.
        return sorted(line.replace("$host:$server_port;", "$host;") for line in settings)

    assert proxy_settings(template) == proxy_settings(deploy)
    for conf in (deploy, template):
        assert "$http_x_forwarded_proto" not in conf
        assert "proxy_set_header X-Forwarded-Proto $scheme;" in conf
        assert "location /api/v1/chat/stream" in conf
