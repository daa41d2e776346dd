"""Advice and requests: bed rest advised, reactivation not advised, imaging without red flags."""

from clinic_desktop.pathway.actions import PathwayWarning
from clinic_desktop.pathway.facts import EpisodeFacts


def checks(facts: EpisodeFacts) -> list[PathwayWarning]:
    return []
