"""Discharge: closing an episode without closing anything else silently.

DESIGN.md, "The safety net": discharge either resolves each open item with a reason or hands
it on. The pathway itself cancels the reviews nobody has booked ("discharged"), and a signed
or sent letter, a slot whose time has passed and an acknowledgement to chase stay on
reception's lists, which do not care whether the episode is open. Everything else needs the
discharging clinician's decision, item by item: a warning is acknowledged now or handed over;
an attended review without its finding is closed with a stated reason or handed over; a
referral not yet signed is cancelled with a reason or handed over; a booked visit still to
come is cancelled or kept; a muscle relaxant still running is stopped or continued with a
reason (its review lives only on open episodes). Handing over makes the chosen colleague, or
nobody (the unassigned list), the episode's responsible clinician (services/episodes/handover.py).
A discharge that leaves an item without a decision is refused, naming the item; the whole
discharge is one transaction and one audit event listing every decision.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Sequence

from clinic_desktop.models import Appointment, Episode, Medication, PathwayWarning, Referral, User
from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.services.appointments.waiting_entries import close_waiting
from clinic_desktop.services.core import validation
from clinic_desktop.services.core.clinic_time import format_day, format_time, to_local
from clinic_desktop.services.core.clock import now_utc
from clinic_desktop.services.core.errors import Conflict, ValidationError
from clinic_desktop.services.core.transaction import service
from clinic_desktop.services.episodes import handover
from clinic_desktop.services.episodes.episodes import EpisodeUpdate, _changeable_episode, _check_fact_day, _finish
from clinic_desktop.services.episodes.pathway_sync import APPOINTMENT_LABELS, capitalised
from clinic_desktop.services.referrals import referrals
from clinic_desktop.services.referrals.referral_checks import cancellation_reason
from clinic_desktop.services.worklists.obligations import ObligationRow, episode_obligations

__all__ = ["BOOKED_VISIT", "CHOICE_LABELS", "REASON_NEEDED", "DischargeItem", "ItemDecision", "discharge_episode",
           "discharge_items"]

# What a clinician may decide for an item.
ACKNOWLEDGE, CLOSE, CANCEL, KEEP, HAND_OVER, STOP, CONTINUE = (
    "acknowledge", "close", "cancel", "keep", "hand_over", "stop", "continue")
CHOICE_LABELS = {
    ACKNOWLEDGE: "Acknowledge now",
    CLOSE: "Close with a reason",
    CANCEL: "Cancel with a reason",
    KEEP: "Keep",
    HAND_OVER: "Hand over",
    STOP: "Stopped at discharge",
    CONTINUE: "Continues, with a reason",
}
REASON_NEEDED = frozenset({CLOSE, CANCEL, CONTINUE})
BOOKED_VISIT = "booked_visit"  # not an obligation yet (its time has not come), but discharge decides it

_CHOICES = {
    "warning_to_acknowledge": (ACKNOWLEDGE, HAND_OVER),
    "finding_to_record": (CLOSE, HAND_OVER),
    "referral_to_write": (CANCEL, HAND_OVER),
    "letter_to_sign": (CANCEL, HAND_OVER),
    "relaxant_to_review": (STOP, CONTINUE),
    BOOKED_VISIT: (CANCEL, KEEP),
}
# What becomes of the items that need no decision.
_WITHOUT_DECISION = {
    "appointment_to_book": "cancelled by discharge (reason \u201cdischarged\u201d)",
    "outcome_to_record": "stays on reception's Outcome to record list",
    "letter_to_send": "stays on reception's To send list",
    "acknowledgement_to_chase": "stays on reception's list of acknowledgements to chase",
}


@dataclass(frozen=True)
class DischargeItem:
    """One thing still open on the episode, as the discharge form lists it."""

    kind: str  # an obligations kind, or BOOKED_VISIT
    item_id: int
    title: str  # "Urgent red-flag referral: letter not written"
    detail: str  # "due by Thu 10 Dec 2026; on Dr Alys Jones's list"
    urgent: bool
    choices: tuple[str, ...]  # () when it needs no decision
    without_decision: str = ""  # what discharge does with it when it needs none

    @property
    def needs_decision(self) -> bool:
        return bool(self.choices)

    @property
    def key(self) -> tuple[str, int]:
        return self.kind, self.item_id


@dataclass(frozen=True)
class ItemDecision:
    """The discharging clinician's decision on one item (``reason`` where the choice needs one)."""

    kind: str
    item_id: int
    choice: str
    reason: str = ""


@service("discharge_episode", changes=False)
def discharge_items(actor, episode_id: int) -> tuple[DischargeItem, ...]:
    """What is still open on the episode: the items needing a decision first (urgent first),
    then what discharge leaves on other lists or cancels itself."""
    episode_id = validation.record_id(episode_id, "episode")
    _changeable_episode(episode_id)
    return _items(episode_id)


@service("discharge_episode")
def discharge_episode(actor, episode_id: int, *, discharged_on: date, reason: str,
                      decisions: Sequence[ItemDecision] = (), hand_over_to=None) -> EpisodeUpdate:
    """Close the episode with a decision for every open item that needs one.

    ``hand_over_to``: the active clinician (user id) the handed-over items go to, or
    handover.UNASSIGNED; required when any decision is HAND_OVER.
    """
    episode_id = validation.record_id(episode_id, "episode")
    discharged_on = validation.day(discharged_on, "discharged_on", label="discharge date")
    reason = validation.text(reason, "reason", required="Give the reason for the discharge",
                             label="reason for the discharge")
    given = _decisions(decisions)
    episode = _changeable_episode(episode_id)
    _check_fact_day(episode, discharged_on, "discharged_on")
    items = {item.key: item for item in _items(episode.id)}
    chosen = _match(items, given)
    target = _target(chosen, hand_over_to)
    notices, handed = [], []
    for item, decision in chosen:
        if decision.choice == HAND_OVER:
            handed.append(item)
        else:
            notices.append(_resolve(actor, item, decision, discharged_on))
    if handed:
        handover.set_responsible([episode.id], target)
    Episode.update(status="discharged", discharged_on=discharged_on, discharge_reason=reason).where(
        Episode.id == episode.id).execute()
    notices += _where_handed(handed, episode.id)
    return _finish(actor, episode, "discharge_episode",
                   f"discharged {episode.patient.display_name} on {format_day(discharged_on)}", notices,
                   reason=reason, decisions=[_described(item, decision) for item, decision in chosen],
                   handed_to=handover.target_name(target) if handed else None)


# --- what is open ---


def _items(episode_id: int) -> tuple[DischargeItem, ...]:
    rows = [_item(row) for row in episode_obligations(episode_id)]
    items = sorted((*rows, *_booked_visits(episode_id)), key=lambda item: (not item.needs_decision, not item.urgent))
    return tuple(items)


def _item(row: ObligationRow) -> DischargeItem:
    title = {
        "warning_to_acknowledge": f"Warning not acknowledged: {row.item_title}",
        "finding_to_record": f"{row.item_title}: attended, finding not recorded",
        "referral_to_write": f"{row.item_title}: letter not written",
        "letter_to_sign": f"{row.item_title}: letter drafted, not signed",
        "relaxant_to_review": f"{row.item_title} (muscle relaxant) still running",
        "letter_to_send": f"{row.item_title}: letter signed, not sent",
        "acknowledgement_to_chase": f"{row.item_title}: sent, no acknowledgement yet",
        "outcome_to_record": f"{row.item_title}: its time has passed, attendance not recorded",
        "appointment_to_book": f"{row.item_title}: not booked",
    }[row.kind]
    detail = f"due by {format_day(row.due_by)}; on {handover.owner_words(row)}"
    return DischargeItem(kind=row.kind, item_id=row.item_id, title=title, detail=detail, urgent=row.urgent,
                         choices=_CHOICES.get(row.kind, ()), without_decision=_WITHOUT_DECISION.get(row.kind, ""))


def _booked_visits(episode_id: int) -> list[DischargeItem]:
    """Booked visits still to come: not yet anyone's obligation, but discharge decides whether they stand."""
    zone = load_settings().zone
    query = (Appointment.select(Appointment, *User.readable()).join(User, on=(Appointment.clinician == User.id))
             .where((Appointment.episode == episode_id) & (Appointment.status == "booked")
                    & (Appointment.ends_at > now_utc()))
             .order_by(Appointment.starts_at))
    visits = []
    for appointment in query:
        local = to_local(appointment.starts_at, zone)
        visits.append(DischargeItem(
            kind=BOOKED_VISIT, item_id=appointment.id, urgent=False, choices=_CHOICES[BOOKED_VISIT],
            title=f"{capitalised(APPOINTMENT_LABELS[appointment.kind])} booked {format_day(local.date())} "
                  f"{format_time(local)}",
            detail=f"with {appointment.clinician.full_name}"))
    return visits


# --- the decisions ---


def _decisions(decisions) -> tuple[ItemDecision, ...]:
    try:
        given = tuple(decisions or ())
    except TypeError:
        given = (decisions,)
    if not all(isinstance(decision, ItemDecision) for decision in given):
        raise ValidationError("Give each decision as the item, the choice and any reason", field="decisions")
    return tuple(ItemDecision(decision.kind, validation.record_id(decision.item_id, "item"), decision.choice,
                              validation.text(decision.reason, "reason", label="reason for the decision"))
                 for decision in given)


def _match(items: dict[tuple[str, int], DischargeItem], given: tuple[ItemDecision, ...]):
    """Each open item needing a decision paired with its decision; refused in words when one lacks it."""
    by_key = {}
    for decision in given:
        item = items.get((decision.kind, decision.item_id))
        if item is None or not item.needs_decision:
            raise Conflict("Something on this episode changed since the discharge form was opened (another "
                           "workstation, or the pathway); nothing was discharged. Open the form again.")
        if decision.choice not in item.choices:
            offered = " or ".join(CHOICE_LABELS[choice].lower() for choice in item.choices)
            raise ValidationError(f"\u201c{item.title}\u201d can only be: {offered}.", field="decisions")
        if decision.choice in REASON_NEEDED and not decision.reason:
            raise ValidationError(f"Give the reason to {CHOICE_LABELS[decision.choice].split()[0].lower()} "
                                  f"\u201c{item.title}\u201d.", field="decisions")
        by_key[item.key] = decision
    missing = [item for item in items.values() if item.needs_decision and item.key not in by_key]
    if missing:
        named = "; ".join(f"\u201c{item.title}\u201d" for item in missing)
        raise ValidationError(f"Decide what becomes of every open item before discharging: {named} "
                              f"{'has' if len(missing) == 1 else 'have'} no decision.", field="decisions")
    return [(item, by_key[item.key]) for item in items.values() if item.key in by_key]


def _target(chosen, hand_over_to) -> int | None:
    if not any(decision.choice == HAND_OVER for _, decision in chosen):
        return None
    return handover.hand_over_target(hand_over_to)


def _resolve(actor, item: DischargeItem, decision: ItemDecision, discharged_on: date) -> str:
    """Carry out one decision that closes or keeps an item; returns its notice."""
    why = decision.reason
    if item.kind == "warning_to_acknowledge":
        _changed(PathwayWarning.update(acknowledged_by=actor.user_id, acknowledged_at=now_utc()).where(
            (PathwayWarning.id == item.item_id) & PathwayWarning.acknowledged_at.is_null()))
        return f"Acknowledged: {item.title.split(': ', 1)[1]}"
    if item.kind == "finding_to_record":
        _changed(Appointment.update(finding_closed_at=now_utc(), finding_note=f"closed at discharge: {why}").where(
            (Appointment.id == item.item_id) & Appointment.finding_closed_at.is_null()))
        return f"{item.title.split(':')[0]}: finding closed at discharge ({why})"
    if item.kind in ("referral_to_write", "letter_to_sign"):
        referral = Referral.get_by_id(item.item_id)
        referrals.cancel(actor, referral, cancellation_reason(actor, referral, why))
        return f"{item.title.split(':')[0]} cancelled: {why}"
    if item.kind == "relaxant_to_review":
        return _relaxant(item, decision, discharged_on)
    return _visit(item, decision)


def _relaxant(item: DischargeItem, decision: ItemDecision, discharged_on: date) -> str:
    medication = Medication.get_by_id(item.item_id)
    if decision.choice == STOP:
        if discharged_on < medication.started_on:
            raise ValidationError(f"{medication.name} started on {format_day(medication.started_on)}, after the "
                                  "discharge date: record when it stopped instead.", field="decisions")
        _changed(Medication.update(stopped_on=discharged_on).where(
            (Medication.id == medication.id) & Medication.stopped_on.is_null()))
        return f"{medication.name} recorded stopped {format_day(discharged_on)}"
    _changed(Medication.update(continued_on=discharged_on, continued_reason=decision.reason).where(
        (Medication.id == medication.id) & Medication.stopped_on.is_null()))
    return f"{medication.name} continues after discharge: {decision.reason}"


def _visit(item: DischargeItem, decision: ItemDecision) -> str:
    if decision.choice == KEEP:
        return f"{item.title} {item.detail}: kept"
    _changed(Appointment.update(status="cancelled", cancel_reason=decision.reason, updated_at=now_utc()).where(
        (Appointment.id == item.item_id) & (Appointment.status == "booked")))
    close_waiting(item.item_id, "cancelled")
    return f"{item.title} {item.detail}: cancelled ({decision.reason})"


def _changed(query) -> None:
    """One row changed, or another workstation got there first: refuse the whole discharge."""
    if query.execute() != 1:
        raise Conflict("Something on this episode changed on another workstation while discharging; nothing was "
                       "discharged. Open the form again.")


def _where_handed(handed: list[DischargeItem], episode_id: int) -> list[str]:
    """Where each handed-over item is now, read back through the owner rules (never assumed)."""
    found = handover.where_they_are((item.kind, item.item_id, episode_id) for item in handed)
    notices = []
    for item in handed:
        row = found.get(item.key)
        if row is None:  # a hand-over must leave the item open on a list: this would be a bug
            raise AssertionError(f"{item.title} left every list when handed over")
        notices.append(f"Handed over: {item.title}, now on {handover.owner_words(row)}")
    return notices


def _described(item: DischargeItem, decision: ItemDecision) -> dict:
    return {"item": item.title, "kind": item.kind, "item_id": item.item_id, "decision": decision.choice,
            "reason": decision.reason or None}
