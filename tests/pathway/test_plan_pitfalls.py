from datetime import date

from clinic_desktop.pathway.calendar import WorkingCalendar
from clinic_desktop.pathway.facts import EpisodeFacts, PlanFact, StartBackFact
from clinic_desktop.pathway.pitfalls import plans
from clinic_desktop.pathway.rules import evaluate
from clinic_desktop.pathway.timings import PathwayTimings

FIRST_CONTACT = date(2026, 11, 3)
REVIEW = date(2026, 11, 17)
AGREED = date(2026, 12, 4)


def episode(**changes):
    return EpisodeFacts(**{"first_contact_on": FIRST_CONTACT, "discharged_on": None, "hepatic_impairment": "none",
                           **changes})


def plan(id=1, *treatments, agreed_on=AGREED):
    return PlanFact(id, agreed_on, treatments)


def risk(id, level, assessed_on=REVIEW):
    return StartBackFact(id, assessed_on, level)


def keyed(facts):
    return {warning.key: warning for warning in plans.checks(facts)}


def test_a_plan_of_passive_treatments_only_needs_acknowledging():
    warning = keyed(episode(plans=(plan(4, "massage", "heat"),)))["pitfall:passive_plan:4"]
    assert warning.message == ("The plan of 4 Dec 2026 has passive treatments only (massage, heat): the source "
                               "advises active approaches; add exercise or another active treatment.")
    assert warning.requires_acknowledgement


def test_a_plan_with_no_treatment_counts_as_not_active():
    warning = keyed(episode(plans=(plan(2),)))["pitfall:passive_plan:2"]
    assert "has no treatment chosen: the source advises active approaches" in warning.message


def test_one_active_treatment_beside_passive_ones_is_enough():
    assert keyed(episode(plans=(plan(1, "massage", "supervised_exercise"),))) == {}


def test_only_the_latest_plan_is_checked():
    facts = episode(plans=(plan(1, "heat"), plan(2, "yoga", "heat")))
    assert keyed(facts) == {}


def test_high_risk_and_a_plan_without_a_psychosocial_approach_needs_acknowledging():
    facts = episode(start_back=(risk(1, "high"),), plans=(plan(3, "supervised_exercise"),))
    warning = keyed(facts)["pitfall:psychosocial:3"]
    assert warning.requires_acknowledgement
    assert "overlooking psychosocial factors is a listed pitfall" in warning.message
    assert "plan of 4 Dec 2026" in warning.message


def test_cbt_or_biopsychosocial_physiotherapy_answers_high_risk():
    for psychosocial in ("cbt", "biopsychosocial_physiotherapy"):
        facts = episode(start_back=(risk(1, "high"),), plans=(plan(3, "supervised_exercise", psychosocial),))
        assert "pitfall:psychosocial:3" not in keyed(facts)


def test_the_current_risk_is_the_latest_stratification():
    came_down = episode(start_back=(risk(1, "high"), risk(2, "low")), plans=(plan(3, "yoga"),))
    went_up = episode(start_back=(risk(1, "low"), risk(2, "high")), plans=(plan(3, "yoga"),))
    assert "pitfall:psychosocial:3" not in keyed(came_down)
    assert "pitfall:psychosocial:3" in keyed(went_up)


def test_medium_risk_without_a_plan_prompts_for_one_without_acknowledgement():
    warning = keyed(episode(start_back=(risk(5, "medium"),)))["plan_needed:5"]
    assert warning.message == "Medium risk: develop a patient-centred management plan with the patient"
    assert not warning.requires_acknowledgement


def test_a_restratification_to_the_same_risk_asks_for_nothing_new():
    again = episode(start_back=(risk(5, "medium"), risk(6, "medium", assessed_on=date(2026, 12, 1))))
    assert set(keyed(again)) == {"plan_needed:5"}
    risen = episode(start_back=(risk(5, "medium"), risk(6, "high")), plans=(plan(1, "yoga", "cbt", agreed_on=REVIEW),))
    assert set(keyed(risen)) == set()  # the plan agreed that day answers both
    assert set(keyed(episode(start_back=(risk(5, "medium"), risk(6, "high"))))) == {"plan_needed:6"}


def test_high_risk_prompt_asks_for_a_psychosocial_approach():
    assert "psychosocial approach" in keyed(episode(start_back=(risk(5, "high"),)))["plan_needed:5"].message


def test_low_risk_needs_no_plan():
    assert keyed(episode(start_back=(risk(5, "low"),))) == {}


def test_a_plan_agreed_on_or_after_the_stratification_answers_the_prompt():
    same_day = episode(start_back=(risk(5, "medium"),), plans=(plan(1, "yoga", agreed_on=REVIEW),))
    before = episode(start_back=(risk(5, "medium"),), plans=(plan(1, "yoga", agreed_on=date(2026, 11, 10)),))
    assert "plan_needed:5" not in keyed(same_day)
    assert "plan_needed:5" in keyed(before)


def test_the_rules_carry_the_plan_warnings_and_stop_at_discharge():
    facts = episode(start_back=(risk(1, "high"),), plans=(plan(2, "massage"),))
    keys = {warning.key for warning in evaluate(facts, PathwayTimings(), WorkingCalendar("GB-ENG")).warnings}
    assert {"pitfall:passive_plan:2", "pitfall:psychosocial:2"} <= keys
    discharged = episode(discharged_on=AGREED, start_back=(risk(1, "high"),), plans=(plan(2, "massage"),))
    assert evaluate(discharged, PathwayTimings(), WorkingCalendar("GB-ENG")).warnings == ()
