"""The push benchmark's figures, and the table printed at the end of the run (test_push_bench.py)."""
from __future__ import annotations

ROWS: list[dict] = []
PROPAGATION_GOAL_MS = 1000  # issue 19: a change on every other screen within a second, at p99


def lines() -> list[str]:
    if not ROWS:
        return []
    out = ["", "Push benchmark (issue 19): W workstations and 10 writing stations (2 writes/s each) on one server",
           "  (write: what the writing stations do; re-read: the overdue list after every change, or only after"
           " those that can touch it; CPU: the server's, then the simulated workstations', as shares of one core)",
           f"  {'mode':10s} {'write':9s} {'re-read':8s} {'W':>4s} {'conns':>6s} {'reads/s':>8s} {'read ms':>8s} "
           f"{'re-reads':>9s} {'re-read ms':>10s} {'p50 ms':>7s} {'p99 ms':>7s} {'missed':>7s} {'server CPU':>10s} "
           f"{'ws CPU':>7s} {'writes':>7s}"]
    for row in ROWS:
        out.append(
            f"  {row['mode']:10s} {row['write_kind']:9s} {row['reread_on']:8s} {row['workstations']:4d} "
            f"{row['server_connections']:6d} {row['reads_per_s']:8.1f} "
            f"{row['read_median_ms']:8.1f} {row['rereads']:9d} {row['reread_median_ms']:10.1f} "
            f"{row['propagation_p50_ms']:7.0f} {row['propagation_p99_ms']:7.0f} {row['missed']:7d} "
            f"{row['server_cpu_percent']:9.0f}% {row['workstation_cpu_percent']:6.0f}% {row['writes']:7d}")
    out.append(f"  goal: p99 under {PROPAGATION_GOAL_MS} ms. Server CPU is a share of one core; the whole "
               "machine's busy share (of all its cores) and load average at the end of each run, for context: "
               + ", ".join(f"{row['mode']} {row['workstations']}: {row['machine_busy_percent']:.0f}% "
                           f"{row['load_average']:.1f}" for row in ROWS))
    return out
