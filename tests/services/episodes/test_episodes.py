"""The clinical record through the episodes service, and the pathway items each fact brings."""
import json
from datetime import date, datetime, timezone

import pytest
from relaxant_answers import FOR_SPASM

from clinic_desktop.models import (
    Appointment,
    AuditEvent,
    Medication,
    PathwayWarning,
    Patient,
    RadicularStatus,
    Referral,
)
from clinic_desktop.services.core.clock import frozen_at
from clinic_desktop.services.core.errors import (
    AcknowledgementRequired,
    Conflict,
    InvalidTransition,
    PermissionDenied,
    ValidationError,
)
from clinic_desktop.services.episodes import discharge, episode_records, episodes
from clinic_desktop.services.episodes.discharge import ItemDecision
from clinic_desktop.services.episodes.episodes import MedicationInput

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)  # Mon 30 Nov 2026, 09:00 in London
FIRST_CONTACT = date(2026, 11, 26)  # a Thursday
LOW, MEDIUM, HIGH = (0, 0, 0, 0, 0, 0, 0, 0, 0), (1, 1, 1, 1, 0, 0, 0, 0, 0), (1, 1, 1, 1, 1, 1, 1, 1, 4)
RELAXANT = MedicationInput("cyclobenzaprine", "muscle_relaxant", "10 mg at night", **FOR_SPASM)


CLINIC_TIME = NOW  # every test here runs at this moment (tests/conftest.py: clinic_clock)


def register(hepatic="none", family="Smith", given="Ann"):
    return Patient.create(family_name=family, given_name=given, family_name_key=family.lower(),
                          given_name_key=given.lower(), date_of_birth=date(1970, 5, 1),
                          hepatic_impairment=hepatic, created_at=NOW, updated_at=NOW).id


def open_for(staff, patient_id=None, **changes):
    values = {"first_contact_on": FIRST_CONTACT, "presentation": "non_specific", "severity": "moderate", **changes}
    return episodes.open_episode(staff.clinician, patient_id or register(), **values)


def open_items(model, update):
    return {row.pathway_key: row for row in model.select().where(model.episode == update.episode_id)}


def radicular_id(update):
    return RadicularStatus.select().where(RadicularStatus.episode == update.episode_id).order_by(
        RadicularStatus.id).first().id


def test_first_contact_schedules_the_two_week_review_and_the_twelve_week_check(staff):
    update = open_for(staff)
    assert update.notices == ("2-week review to book, due by Thu 10 Dec 2026",
                              "12-week check to book, due by Thu 18 Feb 2027")
    stored = open_items(Appointment, update)
    assert {key: (row.status, row.due_by) for key, row in stored.items()} == {
        "two_week_review": ("to_book", date(2026, 12, 10)), "twelve_week_review": ("to_book", date(2027, 2, 18))}


def test_two_week_review_due_on_a_sunday_is_due_the_friday_before(staff):
    update = open_for(staff, first_contact_on=date(2026, 11, 29))
    assert open_items(Appointment, update)["two_week_review"].due_by == date(2026, 12, 11)


def test_two_week_review_due_on_a_bank_holiday_moves_before_the_christmas_break(staff):
    with frozen_at(datetime(2026, 12, 14, 9, tzinfo=timezone.utc)):
        update = open_for(staff, first_contact_on=date(2026, 12, 14))
    # Day 14 is Mon 28 Dec (substitute Boxing Day); 25 Dec is Christmas Day.
    assert open_items(Appointment, update)["two_week_review"].due_by == date(2026, 12, 24)


def test_muscle_relaxant_schedules_a_medication_review_at_day_21(staff):
    update = open_for(staff, medications=[RELAXANT])
    review = next(row for row in open_items(Appointment, update).values() if row.kind == "medication_review")
    assert (review.status, review.due_by) == ("to_book", date(2026, 12, 17))
    assert "Medication review to book, due by Thu 17 Dec 2026" in update.notices


def test_nsaid_schedules_no_medication_review(staff):
    update = open_for(staff, medications=[MedicationInput("naproxen", "nsaid")])
    assert set(open_items(Appointment, update)) == {"two_week_review", "twelve_week_review"}


def test_stopping_the_relaxant_cancels_its_unbooked_review(staff):
    update = open_for(staff, medications=[RELAXANT])
    medication = Medication.get(Medication.episode == update.episode_id)
    stopped = episodes.stop_medication(staff.clinician, medication.id, date(2026, 11, 30))
    assert stopped.notices == ("Medication review cancelled: medication stopped",)
    assert open_items(Appointment, update)[f"medication_review:{medication.id}"].status == "cancelled"


def test_mild_hepatic_impairment_warns_to_start_at_5_mg(staff):
    update = open_for(staff, register(hepatic="mild"))
    relaxant = episodes.record_medication(staff.clinician, update.episode_id, name="cyclobenzaprine",
                                          category="muscle_relaxant", started_on=date(2026, 11, 30), **FOR_SPASM)
    assert "Mild hepatic impairment: start at 5 mg." in relaxant.notices
    warning = PathwayWarning.get(PathwayWarning.episode == update.episode_id)
    assert (warning.requires_acknowledgement, warning.acknowledged_at) == (False, None)


def test_moderate_hepatic_impairment_needs_acknowledgement_and_stores_nothing_without_it(staff):
    update = open_for(staff, register(hepatic="moderate"))
    with pytest.raises(AcknowledgementRequired) as refused:
        episodes.record_medication(staff.clinician, update.episode_id, name="cyclobenzaprine",
                                   category="muscle_relaxant", started_on=date(2026, 11, 30), **FOR_SPASM)
    assert str(refused.value) == ("Moderate hepatic impairment: muscle relaxant not recommended. "
                                  "Acknowledge to proceed.")
    assert Medication.select().count() == 0
    assert PathwayWarning.select().count() == 0


def test_acknowledged_severe_hepatic_warning_is_stored_acknowledged_by_the_clinician(staff):
    update = open_for(staff, register(hepatic="severe"), medications=[RELAXANT], acknowledge_warnings=True)
    warning = PathwayWarning.get(PathwayWarning.episode == update.episode_id)
    assert warning.message == "Severe hepatic impairment: muscle relaxant not recommended."
    assert warning.acknowledged_by_id == staff.clinician.user_id
    assert episode_records.get_episode(staff.clinician, update.episode_id).open_warnings == ()


def test_severe_radicular_pain_raises_an_early_radicular_referral_due_in_14_days(staff):
    update = open_for(staff)
    radicular = episodes.record_radicular_status(staff.clinician, update.episode_id, recorded_on=date(2026, 11, 30),
                                                 severe_radicular_pain=True, neurological_deficit=False)
    assert radicular.notices == ("Early radicular referral raised, due by Mon 14 Dec 2026",)
    (referral,) = open_items(Referral, update).values()
    assert (referral.kind, referral.pathway_key) == ("early_radicular", f"early_radicular:{radicular_id(update)}")
    assert (referral.status, referral.due_by, referral.raised_by_id) == ("raised", date(2026, 12, 14), None)


def test_neurological_deficit_at_first_contact_raises_the_early_radicular_referral(staff):
    update = open_for(staff, presentation="radicular", neurological_deficit=True)
    assert open_items(Referral, update)[f"early_radicular:{radicular_id(update)}"].due_by == date(2026, 12, 10)


def test_radicular_pain_without_severity_or_deficit_raises_no_referral(staff):
    update = open_for(staff, presentation="radicular")
    assert open_items(Referral, update) == {}


def test_red_flags_raise_an_urgent_referral_due_today(staff):
    update = open_for(staff)
    flagged = episodes.record_red_flags(staff.clinician, update.episode_id, recorded_on=date(2026, 11, 30),
                                        flags=["suspected cauda equina", "  saddle   anaesthesia "])
    assert flagged.notices == ("Urgent red-flag referral raised: due today",)
    (referral,) = open_items(Referral, update).values()
    assert (referral.kind, referral.urgent, referral.due_by) == ("urgent_red_flag", True, date(2026, 11, 30))
    assert "suspected cauda equina, saddle anaesthesia" in referral.reason


def test_red_flags_need_at_least_one_flag(staff):
    update = open_for(staff)
    with pytest.raises(ValidationError, match="at least one red flag"):
        episodes.record_red_flags(staff.clinician, update.episode_id, recorded_on=date(2026, 11, 30), flags=[" "])


def test_low_risk_start_back_before_the_two_week_review_raises_nothing_and_keeps_the_review(staff):
    update = open_for(staff)
    low = episodes.record_start_back(staff.clinician, update.episode_id, assessed_on=date(2026, 11, 30), answers=LOW)
    assert low.notices == ()
    assert open_items(Referral, update) == {}
    assert open_items(Appointment, update)["two_week_review"].status == "to_book"


def test_medium_risk_raises_a_standard_physiotherapy_referral(staff):
    update = open_for(staff)
    medium = episodes.record_start_back(staff.clinician, update.episode_id, assessed_on=date(2026, 11, 30),
                                        answers=MEDIUM)
    assert "Standard physiotherapy referral raised, due by Mon 14 Dec 2026" in medium.notices
    assert [row.kind for row in open_items(Referral, update).values()] == ["standard_physiotherapy"]


def test_high_risk_raises_a_biopsychosocial_referral(staff):
    update = open_for(staff)
    episodes.record_start_back(staff.clinician, update.episode_id, assessed_on=date(2026, 11, 30), answers=HIGH)
    (referral,) = open_items(Referral, update).values()
    assert (referral.kind, referral.due_by) == ("biopsychosocial", date(2026, 12, 14))


def test_medium_to_high_supersedes_the_unsent_physiotherapy_referral(staff):
    update = open_for(staff)
    episodes.record_start_back(staff.clinician, update.episode_id, assessed_on=date(2026, 11, 27), answers=MEDIUM)
    high = episodes.record_start_back(staff.clinician, update.episode_id, assessed_on=date(2026, 11, 30),
                                      answers=HIGH)
    assert "Superseded: standard physiotherapy referral cancelled" in high.notices
    stored = {row.kind: row for row in open_items(Referral, update).values()}
    assert stored["standard_physiotherapy"].status == "cancelled"
    assert stored["standard_physiotherapy"].cancel_reason == "superseded: risk changed to high on 30 Nov 2026"
    assert stored["biopsychosocial"].status == "raised"


def test_medium_to_high_keeps_a_sent_physiotherapy_referral(staff):
    update = open_for(staff)
    episodes.record_start_back(staff.clinician, update.episode_id, assessed_on=date(2026, 11, 27), answers=MEDIUM)
    Referral.update(status="sent", sent_at=NOW).where(Referral.episode == update.episode_id).execute()
    high = episodes.record_start_back(staff.clinician, update.episode_id, assessed_on=date(2026, 11, 30),
                                      answers=HIGH)
    assert not any(notice.startswith("Superseded") for notice in high.notices)
    stored = {row.kind: row.status for row in open_items(Referral, update).values()}
    assert stored == {"standard_physiotherapy": "sent", "biopsychosocial": "raised"}


def test_restratification_to_the_same_risk_raises_nothing_new(staff):
    update = open_for(staff)
    episodes.record_start_back(staff.clinician, update.episode_id, assessed_on=date(2026, 11, 27), answers=MEDIUM)
    again = episodes.record_start_back(staff.clinician, update.episode_id, assessed_on=date(2026, 11, 30),
                                       answers=(1, 1, 1, 1, 1, 0, 0, 0, 0))
    assert again.notices == ()
    assert [row.status for row in open_items(Referral, update).values()] == ["raised"]


def test_not_improved_at_twelve_weeks_raises_a_pain_or_spinal_centre_referral(staff):
    update = open_for(staff)
    outcome = episodes.record_twelve_week_outcome(staff.clinician, update.episode_id,
                                                  recorded_on=date(2026, 11, 30), improved=False)
    assert "Specialist pain / spinal centre referral raised, due by Mon 14 Dec 2026" in outcome.notices
    assert [row.kind for row in open_items(Referral, update).values()] == ["pain_spinal_centre"]


def test_an_outcome_dated_before_the_12_week_window_is_kept_and_the_check_stays(staff):
    update = open_for(staff)
    outcome = episodes.record_twelve_week_outcome(staff.clinician, update.episode_id,
                                                  recorded_on=date(2026, 11, 30), improved=True)
    assert outcome.notices == ("This 12-week outcome is dated Mon 30 Nov 2026, before the 12-week window opened "
                               "on Thu 4 Feb 2027: the 12-week check stays required",)
    assert open_items(Appointment, update)["twelve_week_review"].status == "to_book"


def test_not_improved_may_add_a_spinal_surgical_referral_in_the_same_save(staff):
    update = open_for(staff)
    outcome = episodes.record_twelve_week_outcome(staff.clinician, update.episode_id, recorded_on=date(2026, 11, 30),
                                                  improved=False, spinal_surgical_reason="Persistent L5 radiculopathy")
    assert outcome.notices[-1] == "Spinal surgical referral raised, due by Mon 14 Dec 2026"
    stored = {row.kind: row for row in Referral.select().where(Referral.episode == update.episode_id)}
    assert set(stored) == {"pain_spinal_centre", "spinal_surgical"}
    surgical = stored["spinal_surgical"]
    assert (surgical.reason, surgical.raised_by_id) == ("Persistent L5 radiculopathy", staff.clinician.user_id)


def test_a_refused_spinal_surgical_referral_leaves_the_outcome_unrecorded(staff):
    update = open_for(staff)
    with pytest.raises(ValidationError, match="Give the reason for the referral"):
        episodes.record_twelve_week_outcome(staff.clinician, update.episode_id, recorded_on=date(2026, 11, 30),
                                            improved=False, spinal_surgical_reason=" ")
    assert episode_records.get_episode(staff.clinician, update.episode_id).outcome is None
    assert Referral.select().count() == 0


def test_an_improved_patient_gets_no_spinal_surgical_referral(staff):
    update = open_for(staff)
    with pytest.raises(ValidationError, match="only when the patient has not improved"):
        episodes.record_twelve_week_outcome(staff.clinician, update.episode_id, recorded_on=date(2026, 11, 30),
                                            improved=True, spinal_surgical_reason="asked for it")


def test_improved_at_twelve_weeks_raises_no_referral(staff):
    update = open_for(staff)
    episodes.record_twelve_week_outcome(staff.clinician, update.episode_id, recorded_on=date(2026, 11, 30),
                                        improved=True)
    assert open_items(Referral, update) == {}


def test_discharge_cancels_unbooked_reviews_but_keeps_booked_ones_and_open_referrals(staff):
    update = open_for(staff, red_flags=["suspected cauda equina"])
    Appointment.update(status="booked", clinician=staff.clinician.user_id, starts_at=NOW, ends_at=NOW.replace(
        minute=20)).where(Appointment.pathway_key == "two_week_review").execute()
    decisions = [ItemDecision(item.kind, item.item_id, "keep" if item.kind == "booked_visit" else "hand_over")
                 for item in discharge.discharge_items(staff.clinician, update.episode_id) if item.needs_decision]
    discharged = episodes.discharge_episode(staff.clinician, update.episode_id, discharged_on=date(2026, 11, 30),
                                            reason="resolved", decisions=decisions,
                                            hand_over_to=staff.clinician.user_id)
    assert discharged.notices == (
        "2-week review booked Mon 30 Nov 2026 09:00 with Dr Alys Jones: kept",
        "Handed over: Urgent red-flag referral: letter not written, now on Dr Alys Jones's list",
        "12-week check cancelled: discharged")
    appointments = open_items(Appointment, update)
    assert appointments["two_week_review"].status == "booked"
    assert appointments["twelve_week_review"].cancel_reason == "discharged"
    assert [row.status for row in open_items(Referral, update).values()] == ["raised"]


def test_discharge_needs_a_reason(staff):
    update = open_for(staff)
    with pytest.raises(ValidationError, match="reason for the discharge"):
        episodes.discharge_episode(staff.clinician, update.episode_id, discharged_on=date(2026, 11, 30), reason=" ")


def test_a_discharged_episode_refuses_new_facts(staff):
    update = open_for(staff)
    episodes.discharge_episode(staff.clinician, update.episode_id, discharged_on=date(2026, 11, 30), reason="better")
    with pytest.raises(InvalidTransition, match="^This episode was discharged on Mon 30 Nov 2026"):
        episodes.record_start_back(staff.clinician, update.episode_id, assessed_on=date(2026, 11, 30), answers=LOW)


def test_a_warning_can_be_acknowledged_after_discharge(staff):
    update = open_for(staff, register(hepatic="mild"), medications=[RELAXANT])
    episodes.discharge_episode(staff.clinician, update.episode_id, discharged_on=date(2026, 11, 30), reason="better")
    (warning,) = episode_records.get_episode(staff.clinician, update.episode_id).open_warnings
    episodes.acknowledge_warning(staff.clinician, warning.id)
    assert episode_records.get_episode(staff.clinician, update.episode_id).open_warnings == ()


def test_a_warning_is_acknowledged_only_once(staff):
    update = open_for(staff, register(hepatic="mild"), medications=[RELAXANT])
    (warning,) = episode_records.get_episode(staff.clinician, update.episode_id).open_warnings
    episodes.acknowledge_warning(staff.clinician, warning.id)
    with pytest.raises(InvalidTransition, match="Dr Alys Jones already acknowledged"):
        episodes.acknowledge_warning(staff.other_clinician, warning.id)


def test_a_second_open_episode_is_refused_naming_the_first(staff):
    patient_id = register()
    open_for(staff, patient_id)
    with pytest.raises(Conflict, match=r"SMITH, Ann already has an open episode .*Thu 26 Nov 2026"):
        open_for(staff, patient_id, first_contact_on=date(2026, 11, 30))


def test_a_new_episode_may_open_after_discharge(staff):
    patient_id = register()
    first = open_for(staff, patient_id)
    episodes.discharge_episode(staff.clinician, first.episode_id, discharged_on=date(2026, 11, 30), reason="better")
    second = open_for(staff, patient_id, first_contact_on=date(2026, 11, 30))
    assert episode_records.open_episode_for(staff.receptionist, patient_id).id == second.episode_id


def test_first_contact_in_the_future_is_refused(staff):
    with pytest.raises(ValidationError, match="Tue 1 Dec 2026 is in the future"):
        open_for(staff, first_contact_on=date(2026, 12, 1))


def test_start_back_before_first_contact_is_refused(staff):
    update = open_for(staff)
    with pytest.raises(ValidationError, match="before the first contact on Thu 26 Nov 2026"):
        episodes.record_start_back(staff.clinician, update.episode_id, assessed_on=date(2026, 11, 25), answers=LOW)


def test_an_incomplete_start_back_is_refused_with_the_scoring_message(staff):
    update = open_for(staff)
    with pytest.raises(ValidationError, match="STarT Back needs 9 answers, got 8"):
        episodes.record_start_back(staff.clinician, update.episode_id, assessed_on=date(2026, 11, 30),
                                   answers=LOW[:8])


def test_a_receptionist_cannot_record_start_back(staff):
    update = open_for(staff)
    with pytest.raises(PermissionDenied):
        episodes.record_start_back(staff.receptionist, update.episode_id, assessed_on=date(2026, 11, 30), answers=LOW)


def test_a_receptionist_cannot_open_an_episode(staff):
    with pytest.raises(PermissionDenied):
        episodes.open_episode(staff.receptionist, register(), first_contact_on=FIRST_CONTACT,
                              presentation="non_specific", severity="mild")


def test_a_change_writes_one_audit_event_listing_the_pathway_notices(staff):
    update = open_for(staff)
    before = AuditEvent.select().count()
    medium = episodes.record_start_back(staff.clinician, update.episode_id, assessed_on=date(2026, 11, 30),
                                        answers=MEDIUM)
    (event,) = AuditEvent.select().order_by(AuditEvent.id.desc()).limit(AuditEvent.select().count() - before)
    assert (event.action, event.summary) == ("record_start_back",
                                             "recorded STarT Back 4/9 (psychosocial 0/5): medium risk")
    assert json.loads(event.details)["notices"] == list(medium.notices)


def test_the_episode_shows_its_latest_start_back_and_its_medications(staff):
    update = open_for(staff, medications=[RELAXANT])
    episodes.record_start_back(staff.clinician, update.episode_id, assessed_on=date(2026, 11, 27), answers=MEDIUM)
    episodes.record_start_back(staff.clinician, update.episode_id, assessed_on=date(2026, 11, 30), answers=HIGH)
    record = episode_records.get_episode(staff.receptionist, update.episode_id)
    assert (record.start_back.total, record.start_back.psychosocial, record.start_back.risk) == (9, 5, "high")
    assert [(med.name, med.started_on) for med in record.medications] == [("cyclobenzaprine", FIRST_CONTACT)]
    assert (record.patient_name, record.clinician_name) == ("SMITH, Ann", "Dr Alys Jones")


# --- medicines that know their class, and keeping a relaxant on ---

def test_a_relaxant_typed_as_other_is_stored_as_a_muscle_relaxant_with_its_review(staff):
    update = open_for(staff)
    recorded = episodes.record_medication(staff.clinician, update.episode_id, name="  Methocarbamol ",
                                          category="other", started_on=date(2026, 11, 30), **FOR_SPASM)
    medication = Medication.get(Medication.episode == update.episode_id)
    assert (medication.name, medication.category) == ("Methocarbamol", "muscle_relaxant")
    assert "Medication review to book, due by Mon 21 Dec 2026" in recorded.notices


def test_a_relaxant_typed_as_other_still_needs_the_hepatic_warning_acknowledged(staff):
    update = open_for(staff, register(hepatic="severe"))
    with pytest.raises(AcknowledgementRequired, match="muscle relaxant not recommended"):
        episodes.record_medication(staff.clinician, update.episode_id, name="Diazepam 2 mg", category="other",
                                   started_on=date(2026, 11, 30), **FOR_SPASM)
    assert Medication.select().count() == 0


def test_an_unlisted_medicine_keeps_the_category_typed(staff):
    update = open_for(staff)
    episodes.record_medication(staff.clinician, update.episode_id, name="Devil's  claw", category="other",
                               started_on=date(2026, 11, 30))
    assert (Medication.get().name, Medication.get().category) == ("Devil's claw", "other")


def relaxant_started(staff, started_on=FIRST_CONTACT):
    update = open_for(staff, medications=[MedicationInput("cyclobenzaprine", "muscle_relaxant", "5 mg",
                                                          started_on, **FOR_SPASM)])
    return update, Medication.get(Medication.episode == update.episode_id).id


def test_a_relaxant_kept_on_records_the_decision_and_its_reason(staff):
    update, medication_id = relaxant_started(staff)
    kept = episodes.keep_medication_on(staff.clinician, medication_id, reason=" spasm still limiting walking ",
                                       decided_on=date(2026, 11, 30))
    medication = Medication.get_by_id(medication_id)
    assert (medication.continued_on, medication.continued_reason) == (date(2026, 11, 30),
                                                                      "spasm still limiting walking")
    event = AuditEvent.select().order_by(AuditEvent.id.desc()).get()
    assert (event.action, event.entity_id, event.user_id) == ("keep_medication_on", update.episode_id,
                                                              staff.clinician.user_id)
    assert event.summary == "kept cyclobenzaprine on from Mon 30 Nov 2026: spasm still limiting walking"
    assert kept.episode_id == update.episode_id


def test_keeping_a_relaxant_on_needs_a_reason(staff):
    _, medication_id = relaxant_started(staff)
    with pytest.raises(ValidationError, match="Give the reason for keeping it on"):
        episodes.keep_medication_on(staff.clinician, medication_id, reason="  ", decided_on=date(2026, 11, 30))
    assert Medication.get_by_id(medication_id).continued_on is None


def test_only_a_clinician_keeps_a_relaxant_on(staff):
    _, medication_id = relaxant_started(staff)
    with pytest.raises(PermissionDenied):
        episodes.keep_medication_on(staff.receptionist, medication_id, reason="asked", decided_on=date(2026, 11, 30))


@pytest.mark.parametrize(("decided_on", "message"), [(date(2026, 12, 1), "in the future"),
                                                      (date(2026, 11, 25), "before it started")])
def test_a_keep_on_decision_date_must_make_sense(staff, decided_on, message):
    _, medication_id = relaxant_started(staff)
    with pytest.raises(ValidationError, match=message):
        episodes.keep_medication_on(staff.clinician, medication_id, reason="spasm", decided_on=decided_on)


def test_a_stopped_medicine_cannot_be_kept_on(staff):
    _, medication_id = relaxant_started(staff)
    episodes.stop_medication(staff.clinician, medication_id, date(2026, 11, 30))
    with pytest.raises(InvalidTransition, match="was stopped on Mon 30 Nov 2026"):
        episodes.keep_medication_on(staff.clinician, medication_id, reason="spasm", decided_on=date(2026, 11, 30))


def test_only_a_muscle_relaxant_is_kept_on(staff):
    update = open_for(staff, medications=[MedicationInput("ibuprofen", "nsaid", "400 mg")])
    medication_id = Medication.get(Medication.episode == update.episode_id).id
    with pytest.raises(InvalidTransition, match="not a muscle relaxant"):
        episodes.keep_medication_on(staff.clinician, medication_id, reason="pain", decided_on=date(2026, 11, 30))


def test_a_relaxant_kept_on_leaves_the_review_list_until_21_days_after_the_decision(staff):
    from clinic_desktop.services.worklists.obligations import obligation_list

    with frozen_at(datetime(2026, 12, 21, 9, 0, tzinfo=timezone.utc)):
        _, medication_id = relaxant_started(staff, started_on=FIRST_CONTACT)
        assert obligation_list(staff.clinician, "relaxant_to_review").total == 1
        episodes.keep_medication_on(staff.clinician, medication_id, reason="spasm", decided_on=date(2026, 12, 21))
        assert obligation_list(staff.clinician, "relaxant_to_review").total == 0
    with frozen_at(datetime(2027, 1, 11, 9, 0, tzinfo=timezone.utc)):
        (row,) = obligation_list(staff.clinician, "relaxant_to_review").rows
    assert (row.item_id, row.due_by) == (medication_id, date(2027, 1, 11))
