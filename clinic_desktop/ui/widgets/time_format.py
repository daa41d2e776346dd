"""How dates and times read on screen: UK style, local time."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from clinic_desktop.services.core.clinic_time import format_short_day


def short_date(day: date | None) -> str:
    return day.strftime("%d %b %Y") if day else ""


def local_time(instant: datetime | None, zone: ZoneInfo) -> str:
    """An instant stored in UTC, shown in the clinic's time zone."""
    return instant.astimezone(zone).strftime("%H:%M") if instant else ""


def weekday_date(day: date | None) -> str:
    """Thu 10 Dec: a day in the coming weeks, worded the same whatever locale Qt set for the process."""
    return format_short_day(day) if day else ""
