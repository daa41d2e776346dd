"""Advice and requests: bed rest advised, reactivation not advised, imaging without red flags.

Three of the source's "Common Pitfalls to Avoid" (reference/back-pain-stepped-care.txt):
"prolonged bed rest which may worsen the condition", the first contact's "advise
reactivation and avoid bed rest", and "ordering routine imaging without red flags". Each
needs acknowledging, so it stays on the clinician's list until someone has read it. The
forms ask for the same wording before saving (services/episodes/initial_management.py,
imaging.py), so what the clinician is told first is what is stored.
"""

from clinic_desktop.pathway.actions import PathwayWarning
from clinic_desktop.pathway.care_options import IMAGING_MODALITIES
from clinic_desktop.pathway.day_words import day_in_words
from clinic_desktop.pathway.facts import AdviceFact, EpisodeFacts, ImagingFact, RedFlagFact

BED_REST = ("Bed rest advised: prolonged bed rest may worsen back pain (a listed pitfall); "
            "advise staying active.")
NO_REACTIVATION = ("Reactivation not advised: advising reactivation is the first step of initial "
                   "management; advise the patient to keep active.")


def checks(facts: EpisodeFacts) -> list[PathwayWarning]:
    """The warnings the first contact's advice and each imaging request call for."""
    found = advice_warnings(facts.advice) if facts.advice else []
    return found + [warning for fact in facts.imaging
                    if (warning := imaging_warning(fact, facts.red_flags)) is not None]


def advice_warnings(advice: AdviceFact) -> list[PathwayWarning]:
    """Bed rest advised, or reactivation not advised: each needs acknowledging."""
    found = []
    if advice.bed_rest_advised:
        found.append(PathwayWarning(f"pitfall:bed_rest:{advice.id}", "pitfall_bed_rest", BED_REST, True))
    if not advice.reactivation_advised:
        found.append(PathwayWarning(f"pitfall:no_reactivation:{advice.id}", "pitfall_no_reactivation",
                                    NO_REACTIVATION, True))
    return found


def imaging_warning(request: ImagingFact, red_flags: tuple[RedFlagFact, ...]) -> PathwayWarning | None:
    """Imaging asked for with no red flag found on or before the day it was requested."""
    if any(fact.flags and fact.recorded_on <= request.requested_on for fact in red_flags):
        return None
    return PathwayWarning(
        f"pitfall:imaging:{request.id}", "pitfall_imaging",
        f"{IMAGING_MODALITIES[request.modality]} requested on {day_in_words(request.requested_on)} without red "
        "flags: routine imaging without red flags is a listed pitfall.", True)
