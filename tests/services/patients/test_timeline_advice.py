"""The first contact's advice and imaging requests in the patient's time line, on both databases."""
from __future__ import annotations

from datetime import date, datetime, timezone

from clinic_desktop.services.episodes import episodes, imaging
from clinic_desktop.services.episodes.initial_management import InitialManagementInput
from clinic_desktop.services.patients import patients
from clinic_desktop.services.patients.timeline import patient_timeline

CLINIC_TIME = datetime(2026, 12, 4, 9, 0, tzinfo=timezone.utc)  # every test here (tests/conftest.py: clinic_clock)
FIRST_CONTACT = date(2026, 11, 26)
ADVICE = InitialManagementInput(reactivation_advised=True, bed_rest_advised=False, resources_online=False,
                                resources_helpline=True, resources_paper=True, heat_advised=True,
                                massage_advised=False)


def opened(staff, **details) -> int:
    patient = patients.register_patient(staff.receptionist, family_name="Smith", given_name="Ann",
                                        date_of_birth=date(1970, 5, 1))
    episodes.open_episode(staff.clinician, patient.id, first_contact_on=FIRST_CONTACT, presentation="non_specific",
                          severity="moderate", **details)
    return patient.id


def events(staff, patient_id, kind):
    return [(event.on, event.title, event.detail) for event in patient_timeline(staff.clinician, patient_id).events
            if event.kind == kind]


def test_the_advice_is_an_event_of_the_first_contact_day(staff):
    patient_id = opened(staff, initial_management=ADVICE)
    assert events(staff, patient_id, "first_contact_advice") == [(
        FIRST_CONTACT, "First-contact advice",
        "Reactivation advised; bed rest not advised; resources given: telephone helpline, paper-based information; "
        "heat advised; massage not advised — by Dr Alys Jones")]
    [(_, _, first_contact)] = events(staff, patient_id, "first_contact")
    assert first_contact == "Non-specific low back pain, moderate — by Dr Alys Jones"


def test_an_episode_from_before_keeps_its_ticks_on_the_first_contact(staff):
    patient_id = opened(staff, advised_stay_active=True)
    assert events(staff, patient_id, "first_contact_advice") == []
    [(_, _, first_contact)] = events(staff, patient_id, "first_contact")
    assert first_contact == "Non-specific low back pain, moderate; advised to stay active — by Dr Alys Jones"


def test_an_imaging_request_is_an_event_of_its_day_with_its_reason(staff):
    patient_id = opened(staff, initial_management=ADVICE)
    (episode,) = patient_timeline(staff.clinician, patient_id).episodes
    imaging.request_imaging(staff.clinician, episode.episode_id, requested_on=date(2026, 12, 3), modality="mri",
                            reason="leg weakness getting worse")
    assert events(staff, patient_id, "imaging_requested") == [
        (date(2026, 12, 3), "MRI requested", "leg weakness getting worse — by Dr Alys Jones")]
    kinds = [event.kind for event in patient_timeline(staff.clinician, patient_id).events]
    assert kinds.index("imaging_requested") < kinds.index("warning_raised")
