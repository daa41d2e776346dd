"""Who works when: a clinician's sessions and leave turned into a day's working periods and slots.

The rule, decided once here for the book, the earliest-slot search and the booking checks:
a clinician may be booked only inside a session that runs that day, only for the kinds of
appointment it takes, and never while on leave. A session's slots are cut on its own grid
(from its start, every slot length, each ending by its end), so a part day of leave removes
the slots it touches and leaves the rest where they were. Sessions replace the opening hours
for booking (an evening clinic may run after closing time); the opening hours stay the
default pattern, which a session with no times of its own follows. Whether the clinic is
open at all that day (weekends, bank holidays, closures) is the calendar's decision, made
before this is asked.

Wall times become instants here: a time the spring change skips has no slot, one the
autumn change repeats has two, told apart by the zone's abbreviation.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Session:
    """One row of a clinician's pattern, as the rules read it."""

    id: int
    weekday: int | None  # Monday 0; None for a one-off on ``on_date``
    on_date: date | None
    starts: time | None  # None (with ends): the clinic's opening hours
    ends: time | None
    slot_minutes: int | None  # None: the clinic's slot length
    kinds: tuple[str, ...]  # () takes every kind
    every_weeks: int = 1
    anchor_week: date | None = None  # a Monday it runs, when every_weeks > 1
    valid_from: date = date.min
    valid_until: date | None = None

    def runs_on(self, day: date) -> bool:
        if self.on_date is not None:
            return day == self.on_date
        if day.weekday() != self.weekday or day < self.valid_from:
            return False
        if self.valid_until is not None and day > self.valid_until:
            return False
        if self.every_weeks == 1:
            return True
        weeks = (day - timedelta(days=day.weekday()) - self.anchor_week).days // 7
        return weeks % self.every_weeks == 0

    def takes(self, kind: str) -> bool:
        return not self.kinds or kind in self.kinds


@dataclass(frozen=True)
class Hours:
    """The clinic's opening hours and slot length: what a session without its own follows."""

    opens: time
    closes: time
    slot_minutes: int


@dataclass(frozen=True)
class Away:
    """A stretch of leave: instants, so a part day is exact on a clock-change day too."""

    starts_at: datetime
    ends_at: datetime
    reason: str
    note: str = ""


@dataclass(frozen=True)
class Period:
    """A stretch of a session the clinician is not away: bookable, for the session's kinds."""

    starts_at: datetime  # UTC
    ends_at: datetime  # UTC
    wall_start: time
    wall_end: time
    slot_minutes: int
    kinds: tuple[str, ...]

    def takes(self, kind: str) -> bool:
        return not self.kinds or kind in self.kinds


@dataclass(frozen=True)
class Slot:
    """A slot of a session's grid that the clinician is there for."""

    wall_time: datetime  # naive clinic wall time
    ambiguous: str | None  # "earlier" / "later" on a wall time the clocks repeat
    zone_name: str | None  # "BST" / "GMT" then, to tell the two apart
    starts_at: datetime  # UTC
    ends_at: datetime  # UTC
    kinds: tuple[str, ...]

    def takes(self, kind: str) -> bool:
        return not self.kinds or kind in self.kinds


@dataclass(frozen=True)
class WorkingDay:
    periods: tuple[Period, ...]
    slots: tuple[Slot, ...]
    away: tuple[Away, ...]  # the leave that touches the day


def working_day(sessions, leave, day: date, hours: Hours, zone: ZoneInfo) -> WorkingDay:
    """The clinician's periods and slots on an open ``day``, from their sessions less their leave.

    Where two sessions overlap, the one starting first keeps the time: a slot never overlaps
    another slot of the same clinician. The result depends only on the sessions' times, slot
    lengths and kinds, never on which rows they are, so clinicians with the same pattern can share it.
    """
    midnight, next_midnight = (datetime.combine(day + timedelta(days=offset), time.min, zone).astimezone(timezone.utc)
                               for offset in (0, 1))
    away = tuple(sorted((item for item in leave if item.starts_at < next_midnight and midnight < item.ends_at),
                        key=lambda item: item.starts_at))
    running = sorted((session for session in sessions if session.runs_on(day)), key=lambda session: (
        session.starts or hours.opens, session.ends or hours.closes, session.slot_minutes or 0, session.kinds))
    periods, slots = [], []
    for session in running:
        wall_start, wall_end = session.starts or hours.opens, session.ends or hours.closes
        minutes = session.slot_minutes or hours.slot_minutes
        starts_at, ends_at = _instant(day, wall_start, zone), _instant(day, wall_end, zone, last=True)
        for piece_from, piece_to in _less(starts_at, ends_at, away):
            periods.append(Period(piece_from, piece_to, to_wall(piece_from, zone),
                                  to_wall(piece_to, zone), minutes, session.kinds))
        for slot in _grid(day, wall_start, wall_end, minutes, zone, session.kinds):
            if not any(item.starts_at < slot.ends_at and slot.starts_at < item.ends_at for item in away) and not any(
                    taken.starts_at < slot.ends_at and slot.starts_at < taken.ends_at for taken in slots):
                slots.append(slot)
    slots.sort(key=lambda slot: slot.starts_at)
    return WorkingDay(tuple(periods), tuple(slots), away)


def to_wall(moment: datetime, zone: ZoneInfo) -> time:
    return moment.astimezone(zone).time().replace(tzinfo=None)


def _instant(day: date, wall: time, zone: ZoneInfo, last: bool = False) -> datetime:
    """A wall time as an instant: a skipped one is read past the gap; a repeated one is its first
    occurrence, or with ``last`` (a session's end) its second, so a session over the repeated
    hour holds both of its slots."""
    earlier = datetime.combine(day, wall, zone).astimezone(timezone.utc)
    later = datetime.combine(day, wall, zone).replace(fold=1).astimezone(timezone.utc)
    return later if last and later > earlier else earlier


def _less(starts_at: datetime, ends_at: datetime, away: tuple[Away, ...]) -> list[tuple[datetime, datetime]]:
    pieces = [(starts_at, ends_at)]
    for item in away:
        pieces = [part for piece_from, piece_to in pieces for part in (
            (piece_from, min(piece_to, item.starts_at)), (max(piece_from, item.ends_at), piece_to))
            if part[0] < part[1]]
    return pieces


def _grid(day: date, opens: time, closes: time, minutes: int, zone: ZoneInfo, kinds: tuple[str, ...]) -> list[Slot]:
    """A session's slots, each ending by its end the same day."""
    length = timedelta(minutes=minutes)
    wall, last = datetime.combine(day, opens), datetime.combine(day, closes)
    slots = []
    while wall < last:
        earlier = wall.replace(tzinfo=zone, fold=0).astimezone(timezone.utc)
        later = wall.replace(tzinfo=zone, fold=1).astimezone(timezone.utc)
        exists = earlier.astimezone(zone).replace(tzinfo=None) == wall
        instants = [] if not exists else [(earlier, None)] if earlier == later else [
            (earlier, "earlier"), (later, "later")]
        for starts_at, ambiguous in instants:
            ends_local = (starts_at + length).astimezone(zone)
            if ends_local.date() != day or ends_local.time().replace(tzinfo=None) > closes:
                continue
            zone_name = starts_at.astimezone(zone).tzname() if ambiguous else None
            slots.append(Slot(wall, ambiguous, zone_name, starts_at, starts_at + length, kinds))
        wall += length
    return slots
