"""The safety net's ground truth, read from the tables in plain peewee.

The state machine (test_safety_net_state_machine.py) holds the services against this. It
says what is open, how late each stored deadline may be by the source, and what the facts
still require, without services/worklists/obligations.py or the pathway rules: a kind that query
forgets, a state it misreads or a rule that stops firing shows as a difference.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from clinic_desktop.models import (
    Appointment,
    Episode,
    Medication,
    PathwayWarning,
    RadicularStatus,
    RedFlagRecord,
    Referral,
    StartBackAssessment,
    TwelveWeekOutcome,
)
from clinic_desktop.services.admin.pathway_settings import load_pathway_timings
from clinic_desktop.services.admin.settings import ClinicSettings
from clinic_desktop.services.core.clinic_time import to_local

# The source's maxima (reference/back-pain-stepped-care.txt; DESIGN.md "The pathway, as rules").
TWO_WEEK_REVIEW_DAYS = 14  # "Review and assess improvement within 2 weeks"
MEDICATION_REVIEW_DAYS = 21  # muscle relaxants "for up to 2-3 weeks"
EARLY_RADICULAR_DAYS = 14  # "Earlier referral (within 2 weeks)"
STRATIFIED_REFERRAL_DAYS = 14
TWELVE_WEEK_CHECK_DAYS = 84  # "Review no later than 12 weeks"
ESCALATION_DAYS = 14
RED_FLAG_DAYS = 0  # same day
OPIOID_REVIEW_DAYS = 14  # opioids "with close monitoring": DESIGN.md's 14 days
REFERRAL_KIND_DAYS = {
    "standard_physiotherapy": STRATIFIED_REFERRAL_DAYS,
    "biopsychosocial": STRATIFIED_REFERRAL_DAYS,
    "pain_spinal_centre": ESCALATION_DAYS,
    "spinal_surgical": ESCALATION_DAYS,
    "early_radicular": EARLY_RADICULAR_DAYS,
    "urgent_red_flag": RED_FLAG_DAYS,
}
APPOINTMENT_KIND_DAYS = {"two_week_review": TWO_WEEK_REVIEW_DAYS, "medication_review": MEDICATION_REVIEW_DAYS,
                         "twelve_week_review": TWELVE_WEEK_CHECK_DAYS}
# Muscle relaxants by name (issue 10: "cyclobenzaprine, methocarbamol, diazepam, baclofen…").
RELAXANT_NAMES = frozenset({"cyclobenzaprine", "methocarbamol", "diazepam", "baclofen", "tizanidine",
                            "carisoprodol", "orphenadrine", "metaxalone", "chlorzoxazone"})
_FINDING_KINDS = ("two_week_review", "twelve_week_review")
_UNSENT = ("raised", "drafted", "signed")


def open_obligations(settings: ClinicSettings, now: datetime, *,
                     relaxants_by_name: bool) -> dict[str, set[int]]:
    """Every open obligation by kind (the names of obligations.KINDS), as sets of item ids.

    ``relaxants_by_name``: a medicine named as a muscle relaxant counts as one whatever
    category it was typed as.
    """
    today = now.astimezone(settings.zone).date()
    chase_from = settings.calendar().working_days_before(today, settings.referral_acknowledgement_working_days)
    sent_before = datetime.combine(chase_from, time(0), settings.zone).astimezone(timezone.utc)
    open_episode = Episode.status == "open"
    relaxant = Medication.category == "muscle_relaxant"
    if relaxants_by_name:
        relaxant |= Medication.name.in_(sorted(RELAXANT_NAMES))
    # A relaxant is reviewed after the clinic's medication-review days (the source's 21 at most).
    decision_days = load_pathway_timings().medication_review_days
    relaxants = [medication for medication in Medication.select().join(Episode)
                 .where(relaxant & Medication.stopped_on.is_null() & open_episode)
                 if (medication.continued_on or medication.started_on) <= today - timedelta(days=decision_days)]
    return {
        "appointment_to_book": _ids(Appointment.select(Appointment.id).join(Episode)
                                    .where((Appointment.status == "to_book") & open_episode)),
        "outcome_to_record": _ids(Appointment.select(Appointment.id)
                                  .where((Appointment.status == "booked") & (Appointment.ends_at <= now))),
        "referral_to_write": _ids(Referral.select(Referral.id).where(Referral.status == "raised")),
        "letter_to_sign": _ids(Referral.select(Referral.id).where(Referral.status == "drafted")),
        "letter_to_send": _ids(Referral.select(Referral.id).where(Referral.status == "signed")),
        "acknowledgement_to_chase": _ids(Referral.select(Referral.id)
                                         .where((Referral.status == "sent") & (Referral.sent_at < sent_before))),
        "warning_to_acknowledge": _ids(PathwayWarning.select(PathwayWarning.id).where(
            PathwayWarning.requires_acknowledgement & PathwayWarning.acknowledged_at.is_null())),
        "finding_to_record": _ids(Appointment.select(Appointment.id).where(
            (Appointment.status == "attended") & Appointment.kind.in_(_FINDING_KINDS)
            & Appointment.finding_closed_at.is_null())),
        "relaxant_to_review": {medication.id for medication in relaxants},
    }


def deadline_faults(settings: ClinicSettings) -> list[str]:
    """Open deadlines later than the source allows, or on a day the clinic is shut.

    An item still to book or a referral not yet sent carries a deadline someone must meet;
    the same-day red-flag referral alone may fall on a closed day (a red flag waits for no
    working day). A booked appointment has met its deadline, late or not, with a reason.
    A finding recorded late but dated earlier bounds a referral already drafted or signed too;
    every open item, of a discharged episode or raised by hand included, follows a new closure day.
    """
    calendar = settings.calendar()
    faults = []
    items = [*((row, "appointment") for row in Appointment.select().where(Appointment.status == "to_book")),
             *((row, "referral") for row in Referral.select().where(Referral.status.in_(_UNSENT)))]
    for row, what in items:
        latest = _latest_allowed(row, what, settings)
        name = f"{what} {row.id} ({row.kind}, key {row.pathway_key}, {row.status})"
        if latest is not None and row.due_by > latest:
            faults.append(f"{name} is due by {row.due_by}, later than the source allows ({latest})")
        if row.kind != "urgent_red_flag" and not calendar.is_working_day(row.due_by):
            faults.append(f"{name} is due by {row.due_by}, a day the clinic is shut "
                          f"({calendar.closed_reason(row.due_by)})")
    return faults


def _latest_allowed(row, what: str, settings: ClinicSettings) -> date | None:
    """The latest due-by date the source allows this item, from the fact that called for it."""
    episode = Episode.get_by_id(row.episode_id)
    key = row.pathway_key or ""
    name, _, fact_id = key.partition(":")
    if what == "appointment":
        if row.kind == "follow_up" and name == "opioid_review":
            return Medication.get_by_id(int(fact_id)).started_on + timedelta(days=OPIOID_REVIEW_DAYS)
        if row.kind == "follow_up":
            return None  # a person chose its date
        if row.kind == "medication_review" and fact_id:
            started = Medication.get_by_id(int(fact_id)).started_on
            return started + timedelta(days=MEDICATION_REVIEW_DAYS)
        return episode.first_contact_on + timedelta(days=APPOINTMENT_KIND_DAYS[row.kind])
    days = REFERRAL_KIND_DAYS[row.kind]
    if name == "red_flag":
        return RedFlagRecord.get_by_id(int(fact_id)).recorded_on
    if name == "start_back":
        return StartBackAssessment.get_by_id(int(fact_id)).assessed_on + timedelta(days=days)
    if name == "early_radicular":
        facts = RadicularStatus.select().where(
            (RadicularStatus.episode == episode.id)
            & (RadicularStatus.severe_radicular_pain | RadicularStatus.neurological_deficit))
        if fact_id:
            facts = facts.where(RadicularStatus.id == int(fact_id))
        return min(fact.recorded_on for fact in facts) + timedelta(days=days)
    if name == "escalation":
        outcomes = list(TwelveWeekOutcome.select().where(TwelveWeekOutcome.episode == episode.id)
                        .order_by(TwelveWeekOutcome.id))
        if not fact_id:
            return max(outcome.recorded_on for outcome in outcomes if not outcome.improved) + timedelta(days=days)
        # Its own "not improved" and every one recorded after it until an "improved": the earliest date stands.
        run = []
        for outcome in (outcome for outcome in outcomes if outcome.id >= int(fact_id)):
            if outcome.improved:
                break
            run.append(outcome.recorded_on)
        return min(run) + timedelta(days=days)
    # Raised by a person (or a key this module does not know): no later than the kind allows
    # from the day it was raised.
    return row.raised_at.astimezone(settings.zone).date() + timedelta(days=days)


def unanswered_facts(settings: ClinicSettings) -> list[tuple[str, str]]:
    """Open episodes whose facts call for an action that nothing open or done answers.

    DESIGN.md: a new qualifying fact raises the action again whenever none of that kind is
    open, even after an earlier one was cancelled, sent or closed; facts out of order never
    leave the episode without what they require. Checked for a severe radicular pain or
    neurological deficit, a 12-week "not improved", and a high STarT Back risk (a review by
    day 84). Each fault is (the check's name, what is missing).
    """
    faults = []
    for episode in Episode.select().where(Episode.status == "open"):
        referrals = list(Referral.select().where(Referral.episode == episode.id))
        for fact in RadicularStatus.select().where(
                (RadicularStatus.episode == episode.id)
                & (RadicularStatus.severe_radicular_pain | RadicularStatus.neurological_deficit)):
            if not _answered(referrals, "early_radicular", fact.recorded_at):
                faults.append(("radicular_not_refiring", f"episode {episode.id}: radicular finding {fact.id} "
                               f"recorded at {fact.recorded_at} "
                               "has no early radicular referral open then or raised since"))
        outcome = _latest_outcome(episode.id)  # a correction stands: only the latest calls for escalation
        if outcome is not None and not outcome.improved \
                and not _answered(referrals, "pain_spinal_centre", outcome.recorded_at):
            faults.append(("escalation_not_refiring", f"episode {episode.id}: 12-week outcome {outcome.id} (not "
                           "improved) has no pain / spinal centre referral open then or raised since"))
        faults += _high_risk_without_review(episode, settings.zone)
    return faults


def _answered(referrals: list[Referral], kind: str, moment: datetime) -> bool:
    """Whether a referral of that kind was open when the fact was recorded, or raised since."""
    for referral in referrals:
        if referral.kind != kind:
            continue
        if referral.raised_at >= moment or referral.status in _UNSENT:
            return True
        left_open = referral.sent_at or referral.cancelled_at or referral.updated_at
        if left_open is not None and left_open >= moment:
            return True
    return False


def _high_risk_without_review(episode: Episode, zone) -> list[tuple[str, str]]:
    """High risk needs a review no later than day 84 (the source): an open or booked 12-week
    check, or one attended, or a 12-week outcome, on or after the high-risk stratification."""
    latest = (StartBackAssessment.select().where(StartBackAssessment.episode == episode.id)
              .order_by(StartBackAssessment.id.desc()).first())
    if latest is None or latest.risk != "high":
        return []
    reviews = Appointment.select().where((Appointment.episode == episode.id)
                                         & (Appointment.kind == "twelve_week_review"))
    seen_before = False
    for review in reviews:
        if review.status in ("to_book", "booked"):
            return []
        if review.status == "attended":
            if to_local(review.starts_at, zone).date() >= latest.assessed_on:
                return []
            seen_before = True
    outcome = _latest_outcome(episode.id)
    if outcome is not None and outcome.recorded_at >= latest.recorded_at:
        return []
    # Told apart so that a hole in one case does not switch off the check of the other.
    check = "early_visit_hides_high_risk_review" if seen_before and outcome is None \
        else "early_outcome_hides_high_risk_review"
    return [(check, f"episode {episode.id}: STarT Back {latest.id} scored high risk and no 12-week review is "
             "open, booked or done since")]


def _latest_outcome(episode_id: int) -> TwelveWeekOutcome | None:
    return (TwelveWeekOutcome.select().where(TwelveWeekOutcome.episode == episode_id)
            .order_by(TwelveWeekOutcome.id.desc()).first())


def _ids(query) -> set[int]:
    return {row.id for row in query}
