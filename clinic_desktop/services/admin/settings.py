"""Clinic-wide settings: identity, time zone, holiday region, closure days, hours."""
from __future__ import annotations

import json
import os
import re
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from clinic_desktop.models import Appointment, ClinicSetting
from clinic_desktop.pathway.calendar import WorkingCalendar
from clinic_desktop.services.audit import audit
from clinic_desktop.services.core import clock, validation
from clinic_desktop.services.core.clinic_time import format_day, format_time, to_local
from clinic_desktop.services.core.entity import Entity
from clinic_desktop.services.core.errors import ValidationError
from clinic_desktop.services.core.transaction import service

__all__ = ["ClinicSettings", "load_settings", "start_of_clinic_day", "update_clinic_settings", "validate"]

_KEY = "clinic"


@dataclass(frozen=True)
class ClinicSettings:
    name: str = "Clinic"
    address: str = ""
    telephone: str = ""
    time_zone: str = "Europe/London"
    holiday_region: str = "GB-ENG"
    closure_days: tuple[date, ...] = ()
    opens_at: time = time(8, 30)
    closes_at: time = time(17, 30)
    slot_minutes: int = 20
    lock_after_minutes: int = 10  # an unattended workstation locks itself after this long
    # The daily automatic backup (services/admin/backup_schedule.py); an empty folder means the
    # "backups" folder beside the database file (PostgreSQL: in the user's data folder).
    daily_backup: bool = True
    backup_folder: str = ""
    backup_copies_kept: int = 14
    # A sent referral not acknowledged by the receiving service within this many working days
    # goes on reception's list to chase (DESIGN.md, "The safety net").
    referral_acknowledgement_working_days: int = 10
    # Appointment reminders (services/reminders): sent this many days before the visit, by e-mail
    # through the clinic's own mail server (STARTTLS) and by SMS through GOV.UK Notify. The user
    # name, password and Notify API key are kept in the OS keyring, never here.
    reminder_days_before: int = 2
    smtp_host: str = ""  # empty: no e-mail reminders
    smtp_port: int = 587
    email_sender: str = ""
    notify_base_url: str = "https://api.notifications.service.gov.uk"
    notify_sms_template_id: str = ""  # empty: no SMS reminders; the template's text is "((message))"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def calendar(self) -> WorkingCalendar:
        return WorkingCalendar(self.holiday_region, frozenset(self.closure_days))

    def to_json(self) -> str:
        data = asdict(self)
        data["closure_days"] = [day.isoformat() for day in self.closure_days]
        data["opens_at"] = self.opens_at.isoformat("minutes")
        data["closes_at"] = self.closes_at.isoformat("minutes")
        return json.dumps(data, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> "ClinicSettings":
        data = json.loads(text)
        data["closure_days"] = tuple(date.fromisoformat(day) for day in data.get("closure_days", ()))
        for name in ("opens_at", "closes_at"):
            if name in data:
                data[name] = time.fromisoformat(data[name])
        known = {field_name for field_name in cls.__dataclass_fields__}
        return cls(**{key: value for key, value in data.items() if key in known})


def load_settings() -> ClinicSettings:
    """The stored settings (defaults when none were saved). Internal: no permission needed."""
    row = ClinicSetting.get_or_none(ClinicSetting.name == _KEY)
    return ClinicSettings.from_json(row.value) if row else ClinicSettings()


def validate(settings: ClinicSettings) -> None:
    if not settings.name.strip():
        raise ValidationError("the clinic needs a name", field="name")
    try:
        ZoneInfo(settings.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(f"unknown time zone {settings.time_zone!r}", field="time_zone") from None
    if any(type(day) is not date for day in settings.closure_days):
        raise ValidationError("closure days must be dates", field="closure_days")
    try:
        settings.calendar()
    except ValueError as error:
        raise ValidationError(str(error), field="holiday_region") from None
    if settings.opens_at >= settings.closes_at:
        raise ValidationError("the clinic must open before it closes", field="opens_at")
    if type(settings.slot_minutes) is not int or not 5 <= settings.slot_minutes <= 240:
        raise ValidationError("a slot lasts between 5 and 240 minutes", field="slot_minutes")
    if type(settings.lock_after_minutes) is not int or not 1 <= settings.lock_after_minutes <= 120:
        raise ValidationError("the screen locks after between 1 and 120 idle minutes", field="lock_after_minutes")
    days = settings.referral_acknowledgement_working_days
    if type(days) is not int or not 1 <= days <= 60:
        raise ValidationError("a referral is chased after between 1 and 60 working days without acknowledgement",
                              field="referral_acknowledgement_working_days")
    _validate_backup(settings)
    _validate_reminders(settings)


_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# Only https leaves this machine; plain http is for a local stand-in (a test, a relay on the machine).
_NOTIFY_URL = re.compile(r"(https://[\w.-]+|http://(127\.0\.0\.1|localhost))(:\d{1,5})?/?")


def _validate_reminders(settings: ClinicSettings) -> None:
    if type(settings.reminder_days_before) is not int or not 1 <= settings.reminder_days_before <= 14:
        raise ValidationError("reminders go between 1 and 14 days before the appointment",
                              field="reminder_days_before")
    if type(settings.smtp_port) is not int or not 1 <= settings.smtp_port <= 65535:
        raise ValidationError("the mail server's port is a number from 1 to 65535 (usually 587)", field="smtp_port")
    if settings.smtp_host.strip() and "@" not in settings.email_sender:
        raise ValidationError("e-mail needs the address it is sent from, such as reception@clinic.example",
                              field="email_sender")
    if not _NOTIFY_URL.fullmatch(settings.notify_base_url):
        raise ValidationError("the GOV.UK Notify address must start with https://", field="notify_base_url")
    template = settings.notify_sms_template_id
    if template and not _UUID.fullmatch(template):
        raise ValidationError("the Notify template ID looks like 0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0 "
                              "(copy it from the template's page in Notify)", field="notify_sms_template_id")


def _validate_backup(settings: ClinicSettings) -> None:
    if type(settings.daily_backup) is not bool:
        raise ValidationError("the daily backup is either on or off", field="daily_backup")
    folder = settings.backup_folder
    if type(folder) is not str or (folder.strip() and not os.path.isabs(os.path.expanduser(folder.strip()))):
        raise ValidationError("the backup folder must be a full path, such as /srv/clinic-backups or "
                              "D:\\Backups (or empty for the usual folder)", field="backup_folder")
    if type(settings.backup_copies_kept) is not int or not 1 <= settings.backup_copies_kept <= 366:
        raise ValidationError("keep between 1 and 366 daily backup copies", field="backup_copies_kept")


@service("manage_settings")
def update_clinic_settings(actor, **changes) -> ClinicSettings:
    """Change some settings; the rest keep their values."""
    current = load_settings()
    unknown = set(changes) - set(ClinicSettings.__dataclass_fields__)
    if unknown:
        raise ValidationError(f"unknown setting {sorted(unknown)[0]!r}")
    if "closure_days" in changes:
        changes["closure_days"] = tuple(changes["closure_days"])
    changes.update({name: validation.text(value, name, multiline=name == "address")
                    for name, value in changes.items() if _is_text_setting(name)})
    updated = replace(current, **changes)
    validate(updated)
    if "closure_days" in changes:  # sorted only once known to be dates
        changes["closure_days"] = tuple(sorted(set(changes["closure_days"])))
        updated = replace(updated, closure_days=changes["closure_days"])
    _refuse_closing_on_bookings(current, updated)
    ClinicSetting.insert(name=_KEY, value=updated.to_json()).on_conflict(
        conflict_target=[ClinicSetting.name], update={ClinicSetting.value: updated.to_json()}
    ).execute()
    pathway = _move_deadlines_for_new_calendar(actor, current, updated)
    audit.record(actor, "update_clinic_settings", Entity.CLINIC_SETTING, None,
                 f"changed clinic settings: {', '.join(sorted(changes))}",
                 pathway=pathway, **changes)  # dates as ISO text
    return updated


def _is_text_setting(name: str) -> bool:
    """A setting typed as text (the clinic's name, address, mail server…), checked as every text input is."""
    return ClinicSettings.__dataclass_fields__[name].type in (str, "str")


def _refuse_closing_on_bookings(before: ClinicSettings, after: ClinicSettings) -> None:
    """A new closure day, or shorter opening hours, must not shut the clinic on a booked patient:
    the book would show "Closed" above the booking and nobody would think to move it."""
    added = set(after.closure_days) - set(before.closure_days)
    narrowed = after.opens_at > before.opens_at or after.closes_at < before.closes_at
    if not (added or narrowed):
        return
    zone = after.zone
    query = Appointment.select(Appointment.starts_at, Appointment.ends_at).where(
        (Appointment.status == "booked") & (Appointment.starts_at >= start_of_clinic_day(clock.today(zone), zone)))
    if not narrowed:  # only the new closure days matter
        query = query.where(Appointment.starts_at < start_of_clinic_day(max(added) + timedelta(days=1), zone))
    booked = [(to_local(starts, zone), to_local(ends, zone))
              for starts, ends in query.order_by(Appointment.starts_at).tuples()]
    on_closure = [starts for starts, _ in booked if starts.date() in added]
    if on_closure:
        first, count = on_closure[0], len(on_closure)
        if len({starts.date() for starts in on_closure}) > 1:
            raise ValidationError(f"{count} appointments are booked on the new closure days, the first on "
                           f"{format_day(first.date())} at {format_time(first)}: move them before closing "
                           "those days.", field="closure_days")
        booked_on = (f"1 appointment is booked on {format_day(first.date())} (at {format_time(first)}): move it"
                     if count == 1 else f"{count} appointments are booked on {format_day(first.date())} "
                                        f"(the first at {format_time(first)}): move them")
        raise ValidationError(f"{booked_on} before closing that day.", field="closure_days")
    outside = [starts for starts, ends in booked if _outside(after, starts, ends) and not
               _outside(before, starts, ends)]
    if outside:
        first, count = outside[0], len(outside)
        hours = f"{after.opens_at.isoformat('minutes')}–{after.closes_at.isoformat('minutes')}"
        them = (f"1 booked appointment falls outside the new opening hours {hours}, on" if count == 1 else
                f"{count} booked appointments fall outside the new opening hours {hours}, the first on")
        raise ValidationError(f"{them} {format_day(first.date())} at {format_time(first)}: move "
                       f"{'it' if count == 1 else 'them'} before changing the hours.",
                       field="opens_at" if after.opens_at > before.opens_at else "closes_at")


def start_of_clinic_day(day: date, zone: ZoneInfo) -> datetime:
    """The UTC instant the clinic's day begins (appointment starts are stored in UTC)."""
    return datetime.combine(day, time(), tzinfo=zone).astimezone(timezone.utc)


def _outside(settings: ClinicSettings, starts: datetime, ends: datetime) -> bool:
    return (starts.time() < settings.opens_at or ends.time() > settings.closes_at
            or ends.date() != starts.date())


# A deadline that a closure day moved earlier sits at most this many days before it
# (a run of closures over Christmas and New Year, plus the weekends around it).
_CLOSURE_REACH_DAYS = 21


def _move_deadlines_for_new_calendar(actor, before: ClinicSettings, after: ClinicSettings) -> list[str]:
    """Deadlines of items nobody has acted on yet follow a changed clinic calendar at once."""
    from clinic_desktop.services.episodes import pathway_sync  # pathway_sync reads settings: imported late

    if before.holiday_region != after.holiday_region:
        return pathway_sync.resynchronise_waiting_items(actor)
    changed = set(before.closure_days) ^ set(after.closure_days)
    if not changed:
        return []
    return pathway_sync.resynchronise_waiting_items(
        actor, min(changed) - timedelta(days=_CLOSURE_REACH_DAYS), max(changed))
