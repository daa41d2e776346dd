"""Who works when, read from the database for the services that need it: the book, the
earliest-slot search, the booking checks and the manager's changes to sessions and leave.

The rules themselves are in pathway/sessions.py; this module reads the rows once for a span of
days and some clinicians (two queries), and answers "which periods and slots on this day" from
memory, so the earliest-slot search over every clinician and weeks of days stays a few queries.
A closed day (weekend, bank holiday, closure) has no working day at all: the calendar decides
that before any session is asked.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from clinic_desktop.models import Appointment, User
from clinic_desktop.models.sessions import ClinicianLeave, ClinicianSession
from clinic_desktop.pathway.sessions import Away, Hours, Period, Session, WorkingDay, working_day
from clinic_desktop.services.admin.settings import ClinicSettings
from clinic_desktop.services.core.clinic_time import format_day, format_time, to_local
from clinic_desktop.services.core.errors import ValidationError
from clinic_desktop.services.worklists.worklists import KIND_TITLES

__all__ = ["LEAVE_TITLES", "Rota", "default_pattern", "kinds_wording", "period_label", "refuse_outside_sessions",
           "session_of", "away_of", "stranded_bookings"]

LEAVE_TITLES = {"annual_leave": "Annual leave", "sickness": "Sickness", "training": "Training", "other": "Away"}
# The weekdays the default pattern gives a new clinician: the days the clinic opens.
_OPEN_WEEKDAYS = range(5)


@dataclass(frozen=True)
class _Rules:
    sessions: tuple[Session, ...]
    leave: tuple[Away, ...]


class Rota:
    """Some clinicians' sessions and leave over some days, read once and asked day by day."""

    def __init__(self, settings: ClinicSettings, rules: dict[int, _Rules]):
        self._settings, self._zone, self._calendar = settings, settings.zone, settings.calendar()
        self._hours = Hours(settings.opens_at, settings.closes_at, settings.slot_minutes)
        self._rules = rules
        self._days: dict[tuple[int, date], WorkingDay | None] = {}
        self._patterns: dict[tuple, WorkingDay] = {}

    @classmethod
    def read(cls, settings: ClinicSettings, clinician_ids, first: date, last: date) -> Rota:
        """The rules of ``clinician_ids`` that touch ``first``..``last``."""
        ids = list(clinician_ids)
        sessions: dict[int, list[Session]] = {clinician_id: [] for clinician_id in ids}
        leave: dict[int, list[Away]] = {clinician_id: [] for clinician_id in ids}
        weekly = ClinicianSession.weekday.is_null(False) & (ClinicianSession.valid_from <= last) & (
            ClinicianSession.valid_until.is_null() | (ClinicianSession.valid_until >= first))
        one_off = ClinicianSession.on_date.between(first, last) & (
            ClinicianSession.valid_until.is_null() | (ClinicianSession.valid_until >= ClinicianSession.on_date))
        columns = (ClinicianSession.clinician, ClinicianSession.id, ClinicianSession.weekday, ClinicianSession.on_date,
                   ClinicianSession.starts_time, ClinicianSession.ends_time, ClinicianSession.slot_minutes,
                   ClinicianSession.kinds, ClinicianSession.every_weeks, ClinicianSession.anchor_week,
                   ClinicianSession.valid_from, ClinicianSession.valid_until)
        # Tuples, not model rows: the earliest-slot search reads every clinician's pattern.
        for clinician_id, *row in (ClinicianSession.select(*columns)
                                   .where(ClinicianSession.clinician.in_(ids) & (weekly | one_off)).tuples()):
            sessions[clinician_id].append(Session(*row[:6], _kinds(row[6]), *row[7:]))
        starts = datetime.combine(first, time.min, settings.zone).astimezone(timezone.utc)
        ends = datetime.combine(last + timedelta(days=1), time.min, settings.zone).astimezone(timezone.utc)
        for row in ClinicianLeave.select().where(ClinicianLeave.clinician.in_(ids) & ClinicianLeave.cancelled_at.is_null()
                                                 & (ClinicianLeave.starts_at < ends) & (ClinicianLeave.ends_at > starts)):
            leave[row.clinician_id].append(away_of(row))
        return cls(settings, {clinician_id: _Rules(tuple(sessions[clinician_id]), tuple(leave[clinician_id]))
                              for clinician_id in ids})

    def changed(self, clinician_id: int, sessions=None, leave=None) -> Rota:
        """The same rota with one clinician's sessions or leave replaced: what a change would leave."""
        rules = dict(self._rules)
        now = rules[clinician_id]
        rules[clinician_id] = _Rules(now.sessions if sessions is None else tuple(sessions),
                                     now.leave if leave is None else tuple(leave))
        return Rota(self._settings, rules)

    def rules(self, clinician_id: int) -> _Rules:
        return self._rules[clinician_id]

    def day(self, clinician_id: int, day: date) -> WorkingDay | None:
        """The clinician's periods and slots on ``day``; None when the clinic is closed.

        Clinicians with the same pattern that day (most keep the opening hours) share one
        WorkingDay, worked out once: the earliest-slot search asks for every clinician's day.
        """
        key = (clinician_id, day)
        if key not in self._days:
            self._days[key] = self._shared_day(self._rules[clinician_id], day)
        return self._days[key]

    def _shared_day(self, rules: _Rules, day: date) -> WorkingDay | None:
        if not self._calendar.is_working_day(day):
            return None
        running = tuple(session for session in rules.sessions if session.runs_on(day))
        pattern = (day, tuple((session.starts, session.ends, session.slot_minutes, session.kinds)
                              for session in running), rules.leave)
        if pattern not in self._patterns:
            self._patterns[pattern] = working_day(running, rules.leave, day, self._hours, self._zone)
        return self._patterns[pattern]

    def period_at(self, clinician_id: int, starts_at: datetime) -> Period | None:
        """The working period a moment falls in, if any."""
        working = self.day(clinician_id, to_local(starts_at, self._zone).date())
        return next((period for period in working.periods if period.starts_at <= starts_at < period.ends_at),
                    None) if working else None

    def fits(self, clinician_id: int, kind: str, starts_at: datetime, ends_at: datetime) -> bool:
        """Whether a visit of ``kind`` lies wholly inside one working period that takes it."""
        period = self.period_at(clinician_id, starts_at)
        return period is not None and ends_at <= period.ends_at and period.takes(kind)


def refuse_outside_sessions(rota: Rota, clinician: User, kind: str, starts_at: datetime, ends_at: datetime,
                            zone) -> None:
    """Raise the one sentence that says why a visit cannot be booked then, if it cannot.

    "Dr Alys Jones is on annual leave on Tue 8 Dec 2026"; "Dr Alys Jones does not work on
    Tue 8 Dec 2026"; "Dr Alys Jones works 08:30–12:30 on Tue 8 Dec 2026: 14:00–14:20 is outside
    those hours"; "Dr Alys Jones's 08:30–12:30 session on Tue 8 Dec 2026 takes 2-week reviews
    only".
    """
    local = to_local(starts_at, zone)
    day = local.date()
    working = rota.day(clinician.id, day)
    if working is None:
        raise ValidationError(f"The clinic is closed on {format_day(day)}", field="starts_local")
    away = next((item for item in working.away if item.starts_at < ends_at and starts_at < item.ends_at), None)
    if away is not None:
        raise ValidationError(f"{clinician.full_name} is {_away_wording(away)} on {format_day(day)}",
                              field="starts_local")
    period = rota.period_at(clinician.id, starts_at)
    if period is None or ends_at > period.ends_at:
        if not working.periods:
            raise ValidationError(f"{clinician.full_name} does not work on {format_day(day)}", field="clinician_id")
        hours = ", ".join(period_label(each) for each in working.periods)
        raise ValidationError(f"{clinician.full_name} works {hours} on {format_day(day)}: {format_time(local)}–"
                              f"{format_time(to_local(ends_at, zone))} is outside those hours", field="starts_local")
    if not period.takes(kind):
        raise ValidationError(f"{clinician.full_name}'s {period_label(period)} session on {format_day(day)} takes "
                              f"{kinds_wording(period.kinds)} only", field="clinician_id")


def period_label(period: Period) -> str:
    """08:30–12:30."""
    return f"{format_time(period.wall_start)}–{format_time(period.wall_end)}"


def kinds_wording(kinds: tuple[str, ...]) -> str:
    """"2-week reviews and 12-week reviews"; "every kind of visit" for ()."""
    if not kinds:
        return "every kind of visit"
    names = [f"{KIND_TITLES[kind]}s" for kind in kinds]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _away_wording(away: Away) -> str:
    return {"annual_leave": "on annual leave", "sickness": "off sick", "training": "away training"}.get(
        away.reason, "away")


def session_of(row: ClinicianSession) -> Session:
    return Session(row.id, row.weekday, row.on_date, row.starts_time, row.ends_time, row.slot_minutes,
                   _kinds(row.kinds), row.every_weeks, row.anchor_week, row.valid_from, row.valid_until)


def _kinds(stored: str) -> tuple[str, ...]:
    return tuple(kind for kind in stored.split(",") if kind)


def away_of(row: ClinicianLeave) -> Away:
    return Away(row.starts_at, row.ends_at, row.reason, row.note)


def default_pattern(clinician_id: int, created_by: int | None, at: datetime, valid_from: date) -> None:
    """Give a clinician the clinic's opening hours on every weekday it opens, in its slot length:
    what every clinician worked before sessions were kept, and what a new one starts with."""
    ClinicianSession.insert_many([
        dict(clinician=clinician_id, weekday=weekday, valid_from=valid_from, created_by=created_by, created_at=at)
        for weekday in _OPEN_WEEKDAYS]).execute()


def stranded_bookings(settings: ClinicSettings, clinician_id: int, change, since: datetime,
                      until: datetime | None = None) -> list[Appointment]:
    """The clinician's bookings from ``since`` (to ``until``) that fit their sessions now and would
    not once ``change`` (a function from the rota to the rota after it) is made."""
    query = Appointment.select().where((Appointment.clinician == clinician_id) & (Appointment.status == "booked")
                                       & (Appointment.starts_at >= since))
    if until is not None:
        query = query.where(Appointment.starts_at < until)
    rows = list(query.order_by(Appointment.starts_at, Appointment.id))
    if not rows:
        return []
    zone = settings.zone
    before = Rota.read(settings, [clinician_id], to_local(rows[0].starts_at, zone).date(),
                       to_local(rows[-1].starts_at, zone).date())
    after = change(before)
    return [row for row in rows if before.fits(clinician_id, row.kind, row.starts_at, row.ends_at)
            and not after.fits(clinician_id, row.kind, row.starts_at, row.ends_at)]
