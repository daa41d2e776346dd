"""A clinician's appointments as an iCalendar file, for the calendar on their phone or desk.

Times are written with the clinic's time zone (TZID plus its VTIMEZONE), so a calendar
shows 09:00 as 09:00 on either side of a clock change, and each appointment keeps the
same UID in every export, so importing a newer file updates events instead of doubling
them. A cancelled appointment is written with STATUS:CANCELLED rather than left out, so
the calendar that already holds it removes or strikes it. The file names patients: an
export is recorded in the audit trail like any other disclosure of the record.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from clinic_desktop.models import Appointment, Episode, Patient, User
from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.services.appointments.appointment_book import ClinicianRecord
from clinic_desktop.services.audit import audit
from clinic_desktop.services.core import progress, validation
from clinic_desktop.services.core.clinic_time import format_date, to_local
from clinic_desktop.services.core.clock import now_utc, today
from clinic_desktop.services.core.entity import Entity
from clinic_desktop.services.core.errors import NotFound, ValidationError
from clinic_desktop.services.core.export_files import file_error_in_words, write_whole_file
from clinic_desktop.services.core.transaction import service
from clinic_desktop.services.worklists.worklists import KIND_TITLES

if TYPE_CHECKING:  # icalendar takes a tenth of a second to import: only when a calendar is exported
    import icalendar

__all__ = ["PRODUCT_ID", "CalendarExport", "appointment_uid", "calendar_clinicians", "export_calendar"]

PRODUCT_ID = "-//Clinic Desktop//Appointments//EN"
# Appointments that were given a time: booked, and what became of a booked one.
_TIMED_STATUSES = ("booked", "attended", "did_not_attend", "cancelled")
_STATUS_WORDS = {"booked": "booked", "attended": "attended", "did_not_attend": "did not attend",
                 "cancelled": "cancelled"}


@dataclass(frozen=True)
class CalendarExport:
    """What an export wrote, for the message that says where."""

    path: Path
    clinician_name: str
    appointments: int
    first_day: date
    last_day: date | None  # None: every appointment from first_day on


def appointment_uid(appointment_id: int) -> str:
    """The event's UID: the same in every export, so a calendar updates rather than duplicates it."""
    return f"appointment-{appointment_id}@clinic-desktop"


@service("export_calendar", changes=False)
def calendar_clinicians(actor) -> tuple[ClinicianRecord, ...]:
    """Every clinician, active ones first: a past clinician's calendar can still be exported."""
    rows = User.select().where(User.role == "clinician").order_by(User.active.desc(), User.full_name, User.id)
    return tuple(ClinicianRecord(user.id, user.full_name, user.username) for user in rows)


@service("export_calendar")
def export_calendar(actor, clinician_username: str, path: Path | str, *, start: date | None = None,
                    end: date | None = None) -> CalendarExport:
    """Write the clinician's appointments from ``start`` (default: clinic today) to ``end``
    (inclusive; default: all later ones) into ``path`` as iCalendar."""
    settings = load_settings()
    username = validation.text(clinician_username, "clinician", required="Choose the clinician", label="clinician")
    clinician = User.get_or_none((User.username == username) & (User.role == "clinician"))
    if clinician is None:
        raise NotFound(f"There is no clinician with the username '{username}'")
    start = today(settings.zone) if start is None else validation.day(start, "start", label="first day")
    if end is not None:
        end = validation.day(end, "end", label="last day")
        if end < start:
            raise ValidationError(f"The last day ({format_date(end)}) is before the first ({format_date(start)})",
                                  field="end")
    rows = _appointments(clinician, start, end, settings.zone)
    data = _calendar(clinician, rows, settings).to_ical()
    target = Path(path)
    until = f" to {format_date(end)}" if end else " onwards"
    # The event first and the file last: a failed write rolls the event back with it.
    audit.record(actor, "export_calendar", Entity.USER, clinician.id,
                 f"exported {len(rows)} appointments of {clinician.full_name} from {format_date(start)}{until} "
                 f"as iCalendar to {target.name}", file=str(target), appointments=len(rows))
    try:
        written = write_whole_file(target, data)
    except OSError as error:
        raise ValidationError(f"Cannot write the calendar to {file_error_in_words(target, error)}; nothing was "
                              "exported", field="path") from None
    return CalendarExport(written, clinician.full_name, len(rows), start, end)


def _appointments(clinician: User, start: date, end: date | None, zone) -> list[Appointment]:
    """The clinician's timed appointments whose clinic-local day falls in the range, by start."""
    first = datetime.combine(start, datetime.min.time(), zone).astimezone(timezone.utc)
    query = (Appointment.select(Appointment, Episode, Patient).join(Episode).join(Patient)
             .where((Appointment.clinician == clinician.id) & Appointment.starts_at.is_null(False)
                    & (Appointment.status.in_(_TIMED_STATUSES)) & (Appointment.starts_at >= first)))
    if end is not None:
        after = datetime.combine(date.fromordinal(end.toordinal() + 1), datetime.min.time(), zone)
        query = query.where(Appointment.starts_at < after.astimezone(timezone.utc))
    return list(query.order_by(Appointment.starts_at, Appointment.id))


def _calendar(clinician: User, rows: list[Appointment], settings) -> icalendar.Calendar:
    import icalendar

    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"{clinician.full_name} — {settings.name}")
    calendar.add("x-wr-timezone", settings.time_zone)
    stamp = now_utc()
    for number, row in enumerate(rows, 1):
        calendar.add_component(_event(row, settings, stamp))
        progress.step(number, len(rows), f"Writing appointment {number:,} of {len(rows):,}…")
    if rows:
        calendar.add_missing_timezones()  # the VTIMEZONE a TZID needs, from the same tz database
    return calendar


def _event(row: Appointment, settings, stamp: datetime) -> icalendar.Event:
    patient = row.episode.patient
    kind = KIND_TITLES[row.kind]
    status = _STATUS_WORDS[row.status]
    import icalendar

    event = icalendar.Event()
    event.add("uid", appointment_uid(row.id))
    event.add("dtstamp", stamp)
    event.add("last-modified", row.updated_at)
    event.add("dtstart", to_local(row.starts_at, settings.zone))
    event.add("dtend", to_local(row.ends_at, settings.zone))
    suffix = "" if row.status in ("booked", "attended") else f" ({status})"
    event.add("summary", f"{kind}: {patient.display_name}{suffix}")
    event.add("description", f"{kind} for {patient.display_name} (patient record {patient.id}). "
                             f"Status: {status}. Due by {format_date(row.due_by)}.")
    event.add("location", settings.name)
    event.add("status", "CANCELLED" if row.status == "cancelled" else "CONFIRMED")
    event.add("transp", "TRANSPARENT" if row.status == "cancelled" else "OPAQUE")
    return event
