"""The current time, in one place, so that the demo and the tests can set it.

Deadlines are dates in the clinic's time zone; events are UTC instants.
"""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, timezone
from typing import Callable, Iterator
from zoneinfo import ZoneInfo

__all__ = ["frozen_at", "now_utc", "today"]

_now: ContextVar[Callable[[], datetime]] = ContextVar("clinic_now", default=lambda: datetime.now(timezone.utc))


def now_utc() -> datetime:
    return _now.get()().astimezone(timezone.utc)


def today(zone: ZoneInfo) -> date:
    """Today's date in the clinic's time zone."""
    return now_utc().astimezone(zone).date()


@contextmanager
def frozen_at(moment: datetime) -> Iterator[None]:
    """Within the block, the clock reads ``moment`` (timezone-aware)."""
    if moment.tzinfo is None:
        raise ValueError("frozen_at needs a timezone-aware datetime")
    token = _now.set(lambda: moment)
    try:
        yield
    finally:
        _now.reset(token)
