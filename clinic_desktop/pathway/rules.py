"""The pathway as a pure function: an episode's facts in, the actions they require out.

Evaluating the same facts always gives equal actions, so the service can run the rules after
every change and reconcile by key without duplicating anything (DESIGN.md, "The pathway,
as rules"). The facts and actions are defined in facts.py and actions.py and exported here.
"""

from collections.abc import Iterable
from datetime import date

from clinic_desktop.pathway.actions import (
    CancelUnbooked,
    PathwayActions,
    PathwayWarning,
    RequiredAppointment,
    RequiredReferral,
)
from clinic_desktop.pathway.calendar import WorkingCalendar
from clinic_desktop.pathway.facts import (
    HEPATIC_IMPAIRMENTS,
    EpisodeFacts,
    MedicationFact,
    OutcomeFact,
    RadicularFact,
    RedFlagFact,
    StartBackFact,
)
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
    "evaluate",
    "hepatic_warning",
    "referral_due",
]

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# DESIGN.md rule 5: medium risk → standard physiotherapy; high → biopsychosocial assessment.
_STRATIFIED_REFERRALS = {
    "medium": ("standard_physiotherapy", "standard physiotherapy"),
    "high": ("biopsychosocial", "biopsychosocial assessment / specialised physiotherapy"),
}

_Item = RequiredAppointment | RequiredReferral | CancelUnbooked


def evaluate(facts: EpisodeFacts, timings: PathwayTimings, calendar: WorkingCalendar) -> PathwayActions:
    """The appointments, referrals, warnings and cancellations the episode's facts require."""
    found = (hepatic_warning(med.id, facts.hepatic_impairment) for med in _relaxants(facts))
    warnings = tuple(sorted(filter(None, found), key=lambda warning: warning.key))
    risk_runs = _risk_runs(facts.start_back)
    superseded = tuple(
        _start_back_key(first) for first in risk_runs[:-1] if first.risk in _STRATIFIED_REFERRALS
    )
    if facts.discharged_on is not None:
        # DESIGN.md rule 7: discharge closes the episode; nothing new is required of it.
        return PathwayActions((), (), warnings, superseded, (CancelUnbooked(None, "discharged"),))
    current = risk_runs[-1] if risk_runs else None
    items = [
        *_two_week_review(facts, timings, calendar),
        *(_medication_review(med, timings, calendar) for med in _relaxants(facts)),
        *_early_radicular_referral(facts.radicular, timings, calendar),
        *(_red_flag_referral(fact, timings, calendar) for fact in facts.red_flags if fact.flags),
        *_stratified_referral(current, timings, calendar),
        *_twelve_week_check(facts, current, timings, calendar),
    ]
    return PathwayActions(
        appointments=_by_due_then_key(item for item in items if isinstance(item, RequiredAppointment)),
        referrals=_by_due_then_key(item for item in items if isinstance(item, RequiredReferral)),
        warnings=warnings,
        superseded_referral_keys=superseded,
        cancel_unbooked=tuple(
            sorted((item for item in items if isinstance(item, CancelUnbooked)), key=lambda item: item.key)
        ),
    )


def hepatic_warning(medication_id: int, hepatic_impairment: str) -> PathwayWarning | None:
    """The warning a muscle relaxant needs given the patient's hepatic impairment, if any."""
    if hepatic_impairment not in HEPATIC_IMPAIRMENTS:
        raise ValueError(
            f"hepatic impairment must be one of {', '.join(HEPATIC_IMPAIRMENTS)}; got {hepatic_impairment!r}"
        )
    # Cyclobenzaprine: 5 mg start in mild hepatic impairment, not recommended in moderate or
    # severe (reference/back-pain-stepped-care.txt, "Pharmacological Options"; DESIGN.md rule 2).
    if hepatic_impairment == "none":
        return None
    if hepatic_impairment == "mild":
        return PathwayWarning(
            f"hepatic:{medication_id}:caution", "hepatic_impairment", "Mild hepatic impairment: start at 5 mg.", False
        )
    # A separate key from the mild caution: impairment found to be worse later must still
    # raise the warning that needs acknowledging.
    return PathwayWarning(
        f"hepatic:{medication_id}:not_recommended",
        "hepatic_impairment",
        f"{hepatic_impairment.capitalize()} hepatic impairment: muscle relaxant not recommended.",
        True,
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


def _two_week_review(facts: EpisodeFacts, timings: PathwayTimings, calendar: WorkingCalendar) -> list[_Item]:
    if facts.start_back:
        return [CancelUnbooked("two_week_review", "STarT Back recorded")]
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


def _early_radicular_referral(
    radicular: Iterable[RadicularFact], timings: PathwayTimings, calendar: WorkingCalendar
) -> list[_Item]:
    qualifying = [fact for fact in radicular if fact.severe_radicular_pain or fact.neurological_deficit]
    if not qualifying:
        return []
    first = min(qualifying, key=lambda fact: (fact.recorded_on, fact.id))
    found = " and ".join(
        finding
        for finding, present in (
            ("severe radicular pain", first.severe_radicular_pain),
            ("neurological deficit", first.neurological_deficit),
        )
        if present
    )
    due = calendar.deadline(first.recorded_on, timings.early_radicular_referral_days)
    reason = f"Early radicular referral: {found} recorded on {_day(first.recorded_on)}"
    return [RequiredReferral("early_radicular", "early_radicular", due, reason, urgent=False)]


def _red_flag_referral(fact: RedFlagFact, timings: PathwayTimings, calendar: WorkingCalendar) -> _Item:
    days = timings.red_flag_referral_days
    # DESIGN.md rule 4: a red-flag referral is due the same day. A same-day deadline is not
    # moved to a working day: moving it earlier would make it overdue the moment it is raised.
    due = fact.recorded_on if days == 0 else calendar.deadline(fact.recorded_on, days)
    reason = f"Urgent red-flag referral: {', '.join(fact.flags)} recorded on {_day(fact.recorded_on)}"
    return RequiredReferral("urgent_red_flag", f"red_flag:{fact.id}", due, reason, urgent=True)


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


def _twelve_week_check(
    facts: EpisodeFacts, current: StartBackFact | None, timings: PathwayTimings, calendar: WorkingCalendar
) -> list[_Item]:
    outcome = facts.outcome
    if outcome is None:
        day = timings.twelve_week_check_days
        due = calendar.deadline(facts.first_contact_on, day)
        reason = f"12-week check, day {day} after first contact on {_day(facts.first_contact_on)}"
        if current is not None and current.risk == "high":
            # DESIGN.md rule 5: high risk needs a review no later than day 84 (12 weeks).
            reason += f"; high risk: review no later than day {day}"
        return [RequiredAppointment("twelve_week_review", "twelve_week_review", due, reason)]
    items: list[_Item] = [CancelUnbooked("twelve_week_review", "12-week outcome recorded")]
    if not outcome.improved:
        due = calendar.deadline(outcome.recorded_on, timings.escalation_referral_days)
        reason = (
            f"Not improved at the 12-week check on {_day(outcome.recorded_on)}: "
            "specialist pain / spinal centre"
        )
        # One escalation per episode: a later "not improved" (a correction) must not raise a second.
        items.append(RequiredReferral("pain_spinal_centre", "escalation", due, reason, urgent=False))
    return items


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


def _by_due_then_key(items: Iterable[_Item]) -> tuple:
    return tuple(sorted(items, key=lambda item: (item.due_by, item.key)))


def _day(day: date) -> str:
    """3 Nov 2026, whatever locale Qt has set for the process."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"
