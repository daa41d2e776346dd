"""The earliest free slots for a review still to book (or to move): what the booking
dialog offers first, so a receptionist never hunts through books for a time.

Kept apart from the appointment book because it reads the other way round: across
every active clinician at once, a window of days at a time and from raw rows, where the
book reads one clinician's days in full. Both take each clinician's slots from their
sessions less their leave (services/appointments/appointment_book.grid_of), and only those
whose session takes the kind of visit to book, so an offered slot is always one the book shows
and the booking checks accept.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from peewee import SQL

from clinic_desktop.models import Appointment, Episode, Patient, User, database_proxy
from clinic_desktop.models.appointments import slot_statuses_sql
from clinic_desktop.services.admin.settings import ClinicSettings, load_settings
from clinic_desktop.services.appointments.appointment_book import (
    GridSlot,
    active_clinicians,
    day_bounds,
    find_clinician,
    grid_of,
)
from clinic_desktop.services.appointments.rota import Rota
from clinic_desktop.services.core import validation
from clinic_desktop.services.core.clinic_time import format_day, format_short_day, format_time, to_local
from clinic_desktop.services.core.clock import now_utc, today
from clinic_desktop.services.core.errors import InvalidTransition, NotFound, ValidationError
from clinic_desktop.services.core.transaction import service
from clinic_desktop.services.episodes.pathway_sync import APPOINTMENT_LABELS
from clinic_desktop.services.worklists.worklists import KIND_TITLES

__all__ = ["MAX_OFFERED", "OfferedSlot", "SlotOffer", "earliest_free_slots"]

MAX_OFFERED = 50
# The earliest-slot search reads at most this many days a query, and looks this far.
_SEARCH_WINDOW_DAYS = 14
_SEARCH_HORIZON_DAYS = 366
# An appointment lasts at most 240 minutes (appointments._check_slot): one that starts a
# day before a window cannot still be running in it.
_LONGEST_APPOINTMENT = timedelta(days=1)
_PAST_WORDING = {"attended": "was attended", "did_not_attend": "was missed (did not attend)",
                 "cancelled": "was cancelled"}


@dataclass(frozen=True)
class OfferedSlot:
    clinician_id: int
    clinician_name: str
    starts_at: datetime  # UTC
    ends_at: datetime  # UTC
    wall_time: datetime  # naive clinic wall time, for book_appointment(starts_local=...)
    ambiguous: str | None
    label: str  # "Tue 1 Dec 10:00"
    late: bool  # after the due-by date: booking it needs a reason


@dataclass(frozen=True)
class SlotOffer:
    appointment_id: int
    patient_id: int
    patient_name: str
    kind_title: str
    status: str  # to_book | booked
    due_by: date
    booked_for: str | None  # "Tue 1 Dec 10:00 with Dr Alys Jones" when rescheduling
    booked_with: int | None  # that clinician's id
    on_time: bool  # the slots are on or before the due-by date
    note: str  # what the list is, in a sentence
    slots: tuple[OfferedSlot, ...]


@service("view_patient", changes=False)
def earliest_free_slots(actor, appointment_id: int, *, clinician_id: int | None = None,
                        limit: int = 8) -> SlotOffer:
    """The earliest free slots for an appointment to book (or to move), on or before its due-by date.

    When every slot up to the due-by date is taken, the earliest ones after it are
    offered instead, marked late: booking one of those needs the late-booking reason.
    """
    appointment_id = validation.record_id(appointment_id, "appointment")
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_OFFERED:
        raise ValidationError(f"Between 1 and {MAX_OFFERED} slots can be offered.", field="limit")
    appointment = (Appointment.select(Appointment, Episode, Patient).join(Episode).join(Patient)
                   .where(Appointment.id == appointment_id).first())
    if appointment is None:
        raise NotFound("That appointment is not on record")
    if appointment.status not in ("to_book", "booked"):
        raise InvalidTransition(f"The {APPOINTMENT_LABELS[appointment.kind]} for "
                                f"{appointment.episode.patient.display_name} {_PAST_WORDING[appointment.status]}: "
                                "there is no time to book for it")
    people = [find_clinician(clinician_id, active=True)] if clinician_id is not None else list(active_clinicians())
    settings = load_settings()
    start = today(settings.zone)
    due_by = appointment.due_by
    kind = appointment.kind
    slots = _free_slots(settings, people, kind, start, due_by, limit, late=False) if start <= due_by else ()
    on_time = bool(slots)
    whose = f" with {people[0].full_name}" if clinician_id is not None else ""
    if on_time:
        note = f"The earliest free slots{whose} on or before the due-by date, {format_day(due_by)}."
    else:
        after = max(start, due_by + timedelta(days=1))
        slots = _free_slots(settings, people, kind, after, after + timedelta(days=_SEARCH_HORIZON_DAYS), limit,
                            late=True)
        note = (f"No free slot{whose} on or before the due-by date, {format_day(due_by)}"
                + (": the earliest after it are listed, and booking one needs a reason." if slots
                   else f", nor in the {_SEARCH_HORIZON_DAYS} days after it."))
    booked_for = None
    if appointment.status == "booked":
        clinician = User.get_by_id(appointment.clinician_id)
        booked_for = f"{_day_and_time(appointment.starts_at, settings)} with {clinician.full_name}"
    return SlotOffer(
        appointment_id=appointment.id, patient_id=appointment.episode.patient_id,
        patient_name=appointment.episode.patient.display_name, kind_title=KIND_TITLES[appointment.kind],
        status=appointment.status, due_by=due_by, booked_for=booked_for, booked_with=appointment.clinician_id,
        on_time=on_time, note=note,
        slots=tuple(slots))


# --- the search ---


def _free_slots(settings: ClinicSettings, people: list[User], kind: str, first: date, last: date, limit: int,
                late: bool) -> list[OfferedSlot]:
    """Free grid slots from now, earliest first, ``first``..``last``.

    Each start time is offered once: with the only clinician asked about, or else with the
    free clinician who has the fewest appointments that day (then by name), so the list
    spans several times and the work is spread. Days are read a window at a time, a
    small one first (the earliest slots are usually near), through the clinician/start
    index, so years of history are never read.
    """
    calendar, now, found = settings.calendar(), now_utc(), []
    rota = Rota.read(settings, [person.id for person in people], first, last)  # a few hundred rows at most
    window_start, window_days = first, 1
    while window_start <= last:
        window_end = min(last, window_start + timedelta(days=window_days - 1))
        busy = _busy_times([person.id for person in people], *day_bounds(settings, window_start, window_end))
        day = window_start
        while day <= window_end:
            if calendar.is_working_day(day):
                found.extend(_free_on(settings, day, people, kind, rota, busy, now, late))
                if len(found) >= limit:
                    return found[:limit]
            day += timedelta(days=1)
        window_start, window_days = window_end + timedelta(days=1), min(window_days * 2, _SEARCH_WINDOW_DAYS)
    return found


def _free_on(settings: ClinicSettings, day: date, people: list[User], kind: str, rota: Rota,
             busy: dict[int, list[tuple]], now: datetime, late: bool) -> list[OfferedSlot]:
    """The day's free start times still to come, each with the least busy clinician free then
    in a session that takes ``kind``."""
    starts, ends = day_bounds(settings, day, day)
    that_day = {person.id: [(booked_from, booked_to) for booked_from, booked_to in busy.get(person.id, ())
                            if booked_from < ends and starts < booked_to] for person in people}
    by_start: dict[datetime, list[tuple[User, GridSlot]]] = {}
    grids: dict[int, list[GridSlot]] = {}  # by WorkingDay: clinicians with the same pattern share it
    for person in people:  # people come sorted by name
        working = rota.day(person.id, day)
        if id(working) not in grids:
            grids[id(working)] = [slot for slot in grid_of(working) if slot.starts_at >= now
                                  and (not slot.kinds or kind in slot.kinds)]
        for slot in grids[id(working)]:
            if not any(booked_from < slot.ends_at and slot.starts_at < booked_to
                       for booked_from, booked_to in that_day[person.id]):
                by_start.setdefault(slot.starts_at, []).append((person, slot))
    offered = []
    for starts_at in sorted(by_start):
        person, slot = min(by_start[starts_at], key=lambda each: len(that_day[each[0].id]))
        offered.append(OfferedSlot(person.id, person.full_name, slot.starts_at, slot.ends_at, slot.wall_time,
                                   slot.ambiguous, f"{format_short_day(day)} {slot.label}", late))
    return offered


def _busy_times(clinician_ids: list[int], starts: datetime, ends: datetime) -> dict[int, list[tuple]]:
    """(start, end) of each clinician's booked and attended appointments that touch the window.

    A busy clinic has thousands of these a fortnight, so the rows are read raw and their
    instants parsed by fromisoformat, several times faster than the field's own strptime.
    """
    query = (Appointment.select(Appointment.clinician, Appointment.starts_at, Appointment.ends_at)
             .where(Appointment.clinician.in_(clinician_ids)
                    & Appointment.status.in_(SQL(f"({slot_statuses_sql})"))  # literal: the partial index
                    & (Appointment.starts_at >= starts - _LONGEST_APPOINTMENT) & (Appointment.starts_at < ends)))
    busy: dict[int, list[tuple]] = {}
    for clinician_id, booked_from, booked_to in database_proxy.execute(query).fetchall():
        booked_from, booked_to = _instant(booked_from), _instant(booked_to)
        if booked_to > starts:
            busy.setdefault(clinician_id, []).append((booked_from, booked_to))
    return busy


def _instant(value) -> datetime:
    """An instant as the driver returns it: UTC text from SQLite, an aware datetime from PostgreSQL."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.astimezone(timezone.utc)


def _day_and_time(moment: datetime, settings: ClinicSettings) -> str:
    local = to_local(moment, settings.zone)
    return f"{format_short_day(local.date())} {format_time(local)}"
