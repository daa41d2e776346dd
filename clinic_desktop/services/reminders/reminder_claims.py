"""Claiming a reminder before it is sent, so that each one goes once only, and recording how it went.

How "once only" holds with several workstations (and the scheduled job) sending at once:

1. **Claim, in a transaction of its own, before sending.** A new reminder is claimed by
   inserting its row as "sending"; the unique key on (appointment, channel, starts_at) lets
   exactly one insert succeed, whichever database (PostgreSQL makes the second insert wait
   for the first to commit, then fail; SQLite's writers queue on BEGIN IMMEDIATE). A reminder
   tried before (failed, or left "sending") is claimed again by a compare-and-set on its
   attempt number: ``UPDATE … SET attempts = n + 1 WHERE id = … AND attempts = n``, which one
   workstation wins. The claim commits before the message leaves, so no transaction is held
   open across the network.
2. **Send, then record the outcome** (sent with the provider's id, or failed with the reason)
   only if the row still carries this attempt's number: a late answer to an attempt that
   was taken over writes nothing.
3. **A crash between claim and record** leaves the row "sending". Once it is older than
   ``LEASE`` (far longer than a send can take: both transports give up after 30 s) the next
   send run claims it again and sends. If the crash came after the provider accepted the
   message but before the row said so, the patient gets the reminder twice; that window is
   the few milliseconds between the provider's answer and the update, and a duplicate
   reminder is the lesser harm than a missing one. The attempt's reference (Notify) or
   Message-ID (e-mail) ties every message to its row for anyone checking.

A failed reminder is not tried again by itself (a wrong number would fail every run); the
Reminders page lists it with the reason and offers Retry.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from peewee import IntegrityError

from clinic_desktop.models import Appointment, Reminder, database_proxy
from clinic_desktop.services.audit import audit
from clinic_desktop.services.core.clock import now_utc
from clinic_desktop.services.core.entity import Entity

__all__ = ["LEASE", "Claim", "channel_name", "claim_again", "claim_new", "record_failed", "record_sent",
           "stale_claims"]

LEASE = timedelta(minutes=10)


@dataclass(frozen=True)
class Claim:
    """This workstation's right to send one reminder, for one attempt."""

    reminder_id: int
    attempt: int
    appointment_id: int
    channel: str
    starts_at: datetime


def claim_new(appointment_id: int, channel: str, starts_at: datetime) -> Claim | None:
    """Claim a reminder never tried before; None when another workstation has it (or the
    appointment was cancelled or moved meanwhile)."""
    try:
        with database_proxy.atomic():
            if not _still_booked(appointment_id, starts_at):
                return None
            row = Reminder.create(appointment=appointment_id, channel=channel, starts_at=starts_at,
                                  status="sending", attempted_at=now_utc(), attempts=1)
    except IntegrityError:
        return None  # the unique key: someone else claimed it first
    return Claim(row.id, 1, appointment_id, channel, starts_at)


def claim_again(reminder_id: int) -> Claim | None:
    """Claim a failed reminder, or one left "sending" longer than ``LEASE``; None when it was sent,
    is being sent, or its appointment is no longer booked at that time."""
    with database_proxy.atomic():
        row = Reminder.get_or_none(Reminder.id == reminder_id)
        if row is None or not (row.status == "failed" or _stale(row)):
            return None
        if not _still_booked(row.appointment_id, row.starts_at):
            return None
        taken = (Reminder.update(status="sending", attempted_at=now_utc(), attempts=Reminder.attempts + 1,
                                 failure=None, finished_at=None)
                 .where((Reminder.id == reminder_id) & (Reminder.attempts == row.attempts)).execute())
    if taken != 1:
        return None
    return Claim(row.id, row.attempts + 1, row.appointment_id, row.channel, row.starts_at)


def stale_claims() -> list[int]:
    """Reminders left "sending" by a workstation that stopped part-way, for the next run to send."""
    cutoff = now_utc() - LEASE
    return [row.id for row in Reminder.select(Reminder.id).where((Reminder.status == "sending")
                                                                 & (Reminder.attempted_at <= cutoff))]


def record_sent(claim: Claim, provider_id: str) -> None:
    with database_proxy.atomic():
        (Reminder.update(status="sent", finished_at=now_utc(), provider_id=provider_id[:200])
         .where(_is_this_attempt(claim)).execute())


def record_failed(claim: Claim, actor, reason: str, patient_id: int | None) -> None:
    """The failure, with its reason, on the row and in the audit trail."""
    with database_proxy.atomic():
        updated = (Reminder.update(status="failed", finished_at=now_utc(), failure=reason)
                   .where(_is_this_attempt(claim)).execute())
        if updated:
            audit.record(actor, "reminder_failed", Entity.REMINDER, claim.reminder_id,
                         f"{channel_name(claim.channel)} reminder not sent: {reason}", patient_id=patient_id,
                         appointment_id=claim.appointment_id, attempt=claim.attempt)


def _is_this_attempt(claim: Claim):
    return ((Reminder.id == claim.reminder_id) & (Reminder.attempts == claim.attempt)
            & (Reminder.status == "sending"))


def _still_booked(appointment_id: int, starts_at: datetime) -> bool:
    return Appointment.select().where((Appointment.id == appointment_id) & (Appointment.status == "booked")
                                      & (Appointment.starts_at == starts_at)).exists()


def _stale(row: Reminder) -> bool:
    return row.status == "sending" and row.attempted_at <= now_utc() - LEASE


def channel_name(channel: str) -> str:
    return "SMS" if channel == "sms" else "e-mail"
