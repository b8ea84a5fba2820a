"""bench/run_bench.py's figures: the workers' memory and each round's CPU from /proc, the soak's
summary, the soak's mix, the ratios to the floor."""

import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import cpu
import run_bench  # bench/ is a folder of scripts, not a package: imported from its path
import targets

ROLLUP = """55d5c8a00000-7ffd5a1f2000 ---p 00000000 00:00 0                          [rollup]
Rss:              102400 kB
Pss:               51200 kB
Pss_Anon:          40000 kB
Shared_Clean:      40960 kB
Shared_Dirty:      20480 kB
Private_Clean:      1024 kB
Private_Dirty:     39936 kB
Swap:                  0 kB
"""


def test_rollup_reads_each_field_in_kib():
    fields = run_bench.rollup_kib(ROLLUP)
    assert fields["Rss"] == 102400
    assert fields["Pss"] == 51200
    assert fields["Private_Dirty"] == 39936
    assert "55d5c8a00000-7ffd5a1f2000 ---p 00000000 00" not in fields


def test_memory_summary_takes_the_largest_worker_and_sums_the_server():
    small = {"Rss": 80 * 1024, "Pss": 30 * 1024, "Private_Clean": 0, "Private_Dirty": 10 * 1024}
    big = run_bench.rollup_kib(ROLLUP)
    master = {"Rss": 100 * 1024, "Pss": 20 * 1024}
    summary = run_bench.memory_summary(master, [small, big])
    assert summary == {
        "workers": 2,
        "worker_rss_mib": 100.0,
        "worker_pss_mib": 50.0,
        "worker_uss_mib": 40.0,  # private clean + private dirty
        "server_pss_mib": 100.0,  # 20 + 30 + 50: shared pages counted once, split among their users
    }


def test_memory_summary_of_a_server_without_workers_is_zero():
    assert run_bench.memory_summary({"Pss": 2048}, [])["worker_rss_mib"] == 0


def test_soak_summary_counts_slow_requests_inside_the_rebuild():
    figures = {
        "target": "soak mix",
        "requests": 1000,
        "errors": 0,
        "over_1s": 3,
        "max_ms": 1800,
        "slow": [[100.0, 1200, "games/"], [130.0, 1800, "users/leaderboard all"], [150.0, 1100, "games/"]],
    }
    rebuild = {"soak_started": 90.0, "started": 120.0, "ended": 140.0, "ok": True}
    summary = run_bench.soak_summary(figures, rebuild)
    assert summary["over_1s"] == 3
    assert summary["over_1s_during_rebuild"] == 1
    assert summary["max_ms_during_rebuild"] == 1800
    assert summary["over_1s_by_target"] == {"games/": 2, "users/leaderboard all": 1}
    assert summary["rebuild_seconds"] == 20.0
    assert summary["rebuild_started_s"] == 30.0
    assert "slow" not in summary  # the raw list stays out of the JSON


def test_soak_summary_without_slow_requests():
    rebuild = {"soak_started": 0.0, "started": 30.0, "ended": 31.0, "ok": False}
    summary = run_bench.soak_summary({"over_1s": 0, "slow": []}, rebuild)
    assert summary["over_1s_during_rebuild"] == 0
    assert summary["max_ms_during_rebuild"] is None
    assert summary["rebuild_ok"] is False


def test_the_soak_mixes_reads_only():
    mix = targets.reads(run_bench.TARGETS + run_bench.REDIS_DOWN)
    assert "auth/login" not in mix
    assert "games/{id}/attempts (first pass)" not in mix
    assert "users/leaderboard all" in mix
    assert "/leaderboard/ (page)" in mix
    assert "users/leaderboard all [redis down]" in mix
    assert all(targets.ROUTES[targets.base_target(name)][0] == "GET" for name in mix)


def test_every_bench_target_has_a_route():
    for name in run_bench.TARGETS + run_bench.REDIS_DOWN:
        assert targets.base_target(name) in targets.ROUTES


@pytest.mark.skipif(not Path("/proc/self/smaps_rollup").exists(), reason="Linux /proc")
def test_server_memory_reads_this_process_as_a_master_without_workers():
    summary = run_bench.server_memory(__import__("os").getpid())
    assert summary["server_pss_mib"] > 0


def _process(root: Path, pid: int, name: str, parent: int, ticks: tuple[int, int, int, int]) -> None:
    """A /proc/PID/stat as Linux writes it: utime, stime, cutime and cstime are fields 14 to 17."""
    (root / str(pid)).mkdir()
    before = ["S", str(parent), *["0"] * 9]  # state, ppid, then pgrp … majflt, cmajflt
    after = ["20", "0", "1", "0", "100"]  # priority, nice, threads, itrealvalue, starttime
    fields = " ".join([*before, *map(str, ticks), *after])
    (root / str(pid) / "stat").write_text(f"{pid} ({name}) {fields}\n")


def test_cpu_goes_to_the_server_its_workers_the_database_redis_and_the_load_generator(tmp_path):
    _process(tmp_path, 100, "gunicorn", 1, (10, 5, 300, 100))  # the master: and two recycled workers' time
    _process(tmp_path, 101, "gunicorn", 100, (200, 100, 0, 0))
    _process(tmp_path, 102, "python3.13", 100, (50, 50, 0, 0))  # a worker by any name
    _process(tmp_path, 200, "postgres", 1, (10, 10, 80, 0))  # the postmaster, with exited backends
    _process(tmp_path, 201, "postgres", 200, (40, 60, 0, 0))
    _process(tmp_path, 300, "redis-server", 1, (7, 3, 0, 0))
    _process(tmp_path, 400, "python3.13", 1, (30, 20, 0, 0))  # the load generator
    _process(tmp_path, 500, "sshd", 1, (999, 999, 0, 0))  # anything else is not counted
    (tmp_path / "self").mkdir()  # /proc's other entries are skipped
    spent = cpu.cpu_seconds(100, me=400, proc=tmp_path)
    assert spent == {
        role: ticks / cpu.TICKS for role, ticks in {"app": 815, "postgres": 200, "redis": 10, "load": 50}.items()
    }


def test_a_process_gone_between_listing_and_reading_is_skipped(tmp_path):
    (tmp_path / "7").mkdir()  # no stat file: it exited
    assert cpu.cpu_seconds(1, me=2, proc=tmp_path) == dict.fromkeys(cpu.ROLES, 0.0)


def test_cpu_per_request_and_the_machines_idle_and_stolen_shares(tmp_path):
    before = {"app": 10.0, "postgres": 2.0, "redis": 0.5, "load": 3.0}
    after = {"app": 13.0, "postgres": 2.6, "redis": 0.6, "load": 3.9}
    assert cpu.per_request(before, after, 1000) == {
        "app": 3.0,
        "postgres": 0.6,
        "redis": 0.1,
        "load": 0.9,
        "total": 4.6,
    }
    assert cpu.per_request(before, after, 0) is None
    (tmp_path / "stat").write_text("cpu  100 0 50 800 50 0 0 0 0 0\ncpu0 1 2 3\n")
    start = cpu.machine_ticks(tmp_path)
    assert start == {"all": 1000, "idle": 850, "steal": 0}
    (tmp_path / "stat").write_text("cpu  250 0 100 850 50 0 0 50 0 0\n")
    assert cpu.shares(start, cpu.machine_ticks(tmp_path)) == {"idle": 0.167, "steal": 0.167}


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="Linux /proc")
def test_this_process_cpu_is_read_from_proc_as_the_load_generators():
    before = cpu.cpu_seconds(-1)
    started = time.process_time()
    while time.process_time() - started < 0.2:  # busy: CPU time, whatever the machine's load
        sum(range(1000))
    spent = cpu.cpu_seconds(-1)["load"] - before["load"]
    assert 0.15 <= spent <= 0.3 + 2 / cpu.TICKS


def _slice(target: str, rps: float, total: float | None, **figures) -> dict:
    spent = None if total is None else {"app": total, "postgres": 0.0, "redis": 0.0, "load": 0.0, "total": total}
    return {
        "target": target,
        "rps": rps,
        "requests": int(rps * 3),
        "errors": 0,
        "p50_ms": 10,
        "p99_ms": 50,
        "worker_rss_mib": 100.0,
        "cpu_ms": spent,
        "machine": {"idle": 0.0, "steal": 0.0},
        **figures,
    }


def test_each_target_is_compared_with_the_floor_rounds_either_side_by_rate_and_by_cpu():
    figures = run_bench.with_ratios(
        [
            _slice("floor", 1000, 1.0),
            _slice("a", 400, 2.5),
            _slice("floor", 1200, 1.5),
            _slice("b", 800, None),
            _slice("floor", 900, 1.0),
        ]
    )
    assert [row["target"] for row in figures] == ["floor", "floor", "floor", "a", "b"]
    a, b = figures[3:]
    assert a["floor_rps"] == 1100
    assert a["ratio"] == pytest.approx(400 / 1100)
    assert a["cpu_ratio"] == pytest.approx(1.25 / 2.5)
    assert b["floor_rps"] == 1050
    assert b["cpu_ratio"] is None  # a round without a reading has no CPU ratio


def test_a_targets_slices_are_one_round_against_the_floor_slices_among_and_around_them():
    floor = [_slice("floor", rps, 1.0) for rps in (1000, 1400, 1300, 600, 800)]
    a = [_slice("a", 400, 2.0, p50_ms=10, p99_ms=80, queries_per_request=2.0), _slice("a", 600, 3.0, p50_ms=20)]
    b = [_slice("b", 300, 4.0, max_ms=1200, over_1s=1), _slice("b", 200, 4.0, error_samples=["500: boom"])]
    figures = run_bench.with_ratios([floor[0], a[0], floor[1], a[1], floor[2], b[0], floor[3], b[1], floor[4]], 2)
    assert len(figures) == 7  # the five floor slices, then a and b
    row_a, row_b = figures[5:]
    assert row_a["slices"] == 2
    assert row_a["requests"] == 3000
    assert row_a["rps"] == 500
    assert row_a["floor_rps"] == pytest.approx((1000 + 1400 + 1300) / 3)  # before, between and after its slices
    assert row_a["ratio"] == pytest.approx(500 / row_a["floor_rps"])
    assert row_a["p50_ms"] == 15
    assert row_a["p99_ms"] == 80  # the worst slice's
    assert row_a["queries_per_request"] == 2.0  # the slices that counted
    assert row_a["cpu_ms"]["total"] == pytest.approx((2.0 * 1200 + 3.0 * 1800) / 3000)  # weighted by requests
    assert row_a["cpu_ratio"] == pytest.approx(1.0 / row_a["cpu_ms"]["total"])
    assert row_b["floor_rps"] == pytest.approx((1300 + 600 + 800) / 3)
    assert (row_b["max_ms"], row_b["over_1s"], row_b["error_samples"]) == (1200, 1, ["500: boom"])


def test_slices_are_at_least_three_seconds_long():
    assert run_bench.slices_per_round({"slices": 5, "seconds": 15}) == 5
    assert run_bench.slices_per_round({"slices": 5, "seconds": 8}) == 2
    assert run_bench.slices_per_round({"slices": 5, "seconds": 2}) == 1  # CI's smoke: one round each
    assert run_bench.slices_per_round({"slices": 1, "seconds": 20}) == 1


def test_the_table_shows_each_roles_cpu_per_request():
    row = {
        "target": "users/me",
        "rps": 600.0,
        "p50_ms": 20,
        "p99_ms": 90,
        "errors": 0,
        "requests": 9000,
        "queries_per_request": 2.0,
        "worker_rss_mib": 99.0,
        "cpu_ms": {"app": 2.0, "postgres": 0.3, "redis": 0.0, "load": 0.4, "total": 2.7},
        "ratio": 0.45,
        "cpu_ratio": 0.5,
    }
    text = run_bench.table({"rows": [row, {**row, "target": "old", "cpu_ms": None, "cpu_ratio": None}]})
    assert "| users/me | 600 | 20 | 90 | 0/9000 | 2.0 | 99 | 2.70: 2.00 · 0.30 · 0.00 · 0.40 | 0.45 | 0.50 |" in text
    assert "| old | 600 | 20 | 90 | 0/9000 | 2.0 | 99 | – | 0.45 | – |" in text
