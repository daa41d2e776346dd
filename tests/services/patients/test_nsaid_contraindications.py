"""A patient's NSAID contraindications: recorded, audited, and warned about for an NSAID already running."""
import json
from datetime import date, datetime, timezone

import pytest

from clinic_desktop.models import AuditEvent, Episode, Medication, PathwayWarning, Patient
from clinic_desktop.services.core.errors import ValidationError
from clinic_desktop.services.patients import patients

NOW = datetime(2025, 6, 15, 10, 0, tzinfo=timezone.utc)
ANN = dict(family_name="Smith", given_name="Ann", date_of_birth=date(1980, 2, 1))
CLINIC_TIME = NOW  # every test here runs at this moment (tests/conftest.py: clinic_clock)


def last_event() -> AuditEvent:
    return AuditEvent.select().order_by(AuditEvent.id.desc()).first()


def on_naproxen(staff, patient_id: int, stopped_on: date | None = None) -> Medication:
    episode = Episode.create(patient=patient_id, first_contact_on=date(2025, 6, 2), presentation="non_specific",
                             severity="moderate", clinician=staff.clinician.user_id, created_at=NOW)
    return Medication.create(episode=episode, name="naproxen", category="nsaid", dose="500 mg twice a day",
                             started_on=date(2025, 6, 2), stopped_on=stopped_on, recorded_by=staff.clinician.user_id,
                             recorded_at=NOW)


def test_contraindications_are_registered_in_the_lists_order_and_audited(staff):
    record = patients.register_patient(staff.receptionist, **ANN,
                                       nsaid_contraindications=["anticoagulant", "gi_bleed_or_ulcer"])
    assert record.nsaid_contraindications == ("gi_bleed_or_ulcer", "anticoagulant")
    assert Patient.get_by_id(record.id).nsaid_contraindications == "gi_bleed_or_ulcer\nanticoagulant"
    assert json.loads(last_event().details)["nsaid_contraindications"] == ["gi_bleed_or_ulcer", "anticoagulant"]
    assert patients.get_patient(staff.clinician, record.id).nsaid_contraindications == record.nsaid_contraindications


@pytest.mark.parametrize("given", [["ulcer"], 3])
def test_an_unknown_contraindication_is_refused(staff, given):
    with pytest.raises(ValidationError) as refused:
        patients.register_patient(staff.receptionist, **ANN, nsaid_contraindications=given)
    assert refused.value.field == "nsaid_contraindications"
    assert Patient.select().count() == 0


def test_a_contraindication_recorded_after_the_nsaid_started_raises_its_warning(staff):
    record = patients.register_patient(staff.receptionist, **ANN)
    medication = on_naproxen(staff, record.id)
    patients.edit_patient(staff.receptionist, record.id, nsaid_contraindications=["renal_impairment"])
    (warning,) = PathwayWarning.select()
    assert (warning.pathway_key, warning.requires_acknowledgement, warning.acknowledged_at) == (
        f"nsaid_contraindicated:{medication.id}:renal_impairment", True, None)
    details = json.loads(last_event().details)
    assert warning.message in details["pathway"]
    assert last_event().summary == ("changed SMITH, Ann's details: nsaid contraindications (none) → "
                                    "'Renal impairment'")
    patients.edit_patient(staff.receptionist, record.id, nsaid_contraindications=["renal_impairment", "heart_failure"])
    assert PathwayWarning.select().count() == 2  # the first is not raised again


def test_a_stopped_nsaid_meets_no_contraindication_recorded_later(staff):
    record = patients.register_patient(staff.receptionist, **ANN)
    on_naproxen(staff, record.id, stopped_on=date(2025, 6, 9))
    patients.edit_patient(staff.receptionist, record.id, nsaid_contraindications=["heart_failure"])
    assert PathwayWarning.select().count() == 0
