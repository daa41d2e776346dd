"""The waiting list for earlier appointments, and the freed slot offered to it.

A patient whose review is booked (or still to book) may ask to come sooner. When a booking
is cancelled, its slot goes first to the waiting patients whose review is due soonest
(due-by date, then time on the list), among those who said they can come that day and at
that time, so the slot nobody had planned for closes the tightest deadline. Moving a
patient into the freed slot is a booking like any other: the same checks (the clinician's sessions and leave,
the due-by rule, a clinician never double-booked, the database refusing a slot taken from
another workstation a moment before), and the entry closes with it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from peewee import JOIN

from clinic_desktop.models import Appointment, Episode, Patient, User, WaitingListEntry, is_sqlite
from clinic_desktop.models.appointments import OPEN_APPOINTMENT_STATUSES, SLOT_HOLDING_STATUSES
from clinic_desktop.models.waiting_list import WAITING_TIMES
from clinic_desktop.pathway.sessions import Period
from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.services.appointments.appointments import (
    AppointmentRecord,
    describe,
    move_into_slot,
    record_of,
    when,
)
from clinic_desktop.services.appointments.rota import Rota
from clinic_desktop.services.appointments.waiting_entries import close_waiting
from clinic_desktop.services.audit import audit
from clinic_desktop.services.core import validation
from clinic_desktop.services.core.clinic_time import format_day, format_time, to_local
from clinic_desktop.services.core.clock import now_utc
from clinic_desktop.services.core.entity import Entity
from clinic_desktop.services.core.errors import Conflict, InvalidTransition, NotFound, ValidationError
from clinic_desktop.services.core.transaction import service
from clinic_desktop.services.episodes.pathway_sync import capitalised
from clinic_desktop.services.worklists.worklists import KIND_TITLES

__all__ = ["DAY_NAMES", "FreedSlot", "WaitingEntry", "add_to_waiting_list", "can_come_wording", "fill_freed_slot",
           "freed_slot_offer", "remove_from_waiting_list", "waiting_list"]

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_TIMES_WORDING = {"any": "", "morning": " mornings", "afternoon": " afternoons"}
_NOON = 12
_NOTE_LENGTH = 500


@dataclass(frozen=True)
class WaitingEntry:
    id: int
    appointment_id: int
    patient_id: int
    patient_name: str
    kind_title: str
    due_by: date
    booked_for: str | None  # "Tue 8 Dec 10:00 with Dr Alys Jones"; None while still to book
    booked_at: datetime | None  # UTC
    can_come: str  # "Any day, any time", "Mon, Wed mornings"
    note: str
    added_at: datetime  # UTC
    added_by: str
    late: bool = False  # for a freed slot: after the due-by date, so moving needs a reason


@dataclass(frozen=True)
class FreedSlot:
    """A cancelled booking's slot and the waiting patients it may go to, best first."""

    clinician_id: int
    clinician_name: str
    starts_at: datetime  # UTC
    ends_at: datetime  # UTC
    label: str  # "Tue 1 Dec 2026 10:00–10:20 with Dr Alys Jones"
    candidates: tuple[WaitingEntry, ...]
    cannot_come: int  # waiting patients who said they cannot come that day or at that time
    taken: str | None = None  # why the slot cannot be offered (already taken, or passed); None: free


@service("book_appointment")
def add_to_waiting_list(actor, appointment_id: int, *, note: str = "", days: str = "",
                        times: str = "any") -> WaitingEntry:
    """Put a review (booked or to book) on the waiting list for an earlier slot."""
    appointment_id = validation.record_id(appointment_id, "appointment")
    note = validation.text(note, "note", label="note") or ""
    if len(note) > _NOTE_LENGTH:
        raise ValidationError(f"The note is too long (at most {_NOTE_LENGTH} characters)", field="note")
    days = _checked_days(days)
    if times not in WAITING_TIMES:
        raise ValidationError("Choose any time, mornings or afternoons", field="times")
    appointment = _locked(Appointment.select().where(Appointment.id == appointment_id))
    if appointment is None:
        raise NotFound("That appointment is not on record")
    if appointment.status not in OPEN_APPOINTMENT_STATUSES:
        raise InvalidTransition(f"{capitalised(describe(appointment))} is {appointment.status.replace('_', ' ')}: "
                                "only a review still to come can wait for an earlier slot")
    waiting = _open_entry(appointment.id)
    if waiting is not None:
        raise Conflict(f"{capitalised(describe(appointment))} has been on the waiting list since "
                       f"{when(waiting.added_at, short=True)}")
    entry = WaitingListEntry.create(appointment=appointment.id, note=note, days=days, times=times,
                                    added_by=actor.user_id, added_at=now_utc())
    audit.record(actor, "add_to_waiting_list", Entity.APPOINTMENT, appointment.id,
                 f"put {describe(appointment)} on the waiting list for an earlier slot",
                 patient_id=appointment.episode.patient_id, waiting_entry_id=entry.id, note=note, days=days,
                 times=times)
    return _entry(_entries().where(WaitingListEntry.id == entry.id).get())


@service("book_appointment")
def remove_from_waiting_list(actor, entry_id: int) -> WaitingEntry:
    """Take a patient off the waiting list (they no longer want an earlier slot)."""
    entry_id = validation.record_id(entry_id, "waiting list entry")
    entry = _open_or_refuse(entry_id)
    close_waiting(entry.appointment_id, "patient_asked", actor.user_id)
    audit.record(actor, "remove_from_waiting_list", Entity.APPOINTMENT, entry.appointment_id,
                 f"took {describe(entry.appointment)} off the waiting list",
                 patient_id=entry.appointment.episode.patient_id, waiting_entry_id=entry.id)
    return _entry(entry)


@service("view_patient", changes=False)
def waiting_list(actor) -> tuple[WaitingEntry, ...]:
    """Everyone waiting, the review due soonest first, then the longest waiting."""
    return tuple(_entry(row) for row in _entries())


@service("view_patient", changes=False)
def freed_slot_offer(actor, clinician_id: int, starts_at: datetime, ends_at: datetime) -> FreedSlot:
    """The waiting patients a freed slot may go to: due soonest first, only those who can come then.

    A patient already booked at or before the slot gains nothing from it and is left out.
    """
    clinician = _clinician(clinician_id)
    starts_at, ends_at = _instant(starts_at, "starts_at"), _instant(ends_at, "ends_at")
    zone = load_settings().zone
    local = to_local(starts_at, zone)
    label = (f"{format_day(local.date())} {format_time(local)}–{format_time(to_local(ends_at, zone))} "
             f"with {clinician.full_name}")
    settings = load_settings()
    period = Rota.read(settings, [clinician.id], local.date(), local.date()).period_at(clinician.id, starts_at)
    taken = _why_not_free(clinician, starts_at, ends_at, period)
    if taken:
        return FreedSlot(clinician.id, clinician.full_name, starts_at, ends_at, label, (), 0, taken)
    candidates, cannot_come = [], 0
    for row in _entries():
        if row.appointment.status == "booked" and row.appointment.starts_at <= starts_at:
            continue
        if not period.takes(row.appointment.kind):
            continue  # the session keeps to other kinds of visit
        if not _can_come(row, local):
            cannot_come += 1
            continue
        candidates.append(_entry(row, late=local.date() > row.appointment.due_by))
    return FreedSlot(clinician.id, clinician.full_name, starts_at, ends_at, label, tuple(candidates), cannot_come)


@service("book_appointment")
def fill_freed_slot(actor, entry_id: int, *, clinician_id: int, starts_at: datetime, ends_at: datetime,
                    late_reason: str | None = None) -> AppointmentRecord:
    """Move a waiting patient's review into a freed slot; the entry closes.

    Booked or still to book, the review takes the slot by the booking rules; if another
    workstation filled the slot a moment before, this is refused and nothing changes.
    """
    entry_id = validation.record_id(entry_id, "waiting list entry")
    clinician = _clinician(clinician_id)
    starts_at, ends_at = _instant(starts_at, "starts_at"), _instant(ends_at, "ends_at")
    late_reason = validation.text(late_reason, "late_reason", label="reason for booking late") or None
    entry = _open_or_refuse(entry_id)
    appointment = _locked(Appointment.select().where(Appointment.id == entry.appointment_id))
    if appointment.status not in OPEN_APPOINTMENT_STATUSES:
        raise InvalidTransition(f"{capitalised(describe(appointment))} is {appointment.status.replace('_', ' ')}")
    was = f"{when(appointment.starts_at)} with {appointment.clinician.full_name}" if appointment.starts_at else None
    if appointment.starts_at is not None and appointment.starts_at <= starts_at:
        raise InvalidTransition(f"{capitalised(describe(appointment))} is already booked for {was}, "
                                "no later than this slot")
    zone = load_settings().zone
    local = to_local(starts_at, zone)
    minutes = int((ends_at - starts_at) / timedelta(minutes=1))
    move_into_slot(appointment, clinician.id, local.replace(tzinfo=None), minutes, late_reason,
                   "later" if local.fold else "earlier")
    close_waiting(appointment.id, "moved_earlier", actor.user_id)
    audit.record(actor, "fill_freed_slot", Entity.APPOINTMENT, appointment.id,
                 f"moved {describe(appointment)} from the waiting list into the freed slot {when(starts_at)} with "
                 f"{clinician.full_name}" + (f" (was {was})" if was else ""),
                 patient_id=appointment.episode.patient_id, waiting_entry_id=entry.id, was=was,
                 clinician_id=clinician.id, starts_at=starts_at.isoformat(), ends_at=ends_at.isoformat(),
                 late_booking_reason=late_reason)
    return record_of(Appointment.get_by_id(appointment.id))


# --- reading the list ---


def _entries():
    """The open entries with their review, patient, (if booked) clinician and who added them, in the list's order."""
    added_by = User.alias()
    return (WaitingListEntry.select(WaitingListEntry, Appointment, Episode, Patient, *User.readable(),
                                    *User.readable(added_by))
            .join(Appointment).join(Episode).join(Patient)
            .switch(Appointment).join(User, JOIN.LEFT_OUTER)
            .switch(WaitingListEntry).join(added_by, on=WaitingListEntry.added_by)
            .where(WaitingListEntry.closed_at.is_null() & Appointment.status.in_(OPEN_APPOINTMENT_STATUSES))
            .order_by(Appointment.due_by, WaitingListEntry.added_at, WaitingListEntry.id))


def _entry(row: WaitingListEntry, late: bool = False) -> WaitingEntry:
    appointment = row.appointment
    booked_for = None
    if appointment.status == "booked":
        booked_for = f"{when(appointment.starts_at, short=True)} with {appointment.clinician.full_name}"
    return WaitingEntry(
        id=row.id, appointment_id=appointment.id, patient_id=appointment.episode.patient_id,
        patient_name=appointment.episode.patient.display_name, kind_title=KIND_TITLES[appointment.kind],
        due_by=appointment.due_by, booked_for=booked_for, booked_at=appointment.starts_at,
        can_come=can_come_wording(row.days, row.times), note=row.note, added_at=row.added_at,
        added_by=row.added_by.full_name, late=late)


def can_come_wording(days: str, times: str) -> str:
    """ "Any day, any time"; "Mon, Wed mornings"; "Any day, afternoons". """
    named = ", ".join(DAY_NAMES[int(digit)] for digit in days) if days else "Any day"
    return f"{named}{_TIMES_WORDING[times]}" if times != "any" or days else "Any day, any time"


def _can_come(row: WaitingListEntry, local: datetime) -> bool:
    if row.days and str(local.weekday()) not in row.days:
        return False
    return row.times == "any" or (row.times == "morning") == (local.hour < _NOON)


def _open_entry(appointment_id: int) -> WaitingListEntry | None:
    return WaitingListEntry.get_or_none((WaitingListEntry.appointment == appointment_id)
                                        & WaitingListEntry.closed_at.is_null())


def _open_or_refuse(entry_id: int) -> WaitingListEntry:
    """The entry, locked so two workstations act on it one after the other; refused once closed."""
    entry = _locked(WaitingListEntry.select().where(WaitingListEntry.id == entry_id))
    if entry is None:
        raise NotFound("That waiting list entry is not on record")
    if entry.closed_at is not None:
        raise InvalidTransition(f"{capitalised(describe(entry.appointment))} is no longer on the waiting list "
                                f"({_CLOSED_WORDING[entry.closed_reason]})")
    return entry


_CLOSED_WORDING = {"moved_earlier": "moved into an earlier slot", "rebooked": "booked again",
                   "attended": "attended", "did_not_attend": "missed", "cancelled": "cancelled",
                   "patient_asked": "taken off the list"}


def _locked(query):
    return (query if is_sqlite() else query.for_update()).first()


def _why_not_free(clinician: User, starts_at: datetime, ends_at: datetime, period: Period | None) -> str | None:
    if starts_at <= now_utc():
        return "This slot has already begun: there is nothing to offer."
    if period is None or ends_at > period.ends_at:
        return f"{clinician.full_name} no longer works at that time (a session ended, or leave): there is nothing to offer."
    clash = (Appointment.select().where((Appointment.clinician == clinician.id)
                                        & Appointment.status.in_(SLOT_HOLDING_STATUSES)
                                        & (Appointment.starts_at < ends_at) & (Appointment.ends_at > starts_at))
             .first())
    if clash is not None:
        return f"{clinician.full_name} has been booked at that time since: the slot is no longer free."
    return None


def _clinician(clinician_id: int) -> User:
    clinician = User.get_or_none((User.id == validation.record_id(clinician_id, "clinician"))
                                 & (User.role == "clinician"))
    if clinician is None:
        raise NotFound("That clinician is not on record")
    return clinician


def _checked_days(days: str) -> str:
    if not isinstance(days, str) or any(digit not in "0123456" for digit in days):
        raise ValidationError("Days are weekday numbers, Monday 0 to Sunday 6", field="days")
    return "".join(sorted(set(days)))


def _instant(moment: datetime, field: str) -> datetime:
    if not isinstance(moment, datetime) or moment.tzinfo is None:
        raise ValidationError("A slot's start and end are instants with their time zone", field=field)
    return moment
