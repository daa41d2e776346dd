"""The day's book: the appointments of one clinic day, whole or a page at a time.

Kept apart from worklists.py, whose lists are what is due, ordered by deadline: a day's
book is what is booked between two of the clinic's local midnights, ordered by time,
and its statuses (DAY_STATUSES) are also those the appointment book shows. It shares
the worklists' patient columns and paging.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from peewee import SQL, fn

from clinic_desktop.models import Appointment, Episode, Patient, User
from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.services.core import clock
from clinic_desktop.services.core.transaction import service
from clinic_desktop.services.worklists.text_filter import TextFilter
from clinic_desktop.services.worklists.worklists import (
    KIND_TITLES,
    Page,
    PatientColumns,
    check_paging,
    patient_columns,
    patient_fields,
)

__all__ = ["DAY_STATUSES", "DayAppointmentRow", "todays_appointments", "todays_page"]

DAY_STATUSES = ("booked", "attended", "did_not_attend")


@dataclass(frozen=True)
class DayAppointmentRow(PatientColumns):
    appointment_id: int
    kind: str
    kind_title: str
    starts_at: datetime  # UTC
    ends_at: datetime  # UTC
    clinician_id: int
    clinician_name: str
    status: str


@service("view_worklists", changes=False)
def todays_appointments(actor, *, day: date | None = None,
                        clinician_id: int | None = None) -> tuple[DayAppointmentRow, ...]:
    """The day's book: appointments starting between the clinic's local midnights.

    The bounds come from the clinic zone, so on a clock-change day (23 or 25 hours)
    an appointment at 00:30 local time still belongs to that day.
    """
    return _day_rows(_day_where(day, clinician_id))


@service("view_worklists", changes=False)
def todays_page(actor, *, day: date | None = None, clinician_id: int | None = None, offset: int = 0,
                limit: int = 50, text: str | None = None) -> Page[DayAppointmentRow]:
    """One page of the day's book and the day's count (a big clinic books 1,200 a day); ``text``:
    the list's filter box (services/worklists/text_filter.py)."""
    check_paging(offset, limit)
    where = TextFilter.narrow(_day_where(day, clinician_id), text, Appointment.episode, titles=KIND_TITLES,
                              kind=Appointment.kind, whole_title="Today", people=(Appointment.clinician,))
    total = Appointment.select(fn.COUNT(SQL("*"))).where(where).scalar()
    return Page(rows=_day_rows(where, offset, limit), total=total, offset=offset, limit=limit)


def _day_where(day: date | None, clinician_id: int | None):
    zone = load_settings().zone
    day = day or clock.today(zone)
    starts = datetime.combine(day, time.min, zone).astimezone(timezone.utc)
    ends = datetime.combine(day + timedelta(days=1), time.min, zone).astimezone(timezone.utc)
    where = (Appointment.starts_at >= starts) & (Appointment.starts_at < ends) & Appointment.status.in_(DAY_STATUSES)
    if clinician_id is not None:
        where &= Appointment.clinician == clinician_id
    return where


def _day_rows(where, offset: int = 0, limit: int | None = None) -> tuple[DayAppointmentRow, ...]:
    query = (
        Appointment.select(Appointment.id, Appointment.kind, Appointment.starts_at, Appointment.ends_at,
                           Appointment.status, User.id, User.full_name, *patient_fields())
        .join(User, on=(Appointment.clinician == User.id))
        .switch(Appointment).join(Episode).join(Patient)
        .where(where)
        .order_by(Appointment.starts_at, Appointment.id)
        .offset(offset).limit(limit)
    )
    return tuple(
        DayAppointmentRow(
            **patient_columns(row.episode),
            appointment_id=row.id,
            kind=row.kind,
            kind_title=KIND_TITLES[row.kind],
            starts_at=row.starts_at,
            ends_at=row.ends_at,
            clinician_id=row.clinician.id,
            clinician_name=row.clinician.full_name,
            status=row.status,
        )
        for row in query
    )
