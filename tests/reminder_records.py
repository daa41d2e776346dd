"""Booked visits of patients who consented to reminders, and a clinic set up to send them."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from message_servers import NOTIFY_API_KEY, NOTIFY_TEMPLATE_ID, SMTP_PASSWORD, SMTP_USER

from clinic_desktop.models import Appointment, Episode, Patient
from clinic_desktop.services.admin.settings import update_clinic_settings
from clinic_desktop.services.messaging import keyring_secrets


def booked_visit(clinician_id: int, starts_at: datetime, *, family: str = "Smith", given: str = "Ann",
                 mobile: str = "07700 900123", email: str = "ann.smith@example.org", sms: bool = True,
                 email_consent: bool = True, kind: str = "two_week_review") -> Appointment:
    """A booked 20-minute visit of a patient who consented to SMS and/or e-mail reminders."""
    consented = date(2026, 11, 1)
    patient = Patient.create(family_name=family, given_name=given, family_name_key=family.lower(),
                             given_name_key=given.lower(), date_of_birth=date(1970, 1, 1), mobile=mobile,
                             email=email, sms_reminders_consented_on=consented if sms else None,
                             email_reminders_consented_on=consented if email_consent else None,
                             created_at=starts_at, updated_at=starts_at)
    episode = Episode.create(patient=patient, first_contact_on=date(2026, 11, 20), presentation="non_specific",
                             severity="mild", clinician=clinician_id, created_at=starts_at)
    return Appointment.create(episode=episode, kind=kind, status="booked", due_by=starts_at.date(),
                              clinician=clinician_id, starts_at=starts_at, ends_at=starts_at + timedelta(minutes=20),
                              created_at=starts_at, updated_at=starts_at)


def set_up_messaging(manager, smtp_server, notify_server, **changes):
    """The clinic's mail server and Notify account pointed at the test's stand-ins, secrets in the keyring."""
    keyring_secrets.store_secret(keyring_secrets.SMTP_USER, SMTP_USER)
    keyring_secrets.store_secret(keyring_secrets.SMTP_PASSWORD, SMTP_PASSWORD)
    keyring_secrets.store_secret(keyring_secrets.NOTIFY_API_KEY, NOTIFY_API_KEY)
    return update_clinic_settings(manager, name="Riverside Back Clinic", address="1 River Road\nLeeds",
                                  telephone="0113 496 0000", smtp_host=smtp_server.host, smtp_port=smtp_server.port,
                                  email_sender="reception@clinic.example", notify_base_url=notify_server.url,
                                  notify_sms_template_id=NOTIFY_TEMPLATE_ID, **changes)
