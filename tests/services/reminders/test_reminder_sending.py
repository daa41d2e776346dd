"""Appointment reminders through a real mail server and a Notify stand-in on loopback, on SQLite and PostgreSQL."""
import contextvars
import threading
from datetime import datetime, timedelta, timezone
from email import message_from_bytes, policy

import pytest
from message_servers import NOTIFY_TEMPLATE_ID
from reminder_records import booked_visit, set_up_messaging

from clinic_desktop.models import AuditEvent, ClinicSetting, Reminder
from clinic_desktop.services.core.clock import frozen_at
from clinic_desktop.services.core.errors import InvalidTransition, PermissionDenied
from clinic_desktop.services.core.transaction import close_thread_connection
from clinic_desktop.services.messaging import keyring_secrets
from clinic_desktop.services.reminders import reminder_claims, reminder_lists, reminder_sending

CLINIC_TIME = datetime(2026, 12, 7, 9, 0, tzinfo=timezone.utc)  # Mon 7 Dec 2026, 09:00 in London
WEDNESDAY_10 = datetime(2026, 12, 9, 10, 0, tzinfo=timezone.utc)  # two days ahead: due
THURSDAY_10 = datetime(2026, 12, 10, 10, 0, tzinfo=timezone.utc)  # three days ahead: not yet
EXPECTED_TEXT = ("Reminder: you have an appointment on Wed 9 Dec 2026 at 10:00 at Riverside Back Clinic, "
                 "1 River Road, Leeds. To change or cancel it, please call 0113 496 0000.")


@pytest.fixture
def clinic(staff, smtp_server, notify_server, memory_keyring):
    set_up_messaging(staff.manager, smtp_server, notify_server)
    return staff


def received(smtp_server):
    return [message_from_bytes(envelope.original_content, policy=policy.default) for envelope in smtp_server.messages]


def test_a_due_reminder_says_only_when_and_where_by_sms_and_by_email(clinic, smtp_server, notify_server):
    visit = booked_visit(clinic.clinician.user_id, WEDNESDAY_10)
    report = reminder_sending.send_due_reminders(clinic.receptionist)
    assert report.in_words() == "2 reminders sent (1 by e-mail, 1 by SMS)."
    [sms] = notify_server.requests
    assert sms["phone_number"] == "07700 900123" and sms["template_id"] == NOTIFY_TEMPLATE_ID
    assert sms["personalisation"] == {"message": EXPECTED_TEXT}
    [mail] = received(smtp_server)
    assert mail["To"] == "ann.smith@example.org"
    assert mail["Subject"] == "Appointment reminder: Wed 9 Dec 2026 at 10:00"
    assert mail.get_content().replace("\r\n", "\n") == f"{EXPECTED_TEXT}\n\nRiverside Back Clinic\n"
    rows = {row.channel: row for row in Reminder.select()}
    assert {channel: (row.status, row.appointment_id, row.starts_at) for channel, row in rows.items()} == {
        "sms": ("sent", visit.id, WEDNESDAY_10), "email": ("sent", visit.id, WEDNESDAY_10)}
    assert rows["email"].provider_id == mail["Message-ID"] and rows["sms"].provider_id
    [run] = AuditEvent.select().where(AuditEvent.action == "send_reminders")
    assert run.summary == "Reminders: 2 reminders sent (1 by e-mail, 1 by SMS)."


def test_nothing_clinical_is_said_whatever_the_visit_is(clinic, notify_server):
    booked_visit(clinic.clinician.user_id, WEDNESDAY_10, kind="medication_review", email_consent=False)
    reminder_sending.send_due_reminders(clinic.receptionist)
    [sms] = notify_server.requests
    text = sms["personalisation"]["message"]
    assert text == EXPECTED_TEXT
    for clinical in ("medication", "review", "back pain", "Jones", "Smith", "Ann"):
        assert clinical not in text


def test_only_patients_who_consented_and_have_a_number_or_address_are_due(clinic):
    clinician = clinic.clinician.user_id
    both = booked_visit(clinician, WEDNESDAY_10)
    booked_visit(clinician, WEDNESDAY_10 + timedelta(minutes=20), family="Nokes", sms=False, email_consent=False)
    no_mobile = booked_visit(clinician, WEDNESDAY_10 + timedelta(minutes=40), family="Mobbs", mobile="  ")
    booked_visit(clinician, THURSDAY_10, family="Later")
    cancelled = booked_visit(clinician, WEDNESDAY_10 + timedelta(hours=1), family="Gone")
    cancelled.status, cancelled.cancel_reason = "cancelled", "patient rang"
    cancelled.save()
    due = reminder_lists.due_reminders(clinic.receptionist)
    assert [(item.patient_name, item.channel, item.to) for item in due] == [
        ("SMITH, Ann", "sms", "07700 900123"), ("SMITH, Ann", "email", "ann.smith@example.org"),
        ("MOBBS, Ann", "email", "ann.smith@example.org")]
    assert {item.appointment_id for item in due} == {both.id, no_mobile.id}


def test_each_reminder_goes_once_and_a_moved_appointment_is_reminded_of_its_new_time(
        clinic, smtp_server, notify_server):
    visit = booked_visit(clinic.clinician.user_id, WEDNESDAY_10)
    reminder_sending.send_due_reminders(clinic.receptionist)
    again = reminder_sending.send_due_reminders(clinic.receptionist)
    assert again.sent_count == 0 and len(notify_server.requests) == 1 and len(smtp_server.messages) == 1
    assert AuditEvent.select().where(AuditEvent.action == "send_reminders").count() == 1  # an idle run writes nothing
    visit.starts_at, visit.ends_at = WEDNESDAY_10 + timedelta(hours=4), WEDNESDAY_10 + timedelta(hours=4, minutes=20)
    visit.save()
    assert reminder_sending.send_due_reminders(clinic.receptionist).sent_count == 2
    assert "Wed 9 Dec 2026 at 14:00" in notify_server.requests[-1]["personalisation"]["message"]


def test_two_workstations_sending_at_once_send_each_reminder_exactly_once(clinic, smtp_server, notify_server):
    for number in range(8):
        booked_visit(clinic.clinician.user_id, WEDNESDAY_10 + timedelta(minutes=20 * number), family=f"Patient{number}",
                     mobile=f"07700 9001{number:02d}")
    start, reports, errors = threading.Barrier(2), [], []

    def workstation():
        try:
            start.wait(10)
            reports.append(reminder_sending.send_due_reminders(clinic.receptionist))
        except Exception as error:  # noqa: BLE001 - the assertion below names it
            errors.append(error)
        finally:
            close_thread_connection()  # as the window's background work does

    threads = [threading.Thread(target=contextvars.copy_context().run, args=(workstation,)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []
    assert sum(report.sent_count for report in reports) == 16
    assert sorted(request["phone_number"] for request in notify_server.requests) == [
        f"07700 9001{number:02d}" for number in range(8)]
    assert len(smtp_server.messages) == 8
    assert Reminder.select().where(Reminder.status == "sent").count() == 16


def test_a_refused_sms_is_listed_with_its_reason_audited_and_sent_on_retry(clinic, notify_server):
    booked_visit(clinic.clinician.user_id, WEDNESDAY_10, email_consent=False)
    notify_server.mode = "refuse"
    report = reminder_sending.send_due_reminders(clinic.receptionist)
    reason = "GOV.UK Notify refused the message (400: phone_number Not a UK mobile number)"
    assert report.failed == (f"SMITH, Ann (SMS): {reason}",)
    assert report.in_words() == "0 reminders sent; 1 failed."
    [failed] = reminder_lists.failed_reminders(clinic.receptionist)
    assert (failed.status, failed.failure, failed.attempts) == ("failed", reason, 1)
    [event] = AuditEvent.select().where(AuditEvent.action == "reminder_failed")
    assert event.summary == f"SMS reminder not sent: {reason}" and event.patient_id == failed.patient_id
    assert reminder_lists.due_reminders(clinic.receptionist) == ()  # not tried again by itself
    notify_server.mode = "ok"
    assert reminder_sending.retry_reminder(clinic.receptionist, failed.reminder_id).sent_count == 1
    assert reminder_lists.failed_reminders(clinic.receptionist) == ()
    [sent] = reminder_lists.sent_reminders(clinic.receptionist)
    assert (sent.status, sent.attempts) == ("sent", 2)
    with pytest.raises(InvalidTransition):
        reminder_sending.retry_reminder(clinic.receptionist, failed.reminder_id)


def test_notify_down_and_a_wrong_mail_password_are_failures_in_words(clinic, notify_server):
    booked_visit(clinic.clinician.user_id, WEDNESDAY_10)
    notify_server.mode = "down"
    keyring_secrets.store_secret(keyring_secrets.SMTP_PASSWORD, "not the password")
    report = reminder_sending.send_due_reminders(clinic.receptionist)
    assert report.failed == (
        "SMITH, Ann (SMS): GOV.UK Notify could not take the message just now (500: Internal server error)",
        "SMITH, Ann (e-mail): the mail server 127.0.0.1 refused the user name or password")


def test_a_send_cut_off_after_its_claim_is_sent_again_once_the_lease_has_run_out(clinic, notify_server):
    visit = booked_visit(clinic.clinician.user_id, WEDNESDAY_10, email_consent=False)
    assert reminder_claims.claim_new(visit.id, "sms", WEDNESDAY_10) is not None  # then the workstation died
    assert reminder_sending.send_due_reminders(clinic.receptionist).sent_count == 0
    assert notify_server.requests == []
    with frozen_at(CLINIC_TIME + reminder_claims.LEASE):
        assert reminder_sending.send_due_reminders(clinic.receptionist).sent_count == 1
    [row] = Reminder.select()
    assert (row.status, row.attempts) == ("sent", 2)
    assert notify_server.requests[0]["reference"] == f"reminder-{row.id}-2"


def test_a_channel_not_set_up_is_named_and_nothing_is_claimed(staff, memory_keyring):
    booked_visit(staff.clinician.user_id, WEDNESDAY_10)
    report = reminder_sending.send_due_reminders(staff.receptionist)
    assert report.in_words() == ("0 reminders sent; 1 reminder not sent because e-mail is not set up "
                                 "(Administration → Messages); 1 reminder not sent because SMS is not set up "
                                 "(Administration → Messages).")
    assert Reminder.select().count() == 0 and len(reminder_lists.due_reminders(staff.receptionist)) == 2


def test_the_secrets_stay_out_of_the_database_and_a_clinician_does_not_send(clinic, memory_keyring):
    stored = " ".join(value for (value,) in ClinicSetting.select(ClinicSetting.value).tuples())
    assert "mail secret 2026" not in stored and keyring_secrets.NOTIFY_API_KEY not in stored
    assert memory_keyring.stored[(keyring_secrets.KEYRING_SERVICE, keyring_secrets.SMTP_PASSWORD)] == "mail secret 2026"
    with pytest.raises(PermissionDenied):
        reminder_sending.send_due_reminders(clinic.clinician)
