"""Improvement, measured: the suggestion from pain, function and the patient's impression of change,
and the ongoing evaluation a low-risk patient who is not improving proceeds to.

The source asks to "review and assess improvement within 2 weeks", to "continue current
management if improving" at low risk and otherwise to "proceed to ongoing evaluation", and
escalates "if no improvement after 12 weeks" (reference/back-pain-stepped-care.txt). The app
suggests "improved" from the numbers; the clinician confirms it, and only the confirmed
judgement (MeasureFact.improving) drives the rules.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from clinic_desktop.pathway.actions import CancelUnbooked, RequiredAppointment
from clinic_desktop.pathway.calendar import WorkingCalendar
from clinic_desktop.pathway.care_options import GLOBAL_CHANGE, MEASURE_OCCASIONS
from clinic_desktop.pathway.day_words import day_in_words as day_words
from clinic_desktop.pathway.facts import EpisodeFacts, MeasureFact
from clinic_desktop.pathway.timings import PathwayTimings

# Thresholds of a clinically important change:
# - pain: a fall of at least 2 points and at least 30 % on the 0-10 numeric rating scale
#   (IMMPACT: Dworkin et al., J Pain 2008;9:105-121; Farrar et al., Pain 2001;94:149-158);
# - function: a rise of at least 2 points on the Patient-Specific Functional Scale, the
#   minimal clinically important difference for its mean score (Stratford et al., Physiother
#   Can 1995;47:258-263; Abbott & Schmitt, JOSPT 2014;44:560-564), applied to the clinic's
#   0-10 function rating too (both: 0 = unable, 10 = as before the pain);
# - the patient's global impression of change (PGIC, Hurst & Bolton, J Manipulative Physiol
#   Ther 2004;27:26-35): "much" or "very much improved" (1-2) counts as improved, "minimally
#   worse" or worse (5-7) as not; "minimally improved" and "no change" defer to the numbers.
PAIN_DROP_POINTS = 2
PAIN_DROP_FRACTION = Decimal("0.30")
FUNCTION_RISE_POINTS = Decimal(2)
PGIC_IMPROVED = frozenset({1, 2})
PGIC_NOT_IMPROVED = frozenset({5, 6, 7})
# The visits at which the clinician judges improvement and the low-risk route depends on it.
EVALUATION_OCCASIONS = ("two_week_review", "ongoing_evaluation")


@dataclass(frozen=True)
class Suggestion:
    """Whether the numbers suggest the patient has improved, and why, in one sentence."""

    improved: bool
    why: str


def baseline(measures: Iterable[MeasureFact]) -> MeasureFact | None:
    """What a later measure is compared with: the first contact's, else the earliest taken."""
    measures = list(measures)
    first_contact = [measure for measure in measures if measure.occasion == "first_contact"]
    candidates = first_contact or measures
    return min(candidates, key=lambda measure: (measure.measured_on, measure.id), default=None)


def suggest_improvement(baseline: MeasureFact | None, now: MeasureFact) -> Suggestion:
    """The pathway's suggestion for ``now`` against ``baseline`` (see the thresholds above)."""
    changes = _changes(baseline, now) if baseline is not None else ""
    if now.global_change in PGIC_IMPROVED or now.global_change in PGIC_NOT_IMPROVED:
        improved = now.global_change in PGIC_IMPROVED
        feels = f"The patient feels {GLOBAL_CHANGE[now.global_change].lower()} ({now.global_change}/7)"
        return Suggestion(improved, f"{feels}{'; ' + changes if changes else ''}.")
    if baseline is None:
        return Suggestion(False, "No earlier measure to compare with, so no improvement can be shown yet.")
    improved = _pain_improved(baseline, now) or _function_improved(baseline, now)
    verdict = ("a clinically important improvement" if improved else
               "short of a clinically important improvement (pain down 2 points and 30 %, or function up 2)")
    return Suggestion(improved, f"{changes[0].upper()}{changes[1:]}: {verdict}.")


def ongoing_evaluation(facts: EpisodeFacts, timings: PathwayTimings,
                       calendar: WorkingCalendar) -> list[RequiredAppointment | CancelUnbooked]:
    """A low-risk patient confirmed not improving proceeds to ongoing evaluation: a follow-up.

    Only the latest evaluation counts: a later one answers the follow-up an earlier one asked
    for (cancelled while nobody booked it). No follow-up is raised when it would fall due after
    the 12-week check's deadline: that check reviews the patient first.
    """
    evaluations = sorted((measure for measure in facts.measures if measure.occasion in EVALUATION_OCCASIONS),
                         key=lambda measure: measure.id)
    if not evaluations:
        return []
    *earlier, latest = evaluations
    items: list[RequiredAppointment | CancelUnbooked] = [
        CancelUnbooked(_key(measure), "a later evaluation was recorded") for measure in earlier
        if measure.improving is False]
    risks = sorted(facts.start_back, key=lambda fact: fact.id)
    if latest.improving is not False or not risks or risks[-1].risk != "low":
        return items
    due = calendar.deadline(latest.measured_on, timings.ongoing_evaluation_days)
    if due > calendar.deadline(facts.first_contact_on, timings.twelve_week_check_days):
        return items
    reason = (f"Ongoing evaluation: low risk and not improving at the "
              f"{MEASURE_OCCASIONS[latest.occasion].lower()} on {day_words(latest.measured_on)}")
    return [*items, RequiredAppointment("follow_up", _key(latest), due, reason)]


def _key(measure: MeasureFact) -> str:
    return f"ongoing_evaluation:{measure.id}"


def _pain_improved(baseline: MeasureFact, now: MeasureFact) -> bool:
    drop = baseline.pain_now - now.pain_now
    return drop >= PAIN_DROP_POINTS and drop >= PAIN_DROP_FRACTION * baseline.pain_now


def _function_improved(baseline: MeasureFact, now: MeasureFact) -> bool:
    return (baseline.function_scale == now.function_scale
            and Decimal(now.function_score) - Decimal(baseline.function_score) >= FUNCTION_RISE_POINTS)


def _changes(baseline: MeasureFact, now: MeasureFact) -> str:
    """"pain 7 → 3 (−4, 57 %), function 4 → 7 (+3) since the first contact on 3 Nov 2026"."""
    drop = baseline.pain_now - now.pain_now
    share = f", {round(100 * drop / baseline.pain_now)} %" if drop > 0 else ""
    pain = f"pain {baseline.pain_now} → {now.pain_now} ({_signed(-drop)}{share})"
    if baseline.function_scale != now.function_scale:
        function = "function not compared (measured on another scale before)"
    else:
        rise = Decimal(now.function_score) - Decimal(baseline.function_score)
        scores = f"{score_words(baseline.function_score)} → {score_words(now.function_score)}"
        function = f"function {scores} ({_signed(rise)})"
    since = f"the {MEASURE_OCCASIONS[baseline.occasion].lower()} on {day_words(baseline.measured_on)}"
    return f"{pain}, {function} since {since}"


def _signed(change: int | Decimal) -> str:
    if change == 0:
        return "no change"
    return f"{'+' if change > 0 else '−'}{score_words(abs(change))}"


def score_words(value: int | Decimal) -> str:
    """A score as a clinician writes it: 7, 6.5, 6.67 -> 6.7."""
    return f"{Decimal(value):.1f}".removesuffix(".0")
