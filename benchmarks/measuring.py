"""Recording what the benchmarks measured: figures, query plans, and the closing summary.

Every figure goes into the benchmark's extra_info (and so into --benchmark-json) and
into FIGURES, from which the end-of-run summary works out the ORM/hand-SQL ratio and
the growth with the size of the clinic, whatever order the benchmarks ran in.
"""
from __future__ import annotations

import re
from contextlib import contextmanager
from types import SimpleNamespace

FIGURES: dict[str, dict] = {}  # benchmark name -> its figures

SERVICE_PAGE_AND_TOTAL = "sqlite 1M: overdue() page 1 + total, service"
HAND_PAGE_AND_TOTAL = "sqlite 1M: overdue page 1 + total, hand SQL"
GROWTH_NAME = "sqlite growth {size}: overdue() page 1 + total"


def built_here(label: str, seconds: float = 0.0):
    """What record() needs to know of data a benchmark built for itself rather than took from bulk_data."""
    return SimpleNamespace(scale=SimpleNamespace(label=label), build_seconds=seconds, reused=False)


def record(benchmark, name: str, built, **extra) -> dict:
    """Put the run's figures (ms) in the benchmark's extra_info and in FIGURES."""
    figures = {"scale": built.scale.label, "data_build_seconds": round(built.build_seconds, 1),
               "data_reused": built.reused, **extra}
    if benchmark.stats is not None:  # None with --benchmark-disable
        stats = benchmark.stats.stats
        figures.update(median_ms=round(stats.median * 1000, 3), mean_ms=round(stats.mean * 1000, 3),
                       rounds=stats.rounds)
    benchmark.extra_info.update(figures)
    FIGURES[name] = figures
    return figures


@contextmanager
def statements_run(database):
    """Collect every (sql, params) the database runs inside the block."""
    seen: list[tuple[str, tuple]] = []
    real = database.execute_sql

    def capture(sql, params=None, *args, **kwargs):
        seen.append((sql, params))
        return real(sql, params, *args, **kwargs)

    database.execute_sql = capture
    try:
        yield seen
    finally:
        del database.execute_sql  # the instance attribute goes; the method shows through again


def plans(database, call, postgres: bool = False) -> list[str]:
    """The plan of every SELECT ``call`` runs; a full scan of the appointment table fails."""
    with statements_run(database) as seen:
        call()
    lines: list[str] = []
    for sql, params in seen:
        if not sql.lstrip().upper().startswith("SELECT"):
            continue
        explain = "EXPLAIN " if postgres else "EXPLAIN QUERY PLAN "
        plan = [row[0] if postgres else row[-1] for row in database.execute_sql(explain + sql, params).fetchall()]
        if postgres:
            full_scans = [line for line in plan if "Seq Scan on appointment" in line]
        else:
            aliases = re.findall(r'"appointment" AS "(\w+)"', sql)
            full_scans = [line for line in plan if line.strip() in {f"SCAN {alias}" for alias in aliases}]
        assert not full_scans, "a full scan of appointment:\n" + "\n".join(plan)
        lines += [*plan, "--"]
    return lines


def summary_lines() -> list[str]:
    if not FIGURES:
        return []
    lines = ["", "Clinic Desktop benchmark figures (ms)"]
    for name, figures in FIGURES.items():
        timing = (f"median {figures['median_ms']:8.3f}  mean {figures['mean_ms']:8.3f}"
                  if "median_ms" in figures else "(not timed)")
        built = "reused" if figures["data_reused"] else f"built in {figures['data_build_seconds']} s"
        note = f"  {figures['note']}" if "note" in figures else ""  # e.g. the worst keystroke of a search
        lines.append(f"  {name:50s} {timing}   [{figures['scale']}; data {built}]{note}")
    ratio = _ratio(SERVICE_PAGE_AND_TOTAL, HAND_PAGE_AND_TOTAL)
    if ratio:
        lines.append(f"  ORM service / hand SQL (overdue page 1 + total, 1M): {ratio:.1f}x")
    base = GROWTH_NAME.format(size="10k")
    for size in ("100k", "1M"):
        growth = _ratio(GROWTH_NAME.format(size=size), base)
        if growth:
            lines.append(f"  growth of overdue() page 1 + total, 10k -> {size} appointments: {growth:.2f}x")
    return lines


def _ratio(numerator: str, denominator: str) -> float | None:
    top, bottom = FIGURES.get(numerator, {}), FIGURES.get(denominator, {})
    if "median_ms" in top and "median_ms" in bottom:
        return top["median_ms"] / bottom["median_ms"]
    return None
