"""``export fhir --all`` at clinic scale: time a record and memory that stays flat, on SQLite and PostgreSQL.

The clinic is the benchmarks' 100,000 patients / 1,000,000 appointments (bulk_data.py): each
patient's Bundle holds the patient, their clinicians, the episode, about ten appointments and
their referrals (the generated clinic has no STarT Back, measures or signed letters). Building
and checking every one of 100,000 Bundles takes far longer than ``make bench`` may (some 10 ms a
patient), so the real service runs over the first SAMPLE patients of the full database, is
stopped there as Cancel stops it (services/core/progress.py), and the whole clinic is extrapolated from it;
both figures are reported. Memory: Python's peak (tracemalloc) exporting SMALL and then LARGE
patients must not grow with the number exported (the export streams), and the resident set's
growth is recorded beside it.
"""
from __future__ import annotations

import time
import tracemalloc
from pathlib import Path

import pytest
from bulk_data import ONE_MILLION
from measuring import record

from clinic_desktop.services.core.actor import Actor
from clinic_desktop.services.core.progress import Cancelled, Watcher, watched_by
from clinic_desktop.services.exchange import fhir_bulk_export

SAMPLE = 2_000  # timed
SMALL, LARGE = 200, 1_000  # memory traced (tracemalloc slows Python down some twofold)
# Peak Python memory may grow this much from SMALL to LARGE patients; holding the Bundles
# (some 20 kB of JSON each, several times that as objects) would grow it by well over 100 MB.
FLAT_GROWTH_BYTES = 4 * 1024 * 1024
CLINIC = ONE_MILLION.patients


def _export(folder: Path, patients: int) -> tuple[float, int]:
    """(seconds, bytes written) to export the first ``patients`` patients' records into ``folder``."""
    folder.mkdir()

    def stop_after(done: int, total: int, text: str) -> None:
        if done >= patients:
            watcher.cancel()

    watcher = Watcher(stop_after)
    began = time.perf_counter()
    with watched_by(watcher), pytest.raises(Cancelled):
        fhir_bulk_export.export_every_record(Actor.command_line(), folder)
    seconds = time.perf_counter() - began
    return seconds, sum(file.stat().st_size for file in folder.iterdir())


def _peak(folder: Path, patients: int) -> tuple[int, int]:
    """(peak traced Python bytes, resident set growth in bytes) exporting ``patients`` records."""
    rss_before = _rss()
    tracemalloc.start()
    try:
        _export(folder, patients)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, _rss() - rss_before


def _rss() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def _measure(benchmark, built, tmp_path: Path, engine: str) -> dict:
    _export(tmp_path / "warm-up", 20)  # fhir.resources' models load once per process
    small_peak, small_rss = _peak(tmp_path / "small", SMALL)
    large_peak, large_rss = _peak(tmp_path / "large", LARGE)
    seconds, size = benchmark.pedantic(lambda: _export(tmp_path / "timed", SAMPLE), rounds=1, iterations=1)
    per_patient_ms = seconds / SAMPLE * 1000
    figures = record(benchmark, f"fhir {engine}: export --all, first {SAMPLE:,} of {CLINIC:,} patients", built,
                     sample_patients=SAMPLE, sample_seconds=round(seconds, 1),
                     per_patient_ms=round(per_patient_ms, 2),
                     whole_clinic_minutes_extrapolated=round(per_patient_ms * CLINIC / 60_000, 1),
                     sample_bytes=size, whole_clinic_gb_extrapolated=round(size / SAMPLE * CLINIC / 1e9, 2),
                     peak_traced_small=small_peak, peak_traced_large=large_peak,
                     peak_growth_bytes=large_peak - small_peak, rss_growth_small=small_rss,
                     rss_growth_large=large_rss)
    assert large_peak - small_peak < FLAT_GROWTH_BYTES, figures
    return figures


def test_exporting_every_record_streams_on_sqlite(benchmark, sqlite_clinic, tmp_path):
    built, _ = sqlite_clinic(ONE_MILLION)
    _measure(benchmark, built, tmp_path, "sqlite")


def test_exporting_every_record_streams_on_postgres(benchmark, postgres_clinic, tmp_path):
    built, _ = postgres_clinic
    _measure(benchmark, built, tmp_path, "postgres")
