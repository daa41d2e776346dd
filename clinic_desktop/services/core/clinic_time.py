"""Clinic wall time to UTC and back, refusing the times a clock change makes unclear.

Appointment times are stored in UTC and typed in the clinic's time zone. A wall time the
spring change skips does not exist and one the autumn change repeats happens twice;
neither is ever stored by guessing (DESIGN.md, "Times"). Also the day and time wording
every message uses, independent of the locale Qt sets for the process.
"""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from clinic_desktop.services.core.errors import ValidationError

__all__ = ["AMBIGUOUS_CHOICES", "format_date", "format_day", "format_short_day", "format_time", "to_local", "to_utc"]

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
AMBIGUOUS_CHOICES = ("earlier", "later")


def to_utc(local: datetime, zone: ZoneInfo, *, ambiguous: str | None = None) -> datetime:
    """The UTC instant of a naive clinic wall time.

    ``ambiguous`` ("earlier" or "later") picks one of the two instants of a repeated wall
    time; without it a repeated time is refused, as is a time that does not exist.
    """
    if local.tzinfo is not None:
        # A time typed at the clinic is its own wall time; one carrying a zone came from
        # elsewhere, and converting it silently could move the appointment by hours.
        raise ValidationError(f"{format_time(local)} on {format_day(local.date())} was given with a time zone "
                              f"({local.tzname()}): give the clinic's own wall time", field="starts_local")
    if ambiguous not in (None, *AMBIGUOUS_CHOICES):
        raise ValidationError(f"choose the earlier or the later time, not {ambiguous!r}", field="ambiguous")
    earlier = local.replace(tzinfo=zone, fold=0).astimezone(timezone.utc)
    later = local.replace(tzinfo=zone, fold=1).astimezone(timezone.utc)
    if earlier == later:
        return earlier
    when = f"{format_time(local)} on {format_day(local.date())}"
    if earlier.astimezone(zone).replace(tzinfo=None) != local:
        # zoneinfo maps a skipped time with the offset before the change, which lands on
        # another wall time when converted back: that is how a gap shows itself.
        raise ValidationError(f"{when} does not exist in {zone.key} (clocks go forward)", field="starts_local")
    if ambiguous is None:
        raise ValidationError(
            f"{when} happens twice in {zone.key} (clocks go back): choose the earlier or the later one",
            field="ambiguous",
        )
    return earlier if ambiguous == "earlier" else later


def to_local(utc: datetime, zone: ZoneInfo) -> datetime:
    """The clinic wall time of a stored instant, aware of its zone (so a repeated hour stays exact)."""
    if utc.tzinfo is None:
        raise ValueError(f"a stored instant is timezone-aware, got {utc!r}")
    return utc.astimezone(zone)


def format_day(day: date) -> str:
    """Thu 10 Dec 2026."""
    return f"{format_short_day(day)} {day.year}"


def format_date(day: date) -> str:
    """10 Dec 2026, without the weekday, as the pathway words its reasons."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def format_short_day(day: date) -> str:
    """Thu 10 Dec, for a time in the coming weeks."""
    return f"{_DAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]}"


def format_time(moment: datetime) -> str:
    """10:00 (24-hour clock, as the appointment book shows it)."""
    return f"{moment.hour:02d}:{moment.minute:02d}"
