"""Which events a clinician's calendar must be given, and under which SEQUENCE number.

A calendar that already holds an event takes a new copy of it only when the copy's
SEQUENCE is higher (RFC 5545, 3.8.7.4; Outlook and Thunderbird keep the old one
otherwise), and an imported file cannot remove an event by leaving it out. So each
export compares what it is about to write with what it wrote last time for the same
clinician (models/calendar_events.py): a new time or state raises the number, an
unchanged event keeps it, so exporting twice changes nothing. An appointment that has
left this clinician (moved to a colleague, or its booking cancelled back to the to-book
list) is written to their calendar once more, as cancelled at the time they last saw.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from peewee import JOIN

from clinic_desktop.models import Appointment, CalendarEvent, Episode, Patient, User

__all__ = ["TIMED_STATUSES", "CalendarEntry", "calendar_entries"]

# Appointments that were given a time: booked, and what became of a booked one.
TIMED_STATUSES = ("booked", "attended", "did_not_attend", "cancelled")
_INSERT_BATCH = 500


@dataclass(frozen=True)
class CalendarEntry:
    """One event as this export writes it."""

    appointment: Appointment  # with its episode and patient
    state: str  # an appointment status, or "withdrawn": no longer this clinician's booking
    starts_at: datetime
    ends_at: datetime
    sequence: int
    now_with: str | None = None  # withdrawn: the colleague it moved to (None: back on the to-book list)


def calendar_entries(clinician: User, first: datetime, after: datetime | None) -> list[CalendarEntry]:
    """The clinician's events starting in [first, after) by start, each with its sequence number,
    and what was given remembered for the next export. Internal: runs inside the export's service."""
    given = CalendarEvent.alias()
    query = (Appointment.select(Appointment, Episode, Patient, given).join(Episode).join(Patient)
             .join_from(Appointment, given, JOIN.LEFT_OUTER,
                        on=((given.appointment == Appointment.id) & (given.clinician == clinician.id)), attr="given")
             .where((Appointment.clinician == clinician.id) & Appointment.starts_at.is_null(False)
                    & Appointment.status.in_(TIMED_STATUSES) & (Appointment.starts_at >= first)))
    if after is not None:
        query = query.where(Appointment.starts_at < after)
    entries, new, changed = [], [], []
    for row in query.order_by(Appointment.starts_at, Appointment.id):
        entry = _entry(row, getattr(row, "given", None), row.status, row.starts_at, row.ends_at, new, changed)
        entries.append(entry)
    for row in _withdrawn(clinician, first, after):
        entries.append(_entry(row.appointment, row, "withdrawn", row.starts_at, row.ends_at, new, changed,
                              now_with=row.appointment.clinician.full_name if row.appointment.starts_at else None))
    _remember(clinician, new, changed)
    entries.sort(key=lambda entry: (entry.starts_at, entry.appointment.id))
    return entries


def _entry(appointment: Appointment, given: CalendarEvent | None, state: str, starts_at: datetime,
           ends_at: datetime, new: list, changed: list, now_with: str | None = None) -> CalendarEntry:
    """The entry to write, noting in ``new`` or ``changed`` what the calendar has not been given yet."""
    if given is None or given.id is None:
        sequence = 0
        new.append({"clinician": None, "appointment": appointment.id, "sequence": 0, "starts_at": starts_at,
                    "ends_at": ends_at, "state": state})
    elif (given.starts_at, given.ends_at, given.state) != (starts_at, ends_at, state):
        sequence = given.sequence + 1
        changed.append((given.id, sequence, starts_at, ends_at, state))
    else:
        sequence = given.sequence
    return CalendarEntry(appointment, state, starts_at, ends_at, sequence, now_with)


def _withdrawn(clinician: User, first: datetime, after: datetime | None):
    """Events this clinician's calendar was given in the range whose appointment is no longer
    theirs at a time: moved to a colleague, or back to the to-book list."""
    now_with = User.alias()
    query = (CalendarEvent.select(CalendarEvent, Appointment, Episode, Patient, now_with)
             .join(Appointment).join(Episode).join(Patient)
             .join_from(Appointment, now_with, JOIN.LEFT_OUTER, on=(Appointment.clinician == now_with.id),
                        attr="clinician")
             .where((CalendarEvent.clinician == clinician.id) & (CalendarEvent.starts_at >= first)
                    & ((Appointment.clinician.is_null(True) | (Appointment.clinician != clinician.id))
                       | Appointment.starts_at.is_null(True) | Appointment.status.not_in(TIMED_STATUSES))))
    if after is not None:
        query = query.where(CalendarEvent.starts_at < after)
    return query


def _remember(clinician: User, new: list[dict], changed: list[tuple]) -> None:
    """Store what this export gave; a row another workstation's export stored a moment ago
    for the same event holds the same times and state, so that insert is simply skipped."""
    for row in new:
        row["clinician"] = clinician.id
    for start in range(0, len(new), _INSERT_BATCH):
        CalendarEvent.insert_many(new[start:start + _INSERT_BATCH]).on_conflict_ignore().execute()
    for event_id, sequence, starts_at, ends_at, state in changed:
        CalendarEvent.update(sequence=sequence, starts_at=starts_at, ends_at=ends_at, state=state).where(
            CalendarEvent.id == event_id).execute()
