"""Improvement, measured (pathway/improvement.py): the suggestion, and the low-risk ongoing evaluation."""
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from clinic_desktop.pathway.calendar import WorkingCalendar
from clinic_desktop.pathway.facts import EpisodeFacts, MeasureFact, StartBackFact
from clinic_desktop.pathway.improvement import Suggestion, baseline, ongoing_evaluation, suggest_improvement
from clinic_desktop.pathway.rules import CancelUnbooked, RequiredAppointment, evaluate
from clinic_desktop.pathway.timings import PathwayTimings

FIRST_CONTACT = date(2026, 11, 3)  # a Tuesday
REVIEW = date(2026, 11, 17)
ENGLAND = WorkingCalendar("GB-ENG")


def measure(id=1, pain=7, function=4, pgic=None, occasion="first_contact", on=FIRST_CONTACT, improving=None,
            scale="nrs"):
    return MeasureFact(id, on, occasion, pain, Decimal(function), pgic, improving, scale)


def review(id=2, pain=7, function=4, pgic=None, improving=None, on=REVIEW, occasion="two_week_review"):
    return measure(id, pain, function, pgic, occasion, on, improving)


def facts(*measures, risks=("low",), **changes):
    start_back = tuple(StartBackFact(100 + number, REVIEW, risk) for number, risk in enumerate(risks))
    return EpisodeFacts(**{"first_contact_on": FIRST_CONTACT, "discharged_on": None, "hepatic_impairment": "none",
                           "start_back": start_back, "measures": measures, **changes})


def test_pain_down_4_of_7_is_improved_and_says_by_how_much():
    assert suggest_improvement(measure(), review(pain=3)) == Suggestion(
        True, "Pain 7 → 3 (−4, 57 %), function 4 → 4 (no change) since the first contact on 3 Nov 2026: "
              "a clinically important improvement.")


def test_pain_down_2_but_under_30_percent_is_not_improved():
    suggestion = suggest_improvement(measure(pain=8), review(pain=6))
    assert not suggestion.improved
    assert suggestion.why.startswith("Pain 8 → 6 (−2, 25 %)")
    assert "short of a clinically important improvement" in suggestion.why


def test_pain_down_1_from_3_is_not_improved_though_over_30_percent():
    assert not suggest_improvement(measure(pain=3), review(pain=2)).improved


def test_function_up_2_on_the_same_scale_is_improved():
    suggestion = suggest_improvement(measure(function=4), review(function="6.0"))
    assert suggestion.improved and "function 4 → 6 (+2)" in suggestion.why


def test_function_on_another_scale_is_not_compared():
    before = measure(function=2)
    now = MeasureFact(2, REVIEW, "two_week_review", 7, Decimal("8.67"), None, None, "psfs")
    suggestion = suggest_improvement(before, now)
    assert not suggestion.improved
    assert "function not compared (measured on another scale before)" in suggestion.why


def test_much_improved_by_the_patient_is_improved_whatever_the_numbers():
    suggestion = suggest_improvement(measure(), review(pain=8, pgic=2))
    assert suggestion == Suggestion(True, "The patient feels much improved (2/7); pain 7 → 8 (+1), function 4 → 4 "
                                          "(no change) since the first contact on 3 Nov 2026.")


def test_minimally_worse_by_the_patient_is_not_improved_whatever_the_numbers():
    assert not suggest_improvement(measure(), review(pain=1, function=9, pgic=5)).improved


def test_without_a_baseline_nothing_can_be_shown_unless_the_patient_says_so():
    assert suggest_improvement(None, review(pain=1)) == Suggestion(
        False, "No earlier measure to compare with, so no improvement can be shown yet.")
    assert suggest_improvement(None, review(pgic=1)) == Suggestion(True, "The patient feels very much improved (1/7).")


def test_baseline_is_the_first_contact_else_the_earliest():
    later_first_contact = measure(id=5, on=FIRST_CONTACT + timedelta(days=1))
    earliest = review(id=6, on=FIRST_CONTACT)
    assert baseline([earliest, later_first_contact]) == later_first_contact
    assert baseline([review(id=3, on=REVIEW), earliest]) == earliest
    assert baseline([]) is None


pains = st.integers(0, 10)
functions = st.integers(0, 20).map(lambda half: Decimal(half) / 2)


@given(pains, pains, functions, functions, st.sampled_from([None, 3, 4]))
def test_against_the_baseline_improved_means_a_threshold_was_met(before, now, function_before, function_now, pgic):
    suggestion = suggest_improvement(measure(pain=before, function=function_before),
                                     review(pain=now, function=function_now, pgic=pgic))
    drop = before - now
    assert suggestion.improved == ((drop >= 2 and 10 * drop >= 3 * before) or function_now - function_before >= 2)
    assert suggestion.why.startswith(f"Pain {before} → {now} (")


@given(pains, pains, st.sampled_from([1, 2, 5, 6, 7]))
def test_a_clear_impression_of_change_decides(before, now, pgic):
    assert suggest_improvement(measure(pain=before), review(pain=now, pgic=pgic)).improved == (pgic <= 2)


def test_low_risk_not_improving_at_the_2_week_review_proceeds_to_ongoing_evaluation():
    assert ongoing_evaluation(facts(measure(), review(improving=False)), PathwayTimings(), ENGLAND) == [
        RequiredAppointment("follow_up", "ongoing_evaluation:2", date(2026, 12, 15),
                            "Ongoing evaluation: low risk and not improving at the 2-week review on 17 Nov 2026")]


def test_low_risk_improving_continues_current_management():
    assert ongoing_evaluation(facts(review(improving=True)), PathwayTimings(), ENGLAND) == []


def test_not_improving_at_medium_risk_has_no_ongoing_evaluation():
    # The latest stratification is the current risk: low, then medium.
    assert ongoing_evaluation(facts(review(improving=False), risks=("low", "medium")), PathwayTimings(),
                              ENGLAND) == []


def test_the_follow_up_is_due_by_the_clinics_timing_on_a_working_day():
    timings = PathwayTimings(ongoing_evaluation_days=19)  # Sun 6 Dec -> Fri 4 Dec
    [follow_up] = ongoing_evaluation(facts(review(improving=False)), timings, ENGLAND)
    assert follow_up.due_by == date(2026, 12, 4)


def test_a_later_evaluation_answers_the_follow_up_an_earlier_one_asked_for():
    later = review(id=3, improving=False, on=date(2026, 12, 14), occasion="ongoing_evaluation")
    items = ongoing_evaluation(facts(review(improving=False), later), PathwayTimings(), ENGLAND)
    assert items == [CancelUnbooked("ongoing_evaluation:2", "a later evaluation was recorded"),
                     RequiredAppointment("follow_up", "ongoing_evaluation:3", date(2027, 1, 11),
                                         "Ongoing evaluation: low risk and not improving at the ongoing evaluation "
                                         "on 14 Dec 2026")]


def test_no_follow_up_falls_after_the_12_week_check_which_reviews_the_patient_first():
    late = review(improving=False, on=date(2027, 1, 5), occasion="ongoing_evaluation")  # +28 = 2 Feb > 26 Jan
    assert ongoing_evaluation(facts(late), PathwayTimings(), ENGLAND) == []


def test_the_twelve_week_check_measure_raises_no_follow_up():
    check = review(improving=False, on=date(2027, 1, 20), occasion="twelve_week_check")
    assert ongoing_evaluation(facts(check), PathwayTimings(), ENGLAND) == []


def test_evaluate_puts_the_follow_up_with_the_other_appointments():
    actions = evaluate(facts(measure(), review(improving=False)), PathwayTimings(), ENGLAND)
    assert "ongoing_evaluation:2" in {item.key for item in actions.appointments}
