"""The source's cautions on medicines, raised when a medicine is recorded (pathway/pitfalls/prescribing.py)."""
from datetime import date
from decimal import Decimal

import pytest

from clinic_desktop.pathway.calendar import WorkingCalendar
from clinic_desktop.pathway.pitfalls.prescribing import checks, hepatic_warning, milligrams, warnings_for
from clinic_desktop.pathway.rules import (
    CancelUnbooked,
    EpisodeFacts,
    MedicationFact,
    PathwayWarning,
    RequiredAppointment,
    evaluate,
)
from clinic_desktop.pathway.timings import PathwayTimings

MONDAY = date(2026, 11, 2)
ENGLAND = WorkingCalendar("GB-ENG")


def facts(*medications, hepatic_impairment="none", contraindications=()):
    return EpisodeFacts(first_contact_on=MONDAY, discharged_on=None, hepatic_impairment=hepatic_impairment,
                        medications=medications, nsaid_contraindications=contraindications)


def relaxant(id=1, amount=None, unit="mg", spasm=True):
    return MedicationFact(id, "muscle_relaxant", "cyclobenzaprine", MONDAY, None, amount, unit, spasm)


def medicine(category, name, id=1, started_on=MONDAY, stopped_on=None):
    return MedicationFact(id, category, name, started_on, stopped_on)


def warnings(episode, timings=PathwayTimings()):
    return {item.key: item for item in evaluate(episode, timings, ENGLAND).warnings}


def test_a_relaxant_recorded_without_spasm_needs_acknowledging():
    raised = warnings(facts(relaxant(id=4, spasm=False)))["relaxant_without_spasm:4"]
    assert raised == PathwayWarning(
        "relaxant_without_spasm:4", "relaxant_without_spasm",
        "cyclobenzaprine started without muscle spasm recorded: the source gives muscle relaxants for the relief "
        "of muscle spasm only.", True)


@pytest.mark.parametrize("spasm", [True, None], ids=["spasm present", "recorded before the question was asked"])
def test_a_relaxant_with_spasm_or_recorded_before_the_question_raises_no_spasm_warning(spasm):
    assert warnings(facts(relaxant(spasm=spasm))) == {}


@pytest.mark.parametrize(("amount", "unit"), [(Decimal(10), "mg"), (Decimal("7.5"), "mg"), (Decimal("0.01"), "g"),
                                              (Decimal(6000), "microgram")])
def test_mild_hepatic_impairment_and_a_start_above_5_mg_needs_acknowledging(amount, unit):
    raised = warnings(facts(relaxant(id=2, amount=amount, unit=unit), hepatic_impairment="mild"))
    assert list(raised) == ["hepatic:2:above_5_mg"]
    warning = raised["hepatic:2:above_5_mg"]
    assert warning.requires_acknowledgement
    assert warning.message == f"Mild hepatic impairment: start at 5 mg, not {milligrams(amount, unit).normalize():f} mg."


@pytest.mark.parametrize(("amount", "unit"), [(Decimal(5), "mg"), (Decimal("2.5"), "mg"), (Decimal("0.005"), "g"),
                                              (None, None), (Decimal(10), "ml")],
                         ids=["5 mg", "2.5 mg", "0.005 g", "dose unknown", "not by weight"])
def test_mild_hepatic_impairment_and_5_mg_or_an_unknown_dose_keeps_the_caution(amount, unit):
    raised = warnings(facts(relaxant(id=2, amount=amount, unit=unit), hepatic_impairment="mild"))
    assert raised == {"hepatic:2:caution": hepatic_warning(2, "mild")}
    assert not raised["hepatic:2:caution"].requires_acknowledgement


@pytest.mark.parametrize("impairment", ["moderate", "severe"])
def test_moderate_or_severe_hepatic_impairment_needs_acknowledging_at_any_dose(impairment):
    raised = warnings(facts(relaxant(id=3, amount=Decimal(5)), hepatic_impairment=impairment))
    assert list(raised) == ["hepatic:3:not_recommended"]
    assert raised["hepatic:3:not_recommended"].requires_acknowledgement


def test_an_nsaid_with_recorded_contraindications_needs_one_acknowledgement_for_each():
    raised = warnings(facts(medicine("nsaid", "naproxen", id=6),
                            contraindications=("gi_bleed_or_ulcer", "anticoagulant")))
    assert sorted(raised) == ["nsaid_contraindicated:6:anticoagulant", "nsaid_contraindicated:6:gi_bleed_or_ulcer"]
    assert all(warning.requires_acknowledgement for warning in raised.values())
    assert raised["nsaid_contraindicated:6:anticoagulant"].message == (
        "naproxen is an NSAID and the patient has a recorded contraindication: Taking an anticoagulant. "
        "The source gives NSAIDs first-line only if not contraindicated.")


def test_a_topical_or_a_stopped_nsaid_meets_no_contraindication():
    episode = facts(medicine("topical", "ibuprofen gel", id=1),
                    medicine("nsaid", "ibuprofen", id=2, stopped_on=date(2026, 11, 4)),
                    contraindications=("renal_impairment",))
    assert warnings(episode) == {}


def test_an_nsaid_without_contraindications_raises_nothing():
    assert warnings(facts(medicine("nsaid", "naproxen"))) == {}


def test_an_opioid_brings_the_sources_caution_and_a_monitoring_review_by_its_timing():
    episode = facts(medicine("opioid", "co-codamol 30/500", id=9))
    assert warnings(episode)["opioid:9:caution"] == PathwayWarning(
        "opioid:9:caution", "opioid", "co-codamol 30/500 is an opioid: use the lowest effective dose for the shortest "
        "time possible, with close monitoring.", False)
    review = {item.key: item for item in evaluate(episode, PathwayTimings(), ENGLAND).appointments}["opioid_review:9"]
    assert review == RequiredAppointment("follow_up", "opioid_review:9", date(2026, 11, 16),
                                         "Opioid monitoring review of co-codamol 30/500: lowest effective dose "
                                         "for the shortest time")


def test_a_shorter_opioid_timing_brings_the_review_forward_to_a_working_day():
    episode = facts(medicine("opioid", "tramadol", id=9))
    items = checks(episode, PathwayTimings(opioid_review_days=5), ENGLAND)  # Saturday 7 Nov: the Friday before
    assert [item.due_by for item in items if isinstance(item, RequiredAppointment)] == [date(2026, 11, 6)]


def test_an_opioid_stopped_before_its_review_is_due_cancels_it_while_unbooked():
    episode = facts(medicine("opioid", "tramadol", id=9, stopped_on=date(2026, 11, 10)))
    actions = evaluate(episode, PathwayTimings(), ENGLAND)
    assert CancelUnbooked("opioid_review:9", "opioid stopped") in actions.cancel_unbooked
    assert "opioid_review:9" not in {item.key for item in actions.appointments}


def test_an_opioid_stopped_after_its_review_was_due_keeps_it():
    episode = facts(medicine("opioid", "tramadol", id=9, stopped_on=date(2026, 11, 20)))
    assert "opioid_review:9" in {item.key for item in evaluate(episode, PathwayTimings(), ENGLAND).appointments}


def test_a_discharged_episode_raises_no_pitfall_nor_review():
    episode = EpisodeFacts(first_contact_on=MONDAY, discharged_on=date(2026, 11, 5), hepatic_impairment="none",
                           medications=(medicine("opioid", "tramadol", id=9), relaxant(id=2, spasm=False)))
    actions = evaluate(episode, PathwayTimings(), ENGLAND)
    assert (actions.warnings, actions.appointments) == ((), ())


def test_other_classes_raise_no_prescribing_warning():
    assert checks(facts(medicine("neuropathic", "pregabalin", id=1), medicine("other", "paracetamol", id=2),
                        contraindications=("heart_failure",)), PathwayTimings(), ENGLAND) == []


def test_a_form_is_told_every_warning_a_medicine_would_bring_as_the_rules_store_them():
    """warnings_for words them as evaluate does, so the form's caution is the stored warning."""
    med = relaxant(id=5, amount=Decimal(10), spasm=False)
    told = warnings_for(med, "mild", ("renal_impairment",))
    assert told == list(warnings(facts(med, hepatic_impairment="mild", contraindications=("renal_impairment",)))
                        .values())
    assert [warning.key for warning in told] == ["hepatic:5:above_5_mg", "relaxant_without_spasm:5"]


def test_evaluating_again_gives_the_same_keys_so_nothing_is_raised_twice():
    episode = facts(medicine("nsaid", "naproxen", id=1), medicine("opioid", "tramadol", id=2),
                    contraindications=("heart_failure",))
    assert evaluate(episode, PathwayTimings(), ENGLAND) == evaluate(episode, PathwayTimings(), ENGLAND)
