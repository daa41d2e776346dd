"""Clinic-wide settings: identity, time zone, holiday region, closure days, hours."""
from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, replace
from datetime import date, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from clinic_desktop.models import ClinicSetting
from clinic_desktop.pathway.calendar import WorkingCalendar
from clinic_desktop.services import audit
from clinic_desktop.services.errors import ValidationError
from clinic_desktop.services.transaction import service

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
    # The daily automatic backup (services/backup_schedule.py); an empty folder means the
    # "backups" folder beside the database file (PostgreSQL: in the user's data folder).
    daily_backup: bool = True
    backup_folder: str = ""
    backup_copies_kept: int = 14

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
    _validate_backup(settings)


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
    updated = replace(current, **changes)
    validate(updated)
    if "closure_days" in changes:  # sorted only once known to be dates
        changes["closure_days"] = tuple(sorted(set(changes["closure_days"])))
        updated = replace(updated, closure_days=changes["closure_days"])
    ClinicSetting.insert(name=_KEY, value=updated.to_json()).on_conflict(
        conflict_target=[ClinicSetting.name], update={ClinicSetting.value: updated.to_json()}
    ).execute()
    pathway = _move_deadlines_for_new_calendar(actor, current, updated)
    audit.record(actor, "update_clinic_settings", "clinic_setting", None,
                 f"changed clinic settings: {', '.join(sorted(changes))}",
                 pathway=pathway, **changes)  # dates as ISO text
    return updated


# A deadline that a closure day moved earlier sits at most this many days before it
# (a run of closures over Christmas and New Year, plus the weekends around it).
_CLOSURE_REACH_DAYS = 21


def _move_deadlines_for_new_calendar(actor, before: ClinicSettings, after: ClinicSettings) -> list[str]:
    """Deadlines of items nobody has acted on yet follow a changed clinic calendar at once."""
    from clinic_desktop.services import (
        pathway_sync,  # pathway_sync reads settings: imported late
    )

    if before.holiday_region != after.holiday_region:
        return pathway_sync.resynchronise_waiting_items(actor)
    changed = set(before.closure_days) ^ set(after.closure_days)
    if not changed:
        return []
    return pathway_sync.resynchronise_waiting_items(
        actor, min(changed) - timedelta(days=_CLOSURE_REACH_DAYS), max(changed))
