"""A patient's contact details: mobile, email, preferred contact, reminder consents, GP practice,
interpreter, and the search keys kept with them (services/patients/contact_details.py)."""
import json
from datetime import date

import pytest
from test_patients import CLINIC_TIME, last_event, register  # noqa: F401 (the clinic's clock: Sun 15 Jun 2025)

from clinic_desktop.models import Patient
from clinic_desktop.services.core.errors import ValidationError
from clinic_desktop.services.patients import patients

CONTACT = dict(mobile="07700 900123", email="ann.smith@example.org", preferred_contact="sms",
               sms_reminders_consented_on=date(2025, 6, 10), gp_practice_name="Whiteladies Medical Group",
               gp_practice_ods="l81004", interpreter_language="Polish")


def stored_keys(patient_id: int) -> tuple[str, str, str]:
    patient = Patient.get_by_id(patient_id)
    return patient.telephone_key, patient.mobile_key, patient.postcode_key


def test_registration_keeps_every_contact_detail(staff):
    record = register(staff.receptionist, **CONTACT)
    again = patients.get_patient(staff.receptionist, record.id)
    assert (again.mobile, again.email, again.preferred_contact, again.sms_reminders_consented_on,
            again.email_reminders_consented_on, again.gp_practice_name, again.gp_practice_ods,
            again.interpreter_language) == ("07700 900123", "ann.smith@example.org", "sms", date(2025, 6, 10), None,
                                            "Whiteladies Medical Group", "L81004", "Polish")


def test_registration_audits_the_consents_given(staff):
    register(staff.receptionist, **CONTACT)
    assert json.loads(last_event().details)["reminder_consents"] == {"sms": "2025-06-10", "email": None}


def test_registration_stores_the_search_keys(staff):
    record = register(staff.receptionist, telephone="+44 (0)117 496 0001", mobile="7700 900123", postcode="bs8 2ab")
    assert stored_keys(record.id) == ("01174960001", "07700900123", "BS82AB")


def test_an_edit_of_the_numbers_and_postcode_updates_their_keys(staff):
    record = register(staff.receptionist, telephone="0117 496 0001", mobile="07700 900123", postcode="BS8 2AB")
    patients.edit_patient(staff.receptionist, record.id, telephone="", mobile="+44 7700 900999", postcode="SW1A 1AA")
    assert stored_keys(record.id) == ("", "07700900999", "SW1A1AA")


@pytest.mark.parametrize(("details", "field", "says"), [
    (dict(email="ann.smith@example"), "email", "is not an email address"),
    (dict(email="ann smith@example.org"), "email", "is not an email address"),
    (dict(mobile="07700 90"), "mobile", "does not read as a mobile number"),
    (dict(mobile="call after 6"), "mobile", "does not read as a mobile number"),
    (dict(gp_practice_ods="L8100"), "gp_practice_ods", "one letter and five digits"),
    (dict(preferred_contact="pigeon"), "preferred_contact", "is one of phone, sms, email, letter"),
    (dict(mobile="07700 900123", sms_reminders_consented_on=date(2025, 6, 16)), "sms_reminders_consented_on",
     "a day still to come"),
])
def test_a_contact_detail_that_cannot_be_used_is_refused(staff, details, field, says):
    with pytest.raises(ValidationError, match=says) as refused:
        register(staff.receptionist, **details)
    assert refused.value.field == field


@pytest.mark.parametrize(("details", "field", "says"), [
    (dict(sms_reminders_consented_on=date(2025, 6, 1)), "sms_reminders_consented_on",
     "Consent to SMS reminders needs a mobile number"),
    (dict(email_reminders_consented_on=date(2025, 6, 1)), "email_reminders_consented_on",
     "Consent to email reminders needs an email address"),
    (dict(preferred_contact="email"), "preferred_contact", "Contact by email needs an email address"),
    (dict(preferred_contact="phone"), "preferred_contact", "Contact by phone call needs a phone number"),
])
def test_consent_or_a_preferred_method_needs_somewhere_to_reach_the_patient(staff, details, field, says):
    with pytest.raises(ValidationError, match=says) as refused:
        register(staff.receptionist, **details)
    assert refused.value.field == field


def test_removing_the_mobile_of_a_patient_who_consented_to_sms_is_refused(staff):
    record = register(staff.receptionist, **CONTACT)
    with pytest.raises(ValidationError, match="needs a mobile number"):
        patients.edit_patient(staff.receptionist, record.id, mobile="")
    assert Patient.get_by_id(record.id).mobile == "07700 900123"


def test_withdrawing_consent_clears_its_date_and_is_audited(staff):
    record = register(staff.receptionist, **CONTACT)
    after = patients.edit_patient(staff.receptionist, record.id, sms_reminders_consented_on=None,
                                  preferred_contact="letter")
    assert after.sms_reminders_consented_on is None
    event = last_event()
    assert "sms reminders consented on '2025-06-10' → (blank)" in event.summary
    assert json.loads(event.details)["changes"]["sms_reminders_consented_on"] == {"old": "2025-06-10", "new": None}


def test_an_interpreter_no_longer_needed_is_stored_as_none(staff):
    record = register(staff.receptionist, **CONTACT)
    assert patients.edit_patient(staff.receptionist, record.id, interpreter_language="  ").interpreter_language is None


def test_an_unknown_detail_is_refused_at_registration(staff):
    with pytest.raises(ValidationError, match="'fax' is not a patient detail"):
        register(staff.receptionist, fax="0117 496 0000")
