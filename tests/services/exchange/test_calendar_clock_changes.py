"""Every appointment around every clock change from 2026 to 2040, read back by calendar
parsers the export does not write with, lands on the instant the database holds.

Three zones with different rules: London (last Sunday of March and October, at 01:00 UTC),
New York (second Sunday of March, first of November, at 02:00 local) and Sydney (southern
hemisphere: forward in October, back in April). Around each change: an hour and twenty
minutes before and after the change itself, 00:30 to 03:30 wall time on the day (both
instants of a repeated time; a skipped one does not exist), and 10:00 the day before and
after. The appointments are stored as the booking service stores them (a UTC instant),
directly, since no clinic opens on a Sunday night.
"""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from ical_readers import read_with_ical_js, read_with_icalendar, read_with_vobject

from clinic_desktop.models import Appointment
from clinic_desktop.services.admin.settings import update_clinic_settings
from clinic_desktop.services.episodes import episodes
from clinic_desktop.services.exchange import calendar_export
from clinic_desktop.services.patients import patients

CLINIC_TIME = datetime(2025, 12, 1, 9, 0, tzinfo=timezone.utc)  # before the first change covered
FIRST_YEAR, LAST_YEAR = 2026, 2040
SLOT = timedelta(minutes=20)
ZONES = ("Europe/London", "America/New_York", "Australia/Sydney")
READERS = {"ical.js": read_with_ical_js, "vobject": read_with_vobject, "icalendar": read_with_icalendar}


def clock_changes(zone: ZoneInfo) -> list[datetime]:
    """Each instant from FIRST_YEAR to LAST_YEAR at which the zone's UTC offset changes
    (on the hour in every zone here; checked, not assumed)."""
    moment = datetime(FIRST_YEAR, 1, 1, tzinfo=timezone.utc)
    changes = []
    while moment.year <= LAST_YEAR:
        after = moment + timedelta(hours=1)
        if after.astimezone(zone).utcoffset() != moment.astimezone(zone).utcoffset():
            assert (after - timedelta(minutes=1)).astimezone(zone).utcoffset() == moment.astimezone(zone).utcoffset()
            changes.append(after)
        moment = after
    return changes


def starts_around(change: datetime, zone: ZoneInfo) -> set[datetime]:
    day = change.astimezone(zone).date()
    starts = {change + offset for offset in (-timedelta(hours=1), -SLOT, timedelta(0), SLOT, timedelta(hours=1))}
    for wall in (time(0, 30), time(1, 30), time(2, 30), time(3, 30)):
        for fold in (0, 1):
            instant = datetime.combine(day, wall, zone).replace(fold=fold).astimezone(timezone.utc)
            if instant.astimezone(zone).time() == wall:  # a skipped wall time comes back as another
                starts.add(instant)
    for other_day in (day - timedelta(days=1), day + timedelta(days=1)):
        starts.add(datetime.combine(other_day, time(10, 0), zone).astimezone(timezone.utc))
    return starts


def store_appointments(staff, episode_id: int, starts: list[datetime]) -> dict[int, tuple[datetime, datetime]]:
    """Booked 20-minute appointments at these instants, none overlapping the one before."""
    kept: list[datetime] = []
    for start in sorted(starts):
        if not kept or start >= kept[-1] + SLOT:
            kept.append(start)
    moment = CLINIC_TIME
    rows = [dict(episode=episode_id, kind="follow_up", reason="clock change", status="booked",
                 due_by=start.date() + timedelta(days=7), clinician=staff.clinician.user_id, starts_at=start,
                 ends_at=start + SLOT, created_at=moment, updated_at=moment) for start in kept]
    for first in range(0, len(rows), 200):
        Appointment.insert_many(rows[first:first + 200]).execute()
    return {row.id: (row.starts_at, row.ends_at) for row in
            Appointment.select().where(Appointment.status == "booked")}


@pytest.fixture(params=ZONES)
def clinic_in_zone(request, staff):
    zone = ZoneInfo(request.param)
    update_clinic_settings(staff.manager, time_zone=request.param)
    patient = patients.register_patient(staff.receptionist, family_name="Hour", given_name="Ida",
                                        date_of_birth=date(1970, 3, 29), nhs_number="9434765919")
    episode_id = episodes.open_episode(staff.clinician, patient.id, first_contact_on=date(2025, 12, 1),
                                       presentation="non_specific", severity="mild").episode_id
    changes = clock_changes(zone)
    starts = set().union(*(starts_around(change, zone) for change in changes))
    return zone, changes, store_appointments(staff, episode_id, sorted(starts))


@pytest.mark.parametrize("reader", READERS)
def test_every_event_around_every_clock_change_is_read_at_its_stored_instant(staff, clinic_in_zone, reader,
                                                                             tmp_path):
    zone, changes, stored = clinic_in_zone
    result = calendar_export.export_calendar(staff.receptionist, "drjones", tmp_path / "clock.ics",
                                             start=date(FIRST_YEAR, 1, 1), end=date(LAST_YEAR, 12, 31))
    read = {int(re.match(r"appointment-(\d+)-", event.uid)[1]): (event.start, event.end)
            for event in READERS[reader](result.path)}
    assert len(changes) == 2 * (LAST_YEAR - FIRST_YEAR + 1)
    assert len(stored) >= 8 * len(changes)
    wrong = {appointment_id: (stored[appointment_id][0].astimezone(zone).isoformat(),
                              read.get(appointment_id, (None,))[0])
             for appointment_id in stored if read.get(appointment_id) != stored[appointment_id]}
    assert wrong == {}
    assert len(read) == len(stored) == result.appointments
