"""The whole clinic's day as the front desk reads it: a column for each clinician there that day.

Each column is that clinician's own book (appointment_book.book_days), so the day view
shows exactly the slots, working periods and absences the clinician's book and the
booking offers follow, and nothing is worked out twice. A clinician has a column when
they work that day, are away part of it, or have anything booked on it: a booking left on
a day its clinician no longer works (or after they left the clinic) is shown, never
hidden because nobody is expected there.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from peewee import SQL

from clinic_desktop.models import Appointment, User
from clinic_desktop.services.admin.settings import ClinicSettings, load_settings
from clinic_desktop.services.appointments.appointment_book import (
    BookDay,
    ClinicianRecord,
    active_clinicians,
    book_days,
    day_bounds,
)
from clinic_desktop.services.appointments.day_book import DAY_STATUSES
from clinic_desktop.services.core import validation
from clinic_desktop.services.core.clinic_time import format_short_day
from clinic_desktop.services.core.transaction import service

__all__ = ["ClinicDay", "ClinicianDay", "build_clinic_day", "clinic_day"]

_DAY_STATUSES_SQL = SQL("(" + ", ".join(f"'{status}'" for status in DAY_STATUSES) + ")")


@dataclass(frozen=True)
class ClinicianDay:
    """One column of the clinic's day: whose it is and their book for the day."""

    clinician: ClinicianRecord
    active: bool  # False: left the clinic, shown for the bookings still on their day
    book: BookDay

    @property
    def hours(self) -> str:
        """"08:30–12:30, 13:30–17:30", or why there are none: what the column's header says."""
        if self.book.working:
            return ", ".join(period.label for period in self.book.working)
        if not self.active:
            return "Left the clinic"
        return "Closed" if not self.book.open else "Not working"


@dataclass(frozen=True)
class ClinicDay:
    day: date
    title: str  # "Mon 30 Nov"
    open: bool
    closed_reason: str | None
    columns: tuple[ClinicianDay, ...]  # by clinician's name, as the book's clinician list


@service("view_worklists", changes=False)
def clinic_day(actor, day: date) -> ClinicDay:
    """Every clinician's column for ``day``: who works, who is away, what is booked and free."""
    return build_clinic_day(load_settings(), validation.day(day, "day"))


def build_clinic_day(settings: ClinicSettings, day: date) -> ClinicDay:
    """The clinic's day, for services that checked their own permission."""
    starts, ends = day_bounds(settings, day, day)
    booked_with = {row.clinician_id for row in (
        Appointment.select(Appointment.clinician).distinct()
        .where((Appointment.starts_at >= starts) & (Appointment.starts_at < ends)
               & Appointment.status.in_(_DAY_STATUSES_SQL)))}
    people = [(user, True) for user in active_clinicians()]
    gone = booked_with - {user.id for user, _active in people}
    if gone:  # a clinician who left with bookings still on this day (they are never deleted)
        people += [(user, False) for user in User.select().where(User.id.in_(sorted(gone)))
                   .order_by(User.full_name, User.id)]
    columns = []
    for user, active in people:
        (book,) = book_days(settings, user.id, day, 1)
        if book.working or book.absences or user.id in booked_with:
            columns.append(ClinicianDay(ClinicianRecord(user.id, user.full_name, user.username), active, book))
    closed_reason = settings.calendar().closed_reason(day)
    return ClinicDay(day=day, title=format_short_day(day), open=closed_reason is None, closed_reason=closed_reason,
                     columns=tuple(columns))
