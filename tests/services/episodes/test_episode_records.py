"""Reading an episode for the screens: the caution a medicine would bring before it is saved."""
from datetime import date, datetime, timezone

import pytest

from clinic_desktop.models import Patient
from clinic_desktop.services.core.errors import AcknowledgementRequired
from clinic_desktop.services.episodes import episode_records, episodes
from clinic_desktop.services.episodes.episode_records import PrescribingCaution

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)


CLINIC_TIME = NOW  # every test here runs at this moment (tests/conftest.py: clinic_clock)


def register(hepatic: str) -> int:
    return Patient.create(family_name="Smith", given_name="Ann", family_name_key="smith", given_name_key="ann",
                          date_of_birth=date(1970, 5, 1), hepatic_impairment=hepatic, created_at=NOW,
                          updated_at=NOW).id


def test_a_muscle_relaxant_with_moderate_impairment_needs_the_acknowledgement_the_save_asks_for(staff):
    patient_id = register("moderate")
    caution = episode_records.prescribing_caution(staff.clinician, patient_id, "muscle_relaxant")
    assert caution == PrescribingCaution("Moderate hepatic impairment: muscle relaxant not recommended.", True)
    update = episodes.open_episode(staff.clinician, patient_id, first_contact_on=date(2026, 11, 30),
                                   presentation="non_specific", severity="mild")
    with pytest.raises(AcknowledgementRequired, match=f"^{caution.message} Acknowledge to proceed.$"):
        episodes.record_medication(staff.clinician, update.episode_id, name="cyclobenzaprine",
                                   category="muscle_relaxant", started_on=date(2026, 11, 30))


def test_a_muscle_relaxant_with_mild_impairment_is_a_caution_to_start_at_5_mg(staff):
    caution = episode_records.prescribing_caution(staff.receptionist, register("mild"), "muscle_relaxant")
    assert caution == PrescribingCaution("Mild hepatic impairment: start at 5 mg.", False)


@pytest.mark.parametrize(("hepatic", "category"), [("severe", "nsaid"), ("none", "muscle_relaxant")])
def test_no_caution_for_other_medicines_or_a_healthy_liver(staff, hepatic, category):
    assert episode_records.prescribing_caution(staff.clinician, register(hepatic), category) is None
