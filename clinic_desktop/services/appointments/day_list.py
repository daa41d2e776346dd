"""A clinician's day list, printed or saved as a PDF for the clinic room (letters/day_list.py draws it).

Read from the clinician's own book for the day (appointment_book.book_days), so the list
holds exactly the bookings the day view shows, grouped by the sessions the book says the
clinician works; a booking outside every session is listed under its own heading rather
than left off. reportlab comes in only when the PDF is drawn.
"""
from __future__ import annotations

from datetime import date

from clinic_desktop.models import Patient
from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.services.appointments.appointment_book import BookSlot, WorkingPeriod, book_days, find_clinician
from clinic_desktop.services.core import validation
from clinic_desktop.services.core.clinic_time import format_date, format_time, to_local
from clinic_desktop.services.core.clock import now_utc
from clinic_desktop.services.core.transaction import service
from clinic_desktop.services.patients.nhs_number import format_nhs_number

__all__ = ["day_list_pdf"]

_STATE_WORDS = {"booked": "", "attended": " (attended)", "did_not_attend": " (DID NOT ATTEND)"}


@service("view_worklists", changes=False)
def day_list_pdf(actor, clinician_id: int, day: date) -> bytes:
    """The clinician's patients on ``day``, session by session in time order, as A4 PDF bytes."""
    from clinic_desktop.letters.day_list import DayList, DayListSession, render_day_list  # reportlab

    clinician = find_clinician(clinician_id)
    day = validation.day(day, "day")
    settings = load_settings()
    (book,) = book_days(settings, clinician.id, day, 1)
    booked = [slot for slot in book.slots if slot.appointment is not None]
    rows = _rows(booked, settings.zone)
    sessions = [DayListSession(f"Session {period.label}", tuple(row for slot, row in zip(booked, rows)
                                                                 if _within(slot, period)))
                for period in book.working]
    outside = tuple(row for slot, row in zip(booked, rows) if not any(_within(slot, period) for period in book.working))
    if outside:
        sessions.append(DayListSession("Outside the sessions", outside))
    away = tuple(f"Away {_span(absence.starts_at, absence.ends_at, settings.zone)}: {absence.reason_title}"
                 + (f" ({absence.note})" if absence.note else "") for absence in book.absences)
    return render_day_list(DayList(clinic_name=settings.name, clinician_name=clinician.full_name, day=day,
                                   produced_at=now_utc(), time_zone=settings.time_zone, away=away,
                                   sessions=tuple(sessions)))


def _within(slot: BookSlot, period: WorkingPeriod) -> bool:
    return period.starts_at <= slot.starts_at < period.ends_at


def _span(starts_at, ends_at, zone) -> str:
    return f"{format_time(to_local(starts_at, zone))}–{format_time(to_local(ends_at, zone))}"


def _rows(booked: list[BookSlot], zone):
    """A row a booking, the patients' details read in one query."""
    from clinic_desktop.letters.day_list import DayListRow

    patients = {patient.id: patient for patient in Patient.select().where(
        Patient.id.in_(sorted({slot.appointment.patient_id for slot in booked})))} if booked else {}
    rows = []
    for slot in booked:
        appointment, patient = slot.appointment, patients[slot.appointment.patient_id]
        phones = [f"{patient.mobile} (mobile)" if patient.mobile else "", patient.telephone]
        rows.append(DayListRow(
            time=_span(appointment.starts_at, appointment.ends_at, zone), patient_name=appointment.patient_name,
            nhs_number=format_nhs_number(patient.nhs_number) if patient.nhs_number else "not recorded",
            date_of_birth=format_date(patient.date_of_birth), kind=appointment.kind_title
            + _STATE_WORDS[appointment.status], phone=", ".join(number for number in phones if number) or "none"))
    return rows
