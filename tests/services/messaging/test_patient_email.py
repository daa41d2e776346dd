"""A document e-mailed to a patient, the mail server's own refusals, and the messaging settings."""
from datetime import datetime, timezone
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from message_servers import MailServer, free_port
from reminder_records import booked_visit, set_up_messaging

from clinic_desktop.models import AuditEvent
from clinic_desktop.services.admin.settings import update_clinic_settings
from clinic_desktop.services.appointments import confirmation
from clinic_desktop.services.core.errors import InvalidTransition, ValidationError
from clinic_desktop.services.messaging.delivery_failed import DeliveryFailed
from clinic_desktop.services.messaging.patient_email import email_document
from clinic_desktop.services.reminders import reminder_sending

CLINIC_TIME = datetime(2026, 12, 7, 9, 0, tzinfo=timezone.utc)
PDF = b"%PDF-1.4 a confirmation"


@pytest.fixture
def clinic(sqlite_staff, smtp_server, notify_server, memory_keyring):
    set_up_messaging(sqlite_staff.manager, smtp_server, notify_server)
    return sqlite_staff


def test_a_document_goes_to_the_patients_address_as_a_pdf_and_is_audited(clinic, smtp_server):
    patient_id = booked_visit(clinic.clinician.user_id, CLINIC_TIME).episode.patient_id
    email_document(clinic.receptionist, patient_id, "Your appointment", "Your confirmation is attached.", PDF,
                   "confirmation.pdf")
    [envelope] = smtp_server.messages
    mail = message_from_bytes(envelope.original_content, policy=policy.default)
    [attachment] = mail.iter_attachments()
    assert (envelope.rcpt_tos, attachment.get_filename(), attachment.get_content()) == (
        ["ann.smith@example.org"], "confirmation.pdf", PDF)
    [event] = AuditEvent.select().where(AuditEvent.action == "email_document")
    assert (event.summary, event.patient_id) == ("e-mailed confirmation.pdf to ann.smith@example.org", patient_id)


def test_a_patient_without_an_email_address_is_refused_with_what_to_do(clinic, smtp_server):
    patient_id = booked_visit(clinic.clinician.user_id, CLINIC_TIME, email="").episode.patient_id
    with pytest.raises(ValidationError, match="SMITH, Ann has no e-mail address on record: add one with Edit "
                                              "details, or print the document instead"):
        email_document(clinic.receptionist, patient_id, "Your appointment", "", PDF, "confirmation.pdf")
    assert smtp_server.messages == [] and not AuditEvent.select().where(AuditEvent.action == "email_document").exists()


def test_a_mail_server_refusing_the_message_says_so(clinic, smtp_server):
    patient_id = booked_visit(clinic.clinician.user_id, CLINIC_TIME).episode.patient_id
    smtp_server.refuse = "451 4.3.0 Mailbox busy, try again later"
    with pytest.raises(DeliveryFailed, match=r"the mail server refused the message \(451 4.3.0 Mailbox busy") as error:
        email_document(clinic.receptionist, patient_id, "Your appointment", "", PDF, "confirmation.pdf")
    assert error.value.temporary


def test_a_mail_server_whose_certificate_is_not_trusted_gets_nothing(clinic, smtp_server, tmp_path, monkeypatch):
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "no-authorities.pem"))  # the test's authority not trusted
    patient_id = booked_visit(clinic.clinician.user_id, CLINIC_TIME).episode.patient_id
    with pytest.raises(DeliveryFailed, match="the mail server 127.0.0.1's certificate could not be trusted"):
        email_document(clinic.receptionist, patient_id, "Your appointment", "", PDF, "confirmation.pdf")
    assert smtp_server.messages == []


def test_a_mail_server_without_starttls_is_told_nothing(clinic, smtp_server):
    plain = MailServer("127.0.0.1", free_port())
    controller = Controller(plain, hostname=plain.host, port=plain.port, auth_require_tls=False,
                            authenticator=lambda *_: AuthResult(success=True))
    controller.start()
    try:
        update_clinic_settings(clinic.manager, smtp_port=plain.port)
        patient_id = booked_visit(clinic.clinician.user_id, CLINIC_TIME).episode.patient_id
        with pytest.raises(DeliveryFailed, match=r"does not offer an encrypted connection \(STARTTLS\); nothing"):
            email_document(clinic.receptionist, patient_id, "Your appointment", "", PDF, "confirmation.pdf")
    finally:
        controller.stop()
    assert plain.messages == []


def test_a_test_message_goes_by_each_channel_with_the_saved_settings(clinic, smtp_server, notify_server):
    reminder_sending.send_test_message(clinic.manager, "sms", "07700 900999")
    reminder_sending.send_test_message(clinic.manager, "email", "manager@clinic.example")
    assert notify_server.requests[0]["personalisation"]["message"] == (
        "This is a test message from Riverside Back Clinic's Clinic Desktop. No reply is needed.")
    assert smtp_server.messages[0].rcpt_tos == ["manager@clinic.example"]
    assert AuditEvent.select().where(AuditEvent.action == "send_test_message").count() == 2


@pytest.mark.parametrize("change, message", [
    ({"reminder_days_before": 0}, "reminders go between 1 and 14 days before the appointment"),
    ({"email_sender": "reception"}, "e-mail needs the address it is sent from"),
    ({"notify_base_url": "http://api.notifications.service.gov.uk"}, "must start with https://"),
    ({"notify_sms_template_id": "template one"}, "the Notify template ID looks like"),
])
def test_messaging_settings_are_checked_before_they_are_saved(clinic, change, message):
    with pytest.raises(ValidationError, match=message):
        update_clinic_settings(clinic.manager, **change)



def test_a_booked_appointments_confirmation_is_emailed_saying_when_and_nothing_clinical(clinic, smtp_server):
    visit = booked_visit(clinic.clinician.user_id, CLINIC_TIME)  # a 2-week review, Mon 7 Dec 2026 09:00 UTC
    assert confirmation.email_confirmation(clinic.receptionist, visit.id) == "ann.smith@example.org"
    [envelope] = smtp_server.messages
    mail = message_from_bytes(envelope.original_content, policy=policy.default)
    [attachment] = mail.iter_attachments()
    assert attachment.get_filename() == "appointment-confirmation.pdf"
    assert attachment.get_content().startswith(b"%PDF")
    assert mail["Subject"] == "Your appointment on Mon 7 Dec 2026 at 09:00"
    body = mail.get_body(("plain",)).get_content()
    assert "Dear Ann Smith" in body and "review" not in body.lower() and "back pain" not in body.lower()


def test_a_confirmation_is_emailed_only_for_a_booked_appointment(clinic, smtp_server):
    visit = booked_visit(clinic.clinician.user_id, CLINIC_TIME)
    visit.status = "cancelled"
    visit.save()
    with pytest.raises(InvalidTransition, match="only a booked appointment has a confirmation"):
        confirmation.email_confirmation(clinic.receptionist, visit.id)
    assert smtp_server.messages == []
