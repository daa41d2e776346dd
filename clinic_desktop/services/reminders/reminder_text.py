"""The words of a reminder: the date, the time, the place and how to change it, nothing else.

A text message may be read by whoever holds the phone, an e-mail by whoever shares the
inbox: nothing says why the patient is coming (no review kind, no clinician or specialty),
and not even the patient's name.
"""
from __future__ import annotations

from datetime import datetime

from clinic_desktop.services.core.clinic_time import format_day, format_time, to_local

__all__ = ["reminder_email_body", "reminder_subject", "reminder_text", "trial_message_text"]


def reminder_text(settings, starts_at: datetime) -> str:
    """The SMS, and the body of the e-mail."""
    local = to_local(starts_at, settings.zone)
    address = ", ".join(line.strip() for line in settings.address.splitlines() if line.strip())
    place = f"{settings.name}, {address}" if address else settings.name
    text = f"Reminder: you have an appointment on {format_day(local.date())} at {format_time(local)} at {place}."
    if settings.telephone.strip():
        text += f" To change or cancel it, please call {settings.telephone.strip()}."
    return text


def reminder_subject(settings, starts_at: datetime) -> str:
    local = to_local(starts_at, settings.zone)
    return f"Appointment reminder: {format_day(local.date())} at {format_time(local)}"


def reminder_email_body(settings, starts_at: datetime) -> str:
    return f"{reminder_text(settings, starts_at)}\n\n{settings.name}\n"


def trial_message_text(settings) -> str:
    return f"This is a test message from {settings.name}'s Clinic Desktop. No reply is needed."
