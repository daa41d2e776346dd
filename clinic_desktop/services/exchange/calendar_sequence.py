"""Which events a clinician's calendar must be given, and under which SEQUENCE number.

A calendar that already holds an event takes a new copy of it only when the copy's
SEQUENCE is higher (RFC 5545, 3.8.7.4; Outlook and Thunderbird keep the old one
otherwise), and an imported file cannot remove an event by leaving it out. So each
export compares what it is about to write with what it wrote last time for the same
clinician (models/calendar_events.py): a new time or state raises the number, an
unchanged event keeps it, so exporting twice changes nothing. An appointment that has
left this clinician (moved to a colleague, or its booking cancelled back to the to-book
list) is written to their calendar once more, as cancelled at the time they last saw; one
moved outside the days exported is written at its new time.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from peewee import JOIN

from clinic_desktop.models import Appointment, CalendarEvent, Episode, Patient, User

__all__ = ["TIMED_STATUSES", "CalendarEntry", "calendar_entries"]

# Appointments that were given a time: booked, and what became of a booked one.
TIMED_STATUSES = ("booked", "attended", "did_not_attend", "cancelled")
_WITHDRAWN = "withdrawn"  # the state of an event whose appointment is no longer this clinician's
_INSERT_BATCH = 500


@dataclass(frozen=True)
class CalendarEntry:
    """One event as this export writes it."""

    appointment_id: int
    kind: str
    due_by: date
    updated_at: datetime
    patient_id: int
    patient_name: str  # as the clinic shows it: SMITH, Ann
    state: str  # an appointment status, or "withdrawn": no longer this clinician's booking
    starts_at: datetime
    ends_at: datetime
    sequence: int
    now_with: str | None = None  # withdrawn: the colleague it is with now (None: back on the to-book list)

    @property
    def withdrawn(self) -> bool:
        return self.state == _WITHDRAWN

    @property
    def cancelled(self) -> bool:
        """Cancelled, or no longer this clinician's: either way not to be kept in their calendar."""
        return self.state == "cancelled" or self.withdrawn


# What an event needs of its appointment and patient, read as plain tuples: building peewee
# model objects for each row took most of an export's time at 10,000 appointments.
_APPOINTMENT_COLUMNS = (Appointment.id, Appointment.kind, Appointment.due_by, Appointment.updated_at, Patient.id,
                        Patient.family_name, Patient.given_name)


def calendar_entries(clinician: User, first: datetime, after: datetime | None) -> list[CalendarEntry]:
    """The clinician's events starting in [first, after) by start, each with its sequence number,
    and what was given remembered for the next export. Internal: runs inside the export's service.

    Besides the appointments now in the range, every event an earlier export gave in this range
    is written again: one moved out of the range at its new time, one that has left the clinician
    as withdrawn, so that no calendar keeps an event at a time nobody is booked."""
    given = CalendarEvent.alias()
    here = ((Appointment.clinician == clinician.id) & Appointment.starts_at.is_null(False)
            & Appointment.status.in_(TIMED_STATUSES))
    query = (Appointment.select(*_APPOINTMENT_COLUMNS, Appointment.status, Appointment.starts_at, Appointment.ends_at,
                                given.id, given.sequence, given.starts_at, given.ends_at, given.state)
             .join(Episode).join(Patient)
             .join_from(Appointment, given, JOIN.LEFT_OUTER,
                        on=((given.appointment == Appointment.id) & (given.clinician == clinician.id)))
             .where(here & _between(Appointment.starts_at, first, after)))
    new, changed = [], []
    entries = [_entry(row[:7], row[7:10], row[10:], new, changed)
               for row in query.order_by(Appointment.starts_at, Appointment.id).tuples()]
    for row in _given_and_gone(clinician, first, after, here).tuples():
        appointment, now, given_row, still_here, colleague = row[:7], row[7:10], row[10:15], row[15], row[16]
        if still_here:  # moved out of the range: the event moves with it
            entries.append(_entry(appointment, now, given_row, new, changed))
        else:  # cancelled where the calendar has it
            withdrawn = (_WITHDRAWN, given_row[2], given_row[3])
            entries.append(_entry(appointment, withdrawn, given_row, new, changed, now_with=colleague))
    _remember(clinician, new, changed)
    entries.sort(key=lambda entry: (entry.starts_at, entry.appointment_id))
    return entries



def _entry(appointment: tuple, now: tuple, given: tuple, new: list, changed: list,
           now_with: str | None = None) -> CalendarEntry:
    """The entry to write, noting in ``new`` or ``changed`` what the calendar has not been given yet.
    ``now`` is (state, starts_at, ends_at) as written now; ``given`` is (id, sequence, starts_at,
    ends_at, state) as stored, all None for an event never given."""
    appointment_id, kind, due_by, updated_at, patient_id, family_name, given_name = appointment
    state, starts_at, ends_at = now
    given_id, given_sequence, *given_now = given
    if given_id is None:
        sequence = 0
        new.append({"appointment": appointment_id, "sequence": 0, "starts_at": starts_at, "ends_at": ends_at,
                    "state": state})
    elif tuple(given_now) != (starts_at, ends_at, state):
        sequence = given_sequence + 1
        changed.append((given_id, sequence, starts_at, ends_at, state))
    else:
        sequence = given_sequence
    return CalendarEntry(appointment_id, kind, due_by, updated_at, patient_id, f"{family_name.upper()}, {given_name}",
                         state, starts_at, ends_at, sequence, now_with)


def _between(column, first: datetime, after: datetime | None):
    return (column >= first) if after is None else ((column >= first) & (column < after))


def _given_and_gone(clinician: User, first: datetime, after: datetime | None, here):
    """Events this clinician's calendar was given in the range whose appointment is no longer
    there: moved out of the range, moved to a colleague, or back on the to-book list.

    Each row: the appointment's columns, its (status, starts_at, ends_at) now, the event as
    given, whether it is still this clinician's at a time, and whose it is now."""
    now_with = User.alias()
    # Written out rather than NOT (here AND in_range): a NULL clinician or start would make that NULL.
    gone = (Appointment.clinician.is_null(True) | (Appointment.clinician != clinician.id)
            | Appointment.starts_at.is_null(True) | Appointment.status.not_in(TIMED_STATUSES)
            | (Appointment.starts_at < first))
    if after is not None:
        gone |= Appointment.starts_at >= after
    return (CalendarEvent.select(*_APPOINTMENT_COLUMNS, Appointment.status, Appointment.starts_at, Appointment.ends_at,
                                 CalendarEvent.id, CalendarEvent.sequence, CalendarEvent.starts_at,
                                 CalendarEvent.ends_at, CalendarEvent.state, here.alias("still_here"),
                                 now_with.full_name)
            .join(Appointment).join(Episode).join(Patient)
            .join_from(Appointment, now_with, JOIN.LEFT_OUTER, on=(Appointment.clinician == now_with.id))
            .where((CalendarEvent.clinician == clinician.id) & _between(CalendarEvent.starts_at, first, after)
                   & gone))


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
