"""Issue 19: how fast a change reaches every other screen, with polling and with push, at 10, 50 and 200 workstations.

One throw-away PostgreSQL server (max_connections raised to 500: a pushing workstation holds two
connections) holds the clinic at 100,000 patients / 1,000,000 appointments and a 20,000-event
audit log. W simulated workstations (workstations.py, a few dozen threads to a process) read the
change feed every 3 s (``poll``) or when their own listener hears a change (``push``), and re-read
the overdue list when the feed brings a change that can touch it; 10 writing stations register a
patient twice a second each. Reported for each run, not asserted: the server's connections, feed
reads a second and their median, re-reads of the overdue list and their median, change
propagation p50/p99 (commit to each other workstation's screen showing it: the end of the read
that brought it, or of the list's re-read it caused), writes not seen by some workstation before
the run ended (``missed``), and the server's CPU (all its processes, as a share of one core).

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m pytest benchmarks/test_push_bench.py \\
        --benchmark-enable --benchmark-only -p no:randomly -s

``PUSH_BENCH_WORKSTATIONS=10,50`` chooses the sizes, ``PUSH_BENCH_SECONDS`` a run's length (30),
``PUSH_BENCH_APPOINTMENTS`` the clinic's size (1,000,000, with a tenth as many patients),
``PUSH_BENCH_COALESCE=0.2,0.5`` the listeners' gathering windows to compare (the app's alone), and
``PUSH_BENCH_CONNECTIONS=per-read`` opens a connection a read, as the window's reads did before they
ran on kept reader connections (ui/ops/readers.py); the default, ``kept``, is what the app does.
``PUSH_BENCH_RELEVANCE=off`` re-reads the overdue list after every change, as the window did before
a list asked whether a change could touch it (issue 19's "before"). ``PUSH_BENCH_WRITES=follow-up``
has the writing stations add a follow-up review to an open episode instead of registering a patient:
a change every list of care must show, so every wake-up re-reads the overdue list (the dearest case).
"""
from __future__ import annotations

import math
import multiprocessing
import os
import statistics
import time
from pathlib import Path

import bulk_data
import psycopg2
import push_table
import pytest
from postgres_server import ThrowawayPostgres
from window_clinic import audit_rows
from workstations import Signals, run_workstations, run_writers

from clinic_desktop.models import AuditEvent, bind_database, make_database
from clinic_desktop.services.core.change_listener import COALESCE_SECONDS, LISTENER_NAME

WORKSTATIONS = [int(size) for size in os.environ.get("PUSH_BENCH_WORKSTATIONS", "10,50,200").split(",")]
RUN_SECONDS = float(os.environ.get("PUSH_BENCH_SECONDS", "30"))
_APPOINTMENTS = int(os.environ.get("PUSH_BENCH_APPOINTMENTS", bulk_data.POSTGRES_SCALE.appointments))
SCALE = bulk_data.Scale(_APPOINTMENTS // 10, _APPOINTMENTS)  # a tenth as many patients, as the clinic has
# "kept", the app's way: each workstation keeps a connection for its reads; "per-read": one a read, as before.
FRESH_CONNECTIONS = os.environ.get("PUSH_BENCH_CONNECTIONS", "kept") == "per-read"
# The listeners' gathering windows to compare: the app's, and any others asked for ("0.2,0.5").
WINDOWS = [float(seconds) for seconds in os.environ.get("PUSH_BENCH_COALESCE", str(COALESCE_SECONDS)).split(",")]
RELEVANCE = os.environ.get("PUSH_BENCH_RELEVANCE", "on") != "off"
WRITES = os.environ.get("PUSH_BENCH_WRITES", "register")  # or "follow-up" (workstations.py)
WRITERS, WRITES_PER_SECOND = 10, 2.0
STATIONS_PER_PROCESS = 25
SETTLE_SECONDS = 5  # a write this close to the end may not be read before the workstations stop
MAX_CONNECTIONS = 500


@pytest.fixture(scope="module")
def crowded_server():
    """The server and the clinic's URL on it; skipped where PostgreSQL is missing."""
    server = ThrowawayPostgres(settings={"max_connections": str(MAX_CONNECTIONS)})
    if not server.available():
        pytest.skip(server.reason)
    server.start()
    try:
        url = server.create_database("clinic_push")
        bulk_data.build_postgres(url, SCALE)
        database = make_database(url)
        bind_database(database)
        AuditEvent.append_many(dict(row, patient=1 + row["patient"] % SCALE.patients) for row in audit_rows(20_000))
        database.execute_sql("ANALYZE audit_event")
        database.close()
        yield server, url
    finally:
        server.stop()


@pytest.mark.parametrize("workstations", WORKSTATIONS)
@pytest.mark.parametrize("window", [None, *WINDOWS], ids=lambda window: "poll" if window is None else f"push{window}")
def test_change_propagation(benchmark, crowded_server, window, workstations):
    """``window`` None: the 3 s timer; else push, notices gathered for ``window`` seconds into one read."""
    server, url = crowded_server
    figures = benchmark.pedantic(lambda: _simulate(server, url, window, workstations), rounds=1, iterations=1)
    benchmark.extra_info.update(figures)
    push_table.ROWS.append(figures)
    assert figures["station_errors"] == 0 and figures["writer_errors"] == 0


def _simulate(server: ThrowawayPostgres, url: str, window: float | None, workstations: int) -> dict:
    push = window is not None
    context = multiprocessing.get_context("spawn")  # no fork of a process that may hold Qt and threads
    signals = Signals(context.Queue(), context.Event(), context.Event(), context.Queue())
    groups = _split(workstations, math.ceil(workstations / STATIONS_PER_PROCESS))
    processes = [context.Process(target=run_workstations,
                                 args=(url, push, size, bulk_data.BENCH_TODAY, signals, window or COALESCE_SECONDS,
                                       FRESH_CONNECTIONS, RELEVANCE))
                 for size in groups]
    processes.append(context.Process(target=run_writers, args=(url, WRITERS, WRITES_PER_SECOND, signals, WRITES)))
    for process in processes:
        process.start()
    try:
        for _ in processes:
            signals.ready.get(timeout=600)
        cpu_before, machine_before, began = _server_cpu_seconds(server), _machine_ticks(), time.time()
        signals.go.set()
        connections = _sample_connections(url, began + RUN_SECONDS)
        signals.stop.set()
        cpu_seconds, ended = _server_cpu_seconds(server) - cpu_before, time.time()
        busy, total = (after - before for after, before in zip(_machine_ticks(), machine_before))
        results = [signals.results.get(timeout=120) for _ in processes]
    finally:
        signals.stop.set()
        for process in processes:
            process.join(60)
    figures = _figures(window, workstations, results, connections, began, ended, cpu_seconds)
    figures["machine_busy_percent"] = 100 * busy / total  # every process's, the other engineers' too
    return figures


def _split(total: int, parts: int) -> list[int]:
    return [total // parts + (1 if part < total % parts else 0) for part in range(parts)]


def _sample_connections(url: str, until: float) -> dict:
    """The most connections the server held (all, and listening ones) while the run went on."""
    most = {"all": 0, "listening": 0}
    connection = psycopg2.connect(url)
    connection.autocommit = True
    try:
        while time.time() < until:
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*), count(*) FILTER (WHERE application_name = %s) FROM pg_stat_activity "
                               "WHERE datname = current_database()", (LISTENER_NAME,))
                every, listening = cursor.fetchone()
            most = {"all": max(most["all"], every), "listening": max(most["listening"], listening)}
            time.sleep(min(2.0, max(0.0, until - time.time())))
    finally:
        connection.close()
    return most


def _server_cpu_seconds(server: ThrowawayPostgres) -> float:
    """CPU time used so far by the server's postmaster and every process it started (from /proc):
    those still running, and those ended (a session per read), which the postmaster's own count of
    its waited-for children holds."""
    postmaster = int((Path(server.datadir) / "postmaster.pid").read_text().split()[0])
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # a process that ended meanwhile
        pid, parent = int(stat.parent.name), int(fields[1])
        if postmaster in (pid, parent):
            total += int(fields[11]) + int(fields[12])  # utime, stime
        if pid == postmaster:
            total += int(fields[13]) + int(fields[14])  # cutime, cstime: its children that ended
    return total / ticks


def _machine_ticks() -> tuple[int, int]:
    """(busy, all) CPU ticks of the whole machine so far, from /proc/stat."""
    ticks = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = ticks[3] + ticks[4]  # idle, iowait
    return sum(ticks) - idle, sum(ticks)


def _figures(window: float | None, workstations: int, results: list[dict], connections: dict, began: float, ended: float,
             cpu_seconds: float) -> dict:
    stations = [station for result in results if result["kind"] == "workstations" for station in result["stations"]]
    writers = next(result for result in results if result["kind"] == "writers")
    measured = [(event, at) for event, at in writers["commits"] if began + 1 <= at <= ended - SETTLE_SECONDS]
    delays, missed = [], 0
    for event, committed in measured:
        for station in stations:
            if event in station["seen_at"]:
                delays.append((station["seen_at"][event] - committed) * 1000)
            else:
                missed += 1
    reads = [ms for station in stations for ms in station["reads_ms"]]
    rereads = [ms for station in stations for ms in station["rereads_ms"]]
    seconds = ended - began
    return dict(
        mode="poll" if window is None else f"push {window:g} s", workstations=workstations, seconds=round(seconds, 1),
        server_connections=connections["all"], listening_connections=connections["listening"],
        reads=len(reads), reads_per_s=len(reads) / seconds, read_median_ms=_median(reads),
        rereads=len(rereads), reread_median_ms=_median(rereads),
        rereads_per_read=len(rereads) / len(reads) if reads else 0.0,
        writes=len(writers["commits"]), measured_writes=len(measured),
        propagation_p50_ms=_percentile(delays, 50), propagation_p99_ms=_percentile(delays, 99),
        propagation_max_ms=max(delays, default=0.0), missed=missed,
        server_cpu_percent=100 * cpu_seconds / seconds,
        server_cpu_ms_per_read=1000 * cpu_seconds / len(reads) if reads else 0.0,
        workstation_cpu_percent=100 * sum(r["cpu_s"] for r in results if r["kind"] == "workstations") / seconds,
        station_errors=sum(len(station["errors"]) for station in stations), writer_errors=len(writers["errors"]),
        load_average=os.getloadavg()[0], scale=SCALE.label,
        connection_per_read=FRESH_CONNECTIONS, write_kind=WRITES, reread_on="relevant" if RELEVANCE else "every",
    )


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0


def _percentile(values: list[float], percent: int) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(percent / 100 * len(ordered)) - 1)]
