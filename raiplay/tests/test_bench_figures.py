"""bench/run_bench.py's figures: the workers' memory from /proc, the soak's summary, the soak's mix."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

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
