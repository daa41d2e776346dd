"""Reconciling what the pathway rules require of an episode with what is stored.

The rules (clinic_desktop.pathway) are a pure function of the episode's facts; this module
builds those facts from the rows, together with what is already stored (each appointment's
and referral's kind, key and status, and the warnings' keys), evaluates them and creates
only what is missing, by key, whatever state a stored item is in. The rules are told which
kinds are open, so a new qualifying fact raises its referral again once none of that kind
is open, under a key of its own; running this twice changes nothing, and an item someone
cancelled is never raised again for the same fact. It writes no audit event: the calling
service lists the notices it returns in its own event.
"""
from __future__ import annotations

from datetime import date

from clinic_desktop.models import (
    Appointment,
    Episode,
    ImagingRequest,
    ImprovementMeasure,
    InitialManagement,
    ManagementPlan,
    Medication,
    PathwayWarning,
    RadicularStatus,
    RedFlagRecord,
    Referral,
    StartBackAssessment,
    TwelveWeekOutcome,
    is_sqlite,
)
from clinic_desktop.pathway.actions import PROMPT_KINDS
from clinic_desktop.pathway.facts import AdviceFact, ImagingFact, MeasureFact, PlanFact
from clinic_desktop.pathway.rules import (
    EpisodeFacts,
    MedicationFact,
    OutcomeFact,
    PathwayActions,
    RadicularFact,
    RedFlagFact,
    StartBackFact,
    StoredItem,
    evaluate,
    twelve_week_window_opens,
)
from clinic_desktop.pathway.timings import PathwayTimings
from clinic_desktop.services.admin.pathway_settings import load_pathway_timings
from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.services.appointments.waiting_entries import close_waiting
from clinic_desktop.services.core.clinic_time import format_date, format_day, to_local
from clinic_desktop.services.core.clock import now_utc, today

__all__ = ["APPOINTMENT_LABELS", "CANCELLABLE_REFERRAL_STATUSES", "REFERRAL_LABELS", "capitalised", "due_wording",
           "latest_outcome", "load_facts", "lock_episode", "notice_attention", "pathway_timings",
           "resynchronise_waiting_items", "split_lines", "store_warning", "synchronise", "synchronise_patient_episodes",
           "twelve_week_window_opens_for"]

APPOINTMENT_LABELS = {
    "two_week_review": "2-week review",
    "medication_review": "medication review",
    "twelve_week_review": "12-week check",
    "follow_up": "follow-up",
}
REFERRAL_LABELS = {
    "standard_physiotherapy": "standard physiotherapy referral",
    "biopsychosocial": "biopsychosocial assessment / specialised physiotherapy referral",
    "pain_spinal_centre": "specialist pain / spinal centre referral",
    "spinal_surgical": "spinal surgical referral",
    "early_radicular": "early radicular referral",
    "urgent_red_flag": "urgent red-flag referral",
}
# DESIGN.md lifecycles: only a raised or drafted referral may be cancelled.
CANCELLABLE_REFERRAL_STATUSES = ("raised", "drafted")


def pathway_timings() -> PathwayTimings:
    """The timings the practice manager saved (else the packaged file's), read for each episode
    so a change made on another workstation applies here at once."""
    return load_pathway_timings()


def twelve_week_window_opens_for(episode: Episode) -> date:
    """The first day a 12-week outcome answers the episode's 12-week check (pathway.rules)."""
    return twelve_week_window_opens(episode.first_contact_on, pathway_timings())


def load_facts(episode: Episode) -> EpisodeFacts:
    """The facts the rules read, from the episode's stored rows."""
    medications = Medication.select().where(Medication.episode == episode.id).order_by(Medication.id)
    radicular = RadicularStatus.select().where(RadicularStatus.episode == episode.id).order_by(RadicularStatus.id)
    red_flags = RedFlagRecord.select().where(RedFlagRecord.episode == episode.id).order_by(RedFlagRecord.id)
    start_back = (StartBackAssessment.select().where(StartBackAssessment.episode == episode.id)
                  .order_by(StartBackAssessment.id))
    outcomes = tuple(OutcomeFact(row.id, row.recorded_on, row.improved) for row in TwelveWeekOutcome.select()
                     .where(TwelveWeekOutcome.episode == episode.id).order_by(TwelveWeekOutcome.id))
    patient = episode.patient
    return EpisodeFacts(
        first_contact_on=episode.first_contact_on,
        discharged_on=episode.discharged_on,
        hepatic_impairment=patient.hepatic_impairment,
        medications=tuple(MedicationFact(row.id, row.category, row.name, row.started_on, row.stopped_on,
                                         row.dose_amount, row.dose_unit, row.spasm_present)
                          for row in medications),
        radicular=tuple(RadicularFact(row.id, row.recorded_on, row.severe_radicular_pain, row.neurological_deficit)
                        for row in radicular),
        red_flags=tuple(RedFlagFact(row.id, row.recorded_on, split_lines(row.flags)) for row in red_flags),
        start_back=tuple(StartBackFact(row.id, row.assessed_on, row.risk) for row in start_back),
        outcome=outcomes[-1] if outcomes else None,
        outcomes=outcomes,
        appointments=_stored_appointments(episode),
        referrals=_stored_items(Referral, episode),
        warning_keys=frozenset(_stored_keys(PathwayWarning, episode)),
        nsaid_contraindications=split_lines(patient.nsaid_contraindications),
        **_care_facts(episode),
    )


def _care_facts(episode: Episode) -> dict:
    """The first contact's advice, imaging requests, plans and measures (schema 6), for the pitfall checks."""
    advice = InitialManagement.get_or_none(InitialManagement.episode == episode.id)
    imaging = ImagingRequest.select().where(ImagingRequest.episode == episode.id).order_by(ImagingRequest.id)
    plans = ManagementPlan.select().where(ManagementPlan.episode == episode.id).order_by(ManagementPlan.id)
    measures = (ImprovementMeasure.select().where(ImprovementMeasure.episode == episode.id)
                .order_by(ImprovementMeasure.id))
    return {
        "advice": AdviceFact(advice.id, episode.first_contact_on, advice.reactivation_advised,
                             advice.bed_rest_advised) if advice else None,
        "imaging": tuple(ImagingFact(row.id, row.requested_on, row.modality) for row in imaging),
        "plans": tuple(PlanFact(row.id, row.agreed_on, split_lines(row.treatments), split_lines(row.lifestyle))
                       for row in plans),
        "measures": tuple(MeasureFact(row.id, row.measured_on, row.occasion, row.pain_now, row.function_score,
                                      row.global_change, row.improving, row.function_scale)
                           for row in measures),
    }


def _stored_appointments(episode: Episode) -> tuple[StoredItem, ...]:
    """The episode's appointments, each attended one with the clinic day it took place."""
    zone = load_settings().zone
    query = (Appointment.select(Appointment.kind, Appointment.pathway_key, Appointment.status, Appointment.starts_at)
             .where(Appointment.episode == episode.id).order_by(Appointment.id))
    return tuple(StoredItem(kind, key, status, to_local(starts_at, zone).date() if status == "attended" else None)
                 for kind, key, status, starts_at in query.tuples())


def _stored_items(model, episode: Episode) -> tuple[StoredItem, ...]:
    query = (model.select(model.kind, model.pathway_key, model.status).where(model.episode == episode.id)
             .order_by(model.id))
    return tuple(StoredItem(kind, key, status) for kind, key, status in query.tuples())


def latest_outcome(episode_id: int) -> TwelveWeekOutcome | None:
    """The 12-week outcome recorded last stands, whatever date it gives: a correction of a
    mistaken outcome is a new record, and it may well carry an earlier date."""
    return (TwelveWeekOutcome.select().where(TwelveWeekOutcome.episode == episode_id)
            .order_by(TwelveWeekOutcome.id.desc()).first())


def split_lines(stored: str) -> tuple[str, ...]:
    """Red flags, chosen options and contraindications are stored one a line."""
    return tuple(line.strip() for line in stored.splitlines() if line.strip())


def synchronise(actor, episode: Episode) -> list[str]:
    """Bring the episode's stored items in line with the rules; return notices for the user."""
    lock_episode(episode.id)
    episode = Episode.get_by_id(episode.id)
    facts = load_facts(episode)
    actions = evaluate(facts, pathway_timings(), load_settings().calendar())
    notices = [
        *_refresh_waiting_items(episode, actions),
        *_create_appointments(episode, actions),
        *_raise_referrals(episode, actions),
        *_create_warnings(episode, actions),
        *_supersede_referrals(episode, actions, facts),
        *_cancel_unbooked(episode, actions),
    ]
    _close_answered_prompts(actor, episode, actions)
    return notices


def synchronise_patient_episodes(actor, patient_id: int) -> list[str]:
    """Re-run the rules for every open episode of a patient (e.g. hepatic impairment changed).

    Runs inside the caller's service transaction and writes no audit event of its own.
    """
    notices: list[str] = []
    episodes = Episode.select().where((Episode.patient == patient_id) & (Episode.status == "open"))
    for episode in episodes.order_by(Episode.id):
        notices.extend(synchronise(actor, episode))
    return notices


def resynchronise_waiting_items(actor, due_from: date | None = None, due_to: date | None = None) -> list[str]:
    """Re-run the rules for episodes with an open deadline in the window.

    Used when the clinic calendar changes (closure days, holiday region): a deadline that now
    falls on a closed day must move to the working day before. An open episode's items follow
    its rules (a drafted or signed letter only ever earlier); a discharged episode has no rules
    left, and whatever else still falls on a closed day (a referral raised by hand) is moved to
    the working day before directly. Runs inside the caller's service transaction and writes
    no audit event of its own.
    """
    episode_ids: set[int] = set()
    for model, statuses in ((Appointment, ("to_book",)), (Referral, CANCELLABLE_REFERRAL_STATUSES + ("signed",))):
        query = model.select(model.episode).where(model.status.in_(statuses))
        if due_from is not None:
            query = query.where(model.due_by >= due_from)
        if due_to is not None:
            query = query.where(model.due_by <= due_to)
        episode_ids.update(row.episode_id for row in query.distinct())
    notices: list[str] = []
    for episode in Episode.select().where(Episode.id.in_(sorted(episode_ids))).order_by(Episode.id):
        if episode.status == "open":
            notices.extend(synchronise(actor, episode))
        notices.extend(_keep_off_closed_days(episode))
    return notices


def _keep_off_closed_days(episode: Episode) -> list[str]:
    """Open items with a deadline on a day the clinic is now shut move to the working day
    before (never later), whatever set the deadline: a discharged episode has no rules left,
    a referral raised by hand or one the rules no longer time (a later finding was noted against
    it) keeps the date it was given. The same-day urgent referral stays on its day."""
    calendar = load_settings().calendar()
    notices = []
    for model, statuses, labels in ((Appointment, ("to_book",), APPOINTMENT_LABELS),
                                    (Referral, CANCELLABLE_REFERRAL_STATUSES + ("signed",), REFERRAL_LABELS)):
        for row in model.select().where((model.episode == episode.id) & model.status.in_(statuses)):
            if row.kind == "urgent_red_flag" or calendar.is_working_day(row.due_by):
                continue
            due_by = calendar.deadline(row.due_by, 0)
            model.update(due_by=due_by, updated_at=now_utc()).where(model.id == row.id).execute()
            notices.append(f"{capitalised(labels[row.kind])} now due by {format_day(due_by)}")
    return notices


def lock_episode(episode_id: int) -> None:
    """Serialise changes to one episode between workstations (PostgreSQL; SQLite writers already are)."""
    if not is_sqlite():
        list(Episode.select(Episode.id).where(Episode.id == episode_id).for_update())


_DUE_TODAY = ": due today"
_OVERDUE = ": overdue, was due by "


def due_wording(due_by: date) -> str:
    """", due by Thu 10 Dec 2026", or ": due today" / ": overdue, was due by …" when it already matters."""
    current = today(load_settings().zone)
    if due_by == current:
        return _DUE_TODAY
    if due_by < current:
        return f"{_OVERDUE}{format_day(due_by)}"
    return f", due by {format_day(due_by)}"


def notice_attention(notice: str) -> str | None:
    """"urgent", "overdue", "today" or None: how much a notice worded here needs noticing.

    Read from the wording this module gives notices, so a screen can make an urgent
    referral or a deadline already reached stand out without parsing dates itself.
    """
    if notice.startswith(capitalised(REFERRAL_LABELS["urgent_red_flag"])):
        return "urgent"
    if _OVERDUE in notice:
        return "overdue"
    return "today" if notice.endswith(_DUE_TODAY) else None


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _refresh_waiting_items(episode: Episode, actions: PathwayActions) -> list[str]:
    """Keep the due-by date and reason of items nobody has acted on yet in line with the rules.

    A review still to book, or a referral only raised, carries no one's decision yet, so when
    the rules now say something else (a high-risk stratification adds its reason to the
    12-week check; a changed calendar moves a deadline) the stored item follows them.
    """
    notices = []
    for model, required_items, waiting, labels in (
        (Appointment, actions.appointments, "to_book", APPOINTMENT_LABELS),
        (Referral, actions.referrals, "raised", REFERRAL_LABELS),
    ):
        wanted = {item.key: item for item in required_items}
        if not wanted:
            continue
        stored = model.select().where((model.episode == episode.id) & (model.status == waiting)
                                      & model.pathway_key.in_(list(wanted)))
        for row in stored:
            item = wanted[row.pathway_key]
            if (row.due_by, row.reason) == (item.due_by, item.reason):
                continue
            model.update(due_by=item.due_by, reason=item.reason, updated_at=now_utc()).where(
                (model.id == row.id) & (model.status == waiting)).execute()
            if row.due_by != item.due_by:
                notices.append(f"{capitalised(labels[row.kind])} now due by {format_day(item.due_by)}")
    return notices + _bring_forward_acted_on_referrals(episode, actions)


def _bring_forward_acted_on_referrals(episode: Episode, actions: PathwayActions) -> list[str]:
    """A drafted or signed referral keeps its reason (a clinician wrote to it), but a finding
    recorded since that makes it due sooner (a deficit dated before the pain that raised it)
    brings its deadline forward: never later than the source allows, never moved later."""
    wanted = {item.key: item for item in actions.referrals}
    if not wanted:
        return []
    acted_on = ("drafted", "signed")
    stored = Referral.select().where((Referral.episode == episode.id) & Referral.status.in_(acted_on)
                                     & Referral.pathway_key.in_(list(wanted)))
    notices = []
    for row in stored:
        due_by = wanted[row.pathway_key].due_by
        if due_by < row.due_by:
            Referral.update(due_by=due_by, updated_at=now_utc()).where(
                (Referral.id == row.id) & Referral.status.in_(acted_on)).execute()
            notices.append(f"{capitalised(REFERRAL_LABELS[row.kind])} now due by {format_day(due_by)}")
    return notices


def _create_appointments(episode: Episode, actions: PathwayActions) -> list[str]:
    notices = []
    for required in _not_stored(Appointment, episode, actions.appointments):
        moment = now_utc()
        Appointment.create(episode=episode.id, kind=required.kind, pathway_key=required.key,
                           reason=required.reason, status="to_book", due_by=required.due_by,
                           created_at=moment, updated_at=moment)
        notices.append(f"{capitalised(APPOINTMENT_LABELS[required.kind])} to book{due_wording(required.due_by)}")
    return notices


def _raise_referrals(episode: Episode, actions: PathwayActions) -> list[str]:
    notices = []
    for required in _not_stored(Referral, episode, actions.referrals):
        moment = now_utc()
        # raised_by None: the pathway raised it, not a person.
        Referral.create(episode=episode.id, kind=required.kind, pathway_key=required.key,
                        reason=required.reason, urgent=required.urgent, status="raised",
                        due_by=required.due_by, raised_by=None, raised_at=moment, updated_at=moment)
        notices.append(f"{capitalised(REFERRAL_LABELS[required.kind])} raised{due_wording(required.due_by)}")
    return notices


def _create_warnings(episode: Episode, actions: PathwayActions) -> list[str]:
    missing = _not_stored(PathwayWarning, episode, actions.warnings)
    for warning in missing:
        store_warning(episode, warning.key, warning.kind, warning.message, warning.requires_acknowledgement)
    return [warning.message for warning in missing]


def _close_answered_prompts(actor, episode: Episode, actions: PathwayActions) -> None:
    """Close each open prompt the rules no longer give: the record now answers it (a plan was
    agreed), or a new one replaces it (the risk changed). Closed as acknowledged by whoever
    made the change, so the time line says who and when; nothing to tell the user, whose
    change it was. A discharged episode's prompts are left to the discharge, which decides
    each open item.
    """
    if episode.discharged_on is not None:
        return
    wanted = {warning.key for warning in actions.warnings}
    answered = [row.id for row in PathwayWarning.select(PathwayWarning.id, PathwayWarning.pathway_key).where(
        (PathwayWarning.episode == episode.id) & PathwayWarning.kind.in_(PROMPT_KINDS)
        & PathwayWarning.acknowledged_at.is_null()) if row.pathway_key not in wanted]
    if answered:
        PathwayWarning.update(acknowledged_by=actor.user_id, acknowledged_at=now_utc()).where(
            PathwayWarning.id.in_(answered)).execute()


def store_warning(episode: Episode, key: str, kind: str, message: str, requires_acknowledgement: bool,
                  acknowledged_by: int | None = None) -> PathwayWarning:
    moment = now_utc()
    return PathwayWarning.create(
        episode=episode.id, pathway_key=key, kind=kind, message=message,
        requires_acknowledgement=requires_acknowledgement, raised_at=moment,
        acknowledged_by=acknowledged_by, acknowledged_at=moment if acknowledged_by else None,
    )


def _supersede_referrals(episode: Episode, actions: PathwayActions, facts: EpisodeFacts) -> list[str]:
    """Referrals the facts no longer call for: of an old STarT Back risk, or an escalation whose
    12-week outcome was corrected to "improved"."""
    notices: list[str] = []
    stored_warnings = _stored_keys(PathwayWarning, episode)
    if actions.superseded_referral_keys:
        changes = _risk_changes(facts)
        latest = max(facts.start_back, key=lambda fact: fact.id)
        for referral in _referrals_keyed(episode, actions.superseded_referral_keys):
            risk, changed_on = changes.get(referral.pathway_key, (latest.risk, latest.assessed_on))
            change = f"risk changed to {risk} on {format_date(changed_on)}"
            notices += _supersede(episode, referral, change, f"The STarT Back {change}", stored_warnings)
    if actions.superseded_escalation_keys:
        corrected_on = format_date(facts.outcome.recorded_on)
        for referral in _referrals_keyed(episode, actions.superseded_escalation_keys):
            notices += _supersede(episode, referral, f"12-week outcome corrected to improved on {corrected_on}",
                                  f"The 12-week outcome was corrected to improved on {corrected_on}",
                                  stored_warnings)
    return notices


def _referrals_keyed(episode: Episode, keys: tuple[str, ...]):
    return Referral.select().where((Referral.episode == episode.id) & Referral.pathway_key.in_(keys)).order_by(
        Referral.id)


def _supersede(episode: Episode, referral: Referral, change: str, sentence: str, stored_warnings: set[str]) -> list[str]:
    """Cancel a superseded referral nobody has signed; warn about a signed one; leave a sent one."""
    label = REFERRAL_LABELS[referral.kind]
    if referral.status in CANCELLABLE_REFERRAL_STATUSES:
        moment = now_utc()
        # cancelled_by None: the pathway cancelled it, not a person.
        Referral.update(status="cancelled", cancel_reason=f"superseded: {change}", cancelled_at=moment,
                        updated_at=moment).where(
            (Referral.id == referral.id) & Referral.status.in_(CANCELLABLE_REFERRAL_STATUSES)).execute()
        return [f"Superseded: {label} cancelled"]
    if referral.status == "signed" and f"superseded-signed:{referral.id}" not in stored_warnings:
        # A signed letter never changes and may not be cancelled (DESIGN.md lifecycles):
        # the clinician decides whether it should still go.
        message = (f"{sentence}, after the {label} was signed but before it was sent: "
                   "check whether it should still be sent.")
        store_warning(episode, f"superseded-signed:{referral.id}", "superseded_signed", message, True)
        return [message]
    return []


def _risk_changes(facts: EpisodeFacts) -> dict[str, tuple[str, date]]:
    """For each STarT Back key, the risk and date of the stratification that changed it next."""
    ordered = sorted(facts.start_back, key=lambda fact: fact.id)
    changes: dict[str, tuple[str, date]] = {}
    run_start = None
    for fact in ordered:
        if run_start is None or fact.risk != run_start.risk:
            if run_start is not None:
                changes[f"start_back:{run_start.id}"] = (fact.risk, fact.assessed_on)
            run_start = fact
    return changes


def _cancel_unbooked(episode: Episode, actions: PathwayActions) -> list[str]:
    notices = []
    for cancel in actions.cancel_unbooked:
        unbooked = Appointment.select().where((Appointment.episode == episode.id) & (Appointment.status == "to_book"))
        if cancel.key is not None:
            unbooked = unbooked.where(Appointment.pathway_key == cancel.key)
        for appointment in unbooked.order_by(Appointment.due_by, Appointment.id):
            Appointment.update(status="cancelled", cancel_reason=cancel.reason, updated_at=now_utc()).where(
                (Appointment.id == appointment.id) & (Appointment.status == "to_book")).execute()
            close_waiting(appointment.id, "cancelled")
            notices.append(f"{capitalised(APPOINTMENT_LABELS[appointment.kind])} cancelled: {cancel.reason}")
    return notices


def _not_stored(model, episode: Episode, required: tuple) -> list:
    """The required items whose key no stored item of the episode has, in any state."""
    stored = _stored_keys(model, episode)
    return [item for item in required if item.key not in stored]


def _stored_keys(model, episode: Episode) -> set[str]:
    query = model.select(model.pathway_key).where((model.episode == episode.id) & model.pathway_key.is_null(False))
    return {row.pathway_key for row in query}
