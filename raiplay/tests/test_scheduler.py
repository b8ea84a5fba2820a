"""`manage.py scheduler`: the periodic jobs of the deployment, in one process."""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.tests.factories import UserFactory
from achievements import leaderboards
from achievements.tests.reward_helpers import boards_fixture, earn  # noqa: F401
from core.models import IdempotencyKey
from raiplay.management.commands.scheduler import JOBS

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def test_the_jobs_are_the_periodic_work_of_the_design():
    assert dict(JOBS) == {"heal_leaderboards": 30, "purge_idempotency_keys": 3600}


@pytest.mark.redis
def test_once_heals_the_boards_and_drops_expired_keys(boards, capsys):
    learner = UserFactory()
    earn(learner, 40)  # committed, its Redis update never ran
    old = IdempotencyKey.objects.create(user=learner, key="old", endpoint="POST /x", status_code=201)
    IdempotencyKey.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=25))

    call_command("scheduler", once=True)

    assert leaderboards.board(user=learner).me == {"rank": 1, "xp": 40}
    assert leaderboards.differences() == []
    assert not IdempotencyKey.objects.filter(pk=old.pk).exists()
    assert "Dropped 1 expired" in capsys.readouterr().out


def test_a_failing_job_is_logged_without_a_traceback_and_the_others_still_run(settings, caplog, capsys):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there

    with pytest.raises(SystemExit) as exit_:
        call_command("scheduler", once=True)

    assert exit_.value.code == 1
    failure = next(r for r in caplog.records if r.name == "raiplay.scheduler")
    assert "heal_leaderboards failed: Redis is unreachable" in failure.getMessage()
    assert failure.exc_info is None
    assert "expired idempotency keys" in capsys.readouterr().out  # the purge ran after the failure


def test_it_runs_until_terminated_and_removes_its_pid_file(tmp_path):
    pidfile = tmp_path / "scheduler.pid"
    env = {**os.environ, "DJANGO_DEBUG": "1", "REDIS_URL": "", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    process = subprocess.Popen(
        [sys.executable, "manage.py", "scheduler", "--pidfile", str(pidfile)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while not pidfile.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert pidfile.read_text().strip() == str(process.pid)
        time.sleep(0.5)
        assert process.poll() is None  # still waiting for the next minute
    finally:
        process.send_signal(signal.SIGTERM)
        out, _ = process.communicate(timeout=20)
    assert process.returncode == 0
    assert "nothing to heal" in out
    assert not pidfile.exists()
