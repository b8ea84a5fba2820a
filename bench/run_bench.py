"""`make bench`: RaiPlay at BENCH_USERS learners behind gunicorn, against a bare-Django floor.

1. `bench_data --users $BENCH_USERS` (does nothing when they are already there), migrate,
   collectstatic.
2. The app as deployed (deploy/gunicorn.conf.py, DEBUG off) on a private loopback port with
   RAIPLAY_BENCH=1: the floor view /bench/floor/ and the X-Bench-Queries header.
3. Credentials made here, not through the API: 16 learners with a game history (a JWT and a
   session cookie each), and fresh learners' JWTs for first passes of quest 1.
4. Rounds of BENCH_SECONDS with BENCH_CLIENTS (16) simultaneous clients (locust, headless, a
   second process): floor, route, floor, route, …, floor, each route's round cut into
   BENCH_SLICES (5) slices of at least 3 s with a floor slice before each and after the last.
   A route's ratio is its requests per second over the mean of those floor slices. The
   leaderboard rounds run again against a second gunicorn whose REDIS_URL is a closed port:
   the database fallback.
5. The workers' memory at idle: right after the server starts and has answered one request of
   each kind (every GET target and a login), the largest worker's RSS (what the rounds report
   under load too; it counts pages shared with the master in full), PSS and USS, and the whole
   server's PSS (master and workers: what it really costs).
6. With BENCH_SOAK_SECONDS (e.g. 600): a soak of that long against the same server, the clients
   mixing every chosen GET target, while `manage.py rebuild_leaderboards` runs in a separate
   process from its midpoint: the slowest request, how many took over 1 s (during the rebuild
   and in all), the errors. BENCH_SECONDS=0 runs the soak alone, without rounds.
7. Each round's CPU per request, by process (bench/cpu.py: the app server, PostgreSQL, Redis,
   the load generator), and each route's ratio to the floor by that CPU beside its ratio by rate.
8. One table on stdout, and bench/results/latest.json (plus a copy named by the time).

Environment: DATABASE_URL (PostgreSQL) and REDIS_URL (required), BENCH_USERS (1000000),
BENCH_SECONDS (20), BENCH_CLIENTS (16), BENCH_PORT (8790; the Redis-down server uses the next
port), BENCH_TARGETS (a comma-separated subset of the target names, for a quick look),
BENCH_RESULTS (where the JSON goes; CI's smoke writes elsewhere than the committed result),
BENCH_SOAK_SECONDS (0: no soak), BENCH_SLICES (5; 1: one round of each).
"""

import json
import os
import secrets
import signal
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

from targets import ROUTES, reads

REPO = Path(__file__).resolve().parent.parent
VENV_BIN = REPO / ".venv" / "bin"
RESULTS = Path(os.environ.get("BENCH_RESULTS") or REPO / "bench" / "results")
WORK = REPO / ".bench"
CLOSED_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1: every Redis call fails at once
MIN_SLICE_SECONDS = 3  # shorter, and starting and stopping the clients would weigh on the figures

TARGETS = [
    "auth/login",
    "games/{id}/attempts (first pass)",
    "users/leaderboard all",
    "users/leaderboard week",
    "users/leaderboard around=me",
    "games/quests/storyline",
    "games/",
    "achievements/",
    "videos/",
    "users/me",
    "quests/daily",
    "/ (dashboard page)",
    "/leaderboard/ (page)",
]
REDIS_DOWN = [
    "users/leaderboard all [redis down]",
    "users/leaderboard week [redis down]",
    "users/leaderboard around=me [redis down]",
]
SIZED = ["games/", "videos/", "achievements/", "users/leaderboard all", "games/quests/storyline"]


def log(message: str) -> None:
    print(f"bench: {message}", flush=True)


def settings_from_env() -> dict:
    database, redis_url = os.environ.get("DATABASE_URL", ""), os.environ.get("REDIS_URL", "")
    if not database.startswith(("postgres://", "postgresql://")) or not redis_url:
        sys.exit("bench: set DATABASE_URL (PostgreSQL) and REDIS_URL: a benchmark on SQLite says nothing.")
    chosen = [name.strip() for name in os.environ.get("BENCH_TARGETS", "").split(",") if name.strip()]
    unknown = set(chosen) - set(TARGETS + REDIS_DOWN)
    if unknown:
        sys.exit(f"bench: unknown BENCH_TARGETS {sorted(unknown)}; known: {TARGETS + REDIS_DOWN}")
    return {
        "database": database,
        "redis": redis_url,
        "users": int(os.environ.get("BENCH_USERS", 1_000_000)),
        "seconds": int(os.environ.get("BENCH_SECONDS", 20)),
        "slices": int(os.environ.get("BENCH_SLICES", 5)),
        "clients": int(os.environ.get("BENCH_CLIENTS", 16)),
        "port": int(os.environ.get("BENCH_PORT", 8790)),
        "soak_seconds": int(os.environ.get("BENCH_SOAK_SECONDS", 0)),
        "targets": [name for name in TARGETS + REDIS_DOWN if name in chosen or not chosen],
    }


def app_env(config: dict, *, redis_url: str, secret: str) -> dict:
    """The app servers' environment: production settings, bench mode, this run's database and Redis."""
    passed = {"PATH", "HOME", "LANG", "TZ", "LEADERBOARD_PREFIX"}
    env = {name: value for name, value in os.environ.items() if name in passed or name.startswith("GUNICORN_")}
    env.update(
        DJANGO_SETTINGS_MODULE="raiplay.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secret,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DATABASE_URL=config["database"],
        REDIS_URL=redis_url,
        RAIPLAY_BENCH="1",
        JWT_ACCESS_MINUTES="600",  # the prepared tokens outlive the run
        AUTH_RATE="1000000/m",  # every login comes from 127.0.0.1: measure the login, not its rate limit
        LOG_FORMAT="plain",
        PYTHONUNBUFFERED="1",
        GLIBC_TUNABLES="glibc.malloc.hugetlb=1",  # as the Dockerfile sets it
    )
    return env


def manage(env: dict, *args: str) -> None:
    subprocess.run([str(VENV_BIN / "python"), str(REPO / "manage.py"), *args], env=env, cwd=REPO, check=True)


class Server:
    """One gunicorn as deploy/gunicorn.conf.py runs it, on a loopback port of its own."""

    def __init__(self, name: str, port: int, env: dict):
        self.name, self.port = name, port
        self.url = f"http://127.0.0.1:{port}"
        self.log = (WORK / f"{name}.log").open("w")
        self.process = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), "-c", str(REPO / "deploy" / "gunicorn.conf.py"), "raiplay.wsgi:application"],
            env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
            cwd=REPO,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopped as one, and only it
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"bench: gunicorn {name} exited; see {self.log.name}")
            if status(f"{self.url}/api/v1/health/") in {200, 503}:
                return
            time.sleep(0.5)
        self.stop()
        sys.exit(f"bench: gunicorn {name} did not answer in 60 s; see {self.log.name}")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


def status(url: str, headers: dict | None = None) -> int:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=10) as response:  # noqa: S310 — our loopback server
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


def body_size(url: str, headers: dict) -> int:
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30) as response:  # noqa: S310
        return len(response.read())


def rollup_kib(text: str) -> dict[str, int]:
    """/proc/PID/smaps_rollup's fields, in KiB: {"Rss": …, "Pss": …, "Private_Dirty": …}."""
    fields = {}
    for line in text.splitlines():
        name, _, value = line.partition(":")
        parts = value.split()
        if len(parts) == 2 and parts[1] == "kB" and parts[0].isdigit():
            fields[name.strip()] = int(parts[0])
    return fields


def memory_summary(master: dict[str, int], workers: list[dict[str, int]]) -> dict:
    """The largest worker's RSS, PSS and USS (private pages), and the server's PSS, in MiB."""

    def mib(kib: float) -> float:
        return round(kib / 1024, 1)

    def uss(fields: dict[str, int]) -> int:
        return fields.get("Private_Clean", 0) + fields.get("Private_Dirty", 0)

    return {
        "workers": len(workers),
        "worker_rss_mib": mib(max((w.get("Rss", 0) for w in workers), default=0)),
        "worker_pss_mib": mib(max((w.get("Pss", 0) for w in workers), default=0)),
        "worker_uss_mib": mib(max((uss(w) for w in workers), default=0)),
        "server_pss_mib": mib(master.get("Pss", 0) + sum(w.get("Pss", 0) for w in workers)),
    }


def server_memory(master: int) -> dict:
    """memory_summary of a gunicorn master and its workers (its children), read from /proc."""
    workers = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1]) == master:
                workers.append(rollup_kib((proc / "smaps_rollup").read_text()))
        except (OSError, ValueError, IndexError):
            continue  # a worker that exited meanwhile
    return memory_summary(rollup_kib(Path(f"/proc/{master}/smaps_rollup").read_text()), workers)


def warm_up(server: Server, plan: dict, targets: list[str]) -> None:
    """One request of each kind a round will send (no first pass: it would use up a fresh learner)."""
    learner = plan["learners"][0]
    credentials = {
        "token": {"Authorization": f"Bearer {learner['token']}"},
        "session": {"Cookie": f"sessionid={learner['session']}"},
    }
    for target in dict.fromkeys([*reads(targets), "auth/login"]):
        _method, path, kind = ROUTES[target.removesuffix(" [redis down]")]
        data = None
        if target == "auth/login":
            data = urllib.parse.urlencode({"username": learner["username"], "password": plan["password"]}).encode()
        headers = credentials.get(kind or "", {})
        request = urllib.request.Request(server.url + path, data=data, headers=headers)  # noqa: S310 — loopback
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 — our loopback server
                response.read()
        except urllib.error.HTTPError as error:
            log(f"warm-up: {target} answered {error.code}")


def prepare(config: dict, plan_path: Path) -> dict:
    """Credentials and answers, made in the database directly (no login, no rate limit in the way)."""
    import django

    sys.path.insert(0, str(REPO))
    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from rest_framework_simplejwt.tokens import AccessToken

    from accounts.models import User
    from games.models import QuestStep
    from raiplay.management.commands.bench_data import BENCH_PASSWORD, PREFIX, bench_username

    users = config["users"]
    # Learners with a game history, spread over the id range (so over the board too).
    picks = [bench_username(5 * (k * max(users - 1, 0) // (5 * config["clients"]))) for k in range(config["clients"])]
    learners = []
    for user in User.objects.filter(username__in=picks).order_by("pk"):
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        token = str(AccessToken.for_user(user))
        learners.append({"username": user.username, "token": token, "session": session.session_key})
    if not learners:
        sys.exit("bench: no bench learners found; did bench_data run?")
    quest = QuestStep.objects.select_related("game").order_by("position").first()
    if quest is None:
        sys.exit("bench: no quest line: the demo content is missing")
    answers: list[dict] = []
    for question in quest.game.questions.prefetch_related("choices"):
        if question.kind == "number":
            answers.append({"question": question.pk, "value": question.answer_value})
        else:
            answers.append({"question": question.pk, "choices": [c.pk for c in question.choices.all() if c.is_correct]})
    # Learners who never played: each first pass is a learner passing quest 1 for the first time.
    wanted = config["seconds"] * 150 + 200
    fresh = User.objects.filter(username__startswith=PREFIX, games__isnull=True).order_by()[:wanted]
    plan = {
        "learners": learners,
        "password": BENCH_PASSWORD,
        "quest": {"id": quest.game.pk, "answers": answers},
        "fresh": [str(AccessToken.for_user(user)) for user in fresh],
        "floor_bytes": 2048,
    }
    plan_path.write_text(json.dumps(plan))
    return plan


def slices_per_round(config: dict) -> int:
    """How many slices a target's round is cut into: BENCH_SLICES, each at least MIN_SLICE_SECONDS."""
    return max(1, min(config["slices"], config["seconds"] // MIN_SLICE_SECONDS))


def run_phase(config: dict, server: Server, targets: list[str], plan_path: Path, name: str) -> list[dict]:
    """The floor rounds and each target's combined round against one server, by one load-generator
    process: floor, target, floor, target, …, floor, each target's round cut into slices."""
    suffix = " [redis down]" if name == "down" else ""
    slices = slices_per_round(config)
    seconds = config["seconds"] / slices
    rounds: list[dict] = []
    for target in targets:
        rounds += [{"target": "floor" + suffix}, {"target": target}] * slices
    rounds.append({"target": "floor" + suffix})
    rounds = [{**spec, "url": server.url, "pid": server.process.pid, "seconds": seconds} for spec in rounds]
    job = WORK / f"job-{name}.json"
    out = WORK / f"figures-{name}.json"
    out.unlink(missing_ok=True)
    job.write_text(
        json.dumps(
            {
                "plan": str(plan_path),
                "rounds": rounds,
                "seconds": config["seconds"],
                "clients": config["clients"],
                "out": str(out),
            }
        )
    )
    with (WORK / f"locust-{name}.log").open("w") as locust_log:
        subprocess.run(
            [str(VENV_BIN / "python"), str(REPO / "bench" / "bench_locust.py"), str(job)],
            cwd=REPO,
            stdout=sys.stdout,
            stderr=locust_log,
            check=False,
        )
    if not out.exists():
        sys.exit(f"bench: the load generator wrote no figures; see {WORK / f'locust-{name}.log'}")
    return with_ratios(json.loads(out.read_text()), slices)


def with_ratios(figures: list[dict], slices: int = 1) -> list[dict]:
    """The floor rounds, then each target's slices as one round with its ratio to the floor rounds
    among and around them: by requests per second (the measure), and by CPU per request.

    The machine's speed drifts over tens of seconds (the floor's own CPU per request moved by
    up to 1.8x between rounds of one run, with nothing stolen): short slices of floor and target
    in turn see the same machine, where one long round of each may not.
    """
    floors = figures[0::2]
    rows = []
    for start in range(0, len(figures) - 1, 2 * slices):
        around = figures[start : start + 2 * slices + 1 : 2]
        row = combined(figures[start + 1 : start + 2 * slices : 2])
        row["floor_rps"] = statistics.mean(f["rps"] for f in around)
        row["ratio"] = row["rps"] / row["floor_rps"] if row["floor_rps"] else None
        floor_cpu = [f["cpu_ms"]["total"] for f in around if f.get("cpu_ms")]
        spent = (row.get("cpu_ms") or {}).get("total")
        row["cpu_ratio"] = statistics.mean(floor_cpu) / spent if floor_cpu and spent else None
        rows.append(row)
    return floors + rows


def _weighted(parts: list[dict], read) -> float | None:
    """The requests-weighted mean of read(part) over the parts that have it."""
    pairs = [(read(part), part["requests"]) for part in parts if read(part) is not None and part["requests"]]
    weight = sum(count for _value, count in pairs)
    return sum(value * count for value, count in pairs) / weight if weight else None


def combined(parts: list[dict]) -> dict:
    """A target's slices as one round: counts summed, rates averaged (the slices are as long as
    each other), the median slice's p50, the worst slice's p99 and slowest request."""
    if len(parts) == 1:
        return dict(parts[0])
    cpu_ms = None
    if all(part.get("cpu_ms") for part in parts):
        cpu_ms = {
            role: round(_weighted(parts, lambda p, r=role: p["cpu_ms"][r]) or 0.0, 3) for role in parts[0]["cpu_ms"]
        }
    p50s = [part["p50_ms"] for part in parts if part.get("p50_ms") is not None]
    p99s = [part["p99_ms"] for part in parts if part.get("p99_ms") is not None]
    return {
        "target": parts[0]["target"],
        "slices": len(parts),
        "requests": sum(part["requests"] for part in parts),
        "errors": sum(part["errors"] for part in parts),
        "rps": statistics.mean(part["rps"] for part in parts),
        "p50_ms": statistics.median(p50s) if p50s else None,
        "p99_ms": max(p99s, default=None),
        "queries_per_request": _weighted(parts, lambda part: part.get("queries_per_request")),
        "bytes_per_response": _weighted(parts, lambda part: part.get("bytes_per_response")),
        "worker_rss_mib": max(part["worker_rss_mib"] for part in parts),
        "cpu_ms": cpu_ms,
        "machine": (
            {share: round(statistics.mean(part["machine"][share] for part in parts), 3) for share in ("idle", "steal")}
            if all(part.get("machine") for part in parts)
            else None
        ),
        "max_ms": max(part.get("max_ms", 0) for part in parts),
        "over_1s": sum(part.get("over_1s", 0) for part in parts),
        "slow": [slow for part in parts for slow in part.get("slow", [])],
        "error_samples": [sample for part in parts for sample in part.get("error_samples", [])][:3],
    }


def mean_cpu(rounds: list[dict]) -> dict[str, float] | None:
    """The floor rounds' CPU per request, role by role."""
    readings = [r["cpu_ms"] for r in rounds if r.get("cpu_ms")]
    if not readings:
        return None
    return {role: round(statistics.mean(r[role] for r in readings), 3) for role in readings[0]}


def soak_summary(figures: dict, rebuild: dict) -> dict:
    """The soak's figures, with the slow requests counted inside the rebuild's window."""
    slow = figures.pop("slow", [])
    during = [ms for at, ms, _target in slow if rebuild["started"] <= at <= rebuild["ended"]]
    by_target: dict[str, int] = {}
    for _at, _ms, target in slow:
        by_target[target] = by_target.get(target, 0) + 1
    return {
        **figures,
        "over_1s_during_rebuild": len(during),
        "max_ms_during_rebuild": max(during, default=None),
        "over_1s_by_target": dict(sorted(by_target.items(), key=lambda item: -item[1])),
        "slow_kept": len(slow),  # the load generator keeps at most this many with their times
        "rebuild_seconds": round(rebuild["ended"] - rebuild["started"], 1),
        "rebuild_started_s": round(rebuild["started"] - rebuild["soak_started"], 1),
        "rebuild_ok": rebuild["ok"],
    }


def run_soak(config: dict, server: Server, env: dict, plan_path: Path) -> dict:
    """A mix of the GET targets for soak_seconds, with `rebuild_leaderboards` started at its midpoint."""
    mix = reads([target for target in config["targets"] if target in TARGETS]) or reads(TARGETS)
    job, out = WORK / "job-soak.json", WORK / "figures-soak.json"
    out.unlink(missing_ok=True)
    spec = {"target": "soak mix", "mix": mix, "seconds": config["soak_seconds"]}
    spec.update(url=server.url, pid=server.process.pid)
    job.write_text(
        json.dumps(
            {
                "plan": str(plan_path),
                "rounds": [spec],
                "seconds": config["soak_seconds"],
                "clients": config["clients"],
                "out": str(out),
            }
        )
    )
    log(f"soak: {config['soak_seconds']} s of {len(mix)} GET targets mixed, a leaderboard rebuild from its midpoint")
    with (WORK / "locust-soak.log").open("w") as locust_log:
        soak_started = time.time()
        locust = subprocess.Popen(
            [str(VENV_BIN / "python"), str(REPO / "bench" / "bench_locust.py"), str(job)],
            cwd=REPO,
            stdout=sys.stdout,
            stderr=locust_log,
        )
        try:
            time.sleep(config["soak_seconds"] / 2)
            started = time.time()
            with (WORK / "rebuild-soak.log").open("w") as rebuild_log:
                rebuilt = subprocess.run(
                    [str(VENV_BIN / "python"), str(REPO / "manage.py"), "rebuild_leaderboards"],
                    env=env,
                    cwd=REPO,
                    stdout=rebuild_log,
                    stderr=subprocess.STDOUT,
                    check=False,
                )
            rebuild = {"soak_started": soak_started, "started": started, "ended": time.time()}
            rebuild["ok"] = rebuilt.returncode == 0
            log(f"soak: the rebuild took {rebuild['ended'] - started:.1f} s (exit {rebuilt.returncode})")
            locust.wait()
        finally:
            if locust.poll() is None:
                locust.terminate()
                locust.wait()
    if not out.exists():
        sys.exit(f"bench: the soak's load generator wrote no figures; see {WORK / 'locust-soak.log'}")
    return {"seconds": config["soak_seconds"], "mix": mix, **soak_summary(json.loads(out.read_text())[0], rebuild)}


def machine() -> dict:
    meminfo = dict(line.split(":", 1) for line in Path("/proc/meminfo").read_text().splitlines() if ":" in line)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True)
    return {
        "nproc": os.cpu_count(),
        "memory_gib": round(int(meminfo["MemTotal"].split()[0]) / 1024**2, 1),
        "load_average": os.getloadavg(),
        "python": sys.version.split()[0],
        "commit": commit.stdout.strip(),
    }


def table(result: dict) -> str:
    header = (
        "| endpoint | req/s | p50 ms | p99 ms | errors | queries/req | worker RSS MiB | "
        "CPU ms/req: app · PG · Redis · load | × floor | × floor by CPU |"
    )
    lines = [header, "|" + " --- |" * 10]
    for row in result["rows"]:
        lines.append(
            f"| {row['target']} | {show(row['rps'])} | {show(row['p50_ms'])} | {show(row['p99_ms'])} | "
            f"{row['errors']}/{row['requests']} | {show(row['queries_per_request'], '{:.1f}')} | "
            f"{show(row['worker_rss_mib'])} | {cpu_split(row.get('cpu_ms'))} | {show(row.get('ratio'), '{:.2f}')} | "
            f"{show(row.get('cpu_ratio'), '{:.2f}')} |"
        )
    idle = [
        f"{name}: {figures['worker_rss_mib']:.0f} MiB RSS (PSS {figures['worker_pss_mib']:.0f}, "
        f"USS {figures['worker_uss_mib']:.0f}); the server's PSS {figures['server_pss_mib']:.0f} MiB "
        f"over {figures['workers']} workers and the master"
        for name, figures in result.get("idle", {}).items()
    ]
    if idle:
        lines += ["", "Idle worker RSS (the largest worker, after one request of each kind): " + "; ".join(idle)]
    soak = result.get("soak")
    if soak:
        lines += [
            "",
            "| soak | req/s | p50 ms | p99 ms | max ms | over 1 s | over 1 s in rebuild | errors | rebuild s |",
            "|" + " --- |" * 9,
            f"| {soak['seconds']} s, {len(soak['mix'])} GET targets mixed | {soak['rps']:.0f} | "
            f"{show(soak['p50_ms'])} | {show(soak['p99_ms'])} | {soak['max_ms']} | {soak['over_1s']} | "
            f"{soak['over_1s_during_rebuild']} | {soak['errors']}/{soak['requests']} | "
            f"{soak['rebuild_seconds']} (from {soak['rebuild_started_s']} s"
            f"{'' if soak['rebuild_ok'] else ', FAILED'}) |",
        ]
    return "\n".join(lines)


def show(value, pattern="{:.0f}"):
    return "–" if value is None else pattern.format(value)


def cpu_split(spent: dict | None) -> str:
    """'2.41: 1.62 · 0.31 · 0.09 · 0.39', the total then each role's share, in ms per request."""
    if not spent:
        return "–"
    return f"{spent['total']:.2f}: " + " · ".join(f"{spent[role]:.2f}" for role in ("app", "postgres", "redis", "load"))


def main() -> None:
    # A SIGTERM (or Ctrl-C) still runs the `finally`s that stop the servers this run started.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    config = settings_from_env()
    WORK.mkdir(exist_ok=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(64)
    env = app_env(config, redis_url=config["redis"], secret=secret)
    started = time.monotonic()
    log(f"{config['users']:,} learners, rounds of {config['seconds']} s with {config['clients']} clients")
    manage(env, "migrate", "--noinput", "-v0")
    load_started = time.monotonic()
    manage({**env, "DJANGO_DEBUG": "0"}, "bench_data", "--users", str(config["users"]))
    load_seconds = time.monotonic() - load_started
    manage(env, "rebuild_leaderboards")  # Redis as the database has it, whatever ran on it before
    manage(env, "collectstatic", "--noinput", "-v0")
    os.environ.update(env)
    plan_path = WORK / "plan.json"
    plan = prepare(config, plan_path)
    log(f"{len(plan['learners'])} learners signed in, {len(plan['fresh'])} fresh learners for first passes")
    if len(plan["fresh"]) < config["seconds"] * 50:
        log("few learners left who never played: first passes will run out (load into a fresh database)")

    up_targets = [target for target in config["targets"] if target not in REDIS_DOWN]
    down_targets = [target for target in config["targets"] if target in REDIS_DOWN]
    if not config["seconds"]:  # BENCH_SECONDS=0: the soak alone
        up_targets = down_targets = []
    figures: list[dict] = []
    idle: dict[str, dict] = {}
    soak = None
    server = Server("web", config["port"], env)
    try:
        # The floor returns what a typical route returns: the median of a few routes' bodies.
        bearer = {"Authorization": f"Bearer {plan['learners'][0]['token']}"}
        sizes = [
            body_size(f"{server.url}{path}", bearer)
            for path in ("/api/v1/games/", "/api/v1/videos/", "/api/v1/achievements/", "/api/v1/users/leaderboard")
        ]
        plan["floor_bytes"] = int(statistics.median(sizes))
        plan_path.write_text(json.dumps(plan))
        log(f"floor payload: {plan['floor_bytes']} bytes (the median of {sizes})")
        # Every kind of request, whichever targets this run measures, so the figure compares across runs.
        warm_up(server, plan, TARGETS)
        idle["web"] = server_memory(server.process.pid)
        log(f"idle after a request of each kind: {idle['web']}")
        if up_targets:
            figures += run_phase(config, server, up_targets, plan_path, "up")
        if config["soak_seconds"]:
            soak = run_soak(config, server, env, plan_path)
    finally:
        server.stop()
    if down_targets:
        # One server at a time (two would share the cores): this one's REDIS_URL is a closed port.
        down_env = app_env(config, redis_url=CLOSED_REDIS, secret=secret)
        server = Server("web-redis-down", config["port"] + 1, down_env)
        try:
            warm_up(server, plan, REDIS_DOWN)
            idle["web-redis-down"] = server_memory(server.process.pid)
            figures += run_phase(config, server, down_targets, plan_path, "down")
        finally:
            server.stop()
    floors = [row for row in figures if row["target"].startswith("floor")]
    rows = [row for row in figures if not row["target"].startswith("floor")]
    floor_rows = []
    if floors:
        floor_rows.append(
            {
                "target": "floor (bare Django JSON view, mean of its rounds)",
                "requests": sum(f["requests"] for f in floors),
                "errors": sum(f["errors"] for f in floors),
                "rps": statistics.mean(f["rps"] for f in floors),
                "p50_ms": statistics.median(f["p50_ms"] for f in floors if f["p50_ms"] is not None),
                "p99_ms": max(f["p99_ms"] for f in floors if f["p99_ms"] is not None),
                "queries_per_request": statistics.mean(f["queries_per_request"] or 0 for f in floors),
                "worker_rss_mib": max(f["worker_rss_mib"] for f in floors),
                "cpu_ms": mean_cpu(floors),
                "ratio": 1.0,
                "cpu_ratio": 1.0,
            }
        )
    result = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "users": config["users"],
        "seconds_per_round": config["seconds"],
        "clients": config["clients"],
        "floor_bytes": plan["floor_bytes"],
        "machine": machine(),
        "bench_data_seconds": round(load_seconds, 1),
        "total_seconds": round(time.monotonic() - started, 1),
        "rows": [*floor_rows, *rows],
        "floor_rounds": floors,
        "idle": idle,
    }
    if soak:
        result["soak"] = soak
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    text = json.dumps(result, indent=2)
    (RESULTS / "latest.json").write_text(text + "\n")
    (RESULTS / f"{stamp}.json").write_text(text + "\n")
    info = result["machine"]
    print()
    print(
        f"{config['users']:,} learners · {info['nproc']} CPUs · {info['memory_gib']} GiB · "
        f"{config['clients']} clients · {config['seconds']} s rounds · load average at the end "
        f"{', '.join(f'{x:.1f}' for x in info['load_average'])}"
    )
    print(table(result))
    log(f"written to {RESULTS / 'latest.json'} in {result['total_seconds']:.0f} s")


if __name__ == "__main__":
    main()
