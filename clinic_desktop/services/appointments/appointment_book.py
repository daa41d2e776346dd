"""The appointment book as a receptionist reads it: a clinician's days cut into slots.

A clinician's slots are those of the sessions they work that day, less their leave, each
session on its own grid (its start, every slot length, until its end), turned into UTC
instants in pathway/sessions.py and nowhere else, so a clock-change day has neither a slot
at an hour that does not exist nor one silently dropped from an hour that happens twice.
The slots and the clinician look-ups are shared with services/appointments/slot_offers.py
(the earliest free slots to offer), so both read the same slots. Booking itself (and its
refusals) stays in services/appointments/appointments.py; this module only reads.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from peewee import SQL

from clinic_desktop.models import Appointment, Episode, Patient, User
from clinic_desktop.models.appointments import SLOT_HOLDING_STATUSES
from clinic_desktop.pathway.sessions import WorkingDay
from clinic_desktop.services.admin.settings import ClinicSettings, load_settings
from clinic_desktop.services.appointments.day_book import DAY_STATUSES
from clinic_desktop.services.appointments.rota import LEAVE_TITLES, Rota, period_label
from clinic_desktop.services.core import validation
from clinic_desktop.services.core.clinic_time import format_short_day, format_time, to_local
from clinic_desktop.services.core.clock import now_utc
from clinic_desktop.services.core.errors import NotFound, ValidationError
from clinic_desktop.services.core.transaction import service
from clinic_desktop.services.worklists.worklists import KIND_TITLES

__all__ = ["MAX_BOOK_DAYS", "Absence", "BookDay", "BookSlot", "BookWeek", "BookedAppointment", "ClinicianRecord", "GridSlot",
           "active_clinicians", "book_days", "clinician_book", "clinician_week", "clinicians", "day_bounds", "find_clinician",
           "grid_of", "WorkingPeriod"]

MAX_BOOK_DAYS = 42
_DAY_STATUSES_SQL = SQL("(" + ", ".join(f"'{status}'" for status in DAY_STATUSES) + ")")


@dataclass(frozen=True)
class ClinicianRecord:
    id: int
    full_name: str
    username: str


@dataclass(frozen=True)
class BookedAppointment:
    appointment_id: int
    patient_id: int
    patient_name: str  # "SMITH, Ann"
    kind: str
    kind_title: str  # "2-week review"
    status: str  # booked | attended | did_not_attend
    starts_at: datetime  # UTC
    ends_at: datetime  # UTC
    late_booking_reason: str | None


@dataclass(frozen=True)
class BookSlot:
    """One row of a day: a grid slot (free or carrying its appointment), or an appointment
    off the grid (another length or time), shown as its own row so it is never hidden."""

    starts_at: datetime  # UTC
    ends_at: datetime  # UTC
    wall_time: datetime  # the clinic wall time of the start, naive: what booking takes
    ambiguous: str | None  # "earlier" / "later" on a wall time the clocks repeat
    label: str  # "10:00"; "01:20 BST" when the clocks repeat it; "10:10–10:40" off the grid
    on_grid: bool
    free: bool  # no booked or attended appointment overlaps it
    past: bool  # it started before now: no longer bookable
    appointment: BookedAppointment | None
    kinds: tuple[str, ...] = ()  # the kinds its session takes; () every kind

    @property
    def bookable(self) -> bool:
        return self.on_grid and self.free and not self.past


@dataclass(frozen=True)
class WorkingPeriod:
    """A stretch of a day the clinician works and may be booked in: what a day view shades."""

    starts_at: datetime  # UTC
    ends_at: datetime  # UTC
    label: str  # "08:30–17:30"
    slot_minutes: int
    kinds: tuple[str, ...]  # the appointment kinds it takes; () takes every kind


@dataclass(frozen=True)
class Absence:
    """A stretch of a day the clinician is away: what a day view shows instead of slots."""

    starts_at: datetime  # UTC
    ends_at: datetime  # UTC
    reason: str  # a key: annual_leave, sickness, training, other
    reason_title: str  # "Annual leave"
    note: str


@dataclass(frozen=True)
class BookDay:
    day: date
    title: str  # "Mon 30 Nov"
    open: bool
    closed_reason: str | None  # "Weekend", "Bank holiday: Christmas Day", "Closed"
    slots: tuple[BookSlot, ...]
    working: tuple[WorkingPeriod, ...] = ()  # when the clinician works that day; () on a closed day
    absences: tuple[Absence, ...] = ()  # when the clinician is away that day

    def slots_labelled(self, label: str) -> tuple[BookSlot, ...]:
        return tuple(slot for slot in self.slots if slot.label == label)

    @property
    def patients(self) -> frozenset[int]:
        """Whose appointments the day holds: the only patients whose details (their names) it shows."""
        return frozenset(slot.appointment.patient_id for slot in self.slots if slot.appointment is not None)


@dataclass(frozen=True)
class BookWeek:
    first_day: date  # the Monday
    days: tuple[BookDay, ...]  # Monday to Friday, plus a weekend day the clinic opens
    rows: tuple[str, ...]  # slot labels down the side, in time order


@service("view_worklists", changes=False)
def clinicians(actor) -> tuple[ClinicianRecord, ...]:
    """The active clinicians, by name: whose books there are to look at and book into."""
    return tuple(ClinicianRecord(user.id, user.full_name, user.username) for user in active_clinicians())


@service("view_worklists", changes=False)
def clinician_book(actor, clinician_id: int, first_day: date, days: int) -> tuple[BookDay, ...]:
    """A clinician's book for ``days`` days from ``first_day``, closed days included."""
    clinician_id = find_clinician(clinician_id).id
    first_day = validation.day(first_day, "first_day", label="first day")
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_BOOK_DAYS:
        raise ValidationError(f"A book shows between 1 and {MAX_BOOK_DAYS} days.", field="days")
    return book_days(load_settings(), clinician_id, first_day, days)


@service("view_worklists", changes=False)
def clinician_week(actor, clinician_id: int, day: date) -> BookWeek:
    """The week (Monday on) holding ``day``: weekdays always, a weekend day only when open."""
    clinician_id = find_clinician(clinician_id).id
    day = validation.day(day, "day")
    monday = day - timedelta(days=day.weekday())
    days = tuple(book_day for book_day in book_days(load_settings(), clinician_id, monday, 7)
                 if book_day.day.weekday() < 5 or book_day.open or book_day.slots)
    rows = sorted({(slot.wall_time.time(), slot.ambiguous == "later", slot.on_grid is False, slot.label)
                   for book_day in days for slot in book_day.slots})
    return BookWeek(first_day=monday, days=days, rows=tuple(dict.fromkeys(row[-1] for row in rows)))


# --- the grid (shared with services/appointments/slot_offers.py) ---


@dataclass(frozen=True)
class GridSlot:
    """A slot of a day's grid before any appointment is laid on it: what both the book and
    the earliest-slot search start from."""

    wall_time: datetime
    ambiguous: str | None
    starts_at: datetime
    ends_at: datetime
    label: str
    kinds: tuple[str, ...] = ()  # the kinds its session takes; () every kind


def grid_of(working: WorkingDay | None) -> list[GridSlot]:
    """A clinician's slots on a day (pathway/sessions.py cuts them from their sessions less leave):
    none on a closed day. A wall time the clocks repeat is labelled with the zone's abbreviation."""
    if working is None:
        return []
    return [GridSlot(slot.wall_time, slot.ambiguous, slot.starts_at, slot.ends_at,
                     format_time(slot.wall_time) + (f" {slot.zone_name}" if slot.ambiguous else ""), slot.kinds)
            for slot in working.slots]


def day_bounds(settings: ClinicSettings, first: date, last: date) -> tuple[datetime, datetime]:
    """UTC instants of the clinic's local midnight before ``first`` and after ``last``."""
    zone = settings.zone
    return (datetime.combine(first, time.min, zone).astimezone(timezone.utc),
            datetime.combine(last + timedelta(days=1), time.min, zone).astimezone(timezone.utc))


# --- a clinician's book ---


def book_days(settings: ClinicSettings, clinician_id: int, first_day: date, days: int) -> tuple[BookDay, ...]:
    """A clinician's days as the book shows them, for services that checked their own permission:
    slots only inside the sessions they work and not on leave (services/appointments/rota.py)."""
    last_day = first_day + timedelta(days=days - 1)
    starts, ends = day_bounds(settings, first_day, last_day)
    by_day: dict[date, list[BookedAppointment]] = {}
    for booked in _appointments(clinician_id, starts, ends):
        by_day.setdefault(to_local(booked.starts_at, settings.zone).date(), []).append(booked)
    calendar, now = settings.calendar(), now_utc()
    rota = Rota.read(settings, [clinician_id], first_day, last_day)
    result = []
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        working = rota.day(clinician_id, day)
        result.append(BookDay(day=day, title=format_short_day(day), open=working is not None,
                              closed_reason=calendar.closed_reason(day),
                              slots=_day_slots(settings, grid_of(working), by_day.get(day, []), now),
                              working=_working(working), absences=_absences(settings, working, day)))
    return tuple(result)


def _working(working: WorkingDay | None) -> tuple[WorkingPeriod, ...]:
    return () if working is None else tuple(
        WorkingPeriod(period.starts_at, period.ends_at, period_label(period), period.slot_minutes, period.kinds)
        for period in working.periods)


def _absences(settings: ClinicSettings, working: WorkingDay | None, day: date) -> tuple[Absence, ...]:
    """The leave that touches an open day, cut to the day."""
    if working is None:
        return ()
    starts, ends = day_bounds(settings, day, day)
    return tuple(Absence(max(away.starts_at, starts), min(away.ends_at, ends), away.reason, LEAVE_TITLES[away.reason],
                         away.note) for away in working.away)


def _day_slots(settings: ClinicSettings, grid: list[GridSlot], booked: list[BookedAppointment],
               now: datetime) -> tuple[BookSlot, ...]:
    """Grid slots with their appointments; every appointment not exactly on a slot gets a row."""
    holding = [item for item in booked if item.status in SLOT_HOLDING_STATUSES]
    placed: set[int] = set()
    rows = []
    for slot in grid:
        exact = [item for item in booked if (item.starts_at, item.ends_at) == (slot.starts_at, slot.ends_at)]
        exact.sort(key=lambda item: item.status not in SLOT_HOLDING_STATUSES)  # the one holding the time first
        appointment = exact[0] if exact else None
        if appointment is not None:
            placed.add(appointment.appointment_id)
        free = not any(item.starts_at < slot.ends_at and slot.starts_at < item.ends_at for item in holding)
        rows.append((slot.starts_at, 0, BookSlot(slot.starts_at, slot.ends_at, slot.wall_time, slot.ambiguous,
                                                 slot.label, True, free, slot.starts_at < now, appointment,
                                                 slot.kinds)))
    zone = settings.zone
    for item in booked:
        if item.appointment_id in placed:
            continue
        starts, ends = to_local(item.starts_at, zone), to_local(item.ends_at, zone)
        rows.append((item.starts_at, 1, BookSlot(item.starts_at, item.ends_at, starts.replace(tzinfo=None), None,
                                                 f"{format_time(starts)}–{format_time(ends)}", False, False,
                                                 item.starts_at < now, item)))
    rows.sort(key=lambda row: row[:2])
    return tuple(row[2] for row in rows)


def _appointments(clinician_id: int, starts: datetime, ends: datetime) -> list[BookedAppointment]:
    query = (Appointment.select(Appointment.id, Appointment.kind, Appointment.status, Appointment.starts_at,
                                Appointment.ends_at, Appointment.late_booking_reason, Episode.id, Patient.id,
                                Patient.family_name, Patient.given_name)
             .join(Episode).join(Patient)
             .where((Appointment.clinician == clinician_id) & (Appointment.starts_at >= starts)
                    & (Appointment.starts_at < ends) & Appointment.status.in_(_DAY_STATUSES_SQL))
             .order_by(Appointment.starts_at, Appointment.id))
    return [BookedAppointment(
        appointment_id=row.id, patient_id=row.episode.patient.id, patient_name=row.episode.patient.display_name,
        kind=row.kind, kind_title=KIND_TITLES[row.kind], status=row.status, starts_at=row.starts_at,
        ends_at=row.ends_at, late_booking_reason=row.late_booking_reason) for row in query]


# --- clinicians (shared with services/appointments/slot_offers.py) ---


def active_clinicians():
    """The clinicians still working here, by name: the books there are to book into."""
    return User.select().where((User.role == "clinician") & User.active).order_by(User.full_name, User.id)


def find_clinician(clinician_id, active: bool = False) -> User:
    """A clinician's book stays readable after they leave; only an active one is offered for booking.

    For services that have checked their own permission: it returns the row itself.
    """
    clinician_id = validation.record_id(clinician_id, "clinician")
    clinician = User.get_or_none((User.id == clinician_id) & (User.role == "clinician"))
    if clinician is None:
        raise NotFound("That clinician is not on record")
    if active and not clinician.active:
        raise ValidationError(f"{clinician.full_name} no longer works at the clinic: choose an active clinician",
                              field="clinician_id")
    return clinician
