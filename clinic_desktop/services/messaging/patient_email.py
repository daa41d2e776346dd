"""A document e-mailed to a patient (an appointment confirmation, a plan printout) as a PDF attachment.

The message goes out before anything is written (no transaction waits on the mail server);
once the server has taken it, the audit trail records what went to whom.
"""
from __future__ import annotations

from clinic_desktop.models import Patient
from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.services.audit import audit
from clinic_desktop.services.core import validation
from clinic_desktop.services.core.entity import Entity
from clinic_desktop.services.core.errors import NotFound, ValidationError
from clinic_desktop.services.core.transaction import database_errors_in_words, permission_checked, service
from clinic_desktop.services.messaging.email_transport import Attachment, send_email

__all__ = ["email_document"]


@permission_checked("email_patient")
def email_document(actor, patient_id: int, subject: str, body: str, pdf_bytes: bytes, filename: str) -> str:
    """E-mail ``pdf_bytes`` as ``filename`` to the patient's address on record; returns the Message-ID.

    Refused, with nothing sent, when the patient has no e-mail address: the caller offers print instead.
    """
    patient_id = validation.record_id(patient_id, "patient")
    if not pdf_bytes.startswith(b"%PDF"):
        raise ValidationError("only a PDF document can be e-mailed to a patient")
    with database_errors_in_words():
        patient = Patient.get_or_none(Patient.id == patient_id)
        settings = load_settings()
    if patient is None:
        raise NotFound("that patient is no longer on record")
    if not patient.email.strip():
        raise ValidationError(f"{patient.display_name} has no e-mail address on record: add one with Edit "
                              "details, or print the document instead", field="email")
    message_id = send_email(settings, patient.email.strip(), subject, body, (Attachment(filename, pdf_bytes),))
    _record_emailed(actor, patient.id, patient.email.strip(), filename)
    return message_id


@service("email_patient")
def _record_emailed(actor, patient_id: int, to: str, filename: str) -> None:
    audit.record(actor, "email_document", Entity.REMINDER, None, f"e-mailed {filename} to {to}",
                 patient_id=patient_id, filename=filename)
