"""A clinician's appointments as an iCalendar file, for the calendar on their phone or desk.

Every time is written in UTC (``DTSTART:20261026T100000Z``), not in the clinic's zone
with a VTIMEZONE. A time zone definition is where real clients part ways: Mozilla's
ical.js (Thunderbird and many web calendars) reads only the first date of an RDATE list,
so the zone that the icalendar library writes put every appointment after an October
clock change an hour early there (vobject the same); some clients ignore VTIMEZONE
altogether and take their own zone; and a wall time with a TZID cannot name the second
01:30 of an October night at all (RFC 5545, 3.3.5: it means the first). A UTC instant is read the same by all of them, and a calendar shows it
in its own zone: the clinic's wall time on the clinician's phone, the right moment in a
calendar subscribed from another zone. The file carries no recurring events, the one
case a zone's rules would be needed for. X-WR-TIMEZONE names the clinic's zone as
Google's own exports do, and each description says the clinic's wall time in words.

Each appointment keeps the same UID in every export (its id, the clinician's and the
installation's UUID), and SEQUENCE rises whenever its time or state changes
(calendar_sequence.py), so importing a newer file or refreshing a subscription moves the
event instead of doubling it. A cancelled appointment is written with STATUS:CANCELLED
rather than left out, as is one that has left this clinician, so the calendar that
already holds it removes or strikes it. The file names patients: an export is recorded
in the audit trail like any other disclosure of the record.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from clinic_desktop.models import User
from clinic_desktop.services.admin.installation import installation_id
from clinic_desktop.services.admin.settings import load_settings, start_of_clinic_day
from clinic_desktop.services.appointments.appointment_book import ClinicianRecord
from clinic_desktop.services.audit import audit
from clinic_desktop.services.core import progress, validation
from clinic_desktop.services.core.clinic_time import format_date, format_day, format_time, to_local
from clinic_desktop.services.core.clock import now_utc, today
from clinic_desktop.services.core.entity import Entity
from clinic_desktop.services.core.errors import NotFound, ValidationError
from clinic_desktop.services.core.export_files import file_error_in_words, write_whole_file
from clinic_desktop.services.core.transaction import service
from clinic_desktop.services.exchange.calendar_sequence import CalendarEntry, calendar_entries
from clinic_desktop.services.worklists.worklists import KIND_TITLES

if TYPE_CHECKING:  # icalendar takes a tenth of a second to import: only when a calendar is exported
    import icalendar

__all__ = ["PRODUCT_ID", "CalendarExport", "appointment_uid", "calendar_clinicians", "export_calendar"]

PRODUCT_ID = "-//Clinic Desktop//Appointments//EN"
_STATE_WORDS = {"booked": "booked", "attended": "attended", "did_not_attend": "did not attend",
                "cancelled": "cancelled"}


@dataclass(frozen=True)
class CalendarExport:
    """What an export wrote, for the message that says where."""

    path: Path
    clinician_name: str
    appointments: int
    first_day: date
    last_day: date | None  # None: every appointment from first_day on


def appointment_uid(appointment_id: int, clinician_id: int, installation: str) -> str:
    """The event's UID: the same in every export, so a calendar updates rather than duplicates it;
    unique to this clinic's installation, and to the clinician, so that an appointment moved to a
    colleague is a new event in their calendar while the old one is cancelled in this one."""
    return f"appointment-{appointment_id}-clinician-{clinician_id}-{installation}@clinic-desktop"


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
    after = start_of_clinic_day(end + timedelta(days=1), settings.zone) if end else None
    rows = calendar_entries(clinician, start_of_clinic_day(start, settings.zone), after)
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


def _calendar(clinician: User, entries: list[CalendarEntry], settings) -> icalendar.Calendar:
    import icalendar

    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"{clinician.full_name} — {settings.name}")
    calendar.add("x-wr-timezone", settings.time_zone)
    stamp = now_utc()
    installation = installation_id()
    for number, entry in enumerate(entries, 1):
        calendar.add_component(_event(entry, clinician, installation, settings, stamp))
        progress.step(number, len(entries), f"Writing appointment {number:,} of {len(entries):,}…")
    return calendar


def _event(entry: CalendarEntry, clinician: User, installation: str, settings, stamp: datetime) -> icalendar.Event:
    import icalendar

    row = entry.appointment
    patient = row.episode.patient
    kind = KIND_TITLES[row.kind]
    local = to_local(entry.starts_at, settings.zone)
    cancelled = entry.state in ("cancelled", "withdrawn")
    event = icalendar.Event()
    event.add("uid", appointment_uid(row.id, clinician.id, installation))
    event.add("sequence", entry.sequence)
    event.add("dtstamp", stamp)
    event.add("last-modified", row.updated_at)
    event.add("dtstart", entry.starts_at.astimezone(timezone.utc))
    event.add("dtend", entry.ends_at.astimezone(timezone.utc))
    event.add("summary", f"{kind}: {patient.display_name}{_suffix(entry)}")
    event.add("description", f"{kind} for {patient.display_name} (patient record {patient.id}) at "
                             f"{format_time(local)} on {format_day(local.date())}, clinic time ({settings.time_zone}). "
                             f"Status: {_state_words(entry)}. Due by {format_date(row.due_by)}.")
    event.add("location", settings.name)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "TRANSPARENT" if cancelled else "OPAQUE")
    return event


def _state_words(entry: CalendarEntry) -> str:
    """'did not attend'; for an appointment no longer this clinician's, where it went."""
    if entry.state != "withdrawn":
        return _STATE_WORDS[entry.state]
    return f"moved to {entry.now_with}" if entry.now_with else "booking cancelled, to be booked again"


def _suffix(entry: CalendarEntry) -> str:
    return "" if entry.state in ("booked", "attended") else f" ({_state_words(entry)})"
