"""How fast a letter renders, and that a batch export of 1,000 letters keeps memory flat.

The batch is built straight into an SQLite file (signed_clinic.py: each letter's PDF rendered
by the real renderer and signed as the services sign it), not through the services, which
would take minutes of password hashing. Memory is measured with tracemalloc (Python allocations, peak during
the export) and the process's resident set, exporting 100 and then 1,000 letters.
"""
from __future__ import annotations

import time
import tracemalloc
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import pytest
from measuring import built_here, record
from sample_letter import LETTER
from signed_clinic import add_signed_letter, add_signer
from small_clinic import RECEPTION, new_clinic

from clinic_desktop.letters.referral_letter import render_referral_letter
from clinic_desktop.models import Referral, bind_database
from clinic_desktop.services.referrals import letter_batch

TARGET_MS = 50
BATCH = 1_000
SMALL_BATCH = 100
# Growth of the export's peak Python memory from 100 to 1,000 letters; holding the PDFs
# (about 45 kB each) would grow it by some 40 MB.
FLAT_GROWTH_BYTES = 2 * 1024 * 1024
NOW = datetime(2026, 6, 1, 9, 0, tzinfo=timezone.utc)

def test_one_letter_renders_in_under_50_ms(benchmark):
    pdf = benchmark(render_referral_letter, LETTER)
    figures = record(benchmark, "letter: render one signed letter", built_here("one letter"), target_ms=TARGET_MS,
                     pdf_bytes=len(pdf))
    if "median_ms" in figures:
        assert figures["median_ms"] < TARGET_MS, figures


def test_one_letter_with_a_chinese_name_renders_in_under_50_ms(benchmark):
    letter = replace(LETTER, patient=replace(LETTER.patient, name="WANG, 王芳"))
    render_referral_letter(letter)  # the CJK font is loaded once per process, not per letter
    benchmark(render_referral_letter, letter)
    figures = record(benchmark, "letter: render one letter, CJK name", built_here("one letter"), target_ms=TARGET_MS)
    if "median_ms" in figures:
        assert figures["median_ms"] < TARGET_MS, figures


@pytest.fixture(scope="module")
def signed_letters(tmp_path_factory):
    """An SQLite clinic holding 1,000 signed, unsent letters, each rendered for its own patient."""
    began = time.perf_counter()
    database = new_clinic(tmp_path_factory.mktemp("letters"), NOW)
    with database.atomic():
        signer = add_signer(NOW)
        for number in range(1, BATCH + 1):
            add_signed_letter(number, signer, NOW)
    yield database, time.perf_counter() - began
    database.close()


def _export_measured(folder: Path) -> tuple[int, int, int]:
    """(letters written, peak traced bytes during the export, resident set growth in bytes)."""
    folder.mkdir()
    rss_before = _rss()
    tracemalloc.start()
    try:
        report = letter_batch.export_signed_unsent(RECEPTION, folder)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return len(report.written), peak, _rss() - rss_before


def _rss() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def test_exporting_1000_letters_keeps_memory_flat(benchmark, signed_letters, tmp_path):
    database, build_seconds = signed_letters
    bind_database(database)
    # 100 letters: the rest set aside as sent for the measurement, then put back.
    Referral.update(status="sent").where(Referral.id > SMALL_BATCH).execute()
    try:
        small, small_peak, small_rss = _export_measured(tmp_path / "hundred")
    finally:
        Referral.update(status="signed").where(Referral.id > SMALL_BATCH).execute()
    large, large_peak, large_rss = _export_measured(tmp_path / "thousand")
    assert (small, large) == (SMALL_BATCH, BATCH)
    rounds = iter(range(1000))
    report = benchmark.pedantic(lambda: letter_batch.export_signed_unsent(RECEPTION, _fresh(tmp_path, next(rounds))),
                                rounds=3, iterations=1)
    assert len(report.written) == BATCH
    figures = record(benchmark, "letters: export 1,000 signed letters", built_here("1,000 signed letters", build_seconds),
                     peak_traced_100=small_peak, peak_traced_1000=large_peak,
                     peak_growth_bytes=large_peak - small_peak, rss_growth_100=small_rss, rss_growth_1000=large_rss,
                     pdf_bytes_total=sum(path.stat().st_size for path in report.written))
    assert large_peak - small_peak < FLAT_GROWTH_BYTES, figures


def _fresh(tmp_path: Path, number: int) -> Path:
    folder = tmp_path / f"round-{number}"
    folder.mkdir()
    return folder
