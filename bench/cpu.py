"""Where a round's CPU went, read from /proc: the app server, PostgreSQL, Redis, the load generator.

Requests per second over the floor's is the bench's measure. Split by process, the CPU a round
cost per request says on which side of a socket a route's cost lies (our Python, the database,
Redis, or the load generator, which shares the cores), and the machine's idle and stolen shares
say whether the round had the cores to itself. On this VM nothing much is stolen (under 1 %), yet
the same floor costs 1.05 to 2.05 ms of CPU per request from one round to another: the machine's
speed drifts, which is why run_bench.py takes floor and route in short slices, in turn.

Each process counts its own time and its reaped children's (/proc/PID/stat utime, stime, cutime,
cstime): PostgreSQL's postmaster holds the time of backends that exited, gunicorn's master that
of recycled workers. All threads of a process are in its figures.
"""

import os
from pathlib import Path

ROLES = ("app", "postgres", "redis", "load")
TICKS = os.sysconf("SC_CLK_TCK")


def _stat(proc: Path) -> tuple[str, int, int] | None:
    """(command name, parent pid, clock ticks of it and its reaped children), or None once it is gone."""
    try:
        text = (proc / "stat").read_text()
    except OSError:
        return None
    name = text[text.index("(") + 1 : text.rindex(")")]
    fields = text[text.rindex(")") + 2 :].split()
    # After the name: state, ppid, … utime (field 14 of the line), stime, cutime, cstime.
    return name, int(fields[1]), sum(int(value) for value in fields[11:15])


def _role(name: str, pid: int, parent: int, server: int, me: int) -> str | None:
    if pid == me:
        return "load"
    if server in (pid, parent):
        return "app"
    if name == "postgres":
        return "postgres"
    if name.startswith("redis-server"):
        return "redis"
    return None


def cpu_seconds(server: int, *, me: int | None = None, proc: Path = Path("/proc")) -> dict[str, float]:
    """CPU seconds so far of the app server (`server`, its master's pid, and its workers), of every
    PostgreSQL and Redis process, and of the load generator (`me`, this process by default)."""
    me = os.getpid() if me is None else me
    ticks = dict.fromkeys(ROLES, 0)
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        found = _stat(entry)
        if found is None:
            continue
        role = _role(found[0], int(entry.name), found[1], server, me)
        if role is not None:
            ticks[role] += found[2]
    return {role: count / TICKS for role, count in ticks.items()}


def machine_ticks(proc: Path = Path("/proc")) -> dict[str, int]:
    """The machine's CPU ticks so far: all, idle (with I/O wait) and stolen by the hypervisor."""
    values = [int(value) for value in (proc / "stat").read_text().splitlines()[0].split()[1:]]
    # user, nice, system, idle, iowait, irq, softirq, steal (then guest time, already in user)
    return {"all": sum(values[:8]), "idle": values[3] + values[4], "steal": values[7]}


def per_request(before: dict[str, float], after: dict[str, float], requests: int) -> dict[str, float] | None:
    """Milliseconds of CPU per request for each role between two readings, and their total."""
    if requests <= 0:
        return None
    spent = {role: max(after[role] - before[role], 0.0) * 1000 / requests for role in ROLES}
    return {**{role: round(ms, 3) for role, ms in spent.items()}, "total": round(sum(spent.values()), 3)}


def shares(before: dict[str, int], after: dict[str, int]) -> dict[str, float]:
    """The share of the machine's time that was idle and that was stolen between two readings."""
    elapsed = max(after["all"] - before["all"], 1)
    return {part: round((after[part] - before[part]) / elapsed, 3) for part in ("idle", "steal")}
