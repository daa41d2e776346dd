"""The patient header's next thing to do (services/worklists/next_action.py), per role, on both databases."""
from __future__ import annotations

from datetime import date, datetime, timezone

from database_fixtures import PASSWORD
from relaxant_answers import FOR_SPASM

from clinic_desktop.services.appointments import appointments
from clinic_desktop.services.core.clock import frozen_at
from clinic_desktop.services.episodes import episodes
from clinic_desktop.services.episodes.episodes import MedicationInput
from clinic_desktop.services.patients import patients
from clinic_desktop.services.referrals import referrals
from clinic_desktop.services.worklists.next_action import next_action

CLINIC_TIME = datetime(2026, 6, 1, 9, 0, tzinfo=timezone.utc)  # Mon 1 Jun 2026, 10:00 in London


def _patient(staff, **facts) -> tuple[int, int]:
    patient = patients.register_patient(staff.receptionist, family_name="Smith", given_name="Ann",
                                        date_of_birth=date(1961, 2, 9))
    episode_id = episodes.open_episode(staff.clinician, patient.id, first_contact_on=date(2026, 6, 1),
                                       presentation="non_specific", severity="moderate", **facts).episode_id
    return patient.id, episode_id


def test_reception_is_offered_the_nearest_review_to_book(staff):
    patient_id, episode_id = _patient(staff)
    action = next_action(staff.receptionist, patient_id)
    two_week = next(review for review in appointments.appointments_for_episode(staff.receptionist, episode_id)
                    if review.kind == "two_week_review")
    assert (action.kind, action.item_id, action.label) == (
        "appointment_to_book", two_week.id, "Book the 2-week review (due by Mon 15 Jun 2026)")


def test_once_the_review_is_booked_reception_is_offered_the_next_one(staff):
    patient_id, episode_id = _patient(staff)
    two_week = next_action(staff.receptionist, patient_id)
    appointments.book_appointment(staff.receptionist, two_week.item_id, clinician_id=staff.clinician.user_id,
                                  starts_local=datetime(2026, 6, 2, 9, 0))
    assert next_action(staff.receptionist, patient_id).label == "Book the 12-week check (due by Mon 24 Aug 2026)"


def test_a_clinician_is_offered_the_urgent_letter_before_anything_else(staff):
    patient_id, episode_id = _patient(staff, red_flags=["suspected cauda equina syndrome"])
    referral = referrals.referrals_for_episode(staff.clinician, episode_id)[0]
    action = next_action(staff.clinician, patient_id)
    assert (action.kind, action.item_id, action.urgent) == ("referral_to_write", referral.id, True)
    assert action.label == "Write the letter: urgent red-flag referral (due by Mon 1 Jun 2026)"
    referrals.draft_referral(staff.clinician, referral.id, "Please see today.")
    assert next_action(staff.clinician, patient_id).label.startswith("Sign the letter: urgent red-flag referral")
    referrals.sign_referral(staff.clinician, referral.id, PASSWORD)
    assert next_action(staff.clinician, patient_id) is None  # sending is reception's
    assert next_action(staff.receptionist, patient_id).label.startswith("Book the 2-week review")


def test_a_clinician_is_offered_the_outcome_of_an_attended_review(staff):
    patient_id, episode_id = _patient(staff)
    review = next_action(staff.receptionist, patient_id)
    appointments.book_appointment(staff.receptionist, review.item_id, clinician_id=staff.clinician.user_id,
                                  starts_local=datetime(2026, 6, 2, 9, 0))
    with frozen_at(datetime(2026, 6, 2, 8, 30, tzinfo=timezone.utc)):
        appointments.record_attended(staff.receptionist, review.item_id)
        action = next_action(staff.clinician, patient_id)
    assert (action.kind, action.item_id, action.label) == (
        "finding_to_record", review.item_id,
        "Record the outcome: STarT Back of the 2-week review (due by Mon 15 Jun 2026)")


def test_a_clinician_is_offered_the_warning_when_nothing_else_is_owed(staff):
    patient = patients.register_patient(staff.receptionist, family_name="Liver", given_name="Ann",
                                        date_of_birth=date(1960, 5, 1))
    episodes.open_episode(staff.clinician, patient.id, first_contact_on=date(2026, 6, 1),
                          presentation="non_specific", severity="moderate",
                          medications=[MedicationInput("Cyclobenzaprine", "muscle_relaxant", "5 mg", **FOR_SPASM)])
    assert next_action(staff.clinician, patient.id) is None
    patients.edit_patient(staff.receptionist, patient.id, hepatic_impairment="moderate")
    action = next_action(staff.clinician, patient.id)
    assert (action.kind, action.item_type, action.label) == (
        "warning_to_acknowledge", "warning", "Acknowledge the warning (due by Mon 1 Jun 2026)")


def test_the_manager_is_offered_only_what_is_overdue(staff):
    patient_id, _ = _patient(staff)
    assert next_action(staff.manager, patient_id) is None
    with frozen_at(datetime(2026, 6, 20, 9, 0, tzinfo=timezone.utc)):
        action = next_action(staff.manager, patient_id)
    assert (action.kind, action.overdue) == ("appointment_to_book", True)
    assert action.label == "OVERDUE 5 d · Book the 2-week review (reviews to book)"


def test_another_patients_work_is_not_offered(staff):
    _patient(staff, red_flags=["suspected spinal fracture"])
    quiet = patients.register_patient(staff.receptionist, family_name="Jones", given_name="Bob",
                                      date_of_birth=date(1970, 1, 1))
    assert next_action(staff.clinician, quiet.id) is None
    assert next_action(staff.receptionist, quiet.id) is None
