"""The practice manager keeps each clinician's sessions and leave here.

A change to when someone works never leaves a patient booked with nobody there: adding leave
or ending a session over bookings is refused with the list of them (BookingsInTheWay), and
only when the manager confirms does each go back on reception's to-book list with its
original due-by date and the reason on its row (appointments.take_off_booking), all in the
one transaction and one audit event that made the change. Nothing here is deleted: a session
is ended from a day, leave is cancelled, so any past day of the book can still be explained.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from clinic_desktop.models import Appointment, User, is_sqlite
from clinic_desktop.models.appointments import APPOINTMENT_KINDS
from clinic_desktop.models.sessions import LEAVE_REASONS, MOST_WEEKS_APART, ClinicianLeave, ClinicianSession
from clinic_desktop.pathway.sessions import Away
from clinic_desktop.services.admin.settings import ClinicSettings, load_settings
from clinic_desktop.services.appointments.appointment_book import find_clinician
from clinic_desktop.services.appointments.appointments import describe, take_off_booking, when
from clinic_desktop.services.appointments.rota import (
    LEAVE_TITLES,
    Rota,
    kinds_wording,
    session_of,
    stranded_bookings,
)
from clinic_desktop.services.audit import audit
from clinic_desktop.services.core import validation
from clinic_desktop.services.core.clinic_time import format_day, format_short_day, format_time, to_local, to_utc
from clinic_desktop.services.core.clock import now_utc, today
from clinic_desktop.services.core.entity import Entity
from clinic_desktop.services.core.errors import Conflict, InvalidTransition, NotFound, ValidationError
from clinic_desktop.services.core.transaction import service

__all__ = ["BookingsInTheWay", "ClinicianTime", "LEAVE_TITLES", "LeaveRecord", "SESSION_KINDS", "SessionRecord",
           "WEEKDAY_NAMES",
           "add_leave", "add_session", "cancel_leave", "clinician_time", "end_session"]

SESSION_KINDS = APPOINTMENT_KINDS  # what a session may be kept to
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_NOTE_LENGTH = 500
# How far ahead a new session is checked against the clinician's others: every combination of
# weekly and alternate weeks (up to every 4th) repeats within 12 weeks.
_OVERLAP_WEEKS = 12


class BookingsInTheWay(Conflict):
    """The change would leave these bookings with nobody there; confirm to put them back to book."""

    def __init__(self, message: str, bookings: tuple[str, ...]):
        super().__init__(message)
        self.bookings = bookings


@dataclass(frozen=True)
class SessionRecord:
    id: int
    clinician_id: int
    when: str  # "Every Tuesday", "Every 2nd Monday (from w/c 7 Dec 2026)", "Sat 12 Dec 2026 only"
    hours: str  # "08:30–12:30", "Opening hours (08:30–17:30)"
    slot_minutes: int
    slot_minutes_own: bool  # False: the clinic's slot length, which it follows
    kinds: str  # "Every kind of visit", "2-week reviews and 12-week reviews"
    valid: str  # "From Mon 3 Jan 2000", "Until Thu 31 Dec 2026"
    one_off: bool


@dataclass(frozen=True)
class LeaveRecord:
    id: int
    clinician_id: int
    reason: str
    reason_title: str
    starts_at: datetime  # UTC
    ends_at: datetime  # UTC
    span: str  # "Mon 7 Dec 2026 – Fri 11 Dec 2026", "Tue 8 Dec 2026 13:00–17:30"
    note: str


@dataclass(frozen=True)
class ClinicianTime:
    clinician_id: int
    clinician_name: str
    sessions: tuple[SessionRecord, ...]  # running today or to come
    leave: tuple[LeaveRecord, ...]  # not yet over, not cancelled


@service("manage_sessions", changes=False)
def clinician_time(actor, clinician_id: int) -> ClinicianTime:
    """A clinician's sessions still running or to come, and their leave not yet over."""
    clinician = find_clinician(clinician_id)
    settings, now = load_settings(), now_utc()
    first = today(settings.zone)
    sessions = (ClinicianSession.select()
                .where((ClinicianSession.clinician == clinician.id)
                       & (ClinicianSession.valid_until.is_null() | (ClinicianSession.valid_until >= first))
                       & (ClinicianSession.on_date.is_null() | (ClinicianSession.on_date >= first)))
                .order_by(ClinicianSession.on_date.is_null(False), ClinicianSession.on_date, ClinicianSession.weekday,
                          ClinicianSession.starts_time, ClinicianSession.id))
    leave = (ClinicianLeave.select()
             .where((ClinicianLeave.clinician == clinician.id) & ClinicianLeave.cancelled_at.is_null()
                    & (ClinicianLeave.ends_at > now))
             .order_by(ClinicianLeave.starts_at, ClinicianLeave.id))
    return ClinicianTime(clinician.id, clinician.full_name,
                         tuple(_session_record(row, settings) for row in sessions if _runs_at_all(row)),
                         tuple(_leave_record(row, settings) for row in leave))


@service("manage_sessions")
def add_session(actor, clinician_id: int, *, weekday: int | None = None, on_date: date | None = None,
                starts: time | None = None, ends: time | None = None, slot_minutes: int | None = None,
                kinds=(), every_weeks: int = 1, first_day: date | None = None,
                last_day: date | None = None) -> SessionRecord:
    """A weekly session (``weekday``, every ``every_weeks`` weeks from the week of ``first_day``)
    or a one-off extra (``on_date``). Without times it follows the opening hours; it may run
    outside them (an evening clinic), never over another of the clinician's sessions."""
    clinician = find_clinician(clinician_id, active=True)
    settings = load_settings()
    fields = _session_fields(settings, weekday, on_date, starts, ends, slot_minutes, kinds, every_weeks, first_day,
                             last_day)
    candidate = ClinicianSession(clinician=clinician.id, id=0, **fields)
    _refuse_overlap(settings, clinician, session_of(candidate))
    row = ClinicianSession.create(clinician=clinician.id, created_by=actor.user_id, created_at=now_utc(), **fields)
    record = _session_record(row, settings)
    audit.record(actor, "add_session", Entity.USER, clinician.id,
                 f"added a session for {clinician.full_name}: {record.when}, {record.hours}, {record.kinds.lower()}",
                 session_id=row.id, **{name: str(value) for name, value in fields.items()})
    return record


@service("manage_sessions")
def end_session(actor, session_id: int, *, last_day: date, confirm: bool = False) -> SessionRecord:
    """The session runs no more after ``last_day`` (before its first day: it never runs).

    Bookings it held after that are refused (BookingsInTheWay), or with ``confirm`` go back on
    the to-book list, each with its due-by date and why.
    """
    session_id = validation.record_id(session_id, "session")
    last_day = validation.day(last_day, "last_day", label="last day")
    confirm = validation.yes_no(confirm, "confirm", question="whether to take the bookings off")
    row = _locked(ClinicianSession.select().where(ClinicianSession.id == session_id))
    if row is None:
        raise NotFound("That session is not on record")
    settings = load_settings()
    if last_day < today(settings.zone) - timedelta(days=1):
        raise ValidationError("A session can be ended from today on, not in the past: its past days stand as they "
                              "were worked", field="last_day")
    if row.valid_until is not None and row.valid_until <= last_day:
        raise InvalidTransition(f"That session already ends on {format_day(row.valid_until)}")
    clinician = User.get_by_id(row.clinician_id)
    before = session_of(row)
    ended = replace(before, valid_until=last_day)
    taken_off = _take_off_or_refuse(
        actor, settings, clinician,
        lambda rota: rota.changed(clinician.id, sessions=[ended if each.id == row.id else each
                                                          for each in rota.rules(clinician.id).sessions]),
        confirm, f"{clinician.full_name}'s session ended ({_when(row)}, {_hours(row, settings)})", now_utc())
    ClinicianSession.update(valid_until=last_day, ended_by=actor.user_id, ended_at=now_utc()).where(
        ClinicianSession.id == row.id).execute()
    record = _session_record(ClinicianSession.get_by_id(row.id), settings)
    audit.record(actor, "end_session", Entity.USER, clinician.id,
                 f"ended {clinician.full_name}'s session {record.when}, {record.hours}, after "
                 f"{format_day(last_day)}" + _taken_off_words(taken_off),
                 session_id=row.id, last_day=last_day.isoformat(), taken_off=[item.id for item in taken_off])
    return record


@service("manage_sessions")
def add_leave(actor, clinician_id: int, *, first_day: date, last_day: date | None = None,
              from_time: time | None = None, to_time: time | None = None, reason: str, note: str = "",
              confirm: bool = False) -> LeaveRecord:
    """Leave from ``first_day`` (at ``from_time``, else its start) to ``last_day`` (at ``to_time``,
    else its end), clinic wall times.

    Bookings in it are refused (BookingsInTheWay), or with ``confirm`` go back on the to-book
    list, each with its due-by date and the leave as the reason.
    """
    clinician = find_clinician(clinician_id, active=True)
    settings = load_settings()
    first_day = validation.day(first_day, "first_day", label="first day")
    last_day = first_day if last_day is None else validation.day(last_day, "last_day", label="last day")
    reason = validation.choice(reason, LEAVE_REASONS, "reason", label="reason for leave")
    note = validation.text(note, "note", max_length=_NOTE_LENGTH)
    confirm = validation.yes_no(confirm, "confirm", question="whether to take the bookings off")
    starts_at = _leave_instant(settings, first_day, from_time, "from_time", time.min)
    ends_at = _leave_instant(settings, last_day + timedelta(days=0 if to_time else 1), to_time, "to_time", time.min)
    if ends_at <= starts_at:
        raise ValidationError("Leave must end after it starts", field="last_day")
    now = now_utc()
    if ends_at <= now:
        raise ValidationError("That leave is already over: leave is entered before or while it is taken",
                              field="last_day")
    clash = (ClinicianLeave.select().where((ClinicianLeave.clinician == clinician.id)
                                           & ClinicianLeave.cancelled_at.is_null()
                                           & (ClinicianLeave.starts_at < ends_at) & (ClinicianLeave.ends_at > starts_at))
             .first())
    if clash is not None:
        raise Conflict(f"{clinician.full_name} already has {LEAVE_TITLES[clash.reason].lower()} "
                       f"{_span(settings, clash.starts_at, clash.ends_at)}: cancel it first or enter the days around it")
    away = Away(starts_at, ends_at, reason, note)
    span = _span(settings, starts_at, ends_at)
    taken_off = _take_off_or_refuse(
        actor, settings, clinician,
        lambda rota: rota.changed(clinician.id, leave=(*rota.rules(clinician.id).leave, away)),
        confirm, f"{clinician.full_name} on {LEAVE_TITLES[reason].lower()}", now, ends_at)
    row = ClinicianLeave.create(clinician=clinician.id, starts_at=starts_at, ends_at=ends_at, reason=reason,
                                note=note, created_by=actor.user_id, created_at=now)
    audit.record(actor, "add_leave", Entity.USER, clinician.id,
                 f"entered {LEAVE_TITLES[reason].lower()} for {clinician.full_name}, {span}"
                 + _taken_off_words(taken_off),
                 leave_id=row.id, reason=reason, note=note, starts_at=starts_at.isoformat(),
                 ends_at=ends_at.isoformat(), taken_off=[item.id for item in taken_off])
    return _leave_record(row, settings)


@service("manage_sessions")
def cancel_leave(actor, leave_id: int) -> LeaveRecord:
    """The clinician is not away after all: their sessions are bookable again (kept, not deleted)."""
    leave_id = validation.record_id(leave_id, "leave")
    row = _locked(ClinicianLeave.select().where(ClinicianLeave.id == leave_id))
    if row is None:
        raise NotFound("That leave is not on record")
    settings = load_settings()
    span = _span(settings, row.starts_at, row.ends_at)
    if row.cancelled_at is not None:
        raise InvalidTransition(f"That leave ({span}) was already cancelled")
    ClinicianLeave.update(cancelled_at=now_utc(), cancelled_by=actor.user_id).where(
        ClinicianLeave.id == row.id).execute()
    clinician = User.get_by_id(row.clinician_id)
    audit.record(actor, "cancel_leave", Entity.USER, clinician.id,
                 f"cancelled {clinician.full_name}'s {LEAVE_TITLES[row.reason].lower()}, {span}", leave_id=row.id)
    return _leave_record(ClinicianLeave.get_by_id(row.id), settings)


# --- the bookings a change would strand ---


def _take_off_or_refuse(actor, settings: ClinicSettings, clinician: User, change, confirm: bool, why: str,
                        since: datetime, until: datetime | None = None) -> list[Appointment]:
    """Refuse with the list of bookings ``change`` strands; confirmed, put each back to book."""
    stranded = stranded_bookings(settings, clinician.id, change, since, until)
    if not stranded:
        return []
    listed = tuple(f"{when(row.starts_at, short=True)}: {describe(row)} (due by {format_short_day(row.due_by)})"
                   for row in stranded)
    if not confirm:
        count = "1 booking" if len(stranded) == 1 else f"{len(stranded)} bookings"
        raise BookingsInTheWay(f"{count} with {clinician.full_name} would be left with nobody there, the first "
                               f"{listed[0]}: confirm to put {'it' if len(stranded) == 1 else 'each'} back on the "
                               "to-book list with its due-by date", listed)
    for row in stranded:
        take_off_booking(row.id, f"Booking {when(row.starts_at, short=True)} taken off: {why}")
    return stranded


def _taken_off_words(taken_off: list[Appointment]) -> str:
    if not taken_off:
        return ""
    return f"; {len(taken_off)} booking{'s' if len(taken_off) > 1 else ''} put back on the to-book list"


# --- checking a session ---


def _session_fields(settings: ClinicSettings, weekday, on_date, starts, ends, slot_minutes, kinds, every_weeks,
                    first_day, last_day) -> dict:
    if (weekday is None) == (on_date is None):
        raise ValidationError("A session is on a weekday every week (or every few weeks), or on one date",
                              field="weekday")
    if (starts is None) != (ends is None):
        raise ValidationError("Give the session's start and end, or neither to follow the opening hours",
                              field="starts")
    if starts is not None:
        if not isinstance(starts, time) or not isinstance(ends, time) or starts.tzinfo or ends.tzinfo:
            raise ValidationError("A session's start and end are clinic wall times", field="starts")
        if starts >= ends:
            raise ValidationError(f"The session must end after it starts ({format_time(starts)}–"
                                  f"{format_time(ends)})", field="ends")
    if slot_minutes is not None and (isinstance(slot_minutes, bool) or not isinstance(slot_minutes, int)
                                     or not 5 <= slot_minutes <= 240):
        raise ValidationError("A slot lasts between 5 and 240 minutes", field="slot_minutes")
    kinds = validation.codes(kinds, APPOINTMENT_KINDS, "kinds", what="kind of visit")
    first = today(settings.zone)
    if on_date is not None:
        on_date = validation.day(on_date, "on_date", label="date")
        if on_date < first:
            raise ValidationError(f"{format_day(on_date)} has passed: a session is added for today or later",
                                  field="on_date")
        if not settings.calendar().is_working_day(on_date):
            raise ValidationError(f"The clinic is closed on {format_day(on_date)} "
                                  f"({settings.calendar().closed_reason(on_date)})", field="on_date")
        return dict(weekday=None, on_date=on_date, starts_time=starts, ends_time=ends, slot_minutes=slot_minutes,
                    kinds=",".join(kinds), every_weeks=1, anchor_week=None, valid_from=on_date, valid_until=on_date)
    if isinstance(weekday, bool) or not isinstance(weekday, int) or not 0 <= weekday <= 6:
        raise ValidationError("Choose the weekday, Monday to Sunday", field="weekday")
    if isinstance(every_weeks, bool) or not isinstance(every_weeks, int) or not 1 <= every_weeks <= MOST_WEEKS_APART:
        raise ValidationError(f"A session runs every week or every 2nd to {MOST_WEEKS_APART}th week",
                              field="every_weeks")
    first_day = first if first_day is None else validation.day(first_day, "first_day", label="first day")
    if first_day < first:
        raise ValidationError(f"{format_day(first_day)} has passed: a session starts today or later",
                              field="first_day")
    if last_day is not None:
        last_day = validation.day(last_day, "last_day", label="last day")
        if last_day < first_day:
            raise ValidationError("The session's last day comes before its first", field="last_day")
    return dict(weekday=weekday, on_date=None, starts_time=starts, ends_time=ends, slot_minutes=slot_minutes,
                kinds=",".join(kinds), every_weeks=every_weeks,
                anchor_week=first_day - timedelta(days=first_day.weekday()) if every_weeks > 1 else None,
                valid_from=first_day, valid_until=last_day)


def _refuse_overlap(settings: ClinicSettings, clinician: User, candidate) -> None:
    """A new session may not run over another of the clinician's on any day both run."""
    first = candidate.on_date or candidate.valid_from
    last = candidate.on_date or candidate.valid_until or first + timedelta(weeks=_OVERLAP_WEEKS)
    last = min(last, first + timedelta(weeks=_OVERLAP_WEEKS))
    rota = Rota.read(settings, [clinician.id], first, last)
    day = first
    while day <= last:
        if candidate.runs_on(day):
            mine = rota.changed(clinician.id, sessions=[candidate], leave=()).day(clinician.id, day)
            theirs = rota.changed(clinician.id, leave=()).day(clinician.id, day)
            if mine is not None and theirs is not None:
                for new in mine.periods:
                    for old in theirs.periods:
                        if old.starts_at < new.ends_at and new.starts_at < old.ends_at:
                            raise Conflict(f"{clinician.full_name} already works {format_time(old.wall_start)}–"
                                           f"{format_time(old.wall_end)} on {format_day(day)}: a session may not "
                                           "run over another; end that one first")
        day += timedelta(days=1)


# --- reading ---


def _runs_at_all(row: ClinicianSession) -> bool:
    """An ended session whose last day came before its first never runs: no longer listed."""
    return row.valid_until is None or row.valid_until >= row.valid_from


def _session_record(row: ClinicianSession, settings: ClinicSettings) -> SessionRecord:
    first = today(settings.zone)
    if row.on_date is not None:
        valid = ""
    elif row.valid_from > first:
        valid = f"From {format_day(row.valid_from)}" + (f" to {format_day(row.valid_until)}" if row.valid_until else "")
    else:
        valid = f"Until {format_day(row.valid_until)}" if row.valid_until else "Until further notice"
    kinds = kinds_wording(tuple(kind for kind in row.kinds.split(",") if kind))
    return SessionRecord(row.id, row.clinician_id, _when(row), _hours(row, settings),
                         row.slot_minutes or settings.slot_minutes, row.slot_minutes is not None,
                         kinds[0].upper() + kinds[1:], valid, row.on_date is not None)


def _when(row: ClinicianSession) -> str:
    if row.on_date is not None:
        return f"{format_day(row.on_date)} only"
    name = WEEKDAY_NAMES[row.weekday]
    if row.every_weeks == 1:
        return f"Every {name}"
    return f"Every {_ordinal(row.every_weeks)} {name} (w/c {format_short_day(row.anchor_week)})"


def _ordinal(number: int) -> str:
    return {2: "2nd", 3: "3rd"}.get(number, f"{number}th")


def _hours(row: ClinicianSession, settings: ClinicSettings) -> str:
    if row.starts_time is None:
        return f"Opening hours ({format_time(settings.opens_at)}–{format_time(settings.closes_at)})"
    return f"{format_time(row.starts_time)}–{format_time(row.ends_time)}"


def _leave_record(row: ClinicianLeave, settings: ClinicSettings) -> LeaveRecord:
    return LeaveRecord(row.id, row.clinician_id, row.reason, LEAVE_TITLES[row.reason], row.starts_at, row.ends_at,
                       _span(settings, row.starts_at, row.ends_at), row.note)


def _span(settings: ClinicSettings, starts_at: datetime, ends_at: datetime) -> str:
    """"Mon 7 Dec 2026 – Fri 11 Dec 2026" for whole days; times when it starts or ends within one."""
    zone = settings.zone
    starts, ends = to_local(starts_at, zone), to_local(ends_at, zone)
    whole_from, whole_to = starts.time() == time.min, ends.time() == time.min
    first = format_day(starts.date()) + ("" if whole_from else f" {format_time(starts)}")
    last_day = ends.date() - timedelta(days=1) if whole_to else ends.date()
    last = format_day(last_day) + ("" if whole_to else f" {format_time(ends)}")
    if starts.date() == last_day:
        if whole_from and whole_to:
            return format_day(last_day)
        return (f"{format_day(last_day)} {format_time(starts) if not whole_from else '00:00'}–"
                f"{format_time(ends) if not whole_to else '24:00'}")
    return f"{first} – {last}"


def _leave_instant(settings: ClinicSettings, day: date, wall: time | None, field: str, default: time) -> datetime:
    if wall is not None and (not isinstance(wall, time) or wall.tzinfo is not None):
        raise ValidationError("A time of leave is a clinic wall time", field=field)
    return to_utc(datetime.combine(day, wall or default), settings.zone, ambiguous="earlier")


def _locked(query):
    return (query if is_sqlite() else query.for_update()).first()
