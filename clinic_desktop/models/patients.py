"""Patients: identity, contact details and the alerts that change prescribing."""
from __future__ import annotations

from peewee import CharField, DateField, TextField

from clinic_desktop.models.base import BaseModel, one_of
from clinic_desktop.models.fields import UTCDateTimeField

HEPATIC_IMPAIRMENT = ("none", "mild", "moderate", "severe")


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

    @property
    def display_name(self) -> str:
        return f"{self.family_name.upper()}, {self.given_name}"
