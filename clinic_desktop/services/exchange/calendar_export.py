"""A clinician's appointments as an iCalendar file, for the calendar on their phone or desk.

Every time is written in UTC (``DTSTART:20261026T100000Z``), not in the clinic's zone
with a VTIMEZONE. A time zone definition is where real clients part ways: Mozilla's
ical.js (Thunderbird and many web calendars) and vobject read only the first date of an
RDATE list, so the zone the icalendar library used to write here put every appointment
after an October clock change an hour early in them; some clients ignore VTIMEZONE and
take their own zone; and a wall time with a TZID cannot name the second 01:30 of an
October night at all (RFC 5545, 3.3.5: it means the first). A UTC instant is read the
same by all of them, and a calendar shows it in its own zone: the clinic's wall time on
the clinician's phone, the right moment in a calendar subscribed from another zone. The
file carries no recurring events, the one case a zone's rules would be needed for.
X-WR-TIMEZONE names the clinic's zone as Google's own exports do, and each description
says the clinic's wall time in words.

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
from datetime import date, timedelta
from pathlib import Path

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
from clinic_desktop.services.exchange.ical_text import content_line, text, utc
from clinic_desktop.services.worklists.worklists import KIND_TITLES

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
    data = _calendar(clinician, rows, settings)
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


def _calendar(clinician: User, entries: list[CalendarEntry], settings) -> bytes:
    lines = [content_line(name, value) for name, value in (
        ("BEGIN", "VCALENDAR"), ("PRODID", text(PRODUCT_ID)), ("VERSION", "2.0"), ("CALSCALE", "GREGORIAN"),
        ("METHOD", "PUBLISH"), ("X-WR-CALNAME", text(f"{clinician.full_name} — {settings.name}")),
        ("X-WR-TIMEZONE", text(settings.time_zone)))]
    stamp = utc(now_utc())
    installation = installation_id()
    for number, entry in enumerate(entries, 1):
        lines.append(_event(entry, clinician, installation, settings, stamp))
        progress.step(number, len(entries), f"Writing appointment {number:,} of {len(entries):,}…")
    lines.append(content_line("END", "VCALENDAR"))
    return "".join(lines).encode("utf-8")


def _event(entry: CalendarEntry, clinician: User, installation: str, settings, stamp: str) -> str:
    kind = KIND_TITLES[entry.kind]
    local = to_local(entry.starts_at, settings.zone)
    return "".join(content_line(name, value) for name, value in (
        ("BEGIN", "VEVENT"),
        ("UID", text(appointment_uid(entry.appointment_id, clinician.id, installation))),
        ("SEQUENCE", str(entry.sequence)),
        ("DTSTAMP", stamp),
        ("LAST-MODIFIED", utc(entry.updated_at)),
        ("DTSTART", utc(entry.starts_at)),
        ("DTEND", utc(entry.ends_at)),
        ("SUMMARY", text(f"{kind}: {entry.patient_name}{_suffix(entry)}")),
        ("DESCRIPTION", text(f"{kind} for {entry.patient_name} (patient record {entry.patient_id}) at "
                             f"{format_time(local)} on {format_day(local.date())}, clinic time "
                             f"({settings.time_zone}). Status: {_state_words(entry)}. "
                             f"Due by {format_date(entry.due_by)}.")),
        ("LOCATION", text(settings.name)),
        ("STATUS", "CANCELLED" if entry.cancelled else "CONFIRMED"),
        ("TRANSP", "TRANSPARENT" if entry.cancelled else "OPAQUE"),
        ("END", "VEVENT"),
    ))


def _state_words(entry: CalendarEntry) -> str:
    """'did not attend'; for an appointment no longer this clinician's, where it went."""
    if not entry.withdrawn:
        return _STATE_WORDS[entry.state]
    return f"moved to {entry.now_with}" if entry.now_with else "booking cancelled, to be booked again"


def _suffix(entry: CalendarEntry) -> str:
    return "" if entry.state in ("booked", "attended") else f" ({_state_words(entry)})"
