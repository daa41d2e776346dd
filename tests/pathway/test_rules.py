from datetime import date

import pytest

from clinic_desktop.pathway.calendar import WorkingCalendar
from clinic_desktop.pathway.rules import (
    CancelUnbooked,
    EpisodeFacts,
    MedicationFact,
    OutcomeFact,
    PathwayWarning,
    RadicularFact,
    RedFlagFact,
    RequiredAppointment,
    StartBackFact,
    evaluate,
    hepatic_warning,
    referral_due,
)
from clinic_desktop.pathway.timings import PathwayTimings

FIRST_CONTACT = date(2026, 11, 3)  # a Tuesday
TWO_WEEKS_LATER = date(2026, 11, 17)
ENGLAND = WorkingCalendar("GB-ENG")


def episode(**changes):
    return EpisodeFacts(**{"first_contact_on": FIRST_CONTACT, "discharged_on": None, "hepatic_impairment": "none", **changes})


def evaluated(timings=PathwayTimings(), **changes):
    return evaluate(episode(**changes), timings, ENGLAND)


def keyed(items):
    return {item.key: item for item in items}


def relaxant(id=1, started_on=FIRST_CONTACT, stopped_on=None):
    return MedicationFact(id, "muscle_relaxant", "cyclobenzaprine", started_on, stopped_on)


def stratified(*risks, assessed_on=TWO_WEEKS_LATER):
    return tuple(StartBackFact(id, assessed_on, risk) for id, risk in enumerate(risks, 1))


def test_open_episode_requires_two_week_review_by_day_14():
    review = keyed(evaluated().appointments)["two_week_review"]
    assert review == RequiredAppointment(
        "two_week_review", "two_week_review", TWO_WEEKS_LATER, "2-week review after first contact on 3 Nov 2026"
    )


def test_two_week_review_landing_on_saturday_is_due_the_friday_before():
    review = keyed(evaluated(first_contact_on=date(2026, 11, 7)).appointments)["two_week_review"]
    assert review.due_by == date(2026, 11, 20)


def test_start_back_recorded_before_the_two_week_review_keeps_it():
    # The 2-week review is a review of improvement, not only the STarT Back: it stays until attended.
    actions = evaluated(start_back=stratified("low", assessed_on=date(2026, 11, 5)))
    assert keyed(actions.appointments)["two_week_review"].due_by == TWO_WEEKS_LATER
    assert actions.cancel_unbooked == ()


def test_muscle_relaxant_requires_medication_review_by_day_21():
    review = keyed(evaluated(medications=(relaxant(id=7),)).appointments)["medication_review:7"]
    assert review.kind == "medication_review"
    assert review.due_by == date(2026, 11, 24)
    assert "cyclobenzaprine" in review.reason
    assert "muscle relaxants beyond 2–3 weeks are a listed pitfall" in review.reason


def test_each_muscle_relaxant_has_its_own_medication_review():
    actions = evaluated(medications=(relaxant(id=1), relaxant(id=2, started_on=date(2026, 11, 10))))
    assert {"medication_review:1", "medication_review:2"} <= set(keyed(actions.appointments))


def test_other_medicines_need_no_medication_review():
    medications = (MedicationFact(1, "nsaid", "naproxen", FIRST_CONTACT, None),
                   MedicationFact(2, "topical", "ibuprofen gel", FIRST_CONTACT, None))
    assert not any(a.kind == "medication_review" for a in evaluated(medications=medications).appointments)


def test_relaxant_stopped_before_its_review_cancels_the_review():
    actions = evaluated(medications=(relaxant(id=3, stopped_on=date(2026, 11, 12)),))
    assert "medication_review:3" not in keyed(actions.appointments)
    assert CancelUnbooked("medication_review:3", "medication stopped") in actions.cancel_unbooked


def test_relaxant_stopped_on_its_review_due_date_cancels_the_review():
    actions = evaluated(medications=(relaxant(id=3, stopped_on=date(2026, 11, 24)),))
    assert "medication_review:3" not in keyed(actions.appointments)


def test_relaxant_stopped_after_its_review_due_date_still_needs_the_review():
    actions = evaluated(medications=(relaxant(id=3, stopped_on=date(2026, 11, 25)),))
    assert "medication_review:3" in keyed(actions.appointments)


def test_mild_hepatic_impairment_warns_to_start_at_5_mg():
    warning = hepatic_warning(4, "mild")
    assert warning == PathwayWarning("hepatic:4:caution", "hepatic_impairment", "Mild hepatic impairment: start at 5 mg.", False)


@pytest.mark.parametrize("impairment", ["moderate", "severe"])
def test_moderate_or_severe_hepatic_impairment_warns_not_recommended_and_needs_acknowledgement(impairment):
    warning = hepatic_warning(4, impairment)
    assert warning.message == f"{impairment.capitalize()} hepatic impairment: muscle relaxant not recommended."
    assert warning.requires_acknowledgement


def test_no_hepatic_impairment_gives_no_warning():
    assert hepatic_warning(4, "none") is None


def test_unknown_hepatic_impairment_is_refused():
    with pytest.raises(ValueError, match="hepatic impairment must be one of none, mild, moderate, severe; got 'slight'"):
        hepatic_warning(4, "slight")


def test_muscle_relaxant_with_hepatic_impairment_returns_its_warning():
    actions = evaluated(hepatic_impairment="severe", medications=(relaxant(id=5),))
    assert actions.warnings == (hepatic_warning(5, "severe"),)


def test_hepatic_impairment_without_muscle_relaxant_gives_no_warning():
    nsaid = MedicationFact(1, "nsaid", "naproxen", FIRST_CONTACT, None)
    assert evaluated(hepatic_impairment="severe", medications=(nsaid,)).warnings == ()


def test_severe_radicular_pain_raises_early_radicular_referral_within_14_days():
    actions = evaluated(radicular=(RadicularFact(1, FIRST_CONTACT, True, False),))
    referral = keyed(actions.referrals)["early_radicular:1"]
    assert (referral.kind, referral.due_by, referral.urgent) == ("early_radicular", TWO_WEEKS_LATER, False)
    assert "severe radicular pain recorded on 3 Nov 2026" in referral.reason


def test_neurological_deficit_raises_early_radicular_referral():
    actions = evaluated(radicular=(RadicularFact(1, FIRST_CONTACT, False, True),))
    assert "neurological deficit" in keyed(actions.referrals)["early_radicular:1"].reason


def test_radicular_pain_neither_severe_nor_with_deficit_raises_no_referral():
    assert evaluated(radicular=(RadicularFact(1, FIRST_CONTACT, False, False),)).referrals == ()


def test_early_radicular_referral_is_raised_once_from_the_first_qualifying_record():
    radicular = (RadicularFact(2, date(2026, 11, 20), True, True), RadicularFact(1, date(2026, 11, 10), True, False))
    actions = evaluated(radicular=radicular)
    assert [r.key for r in actions.referrals] == ["early_radicular:1"]
    assert actions.referrals[0].due_by == date(2026, 11, 24)
    assert [w.key for w in actions.warnings] == ["covered:early_radicular:2"]


def test_red_flags_raise_urgent_referral_due_the_same_day():
    referral = keyed(evaluated(red_flags=(RedFlagFact(9, FIRST_CONTACT, ("suspected cauda equina",)),)).referrals)["red_flag:9"]
    assert (referral.kind, referral.due_by, referral.urgent) == ("urgent_red_flag", FIRST_CONTACT, True)
    assert "suspected cauda equina" in referral.reason


def test_same_day_red_flag_referral_stays_on_a_weekend_day():
    saturday = date(2026, 11, 7)
    referral = evaluated(red_flags=(RedFlagFact(9, saturday, ("suspected cauda equina",)),)).referrals[0]
    assert referral.due_by == saturday


def test_red_flags_recorded_together_raise_one_urgent_referral():
    red_flags = (RedFlagFact(1, FIRST_CONTACT, ("fever",)), RedFlagFact(2, TWO_WEEKS_LATER, ("weight loss",)))
    actions = evaluated(red_flags=red_flags)
    assert [r.key for r in actions.referrals] == ["red_flag:1"]
    assert [w.key for w in actions.warnings] == ["covered:red_flag:2"]


def test_assessment_without_red_flags_raises_no_referral():
    assert evaluated(red_flags=(RedFlagFact(1, FIRST_CONTACT, ()),)).referrals == ()


def test_low_risk_raises_no_referral():
    assert evaluated(start_back=stratified("low")).referrals == ()


def test_medium_risk_raises_standard_physiotherapy_referral_within_14_days():
    referral = keyed(evaluated(start_back=stratified("medium")).referrals)["start_back:1"]
    assert (referral.kind, referral.due_by, referral.urgent) == ("standard_physiotherapy", date(2026, 12, 1), False)


def test_high_risk_raises_biopsychosocial_referral():
    referral = keyed(evaluated(start_back=stratified("high")).referrals)["start_back:1"]
    assert referral.kind == "biopsychosocial"


def test_high_risk_twelve_week_review_says_no_later_than_day_84():
    review = keyed(evaluated(start_back=stratified("high")).appointments)["twelve_week_review"]
    assert "high risk: review no later than day 84" in review.reason


def test_same_risk_again_raises_no_second_referral():
    actions = evaluated(start_back=stratified("medium", "medium"))
    assert [r.key for r in actions.referrals] == ["start_back:1"]
    assert actions.superseded_referral_keys == ()


def test_medium_then_high_then_medium_supersedes_the_first_two_runs():
    actions = evaluated(start_back=stratified("medium", "high", "high", "medium"))
    assert actions.superseded_referral_keys == ("start_back:1", "start_back:2")
    assert [(r.kind, r.key) for r in actions.referrals] == [("standard_physiotherapy", "start_back:4")]


def test_medium_then_low_supersedes_the_physiotherapy_referral():
    actions = evaluated(start_back=stratified("medium", "low"))
    assert actions.superseded_referral_keys == ("start_back:1",)
    assert actions.referrals == ()


def test_low_then_high_supersedes_nothing():
    assert evaluated(start_back=stratified("low", "high")).superseded_referral_keys == ()


def test_stratifications_are_taken_in_the_order_recorded():
    start_back = (StartBackFact(2, TWO_WEEKS_LATER, "high"), StartBackFact(1, TWO_WEEKS_LATER, "medium"))
    actions = evaluated(start_back=start_back)
    assert [r.key for r in actions.referrals] == ["start_back:2"]
    assert actions.superseded_referral_keys == ("start_back:1",)


def test_open_episode_requires_twelve_week_review_by_day_84():
    review = keyed(evaluated().appointments)["twelve_week_review"]
    assert (review.kind, review.due_by) == ("twelve_week_review", date(2027, 1, 26))


def test_not_improved_at_twelve_weeks_raises_pain_spinal_centre_referral():
    actions = evaluated(outcome=OutcomeFact(3, date(2027, 1, 26), improved=False))
    referral = keyed(actions.referrals)["escalation:3"]
    assert (referral.kind, referral.due_by, referral.urgent) == ("pain_spinal_centre", date(2027, 2, 9), False)


def test_improved_at_twelve_weeks_raises_no_referral():
    assert evaluated(outcome=OutcomeFact(3, date(2027, 1, 26), improved=True)).referrals == ()


@pytest.mark.parametrize("improved", [True, False])
def test_twelve_week_outcome_cancels_unbooked_twelve_week_review(improved):
    actions = evaluated(outcome=OutcomeFact(3, date(2027, 1, 26), improved=improved))
    assert "twelve_week_review" not in keyed(actions.appointments)
    assert CancelUnbooked("twelve_week_review", "12-week outcome recorded") in actions.cancel_unbooked


def test_rules_never_raise_a_spinal_surgical_referral():
    actions = evaluated(outcome=OutcomeFact(3, date(2027, 1, 26), improved=False), start_back=stratified("high"))
    assert "spinal_surgical" not in {r.kind for r in actions.referrals}


def discharged_episode():
    return dict(
        discharged_on=date(2027, 2, 1),
        hepatic_impairment="mild",
        medications=(relaxant(id=1),),
        red_flags=(RedFlagFact(1, FIRST_CONTACT, ("suspected cauda equina",)),),
        start_back=stratified("high", "medium"),
        outcome=OutcomeFact(3, date(2027, 1, 26), improved=False),
    )


def test_discharge_cancels_every_unbooked_appointment_and_requires_none():
    actions = evaluated(**discharged_episode())
    assert actions.appointments == ()
    assert actions.cancel_unbooked == (CancelUnbooked(None, "discharged"),)


def test_discharge_raises_no_new_referrals():
    assert evaluated(**discharged_episode()).referrals == ()


def test_discharge_keeps_warnings():
    assert evaluated(**discharged_episode()).warnings == (hepatic_warning(1, "mild"),)


def test_discharge_still_names_superseded_referrals():
    assert evaluated(**discharged_episode()).superseded_referral_keys == ("start_back:1",)


def test_required_items_are_ordered_by_due_date_then_key():
    actions = evaluated(
        medications=(relaxant(id=2), relaxant(id=1)),
        red_flags=(RedFlagFact(1, TWO_WEEKS_LATER, ("fever",)),),
        radicular=(RadicularFact(1, FIRST_CONTACT, True, False),),
    )
    assert [a.key for a in actions.appointments] == [
        "two_week_review", "medication_review:1", "medication_review:2", "twelve_week_review"
    ]
    assert [(r.due_by, r.key) for r in actions.referrals] == [
        (TWO_WEEKS_LATER, "early_radicular:1"), (TWO_WEEKS_LATER, "red_flag:1")
    ]



def test_worse_hepatic_impairment_gets_its_own_warning_key():
    assert hepatic_warning(4, "mild").key != hepatic_warning(4, "severe").key


def test_hand_raised_spinal_surgical_referral_is_due_by_the_escalation_deadline():
    timings, calendar = PathwayTimings(), WorkingCalendar("GB-ENG")
    # Raised Thu 19 Nov 2026 + 14 days = Thu 3 Dec 2026.
    assert referral_due("spinal_surgical", date(2026, 11, 19), timings, calendar) == date(2026, 12, 3)


def test_hand_raised_referral_asked_for_a_saturday_is_due_the_friday_before():
    timings, calendar = PathwayTimings(), WorkingCalendar("GB-ENG")
    due = referral_due("spinal_surgical", date(2026, 11, 19), timings, calendar, requested=date(2026, 11, 28))
    assert due == date(2026, 11, 27)


def test_hand_raised_referral_may_not_be_due_later_than_the_pathway_allows():
    timings, calendar = PathwayTimings(), WorkingCalendar("GB-ENG")
    with pytest.raises(ValueError, match="no later than 19 Nov 2026"):
        referral_due("urgent_red_flag", date(2026, 11, 19), timings, calendar, requested=date(2027, 6, 1))


def test_hand_raised_referral_due_the_saturday_it_is_raised_stays_on_that_day():
    timings, calendar = PathwayTimings(), WorkingCalendar("GB-ENG")
    saturday = date(2026, 11, 28)
    assert referral_due("spinal_surgical", saturday, timings, calendar, requested=saturday) == saturday
