"""A Redis that hangs mid-update: the boards never count an XP update twice, and heal from the ledger.

These tests start a private redis-server on a free port (never the shared one) so they can
pause it with DEBUG SLEEP.
"""

import shutil
import socket
import subprocess
import threading
import time

import pytest
import redis

from accounts.tests.factories import UserFactory
from achievements import leaderboards

from .reward_helpers import boards_fixture, earn  # noqa: F401

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs the redis-server binary"),
]


class PrivateRedis:
    """A redis-server of the test's own, with an append-only file like the compose file's."""

    def __init__(self, directory):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.directory = directory
        self.control = redis.Redis(port=self.port, socket_timeout=10)
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        args = ("--port", str(self.port), "--bind", "127.0.0.1", "--appendonly", "yes", "--save", "")
        self.process = subprocess.Popen(
            ["redis-server", *args, "--enable-debug-command", "yes", "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL,
        )
        for _ in range(200):
            try:
                self.control.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise AssertionError("the private redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()  # a clean shutdown: the append-only file keeps every key
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def private_redis(settings, tmp_path):
    server = PrivateRedis(tmp_path)
    server.start()
    settings.REDIS_URL = f"redis://127.0.0.1:{server.port}/0"
    yield server
    server.stop()


def pause(control: redis.Redis, seconds: float) -> threading.Thread:
    """Freeze the whole server, as a stalled host or a long fork would."""
    thread = threading.Thread(target=control.execute_command, args=("DEBUG", "SLEEP", str(seconds)))
    thread.start()
    time.sleep(0.1)  # the server is asleep from here
    return thread


def redis_xp(control: redis.Redis, user) -> int | None:
    score = control.zscore(leaderboards._key(leaderboards.ALL), f"{user.pk:012d}")
    return None if score is None else int(score) // leaderboards.SHIFT


def test_an_update_sent_while_redis_hangs_counts_at_most_once(private_redis, django_capture_on_commit_callbacks):
    learner = UserFactory()
    leaderboards.rebuild()
    with django_capture_on_commit_callbacks(execute=True):
        earn(learner, 10)
    assert redis_xp(private_redis.control, learner) == 10

    sleeper = pause(private_redis.control, 1.5)
    with django_capture_on_commit_callbacks(execute=True):
        earn(learner, 15)  # the update times out on the client; Redis runs it when it wakes
    sleeper.join()

    # Never resent by a retry: it ran once when Redis woke, or not at all.
    assert redis_xp(private_redis.control, learner) in (10, 25)
    assert leaderboards.board(user=learner).me == {"rank": 1, "xp": 25}
    assert redis_xp(private_redis.control, learner) == 25


def test_an_update_lost_while_redis_restarts_is_healed_by_the_next_read(
    private_redis, django_capture_on_commit_callbacks
):
    learner, rival = UserFactory(), UserFactory()
    leaderboards.rebuild()
    with django_capture_on_commit_callbacks(execute=True):
        earn(learner, 10)
        earn(rival, 20)

    private_redis.stop()
    with django_capture_on_commit_callbacks(execute=True):
        earn(learner, 15)  # Redis is down: the update is lost, and so is dropping the marker
    private_redis.start()  # back from its append-only file, ready marker and stale scores included

    board = leaderboards.board(user=learner)

    assert board.me == {"rank": 1, "xp": 25}
    assert redis_xp(private_redis.control, learner) == 25
    assert [row.id for row in board.results] == [learner.pk, rival.pk]


def test_a_rebuild_swaps_in_a_finished_board_and_leaves_no_half_built_key(private_redis):
    control = private_redis.control
    learners = [UserFactory() for _ in range(5)]
    for n, learner in enumerate(learners):
        earn(learner, 10 * (n + 1))

    written = leaderboards.rebuild(timeout=5)

    assert written == 5
    assert control.zcard(leaderboards._key(leaderboards.ALL)) == 5
    assert not list(control.scan_iter("*:building"))
