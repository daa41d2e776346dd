"""Sending reminders: every reminder due (a run), one failed reminder again (Retry), a test message.

Each reminder is claimed before it is sent and its outcome recorded after
(reminder_claims.py), each step a transaction of its own, so no transaction waits on the
mail server or on Notify. A run is one audit event, written when it ends (if it tried
anything), and each failure is one more, with its reason. A run stopped part-way (Cancel
on the page) keeps what it sent and says so.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from clinic_desktop.models import Appointment, Episode, Patient
from clinic_desktop.services.admin.settings import ClinicSettings, load_settings
from clinic_desktop.services.audit import audit
from clinic_desktop.services.core import clock, progress, validation
from clinic_desktop.services.core.entity import Entity
from clinic_desktop.services.core.errors import InvalidTransition, ValidationError
from clinic_desktop.services.core.transaction import database_errors_in_words, permission_checked, service
from clinic_desktop.services.messaging.delivery_failed import DeliveryFailed
from clinic_desktop.services.messaging.email_transport import email_configured, send_email
from clinic_desktop.services.messaging.sms_transport import send_sms, sms_configured
from clinic_desktop.services.reminders import reminder_claims
from clinic_desktop.services.reminders.reminder_claims import Claim, channel_name
from clinic_desktop.services.reminders.reminder_lists import due_reminders, recipient
from clinic_desktop.services.reminders.reminder_text import (
    reminder_email_body,
    reminder_subject,
    reminder_text,
    trial_message_text,
)

__all__ = ["SendReport", "retry_reminder", "send_due_reminders", "send_test_message"]


@dataclass(frozen=True)
class SendReport:
    sent: Counter  # by channel
    failed: tuple[str, ...]  # "SMITH, Ann (SMS): the reason", one a failure
    not_set_up: Counter  # reminders due by a channel the clinic has not set up, by channel
    taken_by_others: int = 0  # claimed by another workstation while this run went through the list

    @property
    def sent_count(self) -> int:
        return sum(self.sent.values())

    def in_words(self) -> str:
        """One paragraph for the page, the command line and the audit trail."""
        parts = [f"{_count(self.sent_count, 'reminder')} sent" + _by_channel(self.sent)]
        if self.failed:
            parts.append(f"{len(self.failed)} failed")
        for channel, count in sorted(self.not_set_up.items()):
            parts.append(f"{_count(count, 'reminder')} not sent because {channel_name(channel)} is not set up "
                         "(Administration → Messages)")
        if self.taken_by_others:
            parts.append(f"{self.taken_by_others} sent by another workstation")
        return "; ".join(parts) + "."


@permission_checked("send_reminders")
def send_due_reminders(actor) -> SendReport:
    """Send every reminder due now, and any a stopped workstation left half-sent."""
    with database_errors_in_words():
        settings = load_settings()
        due = due_reminders(actor)
        stale = reminder_claims.stale_claims()
    set_up = {"sms": sms_configured(settings), "email": email_configured(settings)}
    sent, not_set_up, failed, others = Counter(), Counter(), [], 0
    total = len(due) + len(stale)
    try:
        for done, item in enumerate(due):
            progress.step(done, total, f"Sending reminders: {done} of {total}")
            if not set_up[item.channel]:
                not_set_up[item.channel] += 1
                continue
            with database_errors_in_words():
                claim = reminder_claims.claim_new(item.appointment_id, item.channel, item.starts_at)
            if claim is None:
                others += 1
                continue
            _tally(_deliver(actor, settings, claim), claim, sent, failed)
        for done, reminder_id in enumerate(stale, start=len(due)):
            progress.step(done, total, f"Sending reminders: {done} of {total}")
            with database_errors_in_words():
                claim = reminder_claims.claim_again(reminder_id)
            if claim is not None:
                _tally(_deliver(actor, settings, claim), claim, sent, failed)
    finally:
        report = SendReport(sent, tuple(failed), not_set_up, others)
        if sent or failed or not_set_up:
            _record_run(actor, report.in_words(), sent=dict(sent), failed=len(failed), not_set_up=dict(not_set_up))
    return report


@permission_checked("send_reminders")
def retry_reminder(actor, reminder_id: int) -> SendReport:
    """Send a failed reminder again, to the patient's number or address as it is now."""
    reminder_id = validation.record_id(reminder_id, "reminder")
    with database_errors_in_words():
        settings = load_settings()
        claim = reminder_claims.claim_again(reminder_id)
    if claim is None:
        raise InvalidTransition("this reminder was sent meanwhile, is being sent by another workstation, or its "
                                "appointment was moved or cancelled; the lists are up to date now")
    sent, failed = Counter(), []
    _tally(_deliver(actor, settings, claim), claim, sent, failed)
    report = SendReport(sent, tuple(failed), Counter())
    _record_run(actor, f"retried a reminder: {report.in_words()}", reminder_id=reminder_id)
    return report


@permission_checked("manage_settings")
def send_test_message(actor, channel: str, to: str) -> str:
    """Send a test message with the saved settings and stored secrets; returns the provider's id."""
    if channel not in ("sms", "email"):
        raise ValidationError(f"{channel!r} is not a way of sending (sms or email)", field="channel")
    to = validation.text(to, "to", label="number or address to send to")
    if not to:
        raise ValidationError("enter the mobile number or e-mail address to send the test message to", field="to")
    with database_errors_in_words():
        settings = load_settings()
    text = trial_message_text(settings)
    provider_id = (send_sms(settings, to, text, reference="clinic-desktop-test") if channel == "sms"
                   else send_email(settings, to, f"Test message from {settings.name}", text))
    _record_test(actor, channel, to)
    return provider_id


def _deliver(actor, settings: ClinicSettings, claim: Claim) -> tuple[str, str | None]:
    """Send one claimed reminder and record how it went: (the patient's name, the failure or None)."""
    with database_errors_in_words():
        patient = (Patient.select().join(Episode).join(Appointment)
                   .where(Appointment.id == claim.appointment_id).get())
        to = recipient(patient, claim.channel, clock.today(settings.zone))
    try:
        if not to:
            raise DeliveryFailed(f"the patient no longer has consent to {channel_name(claim.channel)} reminders, "
                                 "or a number or address for them, on record")
        if claim.channel == "sms":
            provider_id = send_sms(settings, to, reminder_text(settings, claim.starts_at),
                                   reference=f"reminder-{claim.reminder_id}-{claim.attempt}")
        else:
            provider_id = send_email(settings, to, reminder_subject(settings, claim.starts_at),
                                     reminder_email_body(settings, claim.starts_at))
    except DeliveryFailed as error:
        with database_errors_in_words():
            reminder_claims.record_failed(claim, actor, str(error), patient.id)
        return patient.display_name, str(error)
    with database_errors_in_words():
        reminder_claims.record_sent(claim, provider_id)
    return patient.display_name, None


def _tally(outcome: tuple[str, str | None], claim: Claim, sent: Counter, failed: list[str]) -> None:
    name, failure = outcome
    if failure is None:
        sent[claim.channel] += 1
    else:
        failed.append(f"{name} ({channel_name(claim.channel)}): {failure}")


@service("send_reminders")
def _record_run(actor, summary: str, **details) -> None:
    audit.record(actor, "send_reminders", Entity.REMINDER, None, f"Reminders: {summary}", **details)


@service("manage_settings")
def _record_test(actor, channel: str, to: str) -> None:
    audit.record(actor, "send_test_message", Entity.REMINDER, None,
                 f"sent a test {channel_name(channel)} message to {to}", channel=channel)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _by_channel(counts: Counter) -> str:
    shown = [f"{count} by {channel_name(channel)}" for channel, count in sorted(counts.items()) if count]
    return f" ({', '.join(shown)})" if len(shown) > 1 else ""
