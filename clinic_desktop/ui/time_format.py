"""How dates and times read on screen: UK style, local time."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo


def short_date(day: date | None) -> str:
    return day.strftime("%d %b %Y") if day else ""


def local_time(instant: datetime | None, zone: ZoneInfo) -> str:
    """An instant stored in UTC, shown in the clinic's time zone."""
    return instant.astimezone(zone).strftime("%H:%M") if instant else ""
