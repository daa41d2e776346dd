"""Imaging a clinician requests for an episode, checked against the source's pitfall.

"Ordering routine imaging without red flags" is a listed pitfall
(reference/back-pain-stepped-care.txt, "Common Pitfalls to Avoid"): a request is recorded
whatever the findings (the clinician decides), and the pathway run that follows stores the
warning it calls for (pathway/pitfalls/advice.py), to be acknowledged from the clinician's
list. The form asks imaging_caution first, so the clinician reads that warning before saving.
"""
from __future__ import annotations

from datetime import date

from clinic_desktop.models import Episode, RedFlagRecord
from clinic_desktop.models.care import ImagingRequest
from clinic_desktop.pathway.care_options import IMAGING_MODALITIES
from clinic_desktop.pathway.facts import ImagingFact, RedFlagFact
from clinic_desktop.pathway.pitfalls.advice import imaging_warning
from clinic_desktop.services.core import validation
from clinic_desktop.services.core.clinic_time import format_day
from clinic_desktop.services.core.errors import NotFound
from clinic_desktop.services.core.transaction import service
from clinic_desktop.services.episodes.episodes import (
    EpisodeUpdate,
    _changeable_episode,
    _check_fact_day,
    _finish,
    _recorded,
)
from clinic_desktop.services.episodes.pathway_sync import split_lines

__all__ = ["imaging_caution", "request_imaging"]


@service("record_clinical_fact")
def request_imaging(actor, episode_id: int, *, requested_on: date, modality: str, reason: str) -> EpisodeUpdate:
    """Record an imaging request and why; without red flags on record by then it needs acknowledging."""
    episode_id = validation.record_id(episode_id, "episode")
    requested_on = validation.day(requested_on, "requested_on", label="date requested")
    modality = validation.choice(modality, IMAGING_MODALITIES, "modality", label="imaging")
    reason = validation.text(reason, "reason", required="Give the reason for the imaging", label="reason")
    episode = _changeable_episode(episode_id)
    _check_fact_day(episode, requested_on, "requested_on")
    request = ImagingRequest.create(episode=episode.id, requested_on=requested_on, modality=modality, reason=reason,
                                    **_recorded(actor))
    return _finish(actor, episode, "request_imaging",
                   f"requested {IMAGING_MODALITIES[modality]} on {format_day(requested_on)}: {reason}", [],
                   imaging_request_id=request.id, modality=modality, reason=reason)


@service("view_patient", changes=False)
def imaging_caution(actor, episode_id: int, *, requested_on: date, modality: str) -> str | None:
    """The warning requesting this imaging on this day would store, if any, for the form to show first."""
    episode_id = validation.record_id(episode_id, "episode")
    requested_on = validation.day(requested_on, "requested_on", label="date requested")
    modality = validation.choice(modality, IMAGING_MODALITIES, "modality", label="imaging")
    if Episode.get_or_none(Episode.id == episode_id) is None:
        raise NotFound("That episode is not on record")
    found = RedFlagRecord.select().where(RedFlagRecord.episode == episode_id)
    red_flags = tuple(RedFlagFact(row.id, row.recorded_on, split_lines(row.flags)) for row in found)
    # Not stored: the id a real request gets does not change the wording.
    warning = imaging_warning(ImagingFact(0, requested_on, modality), red_flags)
    return warning.message if warning else None
