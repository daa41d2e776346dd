"""What an audit event is about, as one closed set shared by services and windows.

Every changing service writes one audit event naming the kind of record it changed
(services/audit/audit.py); the same event is the change feed each open window reads to
decide whether to redraw (services/core/changes.py, ui/shell/change_hub.py). A typo in a
bare string would silently stop a view from redrawing, so both sides use this enum.

The ``audit_event.entity`` column stays text: the stored strings are these values, and a
``StrEnum`` compares equal to them, so rows written before the enum read back the same.
"""
from __future__ import annotations

from enum import StrEnum

__all__ = ["Entity"]


class Entity(StrEnum):
    APPOINTMENT = "appointment"
    PATIENT = "patient"
    EPISODE = "episode"
    REFERRAL = "referral"
    REFERRAL_DESTINATION = "referral_destination"
    USER = "user"
    CLINIC_SETTING = "clinic_setting"  # clinic details, timings, the letterhead
    DATABASE = "database"  # backups made and restored
    REPORT = "report"  # a report exported
    AUDIT_EVENT = "audit_event"  # the audit trail exported
    REMINDER = "reminder"  # appointment reminders sent or failed; a test message; a document e-mailed

    @classmethod
    def of(cls, stored: str) -> Entity | None:
        """The kind an audit row names, or None for a word this version does not know."""
        try:
            return cls(stored)
        except ValueError:
            return None
