"""gunicorn settings for the app servers; every knob can be set from the environment."""

import ctypes
import ctypes.util
import gc
import multiprocessing
import os


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def _bool(name: str, default: bool) -> bool:
    return os.environ.get(name, "1" if default else "0").strip().lower() in {"1", "true", "yes", "on"}


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
# fresh worker opens new database connections and runs its first requests cold (a visible
# latency spike; without preload_app below it re-imports Django and every app too); at 2,000
# that happened every few seconds per worker under load (`make bench`). Our workers show no
# leak, so every 20,000 requests is a safety net, not a routine; the jitter keeps the workers
# from restarting at the same moment.
max_requests = _int("GUNICORN_MAX_REQUESTS", 20000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 2000)

# Memory (`make bench` reads the workers' RSS; DESIGN.md "Scale"). Measured per worker at 20,000
# learners: about 100 MiB once Django, DRF and the apps are imported, then +19 MiB for every
# thread that ever hashed a password (Argon2id, m = 19 MiB, accounts.hashers), kept for good:
# glibc raises its mmap threshold to the size of the first big block freed, so later 19 MiB
# blocks come from the thread's own malloc arena and stay there (183 MiB after 16 logins at
# once). A fixed threshold keeps every block of 1 MiB or more in its own mapping, returned to
# the system when freed (107 MiB after the same logins). The price is faulting the block in
# again at each hash: 10 ms of system time on a ~25 ms hash in 4 KiB pages, ~3 ms with the
# Dockerfile's GLIBC_TUNABLES=glibc.malloc.hugetlb=1 (transparent huge pages). The master sets
# it before forking, so every worker inherits it; MALLOC_MMAP_THRESHOLD_ in the environment
# (glibc's own knob) wins, GUNICORN_MMAP_THRESHOLD=0 turns it off. Not glibc (musl): no-op.
MMAP_THRESHOLD = _int("GUNICORN_MMAP_THRESHOLD", 1024 * 1024)
M_MMAP_THRESHOLD = -3  # glibc's malloc.h


def _return_big_blocks_to_the_system() -> None:
    if "MALLOC_MMAP_THRESHOLD_" in os.environ or MMAP_THRESHOLD <= 0:
        return
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)
    except (OSError, AttributeError):  # no glibc: its allocator returns big blocks its own way
        return


_return_big_blocks_to_the_system()

# The app is imported once, in the master, and the workers are forked from it: the code,
# Django's and the apps' modules and the URLconf (raiplay.wsgi loads it) are shared pages
# instead of a copy per worker, and a worker recycled by max_requests starts warm instead
# of re-importing everything. gc.freeze() moves what the master built out of the collector's
# reach, so a worker's collections do not write to (and so copy) those pages. Per worker
# after a round of every GET route: USS 80 -> 40 MiB, PSS 84 -> 56 MiB; RSS, which counts
# shared pages in full and is what the bench shows, stays about 100 MiB. Nothing is
# connected at import (database and Redis connect on first use, in the worker).
# GUNICORN_PRELOAD=0 imports in each worker again (e.g. to debug an import-time failure).
preload_app = _bool("GUNICORN_PRELOAD", True)


def when_ready(server) -> None:
    """In the master, after the app is imported and before the first worker is forked."""
    gc.collect()
    gc.freeze()


# Heartbeat files in memory, not on the container's overlay filesystem.
SHM = "/dev/shm"  # noqa: S108 — a tmpfs for heartbeat files, not a shared temp file
worker_tmp_dir = SHM if os.path.isdir(SHM) else None

# Logs to stdout/stderr for the container runtime. Each request is logged once, by the app
# (core.logs: request id, learner id, status, time; LOG_FORMAT=json for the pipeline), so
# gunicorn's own access line is off: it repeated that line in another format, took about 3 % of
# a busy worker's time (py-spy under `make bench`), and wrote the query string, where an OAuth
# callback carries its code. GUNICORN_ACCESS_LOG=- turns it back on, without the
# query string; the client address is nginx's X-Forwarded-For.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%({x-forwarded-for}i)s %(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'

# No runtime control socket: containers are managed by their runtime, and $HOME is read-only.
control_socket_disable = True

# Big uploads (videos) go through nginx's client_max_body_size; headers stay bounded.
limit_request_line = 8190
