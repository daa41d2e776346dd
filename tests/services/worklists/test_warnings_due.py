"""Warnings waiting for a clinician's acknowledgement."""
from __future__ import annotations

from datetime import date, datetime, timezone

from relaxant_answers import FOR_SPASM

from clinic_desktop.services.admin import users
from clinic_desktop.services.episodes import discharge, episodes
from clinic_desktop.services.episodes.episode_records import get_episode
from clinic_desktop.services.episodes.episodes import MedicationInput
from clinic_desktop.services.episodes.handover import UNASSIGNED
from clinic_desktop.services.patients import patients
from clinic_desktop.services.worklists.warnings_due import warnings_to_acknowledge

CLINIC_TIME = datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc)  # every test here (tests/conftest.py: clinic_clock)


def test_a_warning_that_needs_acknowledgement_waits_on_the_clinicians_list(staff):
    """Hepatic impairment recorded after a muscle relaxant was started: the clinician must confirm."""
    patient = patients.register_patient(staff.receptionist, family_name="Liver", given_name="Ann",
                                        date_of_birth=date(1960, 5, 1))
    update = episodes.open_episode(
        staff.clinician, patient.id, first_contact_on=date(2026, 11, 20), presentation="non_specific",
        severity="moderate", medications=[MedicationInput("Cyclobenzaprine", "muscle_relaxant", "5 mg", **FOR_SPASM)])
    assert warnings_to_acknowledge(staff.clinician) == ()
    patients.edit_patient(staff.receptionist, patient.id, hepatic_impairment="moderate")
    rows = warnings_to_acknowledge(staff.clinician, clinician_id=staff.clinician.user_id)
    assert [(row.patient_name, row.days_waiting) for row in rows] == [("LIVER, Ann", 0)]
    assert "not recommended" in rows[0].message
    assert warnings_to_acknowledge(staff.other_clinician, clinician_id=staff.other_clinician.user_id) == ()
    episodes.acknowledge_warning(staff.clinician, rows[0].warning_id)
    assert warnings_to_acknowledge(staff.clinician) == ()
    assert get_episode(staff.clinician, update.episode_id).open_warnings == ()


def _warned(staff) -> tuple[int, int]:
    """An episode with a muscle relaxant whose patient then turned out to have moderate hepatic impairment."""
    patient = patients.register_patient(staff.receptionist, family_name="Liver", given_name="Ann",
                                        date_of_birth=date(1960, 5, 1))
    episode_id = episodes.open_episode(
        staff.clinician, patient.id, first_contact_on=date(2026, 11, 20), presentation="non_specific",
        severity="moderate",
        medications=[MedicationInput("Cyclobenzaprine", "muscle_relaxant", "5 mg", **FOR_SPASM)]).episode_id
    patients.edit_patient(staff.receptionist, patient.id, hepatic_impairment="moderate")
    return patient.id, episode_id


def test_a_warning_left_on_a_discharged_episode_stays_on_the_list(staff):
    _, episode_id = _warned(staff)
    (warning,) = discharge.discharge_items(staff.clinician, episode_id)[:1]
    episodes.discharge_episode(staff.clinician, episode_id, discharged_on=date(2026, 11, 23), reason="moved away",
                               decisions=[discharge.ItemDecision(warning.kind, warning.item_id, discharge.HAND_OVER)],
                               hand_over_to=staff.clinician.user_id)
    rows = warnings_to_acknowledge(staff.clinician, clinician_id=staff.clinician.user_id)
    assert [row.patient_name for row in rows] == ["LIVER, Ann"]


def test_a_warning_whose_clinician_left_is_on_every_clinicians_list(staff):
    _warned(staff)
    users.deactivate_user(staff.manager, staff.clinician.user_id, hand_over_to=UNASSIGNED)
    rows = warnings_to_acknowledge(staff.other_clinician, clinician_id=staff.other_clinician.user_id)
    assert [(row.patient_name, row.days_waiting) for row in rows] == [("LIVER, Ann", 0)]
