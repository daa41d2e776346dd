"""Closing a review's waiting-list entry when the review moves on without the list.

A patient waits for an earlier slot only while their review is still to come: once it is
booked elsewhere, attended, missed or cancelled the entry must go, or a freed slot would
be offered for a review that no longer needs one. Every service that moves a review on
calls ``close_waiting`` inside its own transaction; this module reads no other service,
so the appointment, discharge and pathway services can all use it.
"""
from __future__ import annotations

from clinic_desktop.models import WaitingListEntry
from clinic_desktop.services.core.clock import now_utc

__all__ = ["close_waiting"]


def close_waiting(appointment_id: int, reason: str, closed_by: int | None = None) -> bool:
    """Close the appointment's open entry, if it has one; True when one was closed."""
    return bool(WaitingListEntry.update(closed_at=now_utc(), closed_by=closed_by, closed_reason=reason).where(
        (WaitingListEntry.appointment == appointment_id) & WaitingListEntry.closed_at.is_null()).execute())
