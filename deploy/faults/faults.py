"""`make faults`: Redis and PostgreSQL failing under real traffic, against `make stack`.

Starts a private PostgreSQL cluster and a private redis-server on ports of its own (the
machine's shared ones are never touched), runs deploy/stack.sh on them (nginx, two
gunicorns, the scheduler), then, with simulated learners playing through nginx:

1. Redis paused (SIGSTOP, 8 s), then killed (SIGKILL) and started again empty, under a
   stream of first passes and board reads: no answer may be a 5xx; phones that give up
   after 0.4 s send the pass again with its key and learn its outcome; each learner's
   ledger XP equals what the answers told; and once Redis is back `check_leaderboards`
   must agree with the database within a minute.
2. PostgreSQL restarted twice (a fast shutdown, then a crash with WAL recovery) under a
   stream of first passes, each sent with an Idempotency-Key and retried with it until it
   answers: requests may fail only around a restart and only as a 503 (or a refused
   connection), never a 500; every learner learns the outcome of
   every pass, `check_ledger` is clean, and each learner's XP in the ledger is exactly
   what the answers told them.

Exit 0 when every check holds; 1 with the list of what failed. A summary with the figures
is printed either way. Settings: FAULTS_DIR (work directory, default a fresh /tmp one),
FAULTS_PG_PORT=25432, FAULTS_REDIS_PORT=26379, FAULTS_STACK_PORT=8180 (+1, +2 for the app
servers), FAULTS_KEEP=1 leaves the work directory in place.
"""

import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

REPO = Path(__file__).resolve().parents[2]
PY = REPO / ".venv" / "bin" / "python"
# Below Linux's ephemeral range (32768-60999): no client connection of the run can hold one
# of these ports when a restarted server binds it again.
PG_PORT = int(os.environ.get("FAULTS_PG_PORT", "25432"))
REDIS_PORT = int(os.environ.get("FAULTS_REDIS_PORT", "26379"))
STACK_PORT = int(os.environ.get("FAULTS_STACK_PORT", "8180"))
PG_URL = f"postgres://postgres@127.0.0.1:{PG_PORT}"
DB = "raiplay_faults"
REDIS_URL = f"redis://127.0.0.1:{REDIS_PORT}/0"
API = "/api/v1"

RETRY_FOR = 90.0  # seconds a client keeps retrying one request with its key
PATIENCE = 20.0  # seconds a client waits for an answer
IMPATIENT = 0.4  # seconds: a phone on a bad network that gives up, in the Redis scenario's first tries
GAVE_UP = -1  # the status noted when the client gave up waiting (its own choice, not a failure)
RECOVERY = 5.0  # seconds after PostgreSQL is back within which the app must answer again
HEAL_WITHIN = 60.0  # the boards must agree with the database this long after Redis is back

started = time.monotonic()


def now() -> float:
    return time.monotonic() - started


def say(message: str) -> None:
    print(f"faults [{now():6.1f}s] {message}", flush=True)


# ---- the private services ---------------------------------------------------------------


def as_postgres(command: list[str]) -> list[str]:
    # initdb refuses to run as root: the cluster belongs to the postgres user then.
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


class PrivatePostgres:
    def __init__(self, work: Path):
        versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
        if not versions:
            raise SystemExit("faults: no PostgreSQL server binaries under /usr/lib/postgresql")
        self.bin = versions[-1]
        self.home = work / "pg"
        self.data = self.home / "data"

    def pg_ctl(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        options = f"-p {PG_PORT} -c listen_addresses=127.0.0.1 -k {self.home}"
        log = self.home / "server.log"
        command = [str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(log), "-o", options]
        done = subprocess.run(as_postgres([*command, *args]), capture_output=True, text=True)
        if check and done.returncode != 0:
            tail = log.read_text(errors="replace").splitlines()[-15:] if log.exists() else []
            raise SystemExit(f"faults: pg_ctl {' '.join(args)} failed: {done.stderr.strip()}\n" + "\n".join(tail))
        return done

    def start(self) -> None:
        self.home.mkdir(parents=True)
        if os.geteuid() == 0:
            shutil.chown(self.home, "postgres")
        init = [str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8"]
        subprocess.run(as_postgres(init), check=True, capture_output=True)
        self.pg_ctl("-w", "start")
        with psycopg.connect(f"{PG_URL}/postgres", autocommit=True) as connection:
            connection.execute(f"CREATE DATABASE {DB}")

    def restart(self, mode: str) -> tuple[float, float]:
        """Restart with a `fast` shutdown (sessions ended) or an `immediate` one (a crash)."""
        down = now()
        self.pg_ctl("-m", mode, "-w", "restart")
        return down, now()

    def stop(self) -> None:
        if self.data.exists():
            self.pg_ctl("-m", "immediate", "stop", check=False)


class PrivateRedis:
    def __init__(self, work: Path):
        self.dir = work / "redis"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.dir.mkdir(exist_ok=True)
        args = ["--port", str(REDIS_PORT), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(
            ["redis-server", *args, "--dir", str(self.dir)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if subprocess.run(["redis-cli", "-p", str(REDIS_PORT), "ping"], capture_output=True).stdout == b"PONG\n":
                return
            time.sleep(0.1)
        raise SystemExit("faults: the private redis-server did not start")

    def signal(self, signum: int) -> None:
        assert self.process is not None
        self.process.send_signal(signum)

    def kill(self) -> None:
        self.signal(signal.SIGKILL)
        assert self.process is not None
        self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.process.kill()
            self.process.wait()


class Stack:
    def __init__(self, work: Path):
        self.env = {
            **os.environ,
            "STACK_DIR": str(work / "stack"),
            "STACK_PORT": str(STACK_PORT),
            "STACK_WEB1_PORT": str(STACK_PORT + 1),
            "STACK_WEB2_PORT": str(STACK_PORT + 2),
            "STACK_PG_URL": PG_URL,
            "STACK_DB": DB,
            "STACK_REDIS_URL": REDIS_URL,
        }

    def run(self, command: str) -> None:
        subprocess.run([str(REPO / "deploy" / "stack.sh"), command], env=self.env, check=True)

    def manage(self, *args: str) -> subprocess.CompletedProcess:
        """A management command on the stack's database and Redis (as an operator would run one)."""
        env = {**os.environ, "DJANGO_DEBUG": "1", "DATABASE_URL": f"{PG_URL}/{DB}", "REDIS_URL": REDIS_URL}
        return subprocess.run([str(PY), "manage.py", *args], cwd=REPO, env=env, capture_output=True, text=True)


# ---- learners ---------------------------------------------------------------------------


@dataclass
class Answer:
    status: int  # 0: no HTTP answer at all (refused, reset, timed out); GAVE_UP: the client stopped waiting
    data: dict | None
    replayed: bool
    at: float
    retried: bool = False  # learned only by sending the request again with its key


@dataclass
class Traffic:
    """Every answer of a scenario: statuses, and when each failure happened."""

    statuses: Counter = field(default_factory=Counter)
    failures: list[tuple[float, str, int]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def note(self, name: str, answer: Answer) -> None:
        with self.lock:
            self.statuses[answer.status] += 1
            if answer.status == 0 or answer.status >= 500:
                self.failures.append((answer.at, name, answer.status))


class Client:
    """One phone: its own keep-alive connection through nginx, its own address."""

    def __init__(self, number: int, traffic: Traffic):
        self.traffic = traffic
        self.headers = {"X-Forwarded-For": f"10.77.{number // 256}.{number % 256}", "Content-Type": "application/json"}
        self.connection: http.client.HTTPConnection | None = None

    def call(
        self, method: str, path: str, body: dict | None = None, key: str | None = None, timeout: float = PATIENCE
    ) -> Answer:
        headers = dict(self.headers)
        if key:
            headers["Idempotency-Key"] = key
        try:
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", STACK_PORT, timeout=timeout)
            elif self.connection.sock is not None:
                self.connection.sock.settimeout(timeout)
            self.connection.timeout = timeout
            self.connection.request(
                method, API + path, body=json.dumps(body) if body is not None else None, headers=headers
            )
            response = self.connection.getresponse()
            raw = response.read()
            data = (
                json.loads(raw)
                if raw and response.getheader("Content-Type", "").startswith("application/json")
                else None
            )
            answer = Answer(response.status, data, response.getheader("Idempotent-Replayed") == "true", now())
            if response.getheader("Connection", "").lower() == "close":
                self.reset()
        except TimeoutError:
            self.reset()  # the answer may still come, on a connection nobody reads any more
            answer = Answer(GAVE_UP if timeout < PATIENCE else 0, None, False, now())
        except (OSError, http.client.HTTPException):
            self.reset()
            answer = Answer(0, None, False, now())
        self.traffic.note(f"{method} {path}", answer)
        return answer

    def reset(self) -> None:
        if self.connection is not None:
            self.connection.close()
        self.connection = None

    def until_answered(
        self, method: str, path: str, body: dict | None = None, key: str | None = None, first_timeout: float = PATIENCE
    ) -> Answer:
        """Send, and on no answer or a 5xx send again with the same key, as the app does."""
        deadline = time.monotonic() + RETRY_FOR
        answer = self.call(method, path, body, key, timeout=first_timeout)
        self.retried = answer.status <= 0 or answer.status >= 500
        while not (0 < answer.status < 500) and time.monotonic() < deadline:
            time.sleep(0.3)
            answer = self.call(method, path, body, key)
        return answer


def answer_key() -> dict[str, dict[str, dict]]:
    """slug → prompt → what a right answer sends, from the demo content file."""
    keys: dict[str, dict[str, dict]] = {}
    for game in json.loads((REPO / "content" / "demo" / "games.json").read_text())["games"]:
        keys[game["slug"]] = {q["prompt"]: q for q in game["questions"]}
    return keys


class Learner(Client):
    def __init__(self, number: int, traffic: Traffic, run: str):
        super().__init__(number, traffic)
        self.username = f"fault{run}{number}"
        self.told_xp = 0  # what the answers told this learner they earned
        self.passes: list[Answer] = []
        self.retried = False

    def sign_up(self) -> None:
        body = {
            "username": self.username,
            "email": f"{self.username}@example.com",
            "password": uuid.uuid4().hex + "-Aa1!",
        }
        answer = self.until_answered("POST", "/auth/signup", {**body, "birth_year": 2000})
        if answer.status != 201 or answer.data is None:
            raise SystemExit(f"faults: sign-up of {self.username} answered {answer.status}")
        self.headers["Authorization"] = f"Bearer {answer.data['access_token']}"
        me = self.until_answered("GET", "/users/me")
        assert me.data is not None
        self.told_xp = me.data["xp"]

    def games(self) -> list[dict]:
        """Server-scored games in an order they unlock in: the quest line, then the mini-games."""
        storyline = self.until_answered("GET", "/games/quests/storyline").data or {"results": []}
        minigames = self.until_answered("GET", "/games/minigames").data or {"results": []}
        return [game for game in storyline["results"] + minigames["results"] if game.get("scoring") != "client"]

    def right_answers(self, game_id: int, keys: dict) -> list[dict] | None:
        detail = self.until_answered("GET", f"/games/{game_id}/")
        if detail.status != 200 or detail.data is None:
            return None
        questions = keys[detail.data["slug"]]
        answers = []
        for question in detail.data["questions"]:
            truth = questions[question["prompt"]]
            if question["kind"] == "number":
                answers.append({"question": question["id"], "value": truth["answer_value"]})
            else:
                right = {c["text"] for c in truth["choices"] if c["correct"]}
                answers.append(
                    {
                        "question": question["id"],
                        "choices": [c["id"] for c in question["choices"] if c["text"] in right],
                    }
                )
        return answers

    def first_pass(self, game_id: int, keys: dict, *, first_timeout: float = PATIENCE) -> Answer | None:
        answers = self.right_answers(game_id, keys)
        if answers is None:
            return None
        path, key = f"/games/{game_id}/attempts", uuid.uuid4().hex
        answer = self.until_answered("POST", path, {"answers": answers}, key=key, first_timeout=first_timeout)
        answer.retried = self.retried
        self.passes.append(answer)
        if answer.status == 201 and answer.data is not None:
            self.told_xp += answer.data["rewards"]["xp"]
        return answer


def sign_up_all(learners: list[Learner]) -> None:
    threads = [threading.Thread(target=learner.sign_up) for learner in learners]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def told_versus_ledger(learners: list[Learner], problems: list[str], scenario: str) -> int:
    """Learners whose ledger XP is exactly what the answers told them; a problem for each other."""
    ledger = ledger_xp([learner.username for learner in learners])
    wrong = {
        learner.username: (learner.told_xp, ledger.get(learner.username))
        for learner in learners
        if learner.told_xp != ledger.get(learner.username)
    }
    if wrong:
        problems.append(f"{scenario}: ledger XP differs from what the answers told (told, ledger): {wrong}")
    return len(learners) - len(wrong)


def outcomes(learners: list[Learner]) -> dict[str, int]:
    passes = [answer for learner in learners for answer in learner.passes]
    return {
        "passes": len(passes),
        "passes_learned_by_a_retry": sum(answer.retried for answer in passes),
        "passes_replayed": sum(answer.replayed for answer in passes),
    }


def ledger_xp(usernames: list[str]) -> dict[str, int]:
    with psycopg.connect(f"{PG_URL}/{DB}") as connection:
        rows = connection.execute(
            "SELECT u.username, COALESCE(SUM(l.xp), 0) FROM accounts_user u "
            "LEFT JOIN achievements_ledgerentry l ON l.user_id = u.id WHERE u.username = ANY(%s) GROUP BY u.username",
            [usernames],
        ).fetchall()
    return dict(rows)


# ---- the scenarios ----------------------------------------------------------------------


def redis_scenario(redis: PrivateRedis, stack: Stack, problems: list[str], keys: dict) -> dict:
    traffic = Traffic()
    learners = [Learner(n, traffic, "r" + uuid.uuid4().hex[:5]) for n in range(1, 13)]
    sign_up_all(learners)
    stop = threading.Event()

    def play(learner: Learner) -> None:
        games = learner.games()
        index = 0
        while not stop.is_set():
            game = games[index % len(games)]
            index += 1
            # Impatient first tries: during the pause the answer comes after its commit, too late
            # for the phone, which asks again with the same key and learns the outcome.
            if learner.first_pass(game["id"], keys, first_timeout=IMPATIENT) is None:
                continue
            for query in ("?period=all", "?period=week", "?period=week&around=me"):
                learner.call("GET", f"/users/leaderboard{query}")
            learner.call("GET", "/users/me")
            learner.call("GET", "/quests/daily")
            stop.wait(0.5)

    threads = [threading.Thread(target=play, args=(learner,)) for learner in learners]
    begun = now()
    for thread in threads:
        thread.start()
    time.sleep(6)
    say("Redis: paused (SIGSTOP) for 8 s")
    redis.signal(signal.SIGSTOP)
    time.sleep(8)
    redis.signal(signal.SIGCONT)
    say("Redis: resumed; killed (SIGKILL) in 6 s")
    time.sleep(6)
    redis.kill()
    time.sleep(6)
    redis.start()
    back = now()
    say("Redis: started again, empty")
    time.sleep(10)
    stop.set()
    for thread in threads:
        thread.join()
    ended = now()

    agreed_after = None
    while now() - back < HEAL_WITHIN + 15:
        if stack.manage("check_leaderboards").returncode == 0:
            agreed_after = now() - back
            break
        time.sleep(2)
    served = sum(traffic.statuses.values())
    errors = sum(count for status, count in traffic.statuses.items() if status == 0 or status >= 500)
    if errors:
        problems.append(f"Redis: {errors} answer(s) were 5xx or missing: {sorted(traffic.failures)[:10]}")
    if agreed_after is None or agreed_after > HEAL_WITHIN:
        detail = stack.manage("check_leaderboards")
        problems.append(
            f"Redis: the boards did not agree with the database {HEAL_WITHIN:.0f} s after Redis came back: "
            f"{detail.stderr[-800:]}"
        )
    unanswered = [
        (learner.username, answer.status) for learner in learners for answer in learner.passes if answer.status != 201
    ]
    if unanswered:
        problems.append(f"Redis: {len(unanswered)} pass(es) never learned their outcome: {unanswered[:10]}")
    return {
        "requests": served,
        "seconds": round(ended - begun, 1),
        "statuses": {("gave up" if status == GAVE_UP else status): n for status, n in sorted(traffic.statuses.items())},
        "5xx_or_none": errors,
        **outcomes(learners),
        "learners_ledger_equals_told": told_versus_ledger(learners, problems, "Redis"),
        "boards_agreed_after_s": None if agreed_after is None else round(agreed_after, 1),
    }


def postgres_scenario(postgres: PrivatePostgres, stack: Stack, problems: list[str], keys: dict) -> dict:
    traffic = Traffic()
    learners = [Learner(n, traffic, "p" + uuid.uuid4().hex[:5]) for n in range(1, 21)]
    sign_up_all(learners)
    windows: list[tuple[float, float]] = []

    def play(learner: Learner) -> None:
        for game in learner.games():
            learner.first_pass(game["id"], keys)
            time.sleep(0.4)

    threads = [threading.Thread(target=play, args=(learner,)) for learner in learners]
    begun = now()
    for thread in threads:
        thread.start()
    for mode, pause in (("fast", 5), ("immediate", 8)):
        time.sleep(pause)
        say(f"PostgreSQL: restart ({mode} shutdown)")
        windows.append(postgres.restart(mode))
        say(f"PostgreSQL: back after {windows[-1][1] - windows[-1][0]:.1f} s")
    for thread in threads:
        thread.join()
    ended = now()

    outside = [
        failure
        for failure in traffic.failures
        if not any(down - 0.5 <= failure[0] <= up + RECOVERY for down, up in windows)
    ]
    if outside:
        problems.append(f"PostgreSQL: {len(outside)} failure(s) outside the restart windows {windows}: {outside[:10]}")
    crashes = [failure for failure in traffic.failures if failure[2] not in (0, 503)]
    if crashes:  # an unreachable database is a 503 to retry, never a crash
        problems.append(
            f"PostgreSQL: {len(crashes)} answer(s) were neither 503 nor a refused connection: {crashes[:10]}"
        )
    unanswered = [
        (learner.username, answer.status) for learner in learners for answer in learner.passes if answer.status != 201
    ]
    if unanswered:
        problems.append(f"PostgreSQL: {len(unanswered)} pass(es) never learned their outcome: {unanswered[:10]}")
    check = stack.manage("check_ledger")
    if check.returncode != 0:
        problems.append(f"PostgreSQL: check_ledger failed: {check.stdout[-400:]} {check.stderr[-400:]}")
    return {
        "requests": sum(traffic.statuses.values()),
        "seconds": round(ended - begun, 1),
        "restarts_s": [round(up - down, 1) for down, up in windows],
        "statuses": dict(sorted(traffic.statuses.items())),
        "failures": len(traffic.failures),
        "failures_outside_windows": len(outside),
        **outcomes(learners),
        "learners_ledger_equals_told": told_versus_ledger(learners, problems, "PostgreSQL"),
        "check_ledger": "clean" if check.returncode == 0 else "FAILED",
    }


def _stop_on_signal(signum, frame) -> None:
    raise SystemExit(128 + signum)  # so the `finally` below takes the stack and the servers down


def main() -> int:
    for signum in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(signum, _stop_on_signal)
    work = Path(os.environ.get("FAULTS_DIR") or tempfile.mkdtemp(prefix="raiplay-faults-"))
    work.mkdir(parents=True, exist_ok=True)
    work.chmod(0o755)  # the postgres user reaches its cluster inside
    postgres, redis, stack = PrivatePostgres(work), PrivateRedis(work), Stack(work)
    problems: list[str] = []
    summary: dict[str, dict] = {}
    try:
        say(f"private PostgreSQL on :{PG_PORT}, Redis on :{REDIS_PORT}, the stack on :{STACK_PORT} (work: {work})")
        postgres.start()
        redis.start()
        stack.run("up")
        keys = answer_key()
        summary["redis"] = redis_scenario(redis, stack, problems, keys)
        say(f"Redis scenario: {summary['redis']}")
        summary["postgres"] = postgres_scenario(postgres, stack, problems, keys)
        say(f"PostgreSQL scenario: {summary['postgres']}")
    finally:
        subprocess.run([str(REPO / "deploy" / "stack.sh"), "down"], env=stack.env, check=False)
        redis.stop()
        postgres.stop()
        if not os.environ.get("FAULTS_KEEP"):
            shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(summary, indent=2))
    if problems:
        print("faults: FAILED", *problems, sep="\n- ", file=sys.stderr)
        return 1
    print("faults: every check held")
    return 0


if __name__ == "__main__":
    sys.exit(main())
