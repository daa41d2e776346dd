"""What SQLite's guards cost a booking at a million appointments (pytest-benchmark).

A booking runs the double-booking trigger (an indexed search of the clinician's bookings)
and, since schema 8, the instant triggers that refuse any UTC text not in the stored form
(constraints.instant_statements). Both are timed: every guard, and the double-booking
trigger alone (the instant triggers lifted inside a transaction that is rolled back). The
clash search's plan must use an index, not scan the appointment table, and every guard
together must stay under 5 ms a booking.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import bulk_data
import pytest
from measuring import record

from clinic_desktop.models import Appointment, Episode
from clinic_desktop.models.constraints import _SQLITE_OVERLAP

TARGET_MS = 5
SLOT = timedelta(minutes=20)


@pytest.fixture
def clinic(sqlite_clinic):
    built, database = sqlite_clinic(bulk_data.ONE_MILLION)
    episode = Episode.select().order_by(Episode.id.desc()).first()
    return built, database, episode


def _booking(database, episode):
    """Book (and take back, in a rolled-back transaction) slot after slot far ahead of any booking."""
    starts = [datetime(2031, 1, 6, 9, tzinfo=timezone.utc)]

    def book():
        starts[0] += SLOT
        with database.atomic() as transaction:
            Appointment.create(episode=episode.id, kind="two_week_review", status="booked", reason="review",
                               due_by=date(2031, 1, 20), clinician=episode.clinician_id, starts_at=starts[0],
                               ends_at=starts[0] + SLOT, created_at=starts[0], updated_at=starts[0])
            transaction.rollback()

    return book


def _clash_plan(database, episode) -> list[str]:
    """The plan of the double-booking trigger's search, as SQLite runs it for a new booking."""
    search = _SQLITE_OVERLAP.split("EXISTS (", 1)[1].rsplit(")", 1)[0]
    for name in ("clinician_id", "id", "starts_at", "ends_at"):
        search = search.replace(f"NEW.{name}", "?")
    params = (episode.clinician_id, 0, "2031-01-06 10:20:00.000000+00:00", "2031-01-06 10:00:00.000000+00:00")
    return [row[-1] for row in database.execute_sql("EXPLAIN QUERY PLAN SELECT 1 FROM " + search.split("FROM", 1)[1],
                                                    params).fetchall()]


def test_booking_with_every_guard(benchmark, clinic):
    built, database, episode = clinic
    plan = _clash_plan(database, episode)
    assert not any(line.startswith("SCAN appointment") for line in plan), plan
    benchmark.pedantic(_booking(database, episode), rounds=300, warmup_rounds=20)
    figures = record(benchmark, "sqlite 1M: a booking, every guard", built, plan=plan, target_ms=TARGET_MS)
    if "median_ms" in figures:
        assert figures["median_ms"] < TARGET_MS, figures


def test_booking_with_the_double_booking_guard_alone(benchmark, clinic):
    built, database, episode = clinic
    book = _booking(database, episode)
    with database.atomic() as lifted:  # the instant triggers dropped for this run only
        for (name,) in database.execute_sql("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                                            "AND tbl_name = 'appointment' AND name LIKE '%instant%'").fetchall():
            database.execute_sql(f'DROP TRIGGER "{name}"')
        benchmark.pedantic(book, rounds=300, warmup_rounds=20)
        lifted.rollback()
    record(benchmark, "sqlite 1M: a booking, double-booking guard alone", built)
