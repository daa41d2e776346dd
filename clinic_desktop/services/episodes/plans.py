"""Patient-centred management plans: agreeing one, and the cautions it would bring before it is saved.

At medium risk the source asks the clinician to "develop a patient-centred management plan"
(reference/back-pain-stepped-care.txt): the patient's goals, treatments chosen from the
non-pharmacological options, lifestyle changes. A plan is a clinical fact like any other:
saving it re-runs the pathway (episodes._finish), whose plan checks (pathway/pitfalls/plans.py)
store a warning for a plan of passive treatments only or, at high risk, one without a
psychosocial approach. The form asks ``plan_cautions`` before saving, so it shows those
warnings worded exactly as the save will store them. The plan that stands is read in
plan_records.py.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Sequence

from clinic_desktop.models import ManagementPlan, StartBackAssessment
from clinic_desktop.pathway.care_options import LIFESTYLE_CHANGES, TREATMENTS
from clinic_desktop.pathway.facts import PlanFact
from clinic_desktop.pathway.pitfalls.plans import plan_prompt, plan_warnings, treatment_words
from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.services.core import validation
from clinic_desktop.services.core.clinic_time import format_day
from clinic_desktop.services.core.clock import today
from clinic_desktop.services.core.errors import ValidationError
from clinic_desktop.services.core.transaction import service
from clinic_desktop.services.episodes.episodes import (
    EpisodeUpdate,
    _changeable_episode,
    _check_fact_day,
    _finish,
    _recorded,
)
from clinic_desktop.services.episodes.pathway_sync import load_facts
from clinic_desktop.services.episodes.plan_records import episode_or_refuse

__all__ = ["BMI_RANGE", "PlanCaution", "plan_cautions", "plan_needed", "record_plan"]

# A body mass index outside this is a typing slip, not a patient.
BMI_RANGE = (Decimal(10), Decimal(80))


@dataclass(frozen=True)
class PlanCaution:
    """A warning a plan would bring if it were saved now."""

    message: str
    requires_acknowledgement: bool


@service("record_clinical_fact")
def record_plan(actor, episode_id: int, *, agreed_on: date, goals: str, treatments: Sequence[str],
                lifestyle: Sequence[str], bmi: Decimal | int | float | None = None,
                notes: str = "") -> EpisodeUpdate:
    """Agree a management plan with the patient; it replaces the one before."""
    episode_id = validation.record_id(episode_id, "episode")
    agreed_on = validation.day(agreed_on, "agreed_on", label="date the plan was agreed")
    goals = validation.text(goals, "goals", required="Write the patient's goals: the plan is built on them",
                            label="patient's goals", multiline=True)
    treatments = validation.codes(treatments, TREATMENTS, "treatments", what="treatment")
    lifestyle = validation.codes(lifestyle, LIFESTYLE_CHANGES, "lifestyle", what="lifestyle change")
    bmi = _bmi(bmi, weight_management="weight_management" in lifestyle)
    notes = validation.text(notes, "notes", multiline=True)
    episode = _changeable_episode(episode_id)
    _check_fact_day(episode, agreed_on, "agreed_on")
    ManagementPlan.create(episode=episode.id, agreed_on=agreed_on, goals=goals, treatments="\n".join(treatments),
                          lifestyle="\n".join(lifestyle), bmi=bmi, notes=notes, **_recorded(actor))
    chosen = treatment_words(treatments) or "no treatment"
    return _finish(actor, episode, "record_plan", f"agreed a management plan on {format_day(agreed_on)}: {chosen}",
                   [], treatments=list(treatments), lifestyle=list(lifestyle),
                   bmi=str(bmi) if bmi is not None else None)


@service("view_patient", changes=False)
def plan_cautions(actor, episode_id: int, treatments: Sequence[str],
                  agreed_on: date | None = None) -> tuple[PlanCaution, ...]:
    """The warnings a plan of these treatments, agreed on that day (today by default), would bring.

    Read from the same pathway function the save runs (pathway/pitfalls/plans.py), against
    the episode's current STarT Back risk, so the form words them as they will be stored.
    """
    episode = episode_or_refuse(validation.record_id(episode_id, "episode"))
    treatments = validation.codes(treatments, TREATMENTS, "treatments", what="treatment")
    agreed_on = (today(load_settings().zone) if agreed_on is None
                 else validation.day(agreed_on, "agreed_on", label="date the plan was agreed"))
    latest = (StartBackAssessment.select(StartBackAssessment.risk).where(StartBackAssessment.episode == episode.id)
              .order_by(StartBackAssessment.id.desc()).first())
    # Not stored: the key a real warning takes from its plan does not matter here.
    found = plan_warnings(PlanFact(0, agreed_on, treatments), latest.risk if latest else None)
    return tuple(PlanCaution(warning.message, warning.requires_acknowledgement) for warning in found)


@service("view_patient", changes=False)
def plan_needed(actor, episode_id: int) -> str | None:
    """The pathway's prompt to agree a plan, while the current STarT Back risk calls for one; else None.

    A window offers the plan form with it after a medium or high stratification is saved.
    """
    episode = episode_or_refuse(validation.record_id(episode_id, "episode"))
    prompt = plan_prompt(load_facts(episode)) if episode.status == "open" else None
    return prompt.message if prompt else None


def _bmi(value, *, weight_management: bool) -> Decimal | None:
    """The body mass index to one decimal place; asked for when weight management is in the plan."""
    if value is None or value == "":
        if weight_management:
            raise ValidationError("Give the patient's BMI: weight management is for those with an elevated BMI",
                                  field="bmi")
        return None
    if isinstance(value, bool):
        raise ValidationError("The BMI must be a number", field="bmi")
    try:
        bmi = Decimal(str(value)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        raise ValidationError(f"The BMI must be a number, not {value!r}", field="bmi") from None
    low, high = BMI_RANGE
    if not low <= bmi <= high:
        raise ValidationError(f"A BMI of {bmi} is outside {low}–{high}: check the height and weight", field="bmi")
    return bmi
