"""Reviews attended without their finding recorded stay on the clinician's list until it is."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from clinic_desktop.services.admin import users
from clinic_desktop.services.appointments import appointments
from clinic_desktop.services.core.clock import frozen_at
from clinic_desktop.services.episodes import discharge, episodes
from clinic_desktop.services.episodes.handover import UNASSIGNED
from clinic_desktop.services.patients import patients
from clinic_desktop.services.worklists.assessments_due import assessments_due

FIRST_CONTACT = date(2026, 11, 2)  # Mon
REVIEW_AT = datetime(2026, 11, 12, 10, 0)  # Thu, clinic wall time (GMT)
HIGH = (1, 1, 1, 1, 1, 1, 1, 1, 4)


def _at(year, month, day, hour=9):
    return frozen_at(datetime(year, month, day, hour, 0, tzinfo=timezone.utc))


@pytest.fixture
def seen_at_two_weeks(staff):
    """An episode whose 2-week review was attended on Thu 12 Nov; returns the episode id."""
    with _at(2026, 11, 2):
        patient = patients.register_patient(staff.receptionist, family_name="Evans", given_name="Zoë",
                                            date_of_birth=date(1967, 10, 16))
        episode_id = episodes.open_episode(staff.clinician, patient.id, first_contact_on=FIRST_CONTACT,
                                           presentation="non_specific", severity="moderate").episode_id
        review = next(a for a in appointments.appointments_for_episode(staff.receptionist, episode_id)
                      if a.kind == "two_week_review")
        appointments.book_appointment(staff.receptionist, review.id, clinician_id=staff.clinician.user_id,
                                      starts_local=REVIEW_AT)
    with _at(2026, 11, 12, 11):
        appointments.record_attended(staff.receptionist, review.id)
    return episode_id


def test_an_attended_2_week_review_without_start_back_is_listed(staff, seen_at_two_weeks):
    with _at(2026, 11, 20):
        rows = assessments_due(staff.clinician)
    assert [(row.assessment, row.patient_name, row.seen_on, row.days_waiting) for row in rows] == [
        ("STarT Back", "EVANS, Zoë", date(2026, 11, 12), 8)]


def test_recording_the_start_back_takes_it_off_the_list(staff, seen_at_two_weeks):
    with _at(2026, 11, 20):
        episodes.record_start_back(staff.clinician, seen_at_two_weeks, assessed_on=date(2026, 11, 12), answers=HIGH)
        assert assessments_due(staff.clinician) == ()


def test_a_finding_closed_with_a_reason_at_discharge_leaves_the_list(staff, seen_at_two_weeks):
    with _at(2026, 11, 20):
        (finding,) = discharge.discharge_items(staff.clinician, seen_at_two_weeks)[:1]
        episodes.discharge_episode(staff.clinician, seen_at_two_weeks, discharged_on=date(2026, 11, 20),
                                   reason="moved away", decisions=[
                                       discharge.ItemDecision(finding.kind, finding.item_id, "close", "moved away")])
        assert assessments_due(staff.clinician) == ()


def test_a_finding_owed_by_a_clinician_who_left_is_on_every_clinicians_list(staff, seen_at_two_weeks):
    with _at(2026, 11, 20):
        users.deactivate_user(staff.manager, staff.clinician.user_id, hand_over_to=UNASSIGNED)
        rows = assessments_due(staff.other_clinician, clinician_id=staff.other_clinician.user_id)
    assert [(row.assessment, row.owner_name) for row in rows] == [
        ("STarT Back", "Unassigned (Dr Alys Jones is inactive)")]


def test_the_list_can_be_narrowed_to_one_clinician(staff, seen_at_two_weeks):
    with _at(2026, 11, 20):
        assert assessments_due(staff.clinician, clinician_id=staff.other_clinician.user_id) == ()  # not unassigned
        assert len(assessments_due(staff.clinician, clinician_id=staff.clinician.user_id)) == 1
