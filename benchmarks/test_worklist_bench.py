"""How fast the worklists answer at clinic scale, and how they grow (pytest-benchmark).

Target at 100,000 patients / 1,000,000 appointments: the overdue list's first page and
its count each under 50 ms, so the main window never stalls on opening. Every timed
query is also EXPLAINed, and a full scan of the appointment table fails the run.
"""
from __future__ import annotations

import sqlite3

import bulk_data
import pytest
from measuring import (
    FIGURES,
    GROWTH_NAME,
    HAND_PAGE_AND_TOTAL,
    SERVICE_PAGE_AND_TOTAL,
    plans,
    record,
)

from clinic_desktop.services.appointments import day_book
from clinic_desktop.services.core.actor import Actor
from clinic_desktop.services.worklists import obligations, worklists

ONE_MILLION = bulk_data.ONE_MILLION
GROWTH = {"10k": bulk_data.Scale(1_000, 10_000), "100k": bulk_data.Scale(10_000, 100_000), "1M": ONE_MILLION}
TODAY = bulk_data.BENCH_TODAY
TARGET_MS = 50
# User 1 of the generated clinic; the service checks the account is still active, as in use.
MANAGER = Actor(user_id=1, username="manager", full_name="Morag Manager", role="practice_manager")

# The same page and count as overdue(), written by hand for the sqlite3 module.
HAND_PAGE = """
SELECT item.item_type, item.item_id, item.kind, item.due_by, item.urgent, item.status,
       patient.id, patient.family_name, patient.given_name, patient.nhs_number, patient.date_of_birth
FROM (SELECT * FROM (SELECT 'appointment' AS item_type, id AS item_id, kind, due_by, 0 AS urgent, status, episode_id
                     FROM appointment WHERE status IN ('to_book', 'booked') AND due_by < :today
                     ORDER BY due_by, id LIMIT :wanted)
      UNION ALL
      SELECT * FROM (SELECT 'referral', id, kind, due_by, urgent, status, episode_id
                     FROM referral WHERE status IN ('raised', 'drafted', 'signed') AND due_by < :today
                     ORDER BY urgent DESC, due_by, id LIMIT :wanted)) AS item
JOIN episode ON episode.id = item.episode_id
JOIN patient ON patient.id = episode.patient_id
ORDER BY item.urgent DESC, item.due_by, item.item_type, item.item_id
LIMIT :limit OFFSET :offset
"""
HAND_COUNT = """
SELECT (SELECT count(*) FROM appointment WHERE status IN ('to_book', 'booked') AND due_by < :today)
     + (SELECT count(*) FROM referral WHERE status IN ('raised', 'drafted', 'signed') AND due_by < :today)
"""


def timed(benchmark, name, built, call, database, postgres=False, **extra):
    """Benchmark ``call``, record the figures and its plans, check the target where there is one."""
    result = benchmark(call)
    figures = record(benchmark, name, built, plans=plans(database, call, postgres), **extra)
    if "target_ms" in extra and "median_ms" in figures:
        assert figures["median_ms"] < extra["target_ms"], f"{name}: {figures['median_ms']} ms"
    return result


# --- SQLite at a million appointments ---


def test_overdue_first_page(benchmark, sqlite_clinic):
    built, database = sqlite_clinic(ONE_MILLION)
    rows = timed(benchmark, "sqlite 1M: overdue first page", built,
                 lambda: worklists.overdue_page(TODAY, None, 0, 50), database, target_ms=TARGET_MS)
    assert len(rows) == 50 and rows[0].urgent


def test_overdue_total(benchmark, sqlite_clinic):
    built, database = sqlite_clinic(ONE_MILLION)
    total = timed(benchmark, "sqlite 1M: overdue total (COUNT)", built,
                  lambda: worklists.overdue_total(TODAY, None), database, target_ms=TARGET_MS)
    assert total > 10_000


def test_overdue_service_first_page_and_total(benchmark, sqlite_clinic):
    built, database = sqlite_clinic(ONE_MILLION)
    page = timed(benchmark, SERVICE_PAGE_AND_TOTAL, built,
                 lambda: worklists.overdue(MANAGER, as_of=TODAY), database, target_ms=2 * TARGET_MS)
    assert len(page.rows) == 50


def test_overdue_hand_sql_first_page_and_total(benchmark, sqlite_clinic):
    """The floor: the same two queries through the sqlite3 module, no ORM, no service."""
    built, _database = sqlite_clinic(ONE_MILLION)
    connection = sqlite3.connect(f"file:{built.location}?mode=ro", uri=True)
    arguments = {"today": TODAY.isoformat(), "wanted": 50, "limit": 50, "offset": 0}

    def page_and_total():
        return connection.execute(HAND_PAGE, arguments).fetchall(), connection.execute(HAND_COUNT, arguments).fetchone()

    rows, (total,) = benchmark(page_and_total)
    connection.close()
    figures = record(benchmark, HAND_PAGE_AND_TOTAL, built)
    service = FIGURES.get(SERVICE_PAGE_AND_TOTAL, {})
    if "median_ms" in figures and "median_ms" in service:
        benchmark.extra_info["orm_over_hand_sql"] = round(service["median_ms"] / figures["median_ms"], 1)
    assert len(rows) == 50 and total > 10_000


def test_overdue_counts_by_kind(benchmark, sqlite_clinic):
    built, database = sqlite_clinic(ONE_MILLION)
    counts = timed(benchmark, "sqlite 1M: overdue_counts()", built,
                   lambda: worklists.overdue_counts(MANAGER, as_of=TODAY), database, target_ms=TARGET_MS)
    assert counts["urgent_red_flag"] >= 1


def test_to_book_first_page(benchmark, sqlite_clinic):
    built, database = sqlite_clinic(ONE_MILLION)
    page = timed(benchmark, "sqlite 1M: to_book() page 1 + total", built,
                 lambda: worklists.to_book(MANAGER, as_of=TODAY), database)
    assert len(page.rows) == 50


def test_todays_appointments(benchmark, sqlite_clinic):
    built, database = sqlite_clinic(ONE_MILLION)
    day = timed(benchmark, "sqlite 1M: todays_appointments(), whole clinic", built,
                lambda: day_book.todays_appointments(MANAGER, day=TODAY), database)
    assert day


@pytest.mark.parametrize("size", list(GROWTH))
def test_overdue_growth(benchmark, sqlite_clinic, size):
    built, database = sqlite_clinic(GROWTH[size])
    page = timed(benchmark, GROWTH_NAME.format(size=size), built,
                 lambda: worklists.overdue(MANAGER, as_of=TODAY), database)
    benchmark.extra_info["overdue_total"] = page.total
    smallest = FIGURES.get(GROWTH_NAME.format(size="10k"), {})
    if "median_ms" in smallest and "median_ms" in benchmark.extra_info:
        benchmark.extra_info["growth_vs_10k"] = round(benchmark.extra_info["median_ms"] / smallest["median_ms"], 2)


# --- PostgreSQL (throw-away server, filled by COPY) ---


def test_postgres_overdue_first_page(benchmark, postgres_clinic):
    built, database = postgres_clinic
    rows = timed(benchmark, "postgres: overdue first page", built,
                 lambda: worklists.overdue_page(TODAY, None, 0, 50), database, postgres=True, target_ms=TARGET_MS)
    assert len(rows) == 50


def test_postgres_overdue_total(benchmark, postgres_clinic):
    built, database = postgres_clinic
    total = timed(benchmark, "postgres: overdue total (COUNT)", built,
                  lambda: worklists.overdue_total(TODAY, None), database, postgres=True, target_ms=TARGET_MS)
    assert total > 1_000


def test_postgres_overdue_service_first_page_and_total(benchmark, postgres_clinic):
    built, database = postgres_clinic
    page = timed(benchmark, "postgres: overdue() page 1 + total, service", built,
                 lambda: worklists.overdue(MANAGER, as_of=TODAY), database, postgres=True)
    assert len(page.rows) == 50


def test_postgres_overdue_counts_by_kind(benchmark, postgres_clinic):
    built, database = postgres_clinic
    counts = timed(benchmark, "postgres: overdue_counts()", built,
                   lambda: worklists.overdue_counts(MANAGER, as_of=TODAY), database, postgres=True)
    assert counts


def test_postgres_to_book_first_page(benchmark, postgres_clinic):
    built, database = postgres_clinic
    page = timed(benchmark, "postgres: to_book() page 1 + total", built,
                 lambda: worklists.to_book(MANAGER, as_of=TODAY), database, postgres=True)
    assert len(page.rows) == 50


# --- a list's filter box: each keystroke reads the first page as filtered and the whole list's count ---

RECEPTIONIST = Actor(user_id=2, username="reception", full_name="Rita Reception", role="receptionist")
FILTERED_LISTS = {
    "to_book": lambda text, limit: worklists.to_book(RECEPTIONIST, as_of=TODAY, text=text, limit=limit),
    "overdue": lambda text, limit: worklists.overdue(MANAGER, as_of=TODAY, text=text, limit=limit),
    "open_work": lambda text, limit: obligations.open_work(MANAGER, as_of=TODAY, text=text, limit=limit),
}
# What a receptionist types: a common family name letter by letter, then a given name; a kind; an NHS number.
KEYSTROKES = ("s", "smi", "smith", "smith a", "2-week", "999 1")


@pytest.mark.parametrize("text", KEYSTROKES)
@pytest.mark.parametrize("list_key", list(FILTERED_LISTS))
def test_filter_keystroke(benchmark, sqlite_clinic, list_key, text):
    """What the window reads after a keystroke (WorklistTable._read): a page of 100 as filtered, with its
    count (the unfiltered count of "n of total" is the one read before). The goal is 100 ms; figures
    only, not yet a check: a common family name's first letters miss it (README, Benchmarks)."""
    built, database = sqlite_clinic(ONE_MILLION)
    read = FILTERED_LISTS[list_key]
    page = timed(benchmark, f"sqlite 1M: {list_key} filtered by {text!r}", built, lambda: read(text, 100), database)
    assert page.total <= read(None, 1).total


@pytest.mark.parametrize("text", ("smith", "2-week"))
@pytest.mark.parametrize("list_key", list(FILTERED_LISTS))
def test_postgres_filter_keystroke(benchmark, postgres_clinic, list_key, text):
    built, database = postgres_clinic
    read = FILTERED_LISTS[list_key]
    page = timed(benchmark, f"postgres: {list_key} filtered by {text!r}", built, lambda: read(text, 100), database,
                 postgres=True)
    assert page.total <= read(None, 1).total
