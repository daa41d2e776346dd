"""An episode as the screens read it: its facts, latest findings and open warnings.

Kept apart from episodes.py, which records the facts, so each module holds one side.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

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
from clinic_desktop.pathway.rules import hepatic_warning
from clinic_desktop.services.core import validation
from clinic_desktop.services.core.errors import NotFound
from clinic_desktop.services.core.transaction import service
from clinic_desktop.services.episodes.initial_management import QUESTIONS, InitialManagementInput
from clinic_desktop.services.episodes.pathway_sync import latest_outcome

__all__ = ["EpisodeRecord", "MedicationRecord", "OutcomeRecord", "PrescribingCaution", "StartBackResult",
           "WarningRecord", "get_episode", "open_episode_for", "prescribing_caution"]


@dataclass(frozen=True)
class MedicationRecord:
    id: int
    name: str
    category: str
    dose: str
    started_on: date
    stopped_on: date | None


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
    """A warning a medicine would bring if it were recorded now."""

    message: str
    requires_acknowledgement: bool


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
def prescribing_caution(actor, patient_id: int, category: str) -> PrescribingCaution | None:
    """The hepatic warning recording a medicine of this category would bring (DESIGN.md rule 2).

    A form shows it before saving, worded as the save words it, so the clinician knows what
    they will be asked to acknowledge; only a muscle relaxant meets hepatic impairment.
    """
    patient_id = validation.record_id(patient_id, "patient")
    category = validation.choice(category, MEDICATION_CATEGORIES, "category", label="medicine category")
    patient = Patient.get_or_none(Patient.id == patient_id)
    if patient is None:
        raise NotFound("That patient is not on record")
    # Not stored: the key a real warning gets from its medication does not matter here.
    warning = hepatic_warning(0, patient.hepatic_impairment) if category == "muscle_relaxant" else None
    return PrescribingCaution(warning.message, warning.requires_acknowledgement) if warning else None


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
        medications=tuple(MedicationRecord(row.id, row.name, row.category, row.dose, row.started_on, row.stopped_on)
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
