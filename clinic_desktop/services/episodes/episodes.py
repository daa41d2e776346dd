"""The clinical record of an episode of back pain, as clinicians record it.

Each change stores one clinical fact, then re-runs the pathway rules in the same
transaction (pathway_sync), so the reviews, referrals and warnings the fact calls for
exist the moment it is saved; the notices saying what the pathway did go back to the
clinician and into the change's one audit event.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Sequence

from clinic_desktop.models import (
    Episode,
    Medication,
    PathwayWarning,
    Patient,
    RadicularStatus,
    RedFlagRecord,
    StartBackAssessment,
    TwelveWeekOutcome,
)
from clinic_desktop.models.episodes import (
    MEDICATION_CATEGORIES,
    PRESENTATIONS,
    SEVERITIES,
)
from clinic_desktop.pathway.medicines import medicine_category
from clinic_desktop.pathway.pitfalls.prescribing import milligrams
from clinic_desktop.pathway.rules import hepatic_warning
from clinic_desktop.pathway.start_back import ITEM_COUNT, score_start_back
from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.services.audit import audit
from clinic_desktop.services.core import validation
from clinic_desktop.services.core.clinic_time import format_day
from clinic_desktop.services.core.clock import now_utc, today
from clinic_desktop.services.core.entity import Entity
from clinic_desktop.services.core.errors import (
    AcknowledgementRequired,
    Conflict,
    InvalidTransition,
    NotFound,
    ValidationError,
)
from clinic_desktop.services.core.locking import locked_row
from clinic_desktop.services.core.transaction import permission_checked, service
from clinic_desktop.services.episodes import measures as improvement
from clinic_desktop.services.episodes import medications as medicines_list
from clinic_desktop.services.episodes import pathway_sync
from clinic_desktop.services.episodes.pathway_sync import (
    REFERRAL_LABELS,
    capitalised,
    due_wording,
    lock_episode,
    store_warning,
    synchronise,
)
from clinic_desktop.services.referrals import referrals
from clinic_desktop.services.worklists.obligations import close_findings

if TYPE_CHECKING:
    from clinic_desktop.services.episodes.initial_management import InitialManagementInput

__all__ = ["EpisodeUpdate", "MedicationInput", "acknowledge_warning", "discharge_episode", "keep_medication_on",
           "open_episode", "record_medication", "record_radicular_status", "record_red_flags", "record_start_back",
           "record_twelve_week_outcome", "stop_medication"]


@dataclass(frozen=True)
class EpisodeUpdate:
    """What a change did: the episode, and what the pathway did about it, in words."""

    episode_id: int
    notices: tuple[str, ...]


@dataclass(frozen=True)
class MedicationInput:
    """A medicine to record. The dose is given structured (amount, unit, frequency: its words are
    composed from them) or, by a caller without them, as text; a muscle relaxant needs its
    indication and whether muscle spasm is present (the source gives relaxants for spasm)."""

    name: str
    category: str
    dose: str = ""
    started_on: date | None = None  # None: the first contact date
    dose_amount: Decimal | None = None
    dose_unit: str | None = None
    dose_frequency: str | None = None
    indication: str = ""
    spasm_present: bool | None = None


@service("open_episode")
def open_episode(actor, patient_id: int, *, first_contact_on: date, presentation: str, severity: str,
                 advised_stay_active: bool = False, advised_no_bed_rest: bool = False,
                 self_care_education: bool = False, medications: Sequence[MedicationInput] = (),
                 severe_radicular_pain: bool = False, neurological_deficit: bool = False,
                 red_flags: Sequence[str] = (), notes: str = "",
                 acknowledge_warnings: bool = False,
                 initial_management: InitialManagementInput | None = None,
                 measures: improvement.MeasuresInput | None = None) -> EpisodeUpdate:
    """Record a first contact: day 0 of a new episode, with its initial management.

    ``initial_management`` answers every question of the source's initial management
    (services/episodes/initial_management.py) and sets the three older yes/no columns from
    them; without it (callers from before schema 6) those columns are given as they were.
    ``measures`` taken now are the baseline later measures are compared with.
    """
    # Imported when called: initial_management builds on this module's helpers, as discharge does.
    from clinic_desktop.services.episodes.initial_management import checked_answers, store_answers

    patient_id = validation.record_id(patient_id, "patient")
    first_contact_on = validation.day(first_contact_on, "first_contact_on", label="first contact date")
    _check_day(first_contact_on, "first contact date", "first_contact_on")
    validation.choice(presentation, PRESENTATIONS, "presentation")
    validation.choice(severity, SEVERITIES, "severity")
    _yes_no(advised_stay_active=advised_stay_active, advised_no_bed_rest=advised_no_bed_rest,
            self_care_education=self_care_education, severe_radicular_pain=severe_radicular_pain,
            neurological_deficit=neurological_deficit, acknowledge_warnings=acknowledge_warnings)
    if initial_management is not None:
        initial_management = checked_answers(initial_management)
        if advised_stay_active or advised_no_bed_rest or self_care_education:
            raise ValidationError("Give the first contact's advice once: as its initial management",
                                  field="initial_management")
    medicines = _medication_inputs(medications, first_contact_on)
    flags = _clean_flags(red_flags, required=False)
    notes = validation.text(notes, "notes", multiline=True)
    patient = locked_row(Patient, patient_id)
    if patient is None:
        raise NotFound("That patient is not on record")
    current = Episode.get_or_none((Episode.patient == patient.id) & (Episode.status == "open"))
    if current is not None:
        raise Conflict(f"{patient.display_name} already has an open episode of back pain (first contact "
                       f"{format_day(current.first_contact_on)}): discharge it before opening another")
    moment = now_utc()
    episode = Episode.create(
        patient=patient.id, first_contact_on=first_contact_on, status="open", presentation=presentation,
        severity=severity, advised_stay_active=advised_stay_active, advised_no_bed_rest=advised_no_bed_rest,
        self_care_education=self_care_education, notes=notes, clinician=actor.user_id,
        responsible_clinician=actor.user_id, created_at=moment)
    advice = None if initial_management is None else store_answers(episode, initial_management, _recorded(actor))
    notices: list[str] = []
    for medicine in medicines:
        notices += _add_medication(actor, episode, patient, medicine, acknowledge_warnings)
    if severe_radicular_pain or neurological_deficit or presentation == "radicular":
        RadicularStatus.create(episode=episode.id, recorded_on=first_contact_on, notes="",
                               severe_radicular_pain=severe_radicular_pain,
                               neurological_deficit=neurological_deficit, **_recorded(actor))
    if flags:
        RedFlagRecord.create(episode=episode.id, recorded_on=first_contact_on, flags="\n".join(flags),
                             notes="", **_recorded(actor))
    baseline = _measured(actor, episode, first_contact_on, "first_contact", measures, None)
    return _finish(actor, episode, "open_episode",
                   f"opened an episode of back pain for {patient.display_name}, first contact "
                   f"{format_day(first_contact_on)}{baseline.words}", notices,
                   presentation=presentation, severity=severity, red_flags=list(flags),
                   medications=[medicine.name for medicine in medicines], initial_management=advice,
                   **baseline.details)


@service("record_clinical_fact")
def record_medication(actor, episode_id: int, *, name: str, category: str, started_on: date, dose: str = "",
                      dose_amount: Decimal | None = None, dose_unit: str | None = None,
                      dose_frequency: str | None = None, indication: str = "", spasm_present: bool | None = None,
                      acknowledge_warning: bool = False) -> EpisodeUpdate:
    """A medicine started; a muscle relaxant brings its review and any hepatic warning, an opioid
    its monitoring review, and each the source's cautions (pathway/pitfalls/prescribing.py)."""
    episode_id = validation.record_id(episode_id, "episode")
    medicine = _medication_input(MedicationInput(name, category, dose, started_on, dose_amount, dose_unit,
                                                 dose_frequency, indication, spasm_present))
    _yes_no(acknowledge_warning=acknowledge_warning)
    episode = _changeable_episode(episode_id)
    notices = _add_medication(actor, episode, episode.patient, medicine, acknowledge_warning)
    return _finish(actor, episode, "record_medication",
                   f"recorded {medicine.name} started {format_day(medicine.started_on)}", notices,
                   category=medicine.category, dose=medicine.dose, indication=medicine.indication,
                   spasm_present=medicine.spasm_present)


@service("record_clinical_fact")
def stop_medication(actor, medication_id: int, stopped_on: date) -> EpisodeUpdate:
    medication_id = validation.record_id(medication_id, "medication")
    stopped_on = validation.day(stopped_on, "stopped_on", label="date it stopped")
    episode, medication = _running_medication(medication_id, "was already stopped on {}")
    _check_day(stopped_on, "date it stopped", "stopped_on", not_before=(medication.started_on, "it started"))
    Medication.update(stopped_on=stopped_on).where(Medication.id == medication.id).execute()
    return _finish(actor, episode, "stop_medication", f"recorded {medication.name} stopped {format_day(stopped_on)}",
                   [], medication_id=medication.id)


@service("record_clinical_fact")
def keep_medication_on(actor, medication_id: int, *, reason: str, decided_on: date) -> EpisodeUpdate:
    """A clinician's decision to keep a muscle relaxant going past its review, with why.

    Use beyond 2–3 weeks is a listed pitfall (reference, "Muscle relaxants"), so the decision
    is asked for again 21 days after each one (services/worklists/obligations.py, relaxant_to_review).
    """
    medication_id = validation.record_id(medication_id, "medication")
    reason = validation.text(reason, "reason", required="Give the reason for keeping it on",
                             label="reason for keeping it on")
    decided_on = validation.day(decided_on, "decided_on", label="date of the decision")
    episode, medication = _running_medication(medication_id, "was stopped on {}: there is nothing to keep on")
    if medication.category != "muscle_relaxant":
        raise InvalidTransition(f"{medication.name} is not a muscle relaxant: only those need a decision to "
                                "keep them on")
    _check_day(decided_on, "date of the decision", "decided_on", not_before=(
        medication.continued_on or medication.started_on,
        "it started" if medication.continued_on is None else "the last decision to keep it on"))
    Medication.update(continued_on=decided_on, continued_reason=reason).where(Medication.id == medication.id).execute()
    return _finish(actor, episode, "keep_medication_on",
                   f"kept {medication.name} on from {format_day(decided_on)}: {reason}", [],
                   medication_id=medication.id, reason=reason)


@service("record_clinical_fact")
def record_radicular_status(actor, episode_id: int, *, recorded_on: date, severe_radicular_pain: bool,
                            neurological_deficit: bool, notes: str = "") -> EpisodeUpdate:
    episode_id = validation.record_id(episode_id, "episode")
    recorded_on = validation.day(recorded_on, "recorded_on", label="date")
    _yes_no(severe_radicular_pain=severe_radicular_pain, neurological_deficit=neurological_deficit)
    notes = validation.text(notes, "notes", multiline=True)
    episode = _changeable_episode(episode_id)
    _check_fact_day(episode, recorded_on, "recorded_on")
    RadicularStatus.create(episode=episode.id, recorded_on=recorded_on, severe_radicular_pain=severe_radicular_pain,
                           neurological_deficit=neurological_deficit, notes=notes, **_recorded(actor))
    return _finish(actor, episode, "record_radicular_status", f"recorded radicular status on {format_day(recorded_on)}",
                   [], severe_radicular_pain=severe_radicular_pain, neurological_deficit=neurological_deficit)


@service("record_clinical_fact")
def record_red_flags(actor, episode_id: int, *, recorded_on: date, flags: Sequence[str],
                     notes: str = "") -> EpisodeUpdate:
    episode_id = validation.record_id(episode_id, "episode")
    recorded_on = validation.day(recorded_on, "recorded_on", label="date")
    cleaned = _clean_flags(flags, required=True)
    notes = validation.text(notes, "notes", multiline=True)
    episode = _changeable_episode(episode_id)
    _check_fact_day(episode, recorded_on, "recorded_on")
    RedFlagRecord.create(episode=episode.id, recorded_on=recorded_on, flags="\n".join(cleaned),
                         notes=notes, **_recorded(actor))
    return _finish(actor, episode, "record_red_flags", f"recorded red flags: {', '.join(cleaned)}", [],
                   flags=list(cleaned))


@service("record_clinical_fact")
def record_start_back(actor, episode_id: int, *, assessed_on: date, answers: Sequence[int],
                      measures: improvement.MeasuresInput | None = None,
                      improving: bool | None = None) -> EpisodeUpdate:
    """A STarT Back stratification; the risk decides the referral (DESIGN.md rule 5).

    At the 2-week review it comes with the review's measures and the clinician's judgement of
    improvement, which at low risk decides between continuing and ongoing evaluation.
    """
    episode_id = validation.record_id(episode_id, "episode")
    assessed_on = validation.day(assessed_on, "assessed_on", label="date")
    try:
        # Read once: scoring and storing both need them, and a generator is empty the second time.
        answers = tuple(answers)
        score = score_start_back(answers)
    except TypeError:
        raise ValidationError(f"STarT Back needs {ITEM_COUNT} answers, one for each question",
                              field="answers") from None
    except ValueError as error:
        raise ValidationError(str(error), field="answers") from None
    episode = _changeable_episode(episode_id)
    _check_fact_day(episode, assessed_on, "assessed_on")
    items = {f"item_{number}": answer for number, answer in enumerate(answers, 1)}
    StartBackAssessment.create(episode=episode.id, assessed_on=assessed_on, total=score.total,
                               psychosocial=score.psychosocial, risk=score.risk, **items, **_recorded(actor))
    review = _measured(actor, episode, assessed_on, "two_week_review", measures, improving)
    close_findings(episode.id, "two_week_review", "STarT Back recorded")
    return _finish(actor, episode, "record_start_back",
                   f"recorded STarT Back {score.total}/9 (psychosocial {score.psychosocial}/5): {score.risk} risk"
                   f"{review.words}", review.route(episode),
                   total=score.total, psychosocial=score.psychosocial, risk=score.risk, **review.details)


@service("record_clinical_fact")
def record_twelve_week_outcome(actor, episode_id: int, *, recorded_on: date, improved: bool,
                               notes: str = "", spinal_surgical_reason: str | None = None,
                               measures: improvement.MeasuresInput | None = None) -> EpisodeUpdate:
    """The 12-week outcome; not improved raises the pain / spinal centre referral (DESIGN.md rule 6).

    With ``measures`` the check's pain, function and impression of change are stored with it;
    ``improved`` is the clinician's confirmed judgement of them.

    With ``spinal_surgical_reason`` the clinician adds a spinal surgical referral in the same
    transaction (the referral writes its own audit event): both are recorded, or neither.
    """
    episode_id = validation.record_id(episode_id, "episode")
    recorded_on = validation.day(recorded_on, "recorded_on", label="date")
    _yes_no(improved=improved)
    notes = validation.text(notes, "notes", multiline=True)
    if improved and spinal_surgical_reason is not None:
        raise ValidationError("A spinal surgical referral is added only when the patient has not improved",
                              field="spinal_surgical_reason")
    episode = _changeable_episode(episode_id)
    _check_fact_day(episode, recorded_on, "recorded_on")
    TwelveWeekOutcome.create(episode=episode.id, recorded_on=recorded_on, improved=improved, notes=notes,
                             **_recorded(actor))
    check = _measured(actor, episode, recorded_on, "twelve_week_check", measures, improved)
    close_findings(episode.id, "twelve_week_review", "12-week outcome recorded")
    wording = "improved" if improved else "not improved"
    update = _finish(actor, episode, "record_twelve_week_outcome",
                     f"recorded the 12-week outcome: {wording}{check.words}",
                     _early_outcome_notice(episode, recorded_on), improved=improved, **check.details)
    if spinal_surgical_reason is None:
        return update
    referral = referrals.raise_referral(actor, episode.id, kind="spinal_surgical", reason=spinal_surgical_reason)
    raised = f"{capitalised(REFERRAL_LABELS[referral.kind])} raised{due_wording(referral.due_by)}"
    return EpisodeUpdate(update.episode_id, (*update.notices, raised))


@permission_checked("discharge_episode")
def discharge_episode(actor, episode_id: int, **details) -> EpisodeUpdate:
    """Close the episode, deciding what becomes of each open item: see services/episodes/discharge.py,
    which builds on this module's helpers (hence imported here, when called)."""
    from clinic_desktop.services.episodes import discharge

    return discharge.discharge_episode(actor, episode_id, **details)


@service("acknowledge_warning")
def acknowledge_warning(actor, warning_id: int) -> EpisodeUpdate:
    """The clinician has read the warning; allowed after discharge, it changes no clinical fact.

    The warning is locked (after its episode, the order every change takes them in) and
    read again, so of two clinicians acknowledging at once the second is told who did.
    """
    warning_id = validation.record_id(warning_id, "warning")
    warning = PathwayWarning.get_or_none(PathwayWarning.id == warning_id)
    if warning is None:
        raise NotFound("That warning is not on record")
    lock_episode(warning.episode_id)
    warning = locked_row(PathwayWarning, warning_id)
    if warning.acknowledged_at is not None:
        raise InvalidTransition(f"{warning.acknowledged_by.full_name} already acknowledged this warning")
    PathwayWarning.update(acknowledged_by=actor.user_id, acknowledged_at=now_utc()).where(
        PathwayWarning.id == warning.id).execute()
    return _finish(actor, warning.episode, "acknowledge_warning", f"acknowledged: {warning.message}", [],
                   warning_id=warning.id)


def _finish(actor, episode: Episode, action: str, summary: str, notices: list[str], **details) -> EpisodeUpdate:
    """Run the pathway, then write the change's one audit event with what the pathway did."""
    notices = [*notices, *synchronise(actor, episode)]
    audit.record(actor, action, Entity.EPISODE, episode.id, summary, patient_id=episode.patient_id,
                 notices=notices, **details)
    return EpisodeUpdate(episode.id, tuple(notices))


@dataclass(frozen=True)
class _Measured:
    """A visit's measures as stored with it, if it was given any: for its summary and audit event."""

    record: improvement.MeasureRecord | None

    @property
    def words(self) -> str:
        return f"; {self.record.summary}" if self.record else ""

    @property
    def details(self) -> dict:
        return {"measures": improvement.audit_details(self.record)} if self.record else {}

    def route(self, episode: Episode) -> list[str]:
        return improvement.low_risk_route(episode, self.record) if self.record else []


def _measured(actor, episode: Episode, day: date, occasion: str, measures, improving) -> _Measured:
    """Store a visit's measures when given; a judgement of improvement is given with them or not at all."""
    if measures is None:
        if improving is not None and occasion == "two_week_review":
            raise ValidationError("Improvement is judged from the measures: give them too", field="measures")
        return _Measured(None)
    return _Measured(improvement.store_measures(actor, episode, day, occasion, measures, improving))


def _medication_inputs(medications, first_contact_on: date) -> tuple[MedicationInput, ...]:
    """The medicines of a first contact, checked; one given no start date started that day."""
    try:
        given = tuple(medications or ())
    except TypeError:
        given = (medications,)
    if not all(isinstance(item, MedicationInput) for item in given):
        raise ValidationError("Give each medicine with its name, category, dose and start date", field="medications")
    return tuple(_medication_input(item if item.started_on else replace(item, started_on=first_contact_on))
                 for item in given)


def _medication_input(given: MedicationInput) -> MedicationInput:
    """A medicine's details checked and tidied before anything is stored.

    The name is kept as typed (spaces tidied); its class comes from the list of medicines
    (pathway/medicines.py), matched in any case or spacing, so a muscle relaxant filed under
    another category still meets its rules. An unlisted name keeps the category typed. A
    structured dose is stored with its words as the dose; a relaxant needs its indication and
    the spasm answer, which no other class is asked.
    """
    name = " ".join(validation.text(given.name, "name", required="Enter the medicine's name", label="medicine name",
                                    max_length=Medication.name.max_length).split())
    category = validation.choice(given.category, MEDICATION_CATEGORIES, "category", label="medicine category")
    category = medicine_category(name, category)
    dose = validation.text(given.dose, "dose", max_length=Medication.dose.max_length)
    structured = medicines_list.checked_dose(given.dose_amount, given.dose_unit, given.dose_frequency)
    if structured and dose:
        raise ValidationError("Give the dose as amount, unit and frequency, or as text: not both", field="dose")
    indication = " ".join(validation.text(given.indication, "indication", label="indication",
                                          max_length=_INDICATION_LENGTH).split())
    relaxant = category == "muscle_relaxant"
    if relaxant:
        if not indication:
            raise ValidationError(f"Enter what {name} is for: muscle spasm is the source's indication for a "
                                  "muscle relaxant", field="indication")
        validation.yes_no(given.spasm_present, "spasm_present",
                          question=f"whether muscle spasm is present ({name} is a muscle relaxant)")
    elif given.spasm_present is not None:
        raise ValidationError(f"Muscle spasm is asked only for a muscle relaxant, and {name} is not one",
                              field="spasm_present")
    amount, unit, frequency = structured or (None, None, None)
    return MedicationInput(
        name=name, category=category, dose=medicines_list.dose_wording(*structured) if structured else dose,
        started_on=validation.day(given.started_on, "started_on", label="date it started"),
        dose_amount=amount, dose_unit=unit, dose_frequency=frequency, indication=indication,
        spasm_present=given.spasm_present if relaxant else None)


def _early_outcome_notice(episode: Episode, recorded_on: date) -> list[str]:
    """Said when an outcome is dated before the 12-week window, which keeps the 12-week check open.

    Accepted rather than refused: a 12-week review may be booked and held early (its date is a
    deadline), and its finding must be recordable; the rules keep the check required.
    """
    opens = pathway_sync.twelve_week_window_opens_for(episode)
    if recorded_on >= opens:
        return []
    return [f"This 12-week outcome is dated {format_day(recorded_on)}, before the 12-week window opened on "
            f"{format_day(opens)}: the 12-week check stays required"]


def _add_medication(actor, episode: Episode, patient: Patient, medicine: MedicationInput,
                    acknowledged: bool) -> list[str]:
    """Store a checked medicine; a warning that needs acknowledging stops it unless acknowledged (rule 2)."""
    _check_fact_day(episode, medicine.started_on, "started_on")
    medication = Medication.create(
        episode=episode.id, name=medicine.name, category=medicine.category, dose=medicine.dose,
        started_on=medicine.started_on, dose_amount=medicine.dose_amount, dose_unit=medicine.dose_unit,
        dose_frequency=medicine.dose_frequency, indication=medicine.indication,
        spasm_present=medicine.spasm_present, **_recorded(actor))
    relaxant = medicine.category == "muscle_relaxant"
    starting_mg = milligrams(medicine.dose_amount, medicine.dose_unit)
    warning = hepatic_warning(medication.id, patient.hepatic_impairment, starting_mg) if relaxant else None
    if warning is None or not warning.requires_acknowledgement:
        return []  # a warning needing no acknowledgement is stored by the pathway run
    if not acknowledged:
        raise AcknowledgementRequired(f"{warning.message} Acknowledge to proceed.")
    store_warning(episode, warning.key, warning.kind, warning.message, True, acknowledged_by=actor.user_id)
    return [f"{warning.message} Acknowledged by {actor.full_name}."]


def _running_medication(medication_id: int, stopped_wording: str) -> tuple[Episode, Medication]:
    """The medication and its open episode, locked and read again; refused once it has stopped."""
    medication = Medication.get_or_none(Medication.id == medication_id)
    if medication is None:
        raise NotFound("That medication is not on record")
    episode = _changeable_episode(medication.episode_id)
    medication = Medication.get_by_id(medication_id)  # read again under the episode's lock
    if medication.stopped_on is not None:
        raise InvalidTransition(f"{medication.name} {stopped_wording.format(format_day(medication.stopped_on))}")
    return episode, medication


def _changeable_episode(episode_id: int) -> Episode:
    lock_episode(episode_id)
    episode = Episode.get_or_none(Episode.id == episode_id)
    if episode is None:
        raise NotFound("That episode is not on record")
    if episode.status == "discharged":
        raise InvalidTransition(f"This episode was discharged on {format_day(episode.discharged_on)}: "
                                "open a new episode to record anything more")
    return episode


def _check_fact_day(episode: Episode, day: date, field: str) -> None:
    _check_day(day, "date", field, not_before=(episode.first_contact_on, "the first contact"))


def _check_day(day: date, label: str, field: str, not_before: tuple[date, str] | None = None) -> None:
    """A day already checked to be a date (validation.day) that is not in the future nor too early."""
    current = today(load_settings().zone)
    if day > current:
        raise ValidationError(f"The {label} {format_day(day)} is in the future", field=field)
    if not_before and day < not_before[0]:
        raise ValidationError(f"The {label} {format_day(day)} is before {not_before[1]} on "
                              f"{format_day(not_before[0])}", field=field)


_INDICATION_LENGTH = 200
_QUESTIONS = {
    "advised_stay_active": "whether the patient was advised to stay active",
    "advised_no_bed_rest": "whether the patient was advised against bed rest",
    "self_care_education": "whether self-care education was given",
    "severe_radicular_pain": "whether there is severe radicular pain",
    "neurological_deficit": "whether there is a neurological deficit",
    "acknowledge_warning": "whether the warning is acknowledged",
    "acknowledge_warnings": "whether the warnings are acknowledged",
    "improved": "whether the patient improved",
}


def _yes_no(**answers) -> None:
    for field, value in answers.items():
        validation.yes_no(value, field, question=_QUESTIONS[field])


def _clean_flags(flags: Sequence[str] | None, required: bool) -> tuple[str, ...]:
    """Flags are stored one a line: each tidied onto one line, blanks dropped."""
    if isinstance(flags, str):
        flags = [flags]
    try:
        given = tuple(flags or ())
    except TypeError:
        raise ValidationError("List the red flags, one for each", field="flags") from None
    tidied = (" ".join(validation.text(flag, "flags", label="red flag").split()) for flag in given)
    cleaned = tuple(flag for flag in tidied if flag)
    if required and not cleaned:
        raise ValidationError("Enter at least one red flag", field="flags")
    return cleaned


def _recorded(actor) -> dict:
    return {"recorded_by": actor.user_id, "recorded_at": now_utc()}
