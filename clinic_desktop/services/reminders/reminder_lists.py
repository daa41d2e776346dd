"""What the Reminders page lists: reminders due, sent and failed.

Due: every booked appointment from now until the end of the day N days ahead (the clinic's
``reminder_days_before``), once for each channel the patient consented to and has a number
or address for, unless a reminder for that channel and that start was already tried. A
moved appointment is owed a new one; a cancelled one is owed none.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from clinic_desktop.models import Appointment, Episode, Patient, Reminder
from clinic_desktop.services.admin.settings import load_settings, start_of_clinic_day
from clinic_desktop.services.core import clock
from clinic_desktop.services.core.transaction import service

__all__ = ["DueReminder", "ReminderRecord", "due_reminders", "failed_reminders", "recipient", "sent_reminders"]

_SENT_DAYS_SHOWN = 30
_LIMIT = 2000


@dataclass(frozen=True)
class DueReminder:
    appointment_id: int
    patient_id: int
    patient_name: str
    channel: str  # "sms" | "email"
    to: str  # the mobile number or e-mail address
    starts_at: datetime


@dataclass(frozen=True)
class ReminderRecord:
    reminder_id: int
    appointment_id: int
    patient_id: int
    patient_name: str
    channel: str
    starts_at: datetime
    status: str  # "sending" | "sent" | "failed"
    attempted_at: datetime
    finished_at: datetime | None
    failure: str | None
    attempts: int


def recipient(patient: Patient, channel: str, today: date | None = None) -> str:
    """Where this patient's reminder by ``channel`` goes, or "" without consent or a number/address.

    A consent dated after ``today`` (a typing slip) is not yet a consent.
    """
    consented_on, to = ((patient.sms_reminders_consented_on, patient.mobile) if channel == "sms"
                        else (patient.email_reminders_consented_on, patient.email))
    if consented_on is None or (today is not None and consented_on > today):
        return ""
    return to.strip()


@service("send_reminders", changes=False)
def due_reminders(actor) -> tuple[DueReminder, ...]:
    """The reminders owed now, soonest appointment first."""
    settings = load_settings()
    now = clock.now_utc()
    today = clock.today(settings.zone)
    horizon = start_of_clinic_day(today + timedelta(days=settings.reminder_days_before + 1), settings.zone)
    rows = list(Appointment.select(Appointment.id, Appointment.starts_at, Patient)
                .join(Episode).join(Patient)
                .where((Appointment.status == "booked") & (Appointment.starts_at > now)
                       & (Appointment.starts_at < horizon)
                       & (Patient.sms_reminders_consented_on.is_null(False)
                          | Patient.email_reminders_consented_on.is_null(False)))
                .order_by(Appointment.starts_at, Appointment.id).limit(_LIMIT))
    tried = {(row.appointment_id, row.channel, row.starts_at) for row in
             Reminder.select(Reminder.appointment, Reminder.channel, Reminder.starts_at)
             .where(Reminder.appointment.in_([row.id for row in rows]))} if rows else set()
    due = []
    for row in rows:
        patient = row.episode.patient
        for channel in ("sms", "email"):
            to = recipient(patient, channel, today)
            if to and (row.id, channel, row.starts_at) not in tried:
                due.append(DueReminder(row.id, patient.id, patient.display_name, channel, to, row.starts_at))
    return tuple(due)


@service("send_reminders", changes=False)
def sent_reminders(actor) -> tuple[ReminderRecord, ...]:
    """Reminders sent (or being sent) in the last 30 days, newest first."""
    since = clock.now_utc() - timedelta(days=_SENT_DAYS_SHOWN)
    return _records((Reminder.status != "failed") & (Reminder.attempted_at >= since))


@service("send_reminders", changes=False)
def failed_reminders(actor) -> tuple[ReminderRecord, ...]:
    """Failed reminders whose appointment is still ahead (a retry can still help), newest first."""
    return _records((Reminder.status == "failed") & (Reminder.starts_at > clock.now_utc()))


def _records(condition) -> tuple[ReminderRecord, ...]:
    rows = (Reminder.select(Reminder, Appointment.id, Episode.id, Patient.id, Patient.family_name,
                            Patient.given_name)
            .join(Appointment).join(Episode).join(Patient)
            .where(condition).order_by(Reminder.attempted_at.desc(), Reminder.id.desc()).limit(_LIMIT))
    return tuple(ReminderRecord(row.id, row.appointment.id, row.appointment.episode.patient.id,
                                row.appointment.episode.patient.display_name, row.channel, row.starts_at,
                                row.status, row.attempted_at, row.finished_at, row.failure, row.attempts)
                 for row in rows)
