"""The management plan that stands, as the screens and the printed documents read it.

Kept apart from plans.py, which records plans through the episodes service, so the letters
(services/referrals/letter_content.py) can read the plan without importing what records it.
A new plan replaces the last: the one agreed last stands, the earlier ones stay on record.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from clinic_desktop.letters.letter_data import PlanDetails
from clinic_desktop.models import Episode, ManagementPlan, User
from clinic_desktop.pathway.care_options import LIFESTYLE_CHANGES, TREATMENTS
from clinic_desktop.pathway.pitfalls.plans import treatment_words
from clinic_desktop.services.core import validation
from clinic_desktop.services.core.errors import NotFound
from clinic_desktop.services.core.transaction import service
from clinic_desktop.services.episodes.pathway_sync import split_lines

__all__ = ["PlanRecord", "current_plan", "episode_or_refuse", "latest_plan", "plan_details"]


@dataclass(frozen=True)
class PlanRecord:
    """The plan that stands, its choices as keys of pathway/care_options.py, in the source's order."""

    id: int
    episode_id: int
    agreed_on: date
    goals: str
    treatments: tuple[str, ...]
    lifestyle: tuple[str, ...]
    bmi: Decimal | None
    notes: str
    agreed_by: str  # the clinician who recorded it

    @property
    def treatments_in_short(self) -> str:
        """"supervised exercise, yoga", or "no treatment": for a summary line."""
        return treatment_words(self.treatments) or "no treatment"

    @property
    def treatment_labels(self) -> tuple[str, ...]:
        return tuple(TREATMENTS[key] for key in self.treatments)

    @property
    def lifestyle_labels(self) -> tuple[str, ...]:
        return tuple(LIFESTYLE_CHANGES[key] for key in self.lifestyle)


@service("view_patient", changes=False)
def current_plan(actor, episode_id: int) -> PlanRecord | None:
    """The plan that stands (the one agreed last), or None before any is agreed."""
    return latest_plan(episode_or_refuse(validation.record_id(episode_id, "episode")))


def latest_plan(episode: Episode) -> PlanRecord | None:
    """The episode's plan that stands, for services that have checked their own permission."""
    row = (ManagementPlan.select().where(ManagementPlan.episode == episode.id)
           .order_by(ManagementPlan.id.desc()).first())
    if row is None:
        return None
    return PlanRecord(id=row.id, episode_id=row.episode_id, agreed_on=row.agreed_on, goals=row.goals,
                      treatments=split_lines(row.treatments), lifestyle=split_lines(row.lifestyle),
                      bmi=row.bmi, notes=row.notes, agreed_by=User.get_by_id(row.recorded_by_id).full_name)


def plan_details(plan: PlanRecord) -> PlanDetails:
    """The plan as every printed document takes it."""
    return PlanDetails(agreed_on=plan.agreed_on, agreed_by=plan.agreed_by, goals=plan.goals,
                       treatments=plan.treatments, lifestyle=plan.lifestyle,
                       bmi=str(plan.bmi) if plan.bmi is not None else "")


def episode_or_refuse(episode_id: int) -> Episode:
    """The episode a plan belongs to, for reading (its number already checked)."""
    episode = Episode.get_or_none(Episode.id == episode_id)
    if episode is None:
        raise NotFound("That episode is not on record")
    return episode
