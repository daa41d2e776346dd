"""The first contact's advice and imaging requests, checked against the source's listed pitfalls."""
from datetime import date

from clinic_desktop.pathway.calendar import WorkingCalendar
from clinic_desktop.pathway.facts import AdviceFact, EpisodeFacts, ImagingFact, RedFlagFact
from clinic_desktop.pathway.pitfalls import advice
from clinic_desktop.pathway.rules import evaluate
from clinic_desktop.pathway.timings import PathwayTimings

FIRST_CONTACT = date(2026, 11, 26)
GOOD_ADVICE = AdviceFact(7, FIRST_CONTACT, reactivation_advised=True, bed_rest_advised=False)
X_RAY = ImagingFact(3, date(2026, 12, 3), "x_ray")


def episode(**changes) -> EpisodeFacts:
    return EpisodeFacts(**{"first_contact_on": FIRST_CONTACT, "discharged_on": None, "hepatic_impairment": "none",
                           **changes})


def warned(**changes) -> dict[str, tuple[str, bool]]:
    return {warning.key: (warning.message, warning.requires_acknowledgement)
            for warning in advice.checks(episode(**changes))}


def test_advice_to_stay_active_without_bed_rest_raises_nothing():
    assert warned(advice=GOOD_ADVICE) == {}


def test_an_episode_without_recorded_advice_raises_nothing():
    assert warned(advice=None) == {}


def test_bed_rest_advised_needs_acknowledging():
    assert warned(advice=AdviceFact(7, FIRST_CONTACT, reactivation_advised=True, bed_rest_advised=True)) == {
        "pitfall:bed_rest:7": ("Bed rest advised: prolonged bed rest may worsen back pain (a listed pitfall); "
                               "advise staying active.", True)}


def test_reactivation_not_advised_needs_acknowledging():
    assert warned(advice=AdviceFact(7, FIRST_CONTACT, reactivation_advised=False, bed_rest_advised=False)) == {
        "pitfall:no_reactivation:7": ("Reactivation not advised: advising reactivation is the first step of "
                                      "initial management; advise the patient to keep active.", True)}


def test_bed_rest_instead_of_reactivation_raises_both():
    assert set(warned(advice=AdviceFact(7, FIRST_CONTACT, False, True))) == {"pitfall:bed_rest:7",
                                                                             "pitfall:no_reactivation:7"}


def test_imaging_without_red_flags_needs_acknowledging():
    assert warned(imaging=[X_RAY]) == {
        "pitfall:imaging:3": ("X-ray requested on 3 Dec 2026 without red flags: routine imaging without red flags "
                              "is a listed pitfall.", True)}


def test_imaging_after_a_red_flag_was_found_raises_nothing():
    flags = RedFlagFact(1, date(2026, 12, 1), ("suspected spinal fracture",))
    assert warned(imaging=[X_RAY], red_flags=[flags]) == {}


def test_imaging_on_the_day_a_red_flag_was_found_raises_nothing():
    flags = RedFlagFact(1, X_RAY.requested_on, ("suspected cancer",))
    assert warned(imaging=[X_RAY], red_flags=[flags]) == {}


def test_a_red_flag_found_after_the_request_does_not_excuse_it():
    flags = RedFlagFact(1, date(2026, 12, 4), ("suspected spinal infection",))
    assert "pitfall:imaging:3" in warned(imaging=[X_RAY], red_flags=[flags])


def test_an_assessment_that_found_no_red_flags_does_not_excuse_it():
    assert "pitfall:imaging:3" in warned(imaging=[X_RAY], red_flags=[RedFlagFact(1, FIRST_CONTACT, ())])


def test_each_request_is_checked_on_its_own_date():
    flags = RedFlagFact(1, date(2026, 12, 2), ("suspected spinal fracture",))
    mri = ImagingFact(4, date(2026, 12, 1), "mri")
    found = warned(imaging=[mri, X_RAY], red_flags=[flags])
    assert list(found) == ["pitfall:imaging:4"]
    assert found["pitfall:imaging:4"][0].startswith("MRI requested on 1 Dec 2026 without red flags")


def test_the_rules_raise_the_pitfall_warnings_with_the_rest():
    actions = evaluate(episode(advice=AdviceFact(7, FIRST_CONTACT, False, True), imaging=[X_RAY]),
                       PathwayTimings(), WorkingCalendar())
    assert {"pitfall:bed_rest:7", "pitfall:no_reactivation:7", "pitfall:imaging:3"} <= {
        warning.key for warning in actions.warnings}


def test_a_discharged_episode_raises_no_pitfall():
    actions = evaluate(episode(discharged_on=date(2026, 12, 4), advice=AdviceFact(7, FIRST_CONTACT, False, True),
                               imaging=[X_RAY]), PathwayTimings(), WorkingCalendar())
    assert not [warning for warning in actions.warnings if warning.key.startswith("pitfall:")]
