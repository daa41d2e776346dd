"""The pathway as a pure function: an episode's facts in, the actions they require out.

Evaluating the same facts always gives equal actions, so the service can run the rules after
every change and reconcile by key without duplicating anything (DESIGN.md, "The pathway,
as rules"). The facts and actions are defined in facts.py and actions.py and exported here.
"""

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta

from clinic_desktop.pathway.actions import (
    CancelUnbooked,
    PathwayActions,
    PathwayWarning,
    RequiredAppointment,
    RequiredReferral,
)
from clinic_desktop.pathway.calendar import WorkingCalendar
from clinic_desktop.pathway.day_words import day_in_words as _day
from clinic_desktop.pathway.facts import (
    EpisodeFacts,
    MedicationFact,
    OutcomeFact,
    RadicularFact,
    RedFlagFact,
    StartBackFact,
    StoredItem,
)
from clinic_desktop.pathway.improvement import ongoing_evaluation
from clinic_desktop.pathway.pitfalls import care_checks
from clinic_desktop.pathway.pitfalls.prescribing import hepatic_warning, relaxant_hepatic_warning
from clinic_desktop.pathway.timings import PathwayTimings

__all__ = [
    "CancelUnbooked",
    "EpisodeFacts",
    "MedicationFact",
    "OutcomeFact",
    "PathwayActions",
    "PathwayWarning",
    "RadicularFact",
    "RedFlagFact",
    "RequiredAppointment",
    "RequiredReferral",
    "StartBackFact",
    "StoredItem",
    "TWELVE_WEEK_WINDOW_DAYS",
    "evaluate",
    "hepatic_warning",
    "referral_due",
    "twelve_week_window_opens",
]

# DESIGN.md rule 5: medium risk → standard physiotherapy; high → biopsychosocial assessment.
_STRATIFIED_REFERRALS = {
    "medium": ("standard_physiotherapy", "standard physiotherapy"),
    "high": ("biopsychosocial", "biopsychosocial assessment / specialised physiotherapy"),
}

# A 12-week outcome dated more than this many days before the 12-week check's deadline came
# before the 12-week window: it is kept (it may escalate at once), but the check stays required.
TWELVE_WEEK_WINDOW_DAYS = 14
# Keys the rules gave before a new fact could raise these referrals again: one such referral
# answers every fact of its kind, as it did then.
_LEGACY_KEYS = {"early_radicular": "early_radicular", "pain_spinal_centre": "escalation"}

_Item = RequiredAppointment | RequiredReferral | CancelUnbooked | PathwayWarning


def evaluate(facts: EpisodeFacts, timings: PathwayTimings, calendar: WorkingCalendar) -> PathwayActions:
    """The appointments, referrals, warnings and cancellations the episode's facts require."""
    found = [relaxant_hepatic_warning(med, facts.hepatic_impairment) for med in _relaxants(facts)]
    risk_runs = _risk_runs(facts.start_back)
    superseded = tuple(
        _start_back_key(first) for first in risk_runs[:-1] if first.risk in _STRATIFIED_REFERRALS
    )
    escalations = _superseded_escalations(facts)
    if facts.discharged_on is not None:
        # DESIGN.md rule 7: discharge closes the episode; nothing new is required of it.
        return PathwayActions((), (), _by_key(filter(None, found)), superseded,
                              (CancelUnbooked(None, "discharged"),), escalations)
    current = risk_runs[-1] if risk_runs else None
    checked = _outcome_answers_twelve_week_check(facts, current, timings, calendar)
    items = [
        *_two_week_review(facts, checked, timings, calendar),
        *(_medication_review(med, timings, calendar) for med in _relaxants(facts)),
        *_early_radicular_referral(facts, timings, calendar),
        *_red_flag_referral(facts, timings, calendar),
        *_stratified_referral(current, timings, calendar),
        *_twelve_week_check(facts, current, checked, timings, calendar),
        *_escalation_referral(facts, timings, calendar),
        *ongoing_evaluation(facts, timings, calendar),
        *care_checks(facts, timings, calendar),
    ]
    return PathwayActions(
        appointments=_by_due_then_key(item for item in items if isinstance(item, RequiredAppointment)),
        referrals=_by_due_then_key(item for item in items if isinstance(item, RequiredReferral)),
        warnings=_by_key([*filter(None, found), *(item for item in items if isinstance(item, PathwayWarning))]),
        superseded_referral_keys=superseded,
        cancel_unbooked=tuple(sorted({item for item in items if isinstance(item, CancelUnbooked)},
                                     key=lambda item: item.key)),
        superseded_escalation_keys=escalations,
    )


def referral_due(kind: str, raised_on: date, timings: PathwayTimings, calendar: WorkingCalendar,
                 requested: date | None = None) -> date:
    """The due-by date of a referral a clinician raises by hand.

    The pathway's deadline for that kind of referral, or an earlier date the clinician asks
    for (moved to the previous working day); never later than the pathway allows.
    """
    if kind not in _HAND_RAISED_DAYS:
        raise ValueError(f"unknown referral kind {kind!r}")
    days = getattr(timings, _HAND_RAISED_DAYS[kind])
    # Same-day urgent referrals are not moved to a working day (see _red_flag_referral).
    latest = raised_on if kind == "urgent_red_flag" and days == 0 else calendar.deadline(raised_on, days)
    if requested is None:
        return latest
    if requested < raised_on:
        raise ValueError(f"a referral cannot be due before it is raised ({_day(raised_on)})")
    if requested > latest:
        raise ValueError(f"this referral is due no later than {_day(latest)} ({days} days by the pathway)")
    if kind == "urgent_red_flag":
        return requested
    moved = calendar.deadline(requested, 0)
    # Moving a weekend raise day back to Friday would make it overdue before it exists.
    return moved if moved >= raised_on else requested


def _two_week_review(facts: EpisodeFacts, checked: bool, timings: PathwayTimings,
                     calendar: WorkingCalendar) -> list[_Item]:
    # The 2-week review is a review of improvement: it stays until attended, whatever was
    # recorded before it (a STarT Back taken early does not replace it). Only a 12-week
    # outcome within the 12-week window, a later review of improvement, answers it.
    if checked:
        return [CancelUnbooked("two_week_review", "12-week outcome recorded")]
    due = calendar.deadline(facts.first_contact_on, timings.two_week_review_days)
    reason = f"2-week review after first contact on {_day(facts.first_contact_on)}"
    return [RequiredAppointment("two_week_review", "two_week_review", due, reason)]


def _medication_review(med: MedicationFact, timings: PathwayTimings, calendar: WorkingCalendar) -> _Item:
    key = f"medication_review:{med.id}"
    due = calendar.deadline(med.started_on, timings.medication_review_days)
    if med.stopped_on is not None and med.stopped_on <= due:
        return CancelUnbooked(key, "medication stopped")
    # DESIGN.md rule 2; extended use of muscle relaxants is a listed pitfall in the reference.
    reason = (
        f"Review {med.name} started on {_day(med.started_on)}: "
        "muscle relaxants beyond 2–3 weeks are a listed pitfall"
    )
    return RequiredAppointment("medication_review", key, due, reason)


def _early_radicular_referral(facts: EpisodeFacts, timings: PathwayTimings,
                              calendar: WorkingCalendar) -> list[_Item]:
    qualifying = []
    for fact in facts.radicular:
        found = " and ".join(finding for finding, present in (
            ("severe radicular pain", fact.severe_radicular_pain),
            ("neurological deficit", fact.neurological_deficit)) if present)
        if not found:
            continue
        due = calendar.deadline(fact.recorded_on, timings.early_radicular_referral_days)
        reason = f"Early radicular referral: {found} recorded on {_day(fact.recorded_on)}"
        referral = RequiredReferral("early_radicular", f"early_radicular:{fact.id}", due, reason, urgent=False)
        qualifying.append(_Qualifying(fact.id, referral, f"{found.capitalize()} recorded on {_day(fact.recorded_on)}"))
    return _raise_again(facts, "early_radicular", qualifying)


def _red_flag_referral(facts: EpisodeFacts, timings: PathwayTimings, calendar: WorkingCalendar) -> list[_Item]:
    days = timings.red_flag_referral_days
    qualifying = []
    for fact in facts.red_flags:
        if not fact.flags:
            continue
        # DESIGN.md rule 4: a red-flag referral is due the same day. A same-day deadline is not
        # moved to a working day: moving it earlier would make it overdue the moment it is raised.
        due = fact.recorded_on if days == 0 else calendar.deadline(fact.recorded_on, days)
        found = f"{', '.join(fact.flags)} recorded on {_day(fact.recorded_on)}"
        referral = RequiredReferral("urgent_red_flag", f"red_flag:{fact.id}", due,
                                    f"Urgent red-flag referral: {found}", urgent=True)
        qualifying.append(_Qualifying(fact.id, referral, f"Red flags ({found})"))
    return _raise_again(facts, "urgent_red_flag", qualifying)


def _escalation_referral(facts: EpisodeFacts, timings: PathwayTimings, calendar: WorkingCalendar) -> list[_Item]:
    """DESIGN.md rule 6: not improved at the 12-week check raises the pain / spinal centre referral.

    The outcome recorded last stands (a correction is a new record): nothing qualifies once it
    says "improved". While it says "not improved", every "not improved" recorded since the last
    "improved" stands with it, so the escalation one of them raised is due by the earliest.
    """
    outcome = facts.outcome
    if outcome is None or outcome.improved:
        return []
    recorded = facts.outcomes or (outcome,)
    since_improved = [index for index, earlier in enumerate(recorded) if earlier.improved]
    standing = recorded[since_improved[-1] + 1:] if since_improved else recorded
    qualifying = []
    for fact in standing:
        due = calendar.deadline(fact.recorded_on, timings.escalation_referral_days)
        found = f"Not improved at the 12-week check on {_day(fact.recorded_on)}"
        referral = RequiredReferral("pain_spinal_centre", f"escalation:{fact.id}", due,
                                    f"{found}: specialist pain / spinal centre", urgent=False)
        qualifying.append(_Qualifying(fact.id, referral, found))
    return _raise_again(facts, "pain_spinal_centre", qualifying)


def _superseded_escalations(facts: EpisodeFacts) -> tuple[str, ...]:
    """Unsent escalation referrals once the outcome recorded last says "improved"."""
    if facts.outcome is None or not facts.outcome.improved:
        return ()
    return tuple(sorted(item.key for item in facts.referrals
                        if item.kind == "pain_spinal_centre" and item.open and item.key is not None
                        and item.key.partition(":")[0] == "escalation"))


@dataclass(frozen=True)
class _Qualifying:
    """A fact that calls for a referral: the referral it would raise and the finding, in words."""

    fact_id: int
    referral: RequiredReferral
    finding: str


def _raise_again(facts: EpisodeFacts, kind: str, qualifying: list[_Qualifying]) -> list[_Item]:
    """The referral a new qualifying fact raises when none of its kind is open, and notes for the rest.

    A fact is answered once its own referral is stored (in any state) or it was noted as
    covered by one already open; only unanswered facts count. When none of the kind is open
    (none ever, or every earlier one cancelled, sent or closed), the first unanswered fact
    raises a new referral and any others are noted as covered by it; while one is open, each
    is noted instead, so a further fact never raises a second. The note needs acknowledging
    when the open letter is already signed: it was signed without the new finding. The
    pathway's open referral keeps following the rules, due by the strictest of the facts it
    answers (each was recorded after the fact that raised it, so has a higher id).
    """
    answered = {item.key for item in facts.referrals} | facts.warning_keys
    if _LEGACY_KEYS.get(kind) in {item.key for item in facts.referrals if item.kind == kind}:
        return []
    open_items = [item for item in facts.referrals if item.kind == kind and item.open]
    waiting = sorted((fact for fact in qualifying
                      if fact.referral.key not in answered and _covered_key(fact) not in answered),
                     key=lambda fact: fact.fact_id)
    covered = [*waiting] if open_items else waiting[1:]
    raised = [fact for fact in qualifying if fact.referral.key in {item.key for item in open_items}]
    if waiting and not open_items:
        raised.append(waiting[0])
    items: list[_Item] = []
    for fact in raised:
        answers = [other for other in qualifying if other.fact_id > fact.fact_id
                   and (_covered_key(other) in answered or other in covered)]
        due = min(other.referral.due_by for other in (fact, *answers))
        items.append(replace(fact.referral, due_by=due))
    signed = any(item.status == "signed" for item in open_items)
    article, label = _REFERRAL_WORDS[kind]
    for fact in covered:
        if signed:
            message = (f"{fact.finding}, after the {label} letter was signed but before it was sent: "
                       "check whether it should be amended before it is sent.")
        else:
            message = (f"{fact.finding}: {article} {label} is already open, so no second one is raised; "
                       "make sure its letter says so.")
        items.append(PathwayWarning(_covered_key(fact), "covered_by_open_referral", message, signed))
    return items


def _covered_key(fact: _Qualifying) -> str:
    return f"covered:{fact.referral.key}"


_REFERRAL_WORDS = {
    "early_radicular": ("an", "early radicular referral"),
    "urgent_red_flag": ("an", "urgent red-flag referral"),
    "pain_spinal_centre": ("a", "pain / spinal centre referral"),
}


def _risk_runs(start_back: Iterable[StartBackFact]) -> list[StartBackFact]:
    """The first fact of each run of consecutive stratifications with the same risk."""
    ordered = sorted(start_back, key=lambda fact: fact.id)
    return [fact for index, fact in enumerate(ordered) if index == 0 or fact.risk != ordered[index - 1].risk]


def _stratified_referral(
    current: StartBackFact | None, timings: PathwayTimings, calendar: WorkingCalendar
) -> list[_Item]:
    if current is None or current.risk not in _STRATIFIED_REFERRALS:
        return []
    kind, service = _STRATIFIED_REFERRALS[current.risk]
    due = calendar.deadline(current.assessed_on, timings.stratified_referral_days)
    reason = f"STarT Back {current.risk} risk on {_day(current.assessed_on)}: {service}"
    return [RequiredReferral(kind, _start_back_key(current), due, reason, urgent=False)]


def _outcome_answers_twelve_week_check(facts: EpisodeFacts, current: StartBackFact | None,
                                       timings: PathwayTimings, calendar: WorkingCalendar) -> bool:
    """Whether the outcome recorded last closes the 12-week check.

    It does not when it came before the 12-week window (entered early, it cannot say how the
    patient is at 12 weeks), nor when a high-risk stratification came after it while a
    review by the 12-week deadline can still be had (DESIGN.md rule 5: high risk needs a
    review no later than day 84, and an outcome taken before that risk was known is not it).
    """
    outcome = facts.outcome
    if outcome is None or outcome.recorded_on < _window_opens(facts, timings):
        return False
    high_after = (current is not None and current.risk == "high" and current.assessed_on > outcome.recorded_on
                  and current.assessed_on <= _twelve_week_due(facts, timings, calendar))
    return not high_after


def _twelve_week_check(facts: EpisodeFacts, current: StartBackFact | None, checked: bool,
                       timings: PathwayTimings, calendar: WorkingCalendar) -> list[_Item]:
    """DESIGN.md rule 6: the 12-week check by day 84 for every open episode, until an outcome answers it."""
    day = timings.twelve_week_check_days
    due = _twelve_week_due(facts, timings, calendar)
    stored = [item for item in facts.appointments if item.kind == "twelve_week_review"]
    outcome = facts.outcome
    if checked:
        waiting = {item.key for item in stored if item.status == "to_book" and item.key is not None}
        return [CancelUnbooked(key, "12-week outcome recorded") for key in sorted({"twelve_week_review", *waiting})]
    reason = f"12-week check, day {day} after first contact on {_day(facts.first_contact_on)}"
    if outcome is not None and outcome.recorded_on < _window_opens(facts, timings):
        reason += (f"; the 12-week outcome recorded on {_day(outcome.recorded_on)} came before the "
                   f"12-week window opened on {_day(_window_opens(facts, timings))}")
    if current is not None and current.risk == "high":
        # DESIGN.md rule 5: high risk needs a review no later than day 84 (12 weeks).
        reason += f"; high risk: review no later than day {day}"
    open_keys = sorted({item.key for item in stored if item.open and item.key is not None})
    if any(item.open for item in stored):
        # One is already to book or booked: it stays, and follows the rules while nobody acts on it.
        return [RequiredAppointment("twelve_week_review", key, due, reason) for key in open_keys]
    stored_keys = {item.key for item in stored}
    key = "twelve_week_review"
    if _high_risk_after_every_visit(stored, outcome, current, due):
        # DESIGN.md rule 5: a visit before the patient was found high risk is not the review high
        # risk needs by day 84 (a 12-week review booked early and attended, no outcome recorded).
        key = f"twelve_week_review:start_back:{current.id}"
    elif key in stored_keys and outcome is not None:
        key = f"twelve_week_review:{outcome.id}"  # the check again, after an outcome that did not answer it
    return [RequiredAppointment("twelve_week_review", key, due, reason)]


def _high_risk_after_every_visit(stored, outcome, current: StartBackFact | None, due: date) -> bool:
    """Whether every 12-week visit took place before a high-risk stratification that came by the deadline."""
    if outcome is not None or current is None or current.risk != "high" or current.assessed_on > due:
        return False
    visits = [item.took_place_on for item in stored if item.took_place_on is not None]
    return bool(visits) and max(visits) < current.assessed_on


def _twelve_week_due(facts: EpisodeFacts, timings: PathwayTimings, calendar: WorkingCalendar) -> date:
    return calendar.deadline(facts.first_contact_on, timings.twelve_week_check_days)


def _window_opens(facts: EpisodeFacts, timings: PathwayTimings) -> date:
    return twelve_week_window_opens(facts.first_contact_on, timings)


def twelve_week_window_opens(first_contact_on: date, timings: PathwayTimings) -> date:
    """The first day a 12-week outcome answers the 12-week check: two weeks before its deadline."""
    return first_contact_on + timedelta(days=max(timings.twelve_week_check_days - TWELVE_WEEK_WINDOW_DAYS, 0))


_HAND_RAISED_DAYS = {
    "standard_physiotherapy": "stratified_referral_days",
    "biopsychosocial": "stratified_referral_days",
    "pain_spinal_centre": "escalation_referral_days",
    "spinal_surgical": "escalation_referral_days",
    "early_radicular": "early_radicular_referral_days",
    "urgent_red_flag": "red_flag_referral_days",
}


def _relaxants(facts: EpisodeFacts) -> list[MedicationFact]:
    return [med for med in facts.medications if med.category == "muscle_relaxant"]


def _start_back_key(fact: StartBackFact) -> str:
    return f"start_back:{fact.id}"


def _by_key(items: Iterable[PathwayWarning]) -> tuple[PathwayWarning, ...]:
    return tuple(sorted(items, key=lambda item: item.key))


def _by_due_then_key(items: Iterable[_Item]) -> tuple:
    return tuple(sorted(items, key=lambda item: (item.due_by, item.key)))
