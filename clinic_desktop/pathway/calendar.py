"""Working-day deadlines, so a due date never lands on a day the clinic is shut.

A deadline is "no later than": one that falls on a weekend, a public holiday of the
clinic's region or a closure day moves to the previous working day (DESIGN.md).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from types import MappingProxyType

_ONE_DAY = timedelta(days=1)
_SATURDAY = 5
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def day_words(day: date) -> str:
    """3 Nov 2026, as the rules word a day in a reason or warning, whatever locale Qt has set."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


@dataclass(frozen=True)
class WorkingCalendar:
    """The clinic's working days: Monday to Friday, minus its region's public holidays and closures.

    region is "CC" or "CC-SUBDIV" as the holidays package names them ("GB-ENG", "DE-BY", "US").
    """

    region: str = "GB-ENG"
    closures: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        _check_region(self.region)
        closures = frozenset(self.closures)
        for day in closures:
            if type(day) is not date:
                raise ValueError(f"closure days must be dates, got {day!r}")
        object.__setattr__(self, "closures", closures)

    def is_working_day(self, day: date) -> bool:
        """Whether the clinic is open on day."""
        _check_date(day)
        return (
            day.weekday() < _SATURDAY
            and day not in self.closures
            and day not in _public_holidays(self.region, day.year)
        )

    def deadline(self, start: date, days: int) -> date:
        """start + days, moved back to the previous working day when it is not one; never later."""
        _check_date(start)
        if isinstance(days, bool) or not isinstance(days, int) or days < 0:
            raise ValueError(f"days must be a whole number of days, 0 or more, got {days!r}")
        day = start + timedelta(days=days)
        while not self.is_working_day(day):
            day -= _ONE_DAY
        return day

    def working_days_before(self, day: date, count: int) -> date:
        """The working day ``count`` working days before ``day`` (which need not be one itself).

        Something due "within N working days" of an event on day E is late on ``day`` when
        E falls before ``working_days_before(day, N)``.
        """
        _check_date(day)
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise ValueError(f"count must be a whole number of working days, 0 or more, got {count!r}")
        for _ in range(count):
            day -= _ONE_DAY
            while not self.is_working_day(day):
                day -= _ONE_DAY
        return day

    def closed_reason(self, day: date) -> str | None:
        """Why the clinic is shut on day, in the words the appointment book shows; None when open.

        A closure day says "Closed" even on a holiday or weekend (the clinic chose it); a
        holiday is named even on a weekend ("Bank holiday" in the UK, "Public holiday"
        elsewhere), so the substitute day off that follows makes sense to the reader.
        """
        if self.is_working_day(day):
            return None
        if day in self.closures:
            return "Closed"
        holiday = _public_holidays(self.region, day.year).get(day)
        if holiday:
            return f"{'Bank' if self.region.startswith('GB') else 'Public'} holiday: {holiday}"
        return "Weekend" if day.weekday() >= _SATURDAY else "Closed"  # "Closed": a holiday with no name


def due_date(start: date, days: int, region: str = "GB-ENG", closures: Iterable[date] = ()) -> date:
    """The deadline start + days on the working calendar of region and closures."""
    return _calendar(region, frozenset(closures)).deadline(start, days)


@lru_cache(maxsize=64)
def _calendar(region: str, closures: frozenset[date]) -> WorkingCalendar:
    return WorkingCalendar(region, closures)


def _split_region(region: str) -> tuple[str, str | None]:
    country, _, subdivision = region.partition("-")
    return country, subdivision or None


@lru_cache(maxsize=None)
def _check_region(region: str) -> None:
    if not isinstance(region, str):
        raise ValueError(f"holiday region must be a string like 'GB-ENG', got {region!r}")
    import holidays  # a quarter of a second to import: only when a calendar is first used

    country, subdivision = _split_region(region)
    try:
        holidays.country_holidays(country, subdiv=subdivision)
    except NotImplementedError as error:
        raise ValueError(f"unknown holiday region {region!r}: {error}") from None


@lru_cache(maxsize=None)
def _public_holidays(region: str, year: int) -> Mapping[date, str]:
    """The region's holidays in year, by name; read-only, as every caller shares the cached copy."""
    import holidays

    country, subdivision = _split_region(region)
    return MappingProxyType(dict(holidays.country_holidays(country, subdiv=subdivision, years=year)))


def _check_date(day: object) -> None:
    if type(day) is not date:
        raise TypeError(f"expected a date, got {day!r}")
