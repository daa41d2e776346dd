"""Management plans: passive treatments only, high risk without a psychosocial approach."""

from clinic_desktop.pathway.actions import PathwayWarning
from clinic_desktop.pathway.facts import EpisodeFacts


def checks(facts: EpisodeFacts) -> list[PathwayWarning]:
    return []
