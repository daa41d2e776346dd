"""How long a clinician's calendar of 10,000 appointments takes to export, first and again.

The first export also stores what each event was given (models/calendar_events.py), 10,000
rows; an export after it with nothing changed only reads them (the benchmark's figure; its
peak Python memory is traced in a round of its own, tracemalloc slowing what it watches). The clinic is built straight
into an SQLite file (insert_many), not through the services. The file is read back by
ical.js, as the tests do, so the figure is for a file a client reads right.
"""
from __future__ import annotations

import time
import tracemalloc
from datetime import date, datetime, timedelta, timezone
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from ical_readers import read_with_ical_js
from measuring import record
from small_clinic import RECEPTION, new_clinic

from clinic_desktop.models import Appointment, Episode, Patient, bind_database
from clinic_desktop.services.exchange import calendar_export

APPOINTMENTS = 10_000
PER_PATIENT = 10
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
LONDON = ZoneInfo("Europe/London")
FIRST_DAY = date(2027, 1, 4)  # a Monday


@pytest.fixture(scope="module")
def booked_clinic(tmp_path_factory):
    """An SQLite clinic whose one clinician has 10,000 booked 20-minute appointments, weekdays 09:00-17:00."""
    began = time.perf_counter()
    database = new_clinic(tmp_path_factory.mktemp("calendar"), NOW)
    with database.atomic():
        patients = APPOINTMENTS // PER_PATIENT
        Patient.insert_many([dict(id=number, family_name=f"Patient{number:04d}", given_name="Ann",
                                  family_name_key=f"patient{number:04d}", given_name_key="ann",
                                  date_of_birth=date(1961, 2, 9), created_at=NOW, updated_at=NOW)
                             for number in range(1, patients + 1)]).execute()
        Episode.insert_many([dict(id=number, patient=number, first_contact_on=date(2026, 11, 30),
                                  presentation="non_specific", severity="moderate", clinician=1, created_at=NOW)
                             for number in range(1, patients + 1)]).execute()
        rows = [dict(episode=number % patients + 1, kind="follow_up", status="booked", due_by=start.date(),
                     clinician=1, starts_at=start, ends_at=start + timedelta(minutes=20), created_at=NOW,
                     updated_at=NOW) for number, start in enumerate(_slots())]
        for first in range(0, len(rows), 500):
            Appointment.insert_many(rows[first:first + 500]).execute()
    yield database, time.perf_counter() - began
    database.close()


def _slots():
    """10,000 weekday slots from FIRST_DAY on, 24 a day, across every clock change they meet."""
    day = FIRST_DAY
    made = 0
    while made < APPOINTMENTS:
        if day.weekday() < 5:
            for slot in range(24):
                if made == APPOINTMENTS:
                    return
                yield (datetime.combine(day, datetime.min.time(), LONDON) + timedelta(hours=9, minutes=20 * slot)
                       ).astimezone(timezone.utc)
                made += 1
        day += timedelta(days=1)


def test_exporting_10000_appointments(benchmark, booked_clinic, tmp_path):
    database, build_seconds = booked_clinic
    bind_database(database)
    path = tmp_path / "drjones.ics"
    began = time.perf_counter()
    first = calendar_export.export_calendar(RECEPTION, "drjones", path, start=FIRST_DAY)
    first_seconds = time.perf_counter() - began
    assert first.appointments == APPOINTMENTS
    again = benchmark.pedantic(lambda: calendar_export.export_calendar(RECEPTION, "drjones", path, start=FIRST_DAY),
                               rounds=3, iterations=1)
    assert again.appointments == APPOINTMENTS
    tracemalloc.start()
    try:
        calendar_export.export_calendar(RECEPTION, "drjones", path, start=FIRST_DAY)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    read = read_with_ical_js(path)
    assert len(read) == APPOINTMENTS and {event.sequence for event in read} == {0}
    record(benchmark, "calendar: export 10,000 appointments", SimpleNamespace(
        scale=SimpleNamespace(label="10,000 appointments"), build_seconds=build_seconds, reused=False),
        first_export_seconds=round(first_seconds, 2), peak_traced_mb=round(peak / 2**20, 1),
        file_bytes=path.stat().st_size)
