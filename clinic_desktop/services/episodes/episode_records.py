"""An episode as the screens read it: its facts, latest findings and open warnings.

Kept apart from episodes.py, which records the facts, so each module holds one side.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from clinic_desktop.models import (
    Episode,
    InitialManagement,
    Medication,
    PathwayWarning,
    Patient,
    StartBackAssessment,
    User,
)
from clinic_desktop.models.episodes import MEDICATION_CATEGORIES
from clinic_desktop.pathway.facts import MedicationFact
from clinic_desktop.pathway.medicines import medicine_category
from clinic_desktop.pathway.pitfalls.prescribing import warnings_for
from clinic_desktop.services.core import validation
from clinic_desktop.services.core.errors import NotFound, ValidationError
from clinic_desktop.services.core.transaction import service
from clinic_desktop.services.episodes import medications as medicines_list
from clinic_desktop.services.episodes.initial_management import QUESTIONS, InitialManagementInput
from clinic_desktop.services.episodes.pathway_sync import latest_outcome, split_lines

__all__ = ["EpisodeRecord", "MedicationRecord", "OutcomeRecord", "PrescribingCaution", "StartBackResult",
           "WarningRecord", "get_episode", "open_episode_for", "prescribing_caution"]


@dataclass(frozen=True)
class MedicationRecord:
    """A medicine as recorded; ``dose`` is its words, composed from the structured parts when given.
    The structured parts, indication and spasm are None on medicines recorded before schema 6."""

    id: int
    name: str
    category: str
    dose: str
    started_on: date
    stopped_on: date | None
    dose_amount: Decimal | None = None
    dose_unit: str | None = None
    dose_frequency: str | None = None
    indication: str | None = None
    spasm_present: bool | None = None


@dataclass(frozen=True)
class StartBackResult:
    total: int
    psychosocial: int
    risk: str
    assessed_on: date


@dataclass(frozen=True)
class OutcomeRecord:
    recorded_on: date
    improved: bool
    notes: str


@dataclass(frozen=True)
class WarningRecord:
    id: int
    kind: str
    message: str
    requires_acknowledgement: bool


@dataclass(frozen=True)
class PrescribingCaution:
    """A warning a medicine would bring if it were recorded now.

    ``acknowledge_to_save``: the save is refused unless it is acknowledged on the form (hepatic
    impairment, DESIGN.md rule 2); any other needing acknowledgement is stored unacknowledged
    and stays on the responsible clinician's list until someone acknowledges it.
    """

    message: str
    requires_acknowledgement: bool
    acknowledge_to_save: bool = False


@dataclass(frozen=True)
class EpisodeRecord:
    id: int
    patient_id: int
    patient_name: str
    status: str
    first_contact_on: date
    presentation: str
    severity: str
    advised_stay_active: bool
    advised_no_bed_rest: bool
    self_care_education: bool
    notes: str
    discharged_on: date | None
    discharge_reason: str | None
    clinician_id: int
    clinician_name: str
    medications: tuple[MedicationRecord, ...]
    start_back: StartBackResult | None  # the latest stratification
    outcome: OutcomeRecord | None  # the latest 12-week outcome
    open_warnings: tuple[WarningRecord, ...]  # not yet acknowledged
    # Every answer of the first contact's advice; None for an episode opened before it was asked.
    initial_management: InitialManagementInput | None


@service("view_patient", changes=False)
def get_episode(actor, episode_id: int) -> EpisodeRecord:
    episode_id = validation.record_id(episode_id, "episode")
    episode = Episode.get_or_none(Episode.id == episode_id)
    if episode is None:
        raise NotFound("That episode is not on record")
    return _episode_record(episode)


@service("view_patient", changes=False)
def open_episode_for(actor, patient_id: int) -> EpisodeRecord | None:
    """The patient's open episode, if there is one (there is at most one)."""
    patient_id = validation.record_id(patient_id, "patient")
    episode = Episode.get_or_none((Episode.patient == patient_id) & (Episode.status == "open"))
    return _episode_record(episode) if episode else None


@service("view_patient", changes=False)
def prescribing_caution(actor, patient_id: int, category: str, *, name: str = "", dose_amount: Decimal | None = None,
                        dose_unit: str | None = None, spasm_present: bool | None = None
                        ) -> tuple[PrescribingCaution, ...]:
    """Every warning recording this medicine would bring, worded as the save will store them.

    A form shows them before saving, so nothing is a surprise at Save: hepatic impairment for a
    muscle relaxant (at its starting dose), a relaxant without spasm, an NSAID against the
    patient's recorded contraindications, an opioid's caution (pathway/pitfalls/prescribing.py
    words each). The name decides the class as the save would; a dose not yet fully given
    counts as unknown, since a form asks while the clinician is still typing.
    """
    patient_id = validation.record_id(patient_id, "patient")
    category = validation.choice(category, MEDICATION_CATEGORIES, "category", label="medicine category")
    patient = Patient.get_or_none(Patient.id == patient_id)
    if patient is None:
        raise NotFound("That patient is not on record")
    name = " ".join(str(name or "").split())
    try:
        amount = medicines_list.checked_amount(dose_amount)
    except ValidationError:
        amount = None  # not (yet) a dose: the rules read it as unknown
    # Not stored: neither the key a real warning gets from its medication nor its start date changes a warning.
    fact = MedicationFact(0, medicine_category(name, category), name or "This medicine", date.min,
                          dose_amount=amount, dose_unit=dose_unit, spasm_present=spasm_present)
    return tuple(PrescribingCaution(warning.message, warning.requires_acknowledgement,
                                    warning.requires_acknowledgement and warning.kind == "hepatic_impairment")
                 for warning in warnings_for(fact, patient.hepatic_impairment,
                                             split_lines(patient.nsaid_contraindications)))


def _episode_record(episode: Episode) -> EpisodeRecord:
    medications = Medication.select().where(Medication.episode == episode.id).order_by(Medication.id)
    start_back = (StartBackAssessment.select().where(StartBackAssessment.episode == episode.id)
                  .order_by(StartBackAssessment.id.desc()).first())
    outcome = latest_outcome(episode.id)
    warnings = (PathwayWarning.select().where((PathwayWarning.episode == episode.id)
                                              & PathwayWarning.acknowledged_at.is_null())
                .order_by(PathwayWarning.id))
    return EpisodeRecord(
        id=episode.id, patient_id=episode.patient_id, patient_name=episode.patient.display_name,
        status=episode.status, first_contact_on=episode.first_contact_on, presentation=episode.presentation,
        severity=episode.severity, advised_stay_active=episode.advised_stay_active,
        advised_no_bed_rest=episode.advised_no_bed_rest, self_care_education=episode.self_care_education,
        notes=episode.notes, discharged_on=episode.discharged_on, discharge_reason=episode.discharge_reason,
        clinician_id=episode.clinician_id, clinician_name=User.get_by_id(episode.clinician_id).full_name,
        medications=tuple(MedicationRecord(row.id, row.name, row.category, row.dose, row.started_on, row.stopped_on,
                                           row.dose_amount, row.dose_unit, row.dose_frequency, row.indication,
                                           row.spasm_present)
                          for row in medications),
        start_back=(StartBackResult(start_back.total, start_back.psychosocial, start_back.risk,
                                    start_back.assessed_on) if start_back else None),
        outcome=OutcomeRecord(outcome.recorded_on, outcome.improved, outcome.notes) if outcome else None,
        open_warnings=tuple(WarningRecord(row.id, row.kind, row.message, row.requires_acknowledgement)
                            for row in warnings),
        initial_management=_initial_management(episode),
    )


def _initial_management(episode: Episode) -> InitialManagementInput | None:
    row = InitialManagement.get_or_none(InitialManagement.episode == episode.id)
    return InitialManagementInput(**{name: getattr(row, name) for name in QUESTIONS}) if row else None
