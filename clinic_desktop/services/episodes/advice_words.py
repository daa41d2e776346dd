"""The first contact's advice in one line, as the time line and a referral letter's history say it.

"Reactivation advised; bed rest not advised; resources given: online resources, paper-based
information; heat advised; massage not advised": every answer, yes or no, so a reader sees
what was asked as well as what was given.
"""
from __future__ import annotations

from clinic_desktop.models.care import InitialManagement
from clinic_desktop.pathway.care_options import SELF_CARE_RESOURCES

__all__ = ["advice_in_words"]


def advice_in_words(advice: InitialManagement) -> str:
    resources = [label.lower() for field, label in SELF_CARE_RESOURCES.items() if getattr(advice, field)]
    return "; ".join((
        f"Reactivation {_advised(advice.reactivation_advised)}", f"bed rest {_advised(advice.bed_rest_advised)}",
        f"resources given: {', '.join(resources) or 'none'}", f"heat {_advised(advice.heat_advised)}",
        f"massage {_advised(advice.massage_advised)}"))


def _advised(given: bool) -> str:
    return "advised" if given else "not advised"
