"""gunicorn settings for the app servers; every knob can be set from the environment."""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")

# Threads let one worker hold a long FinBot stream (chat/stream) and keep serving others.
worker_class = "gthread"
workers = _int("WEB_CONCURRENCY", min(multiprocessing.cpu_count() * 2 + 1, 8))
threads = _int("GUNICORN_THREADS", 4)

# A worker silent for this long is restarted; streams keep their worker alive, so this
# only catches a stuck process. graceful_timeout lets requests finish on a deploy.
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)

# Recycle workers now and then so a slow leak can never take a server down, but rarely: a
# fresh worker re-imports Django and every app, opens new database connections and runs its
# first requests cold (a visible latency spike); at 2,000 that happened every few seconds per
# worker under load (`make bench`). Our workers show no leak, so every 20,000 requests is a
# safety net, not a routine; the jitter keeps the workers from restarting at the same moment.
max_requests = _int("GUNICORN_MAX_REQUESTS", 20000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 2000)

# Heartbeat files in memory, not on the container's overlay filesystem.
SHM = "/dev/shm"  # noqa: S108 — a tmpfs for heartbeat files, not a shared temp file
worker_tmp_dir = SHM if os.path.isdir(SHM) else None

# Logs to stdout/stderr for the container runtime; the client address is nginx's X-Forwarded-For.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%({x-forwarded-for}i)s %(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(f)s" "%(a)s"'

# No runtime control socket: containers are managed by their runtime, and $HOME is read-only.
control_socket_disable = True

# Big uploads (videos) go through nginx's client_max_body_size; headers stay bounded.
limit_request_line = 8190
