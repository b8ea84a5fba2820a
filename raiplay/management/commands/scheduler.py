"""The one scheduler process of the deployment (compose's `scheduler`, `make stack`'s too).

Periodic work runs here, never in a web worker or a request. Each job is a management
command of its own, so a cluster can run the same commands as CronJobs instead.
"""

import contextlib
import logging
import os
import signal
import threading
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections, connection

logger = logging.getLogger("raiplay.scheduler")

# (command, every N seconds): the boards agree with the ledger within a minute of an outage; expired keys go hourly.
JOBS = (("heal_leaderboards", 30), ("purge_idempotency_keys", 3600))


class Command(BaseCommand):
    help = "Run the periodic jobs (heal_leaderboards every 30 s, purge_idempotency_keys hourly) until stopped."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="run every job once and exit")
        parser.add_argument("--pidfile", help="write this process's pid here while it runs (as gunicorn's --pid)")

    def handle(self, *args, **options):
        stop = threading.Event()
        if not options["once"]:
            for signum in (signal.SIGTERM, signal.SIGINT):
                signal.signal(signum, lambda *_: stop.set())
        if options["pidfile"]:
            with open(options["pidfile"], "w") as pidfile:
                pidfile.write(f"{os.getpid()}\n")
        try:
            failed = self._loop(stop, once=options["once"])
        finally:
            if options["pidfile"]:
                with contextlib.suppress(FileNotFoundError):
                    os.remove(options["pidfile"])
        if options["once"] and failed:
            raise SystemExit(1)

    def _loop(self, stop: threading.Event, *, once: bool) -> int:
        due = dict.fromkeys((name for name, _every in JOBS), 0.0)
        failed = 0
        while not stop.is_set():
            for name, every in JOBS:
                if time.monotonic() >= due[name]:
                    due[name] = time.monotonic() + every
                    failed += not self._run(name)
            if once:
                break
            stop.wait(max(0.0, min(due.values()) - time.monotonic()))
        return failed

    def _run(self, name: str) -> bool:
        # A job that fails (Redis or the database down) is logged and tried again when next due.
        if not connection.in_atomic_block:  # as between two requests: a dropped connection is replaced
            close_old_connections()
        try:
            call_command(name, stdout=self.stdout, stderr=self.stderr)
        except CommandError as error:  # the command's own account of what is down: no traceback
            logger.warning("scheduled job %s failed: %s", name, error)
            return False
        except Exception:
            logger.exception("scheduled job %s failed", name)
            return False
        return True
