"""Reading an episode for the screens: the cautions a medicine would bring before it is saved."""
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from relaxant_answers import FOR_SPASM

from clinic_desktop.models import PathwayWarning, Patient
from clinic_desktop.services.core.errors import AcknowledgementRequired
from clinic_desktop.services.episodes import episode_records, episodes
from clinic_desktop.services.episodes.episode_records import PrescribingCaution

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)
TODAY = date(2026, 11, 30)


CLINIC_TIME = NOW  # every test here runs at this moment (tests/conftest.py: clinic_clock)


def register(hepatic: str, contraindications: str = "") -> int:
    return Patient.create(family_name="Smith", given_name="Ann", family_name_key="smith", given_name_key="ann",
                          date_of_birth=date(1970, 5, 1), hepatic_impairment=hepatic, created_at=NOW,
                          updated_at=NOW, nsaid_contraindications=contraindications).id


def opened(staff, patient_id: int) -> int:
    return episodes.open_episode(staff.clinician, patient_id, first_contact_on=TODAY, presentation="non_specific",
                                 severity="mild").episode_id


def test_a_muscle_relaxant_with_moderate_impairment_needs_the_acknowledgement_the_save_asks_for(staff):
    patient_id = register("moderate")
    (caution,) = episode_records.prescribing_caution(staff.clinician, patient_id, "muscle_relaxant")
    assert caution == PrescribingCaution("Moderate hepatic impairment: muscle relaxant not recommended.", True, True)
    with pytest.raises(AcknowledgementRequired, match=f"^{caution.message} Acknowledge to proceed.$"):
        episodes.record_medication(staff.clinician, opened(staff, patient_id), name="cyclobenzaprine",
                                   category="muscle_relaxant", started_on=TODAY, **FOR_SPASM)


def test_a_muscle_relaxant_with_mild_impairment_is_a_caution_to_start_at_5_mg(staff):
    cautions = episode_records.prescribing_caution(staff.receptionist, register("mild"), "muscle_relaxant",
                                                   dose_amount=Decimal(5), dose_unit="mg")
    assert cautions == (PrescribingCaution("Mild hepatic impairment: start at 5 mg.", False),)


def test_a_relaxant_above_5_mg_with_mild_impairment_must_be_acknowledged_to_save(staff):
    patient_id = register("mild")
    (caution,) = episode_records.prescribing_caution(staff.clinician, patient_id, "muscle_relaxant",
                                                     dose_amount=Decimal(10), dose_unit="mg")
    assert caution == PrescribingCaution("Mild hepatic impairment: start at 5 mg, not 10 mg.", True, True)
    episode_id = opened(staff, patient_id)
    dose = {"dose_amount": Decimal(10), "dose_unit": "mg", "dose_frequency": "at_night"}
    with pytest.raises(AcknowledgementRequired, match="^Mild hepatic impairment: start at 5 mg, not 10 mg."):
        episodes.record_medication(staff.clinician, episode_id, name="cyclobenzaprine", category="muscle_relaxant",
                                   started_on=TODAY, **dose, **FOR_SPASM)
    update = episodes.record_medication(staff.clinician, episode_id, name="cyclobenzaprine",
                                        category="muscle_relaxant", started_on=TODAY, acknowledge_warning=True,
                                        **dose, **FOR_SPASM)
    assert f"{caution.message} Acknowledged by {staff.clinician.full_name}." in update.notices


def test_every_caution_the_form_is_told_is_the_warning_the_save_stores(staff):
    """Asked with the name as typed: the listed name decides the class, as the save does."""
    patient_id = register("none", "renal_impairment\nheart_failure")
    told = episode_records.prescribing_caution(staff.clinician, patient_id, "other", name=" Naproxen ")
    assert [caution.requires_acknowledgement for caution in told] == [True, True]
    update = episodes.record_medication(staff.clinician, opened(staff, patient_id), name="Naproxen",
                                        category="other", started_on=TODAY)
    stored = PathwayWarning.select().order_by(PathwayWarning.pathway_key)
    assert sorted(caution.message for caution in told) == [warning.message for warning in stored]
    assert all(warning.acknowledged_at is None for warning in stored)
    assert all(caution.message in " ".join(update.notices) for caution in told)


def test_a_relaxant_without_spasm_is_told_and_goes_on_the_list_unacknowledged(staff):
    patient_id = register("none")
    (caution,) = episode_records.prescribing_caution(staff.clinician, patient_id, "muscle_relaxant",
                                                     name="baclofen", spasm_present=False)
    assert caution == PrescribingCaution("baclofen started without muscle spasm recorded: the source gives muscle "
                                         "relaxants for the relief of muscle spasm only.", True, False)
    episodes.record_medication(staff.clinician, opened(staff, patient_id), name="baclofen", category="other",
                               started_on=TODAY, indication="stiffness", spasm_present=False)
    assert [(row.message, row.acknowledged_at) for row in PathwayWarning.select()] == [(caution.message, None)]


def test_an_opioid_is_told_its_caution(staff):
    (caution,) = episode_records.prescribing_caution(staff.clinician, register("none"), "other",
                                                     name="co-codamol 30/500")
    assert caution == PrescribingCaution("co-codamol 30/500 is an opioid: use the lowest effective dose for the "
                                         "shortest time possible, with close monitoring.", False)


@pytest.mark.parametrize(("hepatic", "category"), [("severe", "nsaid"), ("none", "muscle_relaxant"),
                                                   ("severe", "neuropathic")])
def test_no_caution_for_other_medicines_or_a_healthy_liver(staff, hepatic, category):
    assert episode_records.prescribing_caution(staff.clinician, register(hepatic), category) == ()


def test_a_dose_half_typed_counts_as_unknown(staff):
    cautions = episode_records.prescribing_caution(staff.clinician, register("mild"), "muscle_relaxant",
                                                   dose_amount=Decimal(10), dose_unit=None)
    assert cautions == (PrescribingCaution("Mild hepatic impairment: start at 5 mg.", False),)
