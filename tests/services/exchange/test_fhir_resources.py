"""What a receiving system reads in the record: coded referrals, visits, letters and episodes, and who signed."""
from datetime import date

import pytest
from fhir.resources.bundle import Bundle
from fhir_bundles import RECORD_TIME, exported, resources

from clinic_desktop.models import Episode
from clinic_desktop.services.admin import users
from clinic_desktop.services.episodes import episodes

SNOMED = "http://snomed.info/sct"

CLINIC_TIME = RECORD_TIME  # every test here runs at this moment (tests/conftest.py: clinic_clock)


def test_the_referral_says_which_service_in_snomed_ct_and_in_words(staff, record, tmp_path):
    _, bundle, _ = exported(staff, record, tmp_path)
    [request] = resources(bundle, "ServiceRequest")
    assert request["code"] == {
        "coding": [{"system": SNOMED, "code": "306170007", "display": "Referral to physiotherapy service"}],
        "text": "Biopsychosocial assessment / specialised physiotherapy referral"}
    assert request["category"] == [{"coding": [{"system": SNOMED, "code": "3457005", "display": "Patient referral"}],
                                    "text": "Referral"}]


def test_an_urgent_red_flag_referral_is_coded_urgent(staff, record, tmp_path):
    episode_id = Episode.get(Episode.patient == record[0]).id
    episodes.record_red_flags(staff.clinician, episode_id, recorded_on=date(2026, 11, 2),
                              flags=["saddle anaesthesia"])
    _, bundle, path = exported(staff, record, tmp_path)
    Bundle.parse_file(path)
    codes = {request["code"]["text"]: request["code"].get("coding") for request in resources(bundle, "ServiceRequest")}
    assert codes["Urgent red-flag referral"] == [{"system": SNOMED, "code": "134403003", "display": "Urgent referral"}]


def test_an_early_radicular_referral_keeps_its_words_and_no_invented_code(staff, record, tmp_path):
    episode_id = Episode.get(Episode.patient == record[0]).id
    episodes.record_radicular_status(staff.clinician, episode_id, recorded_on=date(2026, 11, 2),
                                     severe_radicular_pain=True, neurological_deficit=False)
    _, bundle, _ = exported(staff, record, tmp_path)
    [radicular] = [request for request in resources(bundle, "ServiceRequest")
                   if request["code"]["text"] == "Early radicular referral"]
    assert radicular["code"] == {"text": "Early radicular referral"}


def test_every_appointment_is_a_coded_follow_up_visit_named_in_words(staff, record, tmp_path):
    _, bundle, _ = exported(staff, record, tmp_path)
    types = [appointment["appointmentType"] for appointment in resources(bundle, "Appointment")]
    assert {entry["text"] for entry in types} == {"2-week review", "12-week check"}
    assert all(entry["coding"] == [{"system": "http://terminology.hl7.org/CodeSystem/v2-0276", "code": "FOLLOWUP",
                                    "display": "A follow up visit from a previous appointment"}] for entry in types)


def test_a_letter_is_a_loinc_referral_note(staff, record, tmp_path):
    _, bundle, _ = exported(staff, record, tmp_path)
    assert {str(letter["type"]) for letter in resources(bundle, "DocumentReference")} == {str({
        "coding": [{"system": "http://loinc.org", "code": "57133-1", "display": "Referral note"}],
        "text": "Referral letter"})}


def test_the_episode_is_coded_low_back_pain(staff, record, tmp_path):
    _, bundle, _ = exported(staff, record, tmp_path)
    [episode] = resources(bundle, "EpisodeOfCare")
    assert episode["type"][0]["coding"] == [{"system": SNOMED, "code": "279039007", "display": "Low back pain"}]
    assert episode["type"][0]["text"] == "Back pain, stepped care (non-specific, moderate)"


def test_each_clinician_carries_the_registers_system_and_the_bare_number(staff, record, tmp_path):
    _, bundle, _ = exported(staff, record, tmp_path)
    identifiers = {practitioner["name"][0]["text"]: practitioner["identifier"]
                   for practitioner in resources(bundle, "Practitioner")}
    assert identifiers == {
        "Dr Alys Jones": [{"system": "https://fhir.hl7.org.uk/Id/gmc-number", "value": "7012345",
                           "assigner": {"display": "General Medical Council"}}],
        "Sam Physio": [{"system": "https://fhir.hl7.org.uk/Id/hcpc-number", "value": "PH123456",
                        "assigner": {"display": "Health and Care Professions Council"}}]}


@pytest.mark.parametrize("typed", ["7012345", "GMC 70123"])
def test_a_registration_number_that_fits_no_register_is_kept_as_typed_without_a_system(
        staff, record, tmp_path, typed):
    users.edit_user(staff.manager, staff.clinician.user_id, registration_number=typed)
    _, bundle, path = exported(staff, record, tmp_path)
    Bundle.parse_file(path)
    [jones] = [practitioner for practitioner in resources(bundle, "Practitioner")
               if practitioner["name"][0]["text"] == "Dr Alys Jones"]
    assert jones["identifier"] == [{"value": typed}]


def test_no_resource_claims_a_profile_it_was_not_validated_against(staff, measured, tmp_path):
    _, bundle, _ = exported(staff, measured, tmp_path)
    assert "profile" not in bundle.get("meta", {})
    assert [entry["resource"]["resourceType"] for entry in bundle["entry"]
            if "profile" in entry["resource"].get("meta", {})] == []
