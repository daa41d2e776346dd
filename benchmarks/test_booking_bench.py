"""What SQLite's guards cost a booking at a million appointments (pytest-benchmark).

A booking runs the double-booking trigger (an indexed search of the clinician's bookings
from two days before the new one) and, since schema 8, the instant triggers that refuse any
UTC text not in the stored form (constraints.instant_statements). Both are timed: every
guard, and the double-booking trigger alone (the instant triggers lifted). Today's triggers
are put in place inside a transaction that is rolled back, since the cached data keeps the
ones it was built with. The clash search's plan must be an index range, and every guard
together must stay under 50 ms a booking (the unbounded search took ~180-240 ms).
"""
from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import datetime, time, timedelta, timezone

import bulk_data
import pytest
from measuring import record

from clinic_desktop.models import Appointment, Episode, constraints
from clinic_desktop.models.constraints import _SQLITE_OVERLAP
from clinic_desktop.models.fields import SQLITE_INSTANT_FORMAT

TARGET_MS = 50
SLOT = timedelta(minutes=20)


@pytest.fixture
def clinic(sqlite_clinic):
    built, database = sqlite_clinic(bulk_data.ONE_MILLION)
    episode = Episode.select().order_by(Episode.id.desc()).first()
    return built, database, episode


def _booking(database, episode):
    """Book (and take back, in a rolled-back savepoint) at 05:00 UTC day after day from the bench's
    today: near the clinician's real bookings, when the clinic is closed, so never a clash."""
    starts = [datetime.combine(bulk_data.BENCH_TODAY, time(5), timezone.utc)]

    def book():
        starts[0] += timedelta(days=1)
        with database.atomic() as transaction:
            Appointment.create(episode=episode.id, kind="two_week_review", status="booked", reason="review",
                               due_by=starts[0].date(), clinician=episode.clinician_id, starts_at=starts[0],
                               ends_at=starts[0] + SLOT, created_at=starts[0], updated_at=starts[0])
            transaction.rollback()

    return book


def _clash_plan(database, episode) -> list[str]:
    """The plan of the double-booking trigger's search, as SQLite runs it for a new booking."""
    search = "SELECT 1 FROM " + _SQLITE_OVERLAP.split("EXISTS (", 1)[1].rsplit(")", 1)[0].split("FROM", 1)[1]
    starts = datetime.combine(bulk_data.BENCH_TODAY, time(10), timezone.utc)
    values = {"clinician_id": episode.clinician_id, "id": 0, "starts_at": starts.strftime(SQLITE_INSTANT_FORMAT),
              "ends_at": (starts + SLOT).strftime(SQLITE_INSTANT_FORMAT)}
    names = re.findall(r"NEW\.(\w+)", search)
    plan = database.execute_sql("EXPLAIN QUERY PLAN " + re.sub(r"NEW\.\w+", "?", search),
                                [values[name] for name in names]).fetchall()
    return [row[-1] for row in plan]


@contextmanager
def _todays_guards(database, *, instants: bool = True):
    """Today's appointment triggers, with or without the instant ones, for the block only."""
    with database.atomic() as run:
        constraints.replace_double_booking_guard(database)
        if not instants:
            for (name,) in database.execute_sql("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                                                "AND tbl_name = 'appointment' AND name LIKE '%instant%'").fetchall():
                database.execute_sql(f'DROP TRIGGER "{name}"')
        yield
        run.rollback()


def test_booking_with_every_guard(benchmark, clinic):
    built, database, episode = clinic
    plan = _clash_plan(database, episode)
    assert any("starts_at>? AND starts_at<?" in line for line in plan), plan  # a range at both ends
    with _todays_guards(database):
        benchmark.pedantic(_booking(database, episode), rounds=300, warmup_rounds=20)
    figures = record(benchmark, "sqlite 1M: a booking, every guard", built, plan=plan, target_ms=TARGET_MS)
    if "median_ms" in figures:
        assert figures["median_ms"] < TARGET_MS, figures


def test_booking_with_the_double_booking_guard_alone(benchmark, clinic):
    built, database, episode = clinic
    with _todays_guards(database, instants=False):
        benchmark.pedantic(_booking(database, episode), rounds=300, warmup_rounds=20)
    record(benchmark, "sqlite 1M: a booking, double-booking guard alone", built)
