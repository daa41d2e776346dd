"""Recording a medicine with a structured dose, its indication and spasm, and the opioid's monitoring review."""
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from clinic_desktop.models import Appointment, AuditEvent, Medication, PathwayWarning, Patient
from clinic_desktop.services.core.clock import frozen_at
from clinic_desktop.services.core.errors import ValidationError
from clinic_desktop.services.episodes import episode_records, episodes
from clinic_desktop.services.episodes.episodes import MedicationInput

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)  # Mon 30 Nov 2026
FIRST_CONTACT = date(2026, 11, 26)
CLINIC_TIME = NOW  # every test here runs at this moment (tests/conftest.py: clinic_clock)
DOSE = {"dose_amount": Decimal(5), "dose_unit": "mg", "dose_frequency": "three_times_daily"}


def opened(staff, medications=(), contraindications="") -> int:
    patient_id = Patient.create(family_name="Smith", given_name="Ann", family_name_key="smith", given_name_key="ann",
                                date_of_birth=date(1970, 5, 1), created_at=NOW, updated_at=NOW,
                                nsaid_contraindications=contraindications).id
    return episodes.open_episode(staff.clinician, patient_id, first_contact_on=FIRST_CONTACT,
                                 presentation="non_specific", severity="moderate", medications=medications).episode_id


def record(staff, episode_id, **details):
    values = {"name": "cyclobenzaprine", "category": "muscle_relaxant", "started_on": FIRST_CONTACT,
              "indication": "muscle spasm", "spasm_present": True, **DOSE, **details}
    return episodes.record_medication(staff.clinician, episode_id, **values)


def test_a_structured_dose_is_stored_with_its_words(staff):
    episode_id = opened(staff)
    record(staff, episode_id, dose_amount=Decimal("7.5"), dose_frequency="at_night")
    row = Medication.get()
    assert (row.dose_amount, row.dose_unit, row.dose_frequency, row.dose) == (
        Decimal("7.5"), "mg", "at_night", "7.5 mg at night")
    assert (row.indication, row.spasm_present) == ("muscle spasm", True)
    (shown,) = episode_records.get_episode(staff.clinician, episode_id).medications
    assert (shown.dose, shown.dose_amount, shown.indication) == ("7.5 mg at night", Decimal("7.5"), "muscle spasm")
    event = AuditEvent.select().order_by(AuditEvent.id.desc()).first()
    assert '"dose": "7.5 mg at night"' in event.details and '"spasm_present": true' in event.details


def test_a_first_contact_takes_structured_doses_too(staff):
    episode_id = opened(staff, [MedicationInput("naproxen", "nsaid", dose_amount=Decimal(500), dose_unit="mg",
                                                dose_frequency="twice_daily", indication="back pain")])
    row = Medication.get(Medication.episode == episode_id)
    assert (row.dose, row.dose_amount, row.spasm_present) == ("500 mg twice a day", Decimal(500), None)


@pytest.mark.parametrize(("details", "field", "message"), [
    ({"dose_amount": Decimal(0)}, "dose_amount", "The dose's amount is above 0"),
    ({"dose_amount": Decimal(-5)}, "dose_amount", "The dose's amount is above 0"),
    ({"dose_amount": Decimal("0.0001")}, "dose_amount", "at most three decimal places"),
    ({"dose_amount": 7.5}, "dose_amount", "The dose's amount is a number such as 5 or 7.5, not 7.5"),
    ({"dose_amount": Decimal("NaN")}, "dose_amount", "The dose's amount is above 0"),
    ({"dose_amount": None}, "dose_amount", "Enter the dose's amount"),
    ({"dose_unit": "tablespoon"}, "dose_unit", "There is no dose unit 'tablespoon'"),
    ({"dose_frequency": None}, "dose_frequency", "There is no dose frequency None"),
    ({"dose": "5 mg"}, "dose", "Give the dose as amount, unit and frequency, or as text: not both"),
    ({"indication": " "}, "indication", "Enter what cyclobenzaprine is for: muscle spasm is the source's"),
    ({"spasm_present": None}, "spasm_present", "Say whether muscle spasm is present (cyclobenzaprine is a muscle "
                                               "relaxant): yes or no."),
    ({"name": "ibuprofen", "category": "nsaid"}, "spasm_present", "Muscle spasm is asked only for a muscle "
                                                                  "relaxant, and ibuprofen is not one"),
])
def test_a_medicine_missing_what_the_rules_read_is_refused_and_nothing_is_stored(staff, details, field, message):
    episode_id = opened(staff)
    with pytest.raises(ValidationError) as refused:
        record(staff, episode_id, **details)
    assert (refused.value.field, message in str(refused.value)) == (field, True), str(refused.value)
    assert Medication.select().count() == 0


def test_a_relaxant_typed_under_another_class_is_asked_about_spasm(staff):
    with pytest.raises(ValidationError, match=r"^Say whether muscle spasm is present \(Diazepam 2 mg is a muscle"):
        record(staff, opened(staff), name="Diazepam 2 mg", category="other", spasm_present=None)


def test_a_free_text_dose_is_still_taken_from_a_caller_without_the_parts(staff):
    record(staff, opened(staff), name="paracetamol", category="other", dose="1 g four times a day",
           dose_amount=None, dose_unit=None, dose_frequency=None, spasm_present=None)
    assert (Medication.get().dose, Medication.get().dose_amount) == ("1 g four times a day", None)


def test_an_opioid_brings_its_caution_and_monitoring_review_which_stopping_early_cancels(staff):
    episode_id = opened(staff)
    update = record(staff, episode_id, name="co-codamol 30/500", category="other", dose_amount=Decimal(2),
                    dose_unit="g", dose_frequency="four_times_daily", indication="severe back pain",
                    spasm_present=None)
    (medication,) = Medication.select()
    assert medication.category == "opioid"
    review = Appointment.get(Appointment.pathway_key == f"opioid_review:{medication.id}")
    assert (review.kind, review.status, review.due_by) == ("follow_up", "to_book", date(2026, 12, 10))
    assert review.reason == "Opioid monitoring review of co-codamol 30/500: lowest effective dose for the shortest time"
    assert "Follow-up to book, due by Thu 10 Dec 2026" in update.notices
    (warning,) = PathwayWarning.select()
    assert (warning.kind, warning.requires_acknowledgement) == ("opioid", False)
    assert warning.message in update.notices
    with frozen_at(datetime(2026, 12, 3, 9, tzinfo=timezone.utc)):
        episodes.stop_medication(staff.clinician, medication.id, date(2026, 12, 3))
    assert Appointment.get_by_id(review.id).status == "cancelled"


def test_an_nsaid_against_a_recorded_contraindication_stays_on_the_list_until_acknowledged(staff):
    episode_id = opened(staff, contraindications="gi_bleed_or_ulcer")
    update = record(staff, episode_id, name="naproxen", category="nsaid", dose_amount=Decimal(500),
                    dose_frequency="twice_daily", indication="back pain", spasm_present=None)
    (warning,) = PathwayWarning.select()
    assert warning.pathway_key == f"nsaid_contraindicated:{Medication.get().id}:gi_bleed_or_ulcer"
    assert (warning.requires_acknowledgement, warning.acknowledged_at) == (True, None)
    assert any(warning.message in notice for notice in update.notices)
    open_warnings = episode_records.get_episode(staff.clinician, episode_id).open_warnings
    assert [shown.message for shown in open_warnings] == [warning.message]
