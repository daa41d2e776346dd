"""Rules that fire again after an earlier action closed, and facts recorded early or out of order."""
from datetime import date

from clinic_desktop.pathway.calendar import WorkingCalendar
from clinic_desktop.pathway.rules import (
    CancelUnbooked,
    EpisodeFacts,
    OutcomeFact,
    RadicularFact,
    RedFlagFact,
    StartBackFact,
    StoredItem,
    evaluate,
)
from clinic_desktop.pathway.timings import PathwayTimings

FIRST_CONTACT = date(2026, 11, 3)  # a Tuesday; day 84 is Tue 26 Jan 2027
DAY_84 = date(2027, 1, 26)
ENGLAND = WorkingCalendar("GB-ENG")


def evaluated(**changes):
    facts = EpisodeFacts(**{"first_contact_on": FIRST_CONTACT, "discharged_on": None, "hepatic_impairment": "none",
                            **changes})
    return evaluate(facts, PathwayTimings(), ENGLAND)


def keys(items):
    return [item.key for item in items]


DEFICIT_1 = RadicularFact(1, date(2026, 11, 10), False, True)
DEFICIT_2 = RadicularFact(2, date(2026, 12, 1), False, True)


def test_a_new_neurological_deficit_after_the_referral_was_sent_raises_it_again():
    actions = evaluated(radicular=(DEFICIT_1, DEFICIT_2),
                        referrals=(StoredItem("early_radicular", "early_radicular:1", "sent"),))
    (referral,) = actions.referrals
    assert (referral.key, referral.due_by) == ("early_radicular:2", date(2026, 12, 15))
    assert actions.warnings == ()


def test_a_new_neurological_deficit_after_the_referral_was_cancelled_raises_it_again():
    actions = evaluated(radicular=(DEFICIT_1, DEFICIT_2),
                        referrals=(StoredItem("early_radicular", "early_radicular:1", "cancelled"),))
    assert keys(actions.referrals) == ["early_radicular:2"]


def test_a_cancelled_referral_is_not_raised_again_for_the_same_fact():
    actions = evaluated(radicular=(DEFICIT_1,),
                        referrals=(StoredItem("early_radicular", "early_radicular:1", "cancelled"),))
    assert actions.referrals == ()


def test_a_new_deficit_while_one_is_open_is_noted_not_raised_again():
    actions = evaluated(radicular=(DEFICIT_1, DEFICIT_2),
                        referrals=(StoredItem("early_radicular", "early_radicular:1", "drafted"),))
    assert keys(actions.referrals) == ["early_radicular:1"]
    (note,) = actions.warnings
    assert (note.key, note.requires_acknowledgement) == ("covered:early_radicular:2", False)
    assert note.message == ("Neurological deficit recorded on 1 Dec 2026: an early radicular referral is already "
                            "open, so no second one is raised; make sure its letter says so.")


def test_a_new_deficit_after_the_open_letter_was_signed_must_be_acknowledged():
    actions = evaluated(radicular=(DEFICIT_1, DEFICIT_2),
                        referrals=(StoredItem("early_radicular", "early_radicular:1", "signed"),))
    (note,) = actions.warnings
    assert note.requires_acknowledgement
    assert "after the early radicular referral letter was signed" in note.message


def test_a_referral_raised_by_hand_counts_as_one_open():
    actions = evaluated(radicular=(DEFICIT_1,), referrals=(StoredItem("early_radicular", None, "raised"),))
    assert actions.referrals == ()
    assert keys(actions.warnings) == ["covered:early_radicular:1"]


def test_a_noted_fact_is_not_raised_later_when_the_open_referral_closes():
    actions = evaluated(radicular=(DEFICIT_1, DEFICIT_2),
                        referrals=(StoredItem("early_radicular", "early_radicular:1", "sent"),),
                        warning_keys={"covered:early_radicular:2"})
    assert actions.referrals == ()


def test_the_open_referral_is_due_by_the_strictest_fact_it_answers():
    backdated = RadicularFact(2, date(2026, 11, 5), True, False)  # recorded later, dated earlier
    actions = evaluated(radicular=(DEFICIT_1, backdated),
                        referrals=(StoredItem("early_radicular", "early_radicular:1", "raised"),))
    assert actions.referrals[0].due_by == date(2026, 11, 19)


def test_a_referral_keyed_before_facts_had_keys_answers_every_fact_of_its_kind():
    actions = evaluated(radicular=(DEFICIT_1, DEFICIT_2),
                        referrals=(StoredItem("early_radicular", "early_radicular", "sent"),))
    assert actions.referrals == actions.warnings == ()


def test_a_new_red_flag_after_the_urgent_referral_was_sent_raises_it_again():
    flags = (RedFlagFact(1, date(2026, 11, 3), ("fever",)), RedFlagFact(2, date(2026, 12, 1), ("weight loss",)))
    actions = evaluated(red_flags=flags, referrals=(StoredItem("urgent_red_flag", "red_flag:1", "sent"),))
    (referral,) = actions.referrals
    assert (referral.key, referral.due_by, referral.urgent) == ("red_flag:2", date(2026, 12, 1), True)


def test_a_new_red_flag_while_the_urgent_referral_is_open_raises_no_second():
    flags = (RedFlagFact(1, date(2026, 11, 3), ("fever",)), RedFlagFact(2, date(2026, 12, 1), ("weight loss",)))
    actions = evaluated(red_flags=flags, referrals=(StoredItem("urgent_red_flag", "red_flag:1", "raised"),))
    assert keys(actions.referrals) == ["red_flag:1"]
    assert keys(actions.warnings) == ["covered:red_flag:2"]


def test_a_later_not_improved_after_the_escalation_was_sent_raises_it_again():
    actions = evaluated(outcome=OutcomeFact(5, date(2027, 3, 1), improved=False),
                        referrals=(StoredItem("pain_spinal_centre", "escalation:4", "sent"),))
    assert keys(actions.referrals) == ["escalation:5"]


def test_not_improved_again_while_the_escalation_is_open_raises_no_second():
    actions = evaluated(outcome=OutcomeFact(5, date(2027, 3, 1), improved=False),
                        referrals=(StoredItem("pain_spinal_centre", "escalation:4", "drafted"),))
    assert actions.referrals == ()
    assert keys(actions.warnings) == ["covered:escalation:5"]


def test_an_outcome_corrected_to_improved_supersedes_the_unsent_escalation():
    actions = evaluated(outcome=OutcomeFact(5, DAY_84, improved=True),
                        referrals=(StoredItem("pain_spinal_centre", "escalation:4", "raised"),
                                   StoredItem("pain_spinal_centre", "escalation:3", "sent"),
                                   StoredItem("pain_spinal_centre", None, "raised")))
    assert actions.superseded_escalation_keys == ("escalation:4",)
    assert actions.referrals == ()


def test_an_outcome_before_the_12_week_window_keeps_the_12_week_check():
    actions = evaluated(outcome=OutcomeFact(5, date(2026, 12, 1), improved=True),
                        appointments=(StoredItem("twelve_week_review", "twelve_week_review", "to_book"),))
    (check,) = [item for item in actions.appointments if item.kind == "twelve_week_review"]
    assert (check.key, check.due_by) == ("twelve_week_review", DAY_84)
    assert "came before the 12-week window opened on 12 Jan 2027" in check.reason
    assert actions.cancel_unbooked == ()


def test_an_early_outcome_after_an_early_check_requires_the_check_again():
    actions = evaluated(outcome=OutcomeFact(5, date(2026, 12, 1), improved=True),
                        appointments=(StoredItem("twelve_week_review", "twelve_week_review", "attended"),))
    assert "twelve_week_review:5" in keys(actions.appointments)


def test_an_outcome_in_the_12_week_window_closes_the_check_and_the_unbooked_two_week_review():
    actions = evaluated(outcome=OutcomeFact(5, date(2027, 1, 12), improved=True))
    assert "twelve_week_review" not in keys(actions.appointments)
    assert "two_week_review" not in keys(actions.appointments)
    assert CancelUnbooked("two_week_review", "12-week outcome recorded") in actions.cancel_unbooked


def test_high_risk_after_an_outcome_still_needs_a_review_by_day_84():
    actions = evaluated(outcome=OutcomeFact(5, date(2027, 1, 12), improved=True),
                        start_back=(StartBackFact(1, date(2027, 1, 19), "high"),),
                        appointments=(StoredItem("twelve_week_review", "twelve_week_review", "attended"),))
    (check,) = [item for item in actions.appointments if item.kind == "twelve_week_review"]
    assert (check.key, check.due_by) == ("twelve_week_review:5", DAY_84)
    assert "high risk: review no later than day 84" in check.reason


def test_high_risk_after_day_84_does_not_reopen_the_12_week_check():
    actions = evaluated(outcome=OutcomeFact(5, date(2027, 1, 12), improved=True),
                        start_back=(StartBackFact(1, date(2027, 2, 1), "high"),))
    assert not [item for item in actions.appointments if item.kind == "twelve_week_review"]


def test_high_risk_assessed_on_the_outcomes_day_is_answered_by_it():
    actions = evaluated(outcome=OutcomeFact(5, date(2027, 1, 19), improved=True),
                        start_back=(StartBackFact(1, date(2027, 1, 19), "high"),))
    assert not [item for item in actions.appointments if item.kind == "twelve_week_review"]
