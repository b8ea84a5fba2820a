"""The load generator of `make bench`: one process (locust as a library) running many rounds.

Run by bench/run_bench.py: `python bench/bench_locust.py JOB.json`, where the job names the plan
(prepared credentials: tokens, session cookies, the quest's right answers), the rounds (target,
server URL, gunicorn master pid), seconds per round, clients, and where the figures go. In each
round BENCH clients hammer one target with no wait between requests: a closed loop, so requests
per second is what the server can do with that many clients at once. After a round the largest
worker's resident memory is read from /proc (the workers are the master's children). A soak round
(run_bench.py's BENCH_SOAK_SECONDS) names a mix of targets instead, each request picking one, and
its own length; every round also reports its slowest request and how many took over a second
(with their times, for a soak: run_bench.py counts those during its rebuild).
"""

import json
import random
import sys
import time
from pathlib import Path

import cpu
import gevent
from locust import FastHttpUser, constant, events, task
from locust.env import Environment
from targets import ROUTES, base_target

QUERIES = "X-Bench-Queries"
JOB = json.loads(Path(sys.argv[1]).read_text()) if __name__ == "__main__" else {}
PLAN = json.loads(Path(JOB["plan"]).read_text()) if JOB else {}
SLOW_MS = 1000  # a request slower than this counts as slow (the soak's figure)
SLOW_KEPT = 5000  # slow requests remembered with their time, for the rebuild window

ROUND: dict = {}  # the round under way: target, method, path, credentials (or a mix of them)
COUNTS = {"queries": 0, "counted": 0, "bytes": 0, "clients": 0, "slow": 0, "max_ms": 0.0}
SLOW: list[list] = []  # [unix time, ms, target] of slow requests, the first SLOW_KEPT of a round
FRESH = iter(PLAN.get("fresh", []))


def request_spec(target: str) -> dict:
    method, path, credentials = ROUTES[base_target(target)]
    path = path.format(floor_bytes=PLAN["floor_bytes"], quest=PLAN["quest"]["id"])
    return {"target": target, "method": method, "path": path, "credentials": credentials}


@events.request.add_listener
def _count(response=None, exception=None, response_time=0.0, name="", **_kwargs):
    COUNTS["max_ms"] = max(COUNTS["max_ms"], response_time)
    if response_time > SLOW_MS:
        COUNTS["slow"] += 1
        if len(SLOW) < SLOW_KEPT:
            SLOW.append([time.time(), round(response_time), name])
    if response is None or exception is not None:
        return
    COUNTS["bytes"] += len(response.content or b"")
    value = response.headers.get(QUERIES) if response.headers else None
    if value is not None:
        COUNTS["queries"] += int(value)
        COUNTS["counted"] += 1


class Client(FastHttpUser):
    wait_time = constant(0)

    def on_start(self):
        self.learner = PLAN["learners"][COUNTS["clients"] % len(PLAN["learners"])]
        COUNTS["clients"] += 1
        self.credentials = {
            "token": {"Authorization": f"Bearer {self.learner['token']}"},
            "session": {"Cookie": f"sessionid={self.learner['session']}"},
        }

    @task
    def hit(self):
        # A soak round mixes its targets: each request picks one.
        spec = random.choice(ROUND["mix"]) if ROUND.get("mix") else ROUND  # noqa: S311 — a load mix, not a secret
        headers = dict(self.credentials.get(spec["credentials"], {}))
        kwargs: dict = {}
        expected = 200
        if base_target(spec["target"]) == "auth/login":
            kwargs["data"] = {"username": self.learner["username"], "password": PLAN["password"]}
        elif spec["credentials"] == "fresh":
            token = next(FRESH, None)
            if token is None:  # every prepared learner has played: nothing fair left to send
                gevent.sleep(0.1)
                return
            headers["Authorization"] = f"Bearer {token}"
            kwargs["json"] = {"answers": PLAN["quest"]["answers"]}
            expected = 201
        with self.client.request(
            spec["method"], spec["path"], headers=headers, name=spec["target"], catch_response=True, **kwargs
        ) as response:
            if response.status_code != expected:
                response.failure(f"{response.status_code}: {(response.text or '')[:120]}")
            elif spec["credentials"] == "fresh" and not response.json().get("passed"):
                response.failure("the right answers did not pass")
            else:
                response.success()


def workers_rss_mib(master: int) -> float:
    """The largest resident set among the gunicorn master's workers, in MiB."""
    largest = 0
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1]) != master:
                continue
            for line in (proc / "status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    largest = max(largest, int(line.split()[1]))
        except (OSError, ValueError, IndexError):
            continue
    return round(largest / 1024, 1)


def run_round(environment: Environment, spec: dict) -> dict:
    ROUND.clear()
    if spec.get("mix"):
        ROUND.update(target=spec["target"], mix=[request_spec(target) for target in spec["mix"]])
    else:
        ROUND.update(request_spec(spec["target"]))
    environment.host = spec["url"]
    COUNTS.update(queries=0, counted=0, bytes=0, clients=0, slow=0, max_ms=0.0)
    SLOW.clear()
    runner = environment.runner
    assert runner is not None
    environment.stats.reset_all()
    runner.start(JOB["clients"], spawn_rate=JOB["clients"] * 10)
    spent, machine = cpu.cpu_seconds(spec["pid"]), cpu.machine_ticks()
    gevent.sleep(spec.get("seconds", JOB["seconds"]))
    spent_after, machine_after = cpu.cpu_seconds(spec["pid"]), cpu.machine_ticks()
    runner.stop()
    total = environment.stats.total
    answered = max(total.num_requests - total.num_failures, 0)
    return {
        "target": spec["target"],
        "requests": total.num_requests,
        "errors": total.num_failures,
        "rps": total.total_rps,
        "p50_ms": total.get_response_time_percentile(0.5) if total.num_requests else None,
        "p99_ms": total.get_response_time_percentile(0.99) if total.num_requests else None,
        "queries_per_request": COUNTS["queries"] / COUNTS["counted"] if COUNTS["counted"] else None,
        "bytes_per_response": COUNTS["bytes"] / answered if answered else None,
        "worker_rss_mib": workers_rss_mib(spec["pid"]),
        # The two readings bracket the round's requests (all but the few still in flight at its end).
        "cpu_ms": cpu.per_request(spent, spent_after, total.num_requests),
        "machine": cpu.shares(machine, machine_after),
        "max_ms": round(COUNTS["max_ms"]),
        "over_1s": COUNTS["slow"],
        "slow": list(SLOW) if spec.get("mix") else [],
        "error_samples": [str(error.error)[:160] for error in list(environment.stats.errors.values())[:3]],
    }


def main() -> None:
    environment = Environment(user_classes=[Client], events=events, catch_exceptions=True, stop_timeout=10)
    environment.create_local_runner()
    results = []
    for spec in JOB["rounds"]:
        figures = run_round(environment, spec)
        results.append(figures)
        print(
            f"bench:   {figures['target']}: {figures['rps']:.0f} req/s, p50 {figures['p50_ms']} ms, "
            f"{figures['errors']}/{figures['requests']} errors",
            flush=True,
        )
    assert environment.runner is not None
    environment.runner.quit()
    Path(JOB["out"]).write_text(json.dumps(results))


if __name__ == "__main__":
    main()
