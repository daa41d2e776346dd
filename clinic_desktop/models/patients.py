"""Patients: identity, contact details and the alerts that change prescribing."""
from __future__ import annotations

from peewee import CharField, DateField, TextField

from clinic_desktop.models.base import BaseModel, one_of
from clinic_desktop.models.fields import UTCDateTimeField

HEPATIC_IMPAIRMENT = ("none", "mild", "moderate", "severe")
# How the patient prefers to be contacted (schema 7).
CONTACT_METHODS = ("phone", "sms", "email", "letter")


class Patient(BaseModel):
    nhs_number = CharField(max_length=10, null=True, unique=True)
    family_name = CharField(max_length=100)
    given_name = CharField(max_length=100)
    # Lower-case copies so that a name search uses an index on both databases.
    family_name_key = CharField(max_length=100, index=True)
    given_name_key = CharField(max_length=100)
    date_of_birth = DateField(index=True)
    sex = CharField(max_length=16, null=True)
    address = TextField(default="")
    postcode = CharField(max_length=16, default="")
    telephone = CharField(max_length=40, default="")
    hepatic_impairment = CharField(
        max_length=16, default="none", constraints=[one_of("hepatic_impairment", HEPATIC_IMPAIRMENT)]
    )
    created_at = UTCDateTimeField()
    updated_at = UTCDateTimeField()
    # Schema 6: what makes an NSAID unsafe for this patient, one key of
    # pathway/care_options.NSAID_CONTRAINDICATIONS a line ("" when none is known).
    nsaid_contraindications = TextField(default="")
    # Schema 7, contact details. ``telephone`` (above) is the main or home number; the mobile is
    # where SMS reminders go. Consent to reminders is the date it was given (None: not given).
    mobile = CharField(max_length=40, default="")
    email = CharField(max_length=200, default="")
    preferred_contact = CharField(max_length=8, null=True, constraints=[one_of("preferred_contact", CONTACT_METHODS)])
    sms_reminders_consented_on = DateField(null=True)
    email_reminders_consented_on = DateField(null=True)
    gp_practice_name = CharField(max_length=200, default="")
    gp_practice_ods = CharField(max_length=10, default="")  # the practice's ODS code, e.g. "A81001"
    interpreter_language = CharField(max_length=60, null=True)  # None: no interpreter needed
    # Search keys, kept by the patient services so that a search by phone or postcode is a
    # prefix match on an index: each phone number's digits in national form ("07700900123",
    # whatever spacing or +44 was typed), and the postcode upper case without spaces
    # ("SW1A1AA"), whose outward part is then a prefix too.
    telephone_key = CharField(max_length=20, default="", index=True)
    mobile_key = CharField(max_length=20, default="", index=True)
    postcode_key = CharField(max_length=16, default="", index=True)

    @property
    def display_name(self) -> str:
        return f"{self.family_name.upper()}, {self.given_name}"
