"""The first contact's initial management, every question answered yes or no.

The source lists what a first contact gives (reference/back-pain-stepped-care.txt,
"Initial Management"): reactivation and no bed rest, self-care resources (online,
telephone helpline, paper) and heat and massage. Each is asked explicitly, so nothing is
stored as "not given" because a box was left alone. Stored with the episode when it is
opened (episodes.open_episode), or later for an episode opened before the form asked
(record_initial_management); bed rest advised, or reactivation not, is a listed pitfall
that needs acknowledging (pathway/pitfalls/advice.py), and the form shows it before saving
in the words the save will store (advice_cautions).
"""
from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date

from clinic_desktop.models import Episode
from clinic_desktop.models.care import InitialManagement
from clinic_desktop.pathway.facts import AdviceFact
from clinic_desktop.pathway.pitfalls.advice import advice_warnings
from clinic_desktop.services.core import validation
from clinic_desktop.services.core.clinic_time import format_day
from clinic_desktop.services.core.errors import Conflict, ValidationError
from clinic_desktop.services.core.transaction import service
from clinic_desktop.services.episodes.episodes import EpisodeUpdate, _changeable_episode, _finish, _recorded

__all__ = ["QUESTIONS", "InitialManagementInput", "advice_cautions", "checked_answers", "record_initial_management",
           "store_answers"]

# Each answer's question, as a refusal names it ("Say whether heat therapy was advised: yes or no").
QUESTIONS = {
    "reactivation_advised": "whether reactivation (staying active) was advised",
    "bed_rest_advised": "whether bed rest was advised",
    "resources_online": "whether online resources were given",
    "resources_helpline": "whether a telephone helpline was given",
    "resources_paper": "whether paper-based information was given",
    "heat_advised": "whether heat therapy was advised",
    "massage_advised": "whether massage therapy was advised",
}


@dataclass(frozen=True)
class InitialManagementInput:
    """The answers as given; None is a question not yet answered, which saving refuses."""

    reactivation_advised: bool | None = None
    bed_rest_advised: bool | None = None
    resources_online: bool | None = None
    resources_helpline: bool | None = None
    resources_paper: bool | None = None
    heat_advised: bool | None = None
    massage_advised: bool | None = None

    @property
    def resources_given(self) -> bool:
        return bool(self.resources_online or self.resources_helpline or self.resources_paper)


def checked_answers(answers) -> InitialManagementInput:
    """Every question answered a real yes or no, else a refusal naming the first left unanswered."""
    if not isinstance(answers, InitialManagementInput):
        raise ValidationError("Give the first contact's advice, each question answered yes or no",
                              field="initial_management")
    for name in QUESTIONS:
        validation.yes_no(getattr(answers, name), name, question=QUESTIONS[name])
    return answers


def store_answers(episode: Episode, answers: InitialManagementInput, recorded: dict) -> dict:
    """Store checked answers with who recorded them and when, keeping the episode's older yes/no
    columns in step for their readers. Returns the answers as the audit event records them.
    """
    given = {field.name: getattr(answers, field.name) for field in fields(answers)}
    InitialManagement.create(episode=episode.id, **given, **recorded)
    Episode.update(advised_stay_active=answers.reactivation_advised, advised_no_bed_rest=not answers.bed_rest_advised,
                   self_care_education=answers.resources_given).where(Episode.id == episode.id).execute()
    return given


@service("record_clinical_fact")
def record_initial_management(actor, episode_id: int, answers: InitialManagementInput) -> EpisodeUpdate:
    """The first contact's advice for an episode opened before the form asked for every answer."""
    episode_id = validation.record_id(episode_id, "episode")
    answers = checked_answers(answers)
    episode = _changeable_episode(episode_id)
    if InitialManagement.get_or_none(InitialManagement.episode == episode.id) is not None:
        raise Conflict(f"The advice of the first contact on {format_day(episode.first_contact_on)} is already "
                       "recorded")
    given = store_answers(episode, answers, _recorded(actor))
    return _finish(actor, episode, "record_initial_management",
                   f"recorded the advice given at the first contact on {format_day(episode.first_contact_on)}", [],
                   **given)


@service("view_patient", changes=False)
def advice_cautions(actor, answers: InitialManagementInput) -> tuple[str, ...]:
    """What saving these answers would warn, for the form to show first; an unanswered question warns nothing."""
    if not isinstance(answers, InitialManagementInput):
        raise ValidationError("Give the first contact's advice to check", field="initial_management")
    # Not stored: the id and date a real fact has do not change the wording.
    advice = AdviceFact(0, date.min, reactivation_advised=answers.reactivation_advised is not False,
                        bed_rest_advised=answers.bed_rest_advised is True)
    return tuple(warning.message for warning in advice_warnings(advice))
