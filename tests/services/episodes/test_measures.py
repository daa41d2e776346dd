"""Improvement, measured, through the services (services/episodes/measures.py and the visits that take them)."""
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from clinic_desktop.models import Appointment, AuditEvent, ImprovementMeasure, Patient, StartBackAssessment
from clinic_desktop.services.core.errors import PermissionDenied, ValidationError
from clinic_desktop.services.episodes import episodes, measures
from clinic_desktop.services.episodes.measures import MeasuresInput

NOW = datetime(2027, 1, 11, 9, 0, tzinfo=timezone.utc)  # Mon 11 Jan 2027
CLINIC_TIME = NOW
FIRST_CONTACT = date(2026, 11, 26)  # a Thursday
REVIEW = date(2026, 12, 10)
LOW, MEDIUM = (0, 0, 0, 0, 0, 0, 0, 0, 0), (1, 1, 1, 1, 0, 0, 0, 0, 0)
BASELINE = MeasuresInput(pain_now=7, function_score=4)


def opened(staff, baseline=BASELINE):
    patient = Patient.create(family_name="Smith", given_name="Ann", family_name_key="smith", given_name_key="ann",
                             date_of_birth=date(1970, 5, 1), hepatic_impairment="none", created_at=NOW,
                             updated_at=NOW)
    return episodes.open_episode(staff.clinician, patient.id, first_contact_on=FIRST_CONTACT,
                                 presentation="non_specific", severity="moderate", measures=baseline).episode_id


def stored(episode_id):
    return list(ImprovementMeasure.select().where(ImprovementMeasure.episode == episode_id)
                .order_by(ImprovementMeasure.id))


def follow_ups(episode_id):
    return {row.pathway_key: (row.status, row.due_by) for row in
            Appointment.select().where((Appointment.episode == episode_id) & (Appointment.kind == "follow_up"))}


def test_first_contact_measures_are_the_stored_baseline(staff):
    episode_id = opened(staff)
    [baseline] = stored(episode_id)
    assert (baseline.occasion, baseline.pain_now, baseline.function_score, baseline.improving) == (
        "first_contact", 7, Decimal("4.00"), None)
    event = AuditEvent.select().where(AuditEvent.action == "open_episode").get()
    assert event.summary.endswith("first contact Thu 26 Nov 2026; pain 7/10, function 4/10")


def test_low_risk_not_improving_at_the_2_week_review_puts_an_ongoing_evaluation_on_the_to_book_list(staff):
    episode_id = opened(staff)
    update = episodes.record_start_back(staff.clinician, episode_id, assessed_on=REVIEW, answers=LOW,
                                        measures=MeasuresInput(6, function_score=4, global_change=4),
                                        improving=False)
    assert update.notices[0] == ("Low risk and not improving: proceed to ongoing evaluation; an ongoing "
                                 "evaluation follow-up was put on the to-book list")
    [review] = stored(episode_id)[1:]
    assert (review.occasion, review.improving, review.global_change) == ("two_week_review", False, 4)
    assert follow_ups(episode_id) == {f"ongoing_evaluation:{review.id}": ("to_book", date(2027, 1, 7))}
    event = AuditEvent.select().where(AuditEvent.action == "record_start_back").get()
    assert "low risk; pain 6/10, function 4/10, no change (PGIC 4/7), judged not improving" in event.summary


def test_low_risk_improving_continues_current_management(staff):
    episode_id = opened(staff)
    update = episodes.record_start_back(staff.clinician, episode_id, assessed_on=REVIEW, answers=LOW,
                                        measures=MeasuresInput(2, function_score=8, global_change=2),
                                        improving=True)
    assert update.notices[0] == "Low risk and improving: continue current management and self-management"
    assert follow_ups(episode_id) == {}


def test_medium_risk_says_nothing_of_the_low_risk_route(staff):
    episode_id = opened(staff)
    update = episodes.record_start_back(staff.clinician, episode_id, assessed_on=REVIEW, answers=MEDIUM,
                                        measures=MeasuresInput(6, function_score=4, global_change=4),
                                        improving=False)
    assert not any(notice.startswith("Low risk") for notice in update.notices)
    assert follow_ups(episode_id) == {}


def test_an_ongoing_evaluation_answers_the_follow_up_and_asks_for_the_next(staff):
    episode_id = opened(staff)
    episodes.record_start_back(staff.clinician, episode_id, assessed_on=REVIEW, answers=LOW,
                               measures=MeasuresInput(6, function_score=4, global_change=4), improving=False)
    update = measures.record_measures(staff.clinician, episode_id, measured_on=date(2027, 1, 7),
                                      measures=MeasuresInput(6, function_score=5, global_change=3),
                                      improving=False)
    first, second = sorted(follow_ups(episode_id).items())
    assert first[1][0] == "cancelled"
    assert second[1] == ("to_book", date(2027, 2, 4))
    assert "Follow-up cancelled: a later evaluation was recorded" in update.notices


def test_measures_are_stored_with_the_2_week_review_or_not_at_all(staff):
    episode_id = opened(staff)
    with pytest.raises(ValidationError) as refused:
        episodes.record_start_back(staff.clinician, episode_id, assessed_on=REVIEW, answers=LOW,
                                   measures=MeasuresInput(11, function_score=4, global_change=4), improving=False)
    assert (str(refused.value), refused.value.field) == ("Pain now is a whole number from 0 to 10, not 11", "pain_now")
    assert not StartBackAssessment.select().where(StartBackAssessment.episode == episode_id).exists()


def test_the_clinician_must_say_whether_the_patient_is_improving(staff):
    episode_id = opened(staff)
    with pytest.raises(ValidationError, match="Say whether the patient is improving: yes or no"):
        episodes.record_start_back(staff.clinician, episode_id, assessed_on=REVIEW, answers=LOW,
                                   measures=MeasuresInput(6, function_score=4, global_change=4))


@pytest.mark.parametrize(("given", "field", "message"), [
    (MeasuresInput(5, function_score=4), "global_change", "Choose the patient's impression of change"),
    (MeasuresInput(5, function_scale="psfs", global_change=3), "psfs_activities",
     "The Patient-Specific Functional Scale scores 1 to 3 activities, not 0"),
    (MeasuresInput(5, function_scale="psfs", psfs_activities=[("walking", 3)] * 4, global_change=3),
     "psfs_activities", "The Patient-Specific Functional Scale scores 1 to 3 activities, not 4"),
    (MeasuresInput(5, function_scale="psfs", psfs_activities=[(" ", 3)], global_change=3), "psfs_activities",
     "Name each activity"),
    (MeasuresInput(5, function_score=4, psfs_activities=[("walking", 3)], global_change=3), "psfs_activities",
     "Activities are scored only on the Patient-Specific Functional Scale"),
    (MeasuresInput(5, function_score=True, global_change=3), "function_score", "Function is a whole number"),
])
def test_measures_are_refused_with_a_clear_message(staff, given, field, message):
    episode_id = opened(staff)
    with pytest.raises(ValidationError) as refused:
        measures.record_measures(staff.clinician, episode_id, measured_on=REVIEW, measures=given, improving=True)
    assert refused.value.field == field and str(refused.value).startswith(message)
    assert len(stored(episode_id)) == 1


def test_psfs_stores_the_mean_of_its_activities(staff):
    episode_id = opened(staff)
    measures.record_measures(staff.clinician, episode_id, measured_on=REVIEW, improving=True, measures=MeasuresInput(
        3, function_scale="psfs", psfs_activities=[("walking", 7), ("sitting", 6), ("lifting", 7)], global_change=2))
    [record] = measures.episode_measures(episode_id)[1:]
    assert record.function_score == Decimal("6.67")
    assert record.summary == ("pain 3/10, PSFS 6.7/10 (walking 7, sitting 6, lifting 7), much improved (PGIC 2/7), "
                              "judged improving")


def test_the_12_week_check_stores_its_measures_with_the_outcome(staff):
    episode_id = opened(staff)
    with_check = date(2027, 1, 11)
    episodes.record_twelve_week_outcome(staff.clinician, episode_id, recorded_on=with_check, improved=True,
                                        measures=MeasuresInput(2, function_score=8, global_change=1))
    record = measures.episode_measures(episode_id)[-1]
    assert (record.occasion, record.measured_on, record.improving) == ("twelve_week_check", with_check, True)


def test_the_suggestion_compares_with_the_first_contact(staff):
    episode_id = opened(staff)
    suggestion = measures.suggested_improvement(staff.clinician, episode_id,
                                                MeasuresInput(3, function_score=4, global_change=3))
    assert suggestion.improved
    assert suggestion.why.startswith("Pain 7 → 3 (−4, 57 %), function 4 → 4 (no change) since the first contact "
                                     "on 26 Nov 2026")


def test_a_receptionist_may_not_record_measures(staff):
    episode_id = opened(staff)
    with pytest.raises(PermissionDenied):
        measures.record_measures(staff.receptionist, episode_id, measured_on=REVIEW, improving=True,
                                 measures=MeasuresInput(3, function_score=4, global_change=3))


def test_existing_callers_record_no_measures(staff):
    episode_id = opened(staff, baseline=None)
    episodes.record_start_back(staff.clinician, episode_id, assessed_on=REVIEW, answers=LOW)
    assert stored(episode_id) == []
