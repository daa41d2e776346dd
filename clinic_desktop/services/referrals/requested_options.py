"""What a referral letter asks the receiving service to consider, chosen by the clinician.

The source names options for two referrals (reference/back-pain-stepped-care.txt):
after 12 weeks without improvement, a specialist pain / spinal centre may offer a
multidisciplinary biopsychosocial assessment, complex medication management,
high-intensity CBT or a spinal surgical opinion; for radicular pain, image-guided epidural
steroid injection and rehabilitation coordinated with it. The clinician ticks those that
apply while the letter is still a draft; the letter prints them ("We ask you to consider:").
A signed letter never changes, so the options are refused once it is signed.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from clinic_desktop.pathway.care_options import REQUESTED_OPTIONS
from clinic_desktop.services.core import validation
from clinic_desktop.services.core.errors import ValidationError
from clinic_desktop.services.core.transaction import service
from clinic_desktop.services.referrals.letter_content import kind_title
from clinic_desktop.services.referrals.referrals import (
    ReferralRecord,
    _audit,
    _move,
    _record,
    _referral,
    _require_status,
)

__all__ = ["RequestedOption", "options_for", "set_requested_options"]

# Asking the pain / spinal centre for a surgical opinion is not a referral to the surgeons:
# the clinician is pointed at that route too, which the 12-week outcome form can add.
_HINTS = {
    "spinal_surgical_opinion": "Asks the pain / spinal centre for its view. To refer to the specialist spinal "
                               "surgical service directly, raise a spinal surgical referral as well: the "
                               "12-week outcome form adds one when the patient has not improved.",
}


@dataclass(frozen=True)
class RequestedOption:
    key: str
    label: str  # as the letter prints it
    hint: str  # what else to know when choosing it ("" when nothing)


def options_for(kind: str) -> tuple[RequestedOption, ...]:
    """The options a letter of this kind may ask for, in the source's order (none for most kinds)."""
    return tuple(RequestedOption(key, label, _HINTS.get(key, ""))
                 for key, label in REQUESTED_OPTIONS.get(kind, {}).items())


@service("draft_referral")
def set_requested_options(actor, referral_id: int, options: Sequence[str]) -> ReferralRecord:
    """Choose what the letter asks for; only while it is not yet signed, and only for the kinds that have options."""
    referral = _referral(referral_id, lock=True)
    offered = REQUESTED_OPTIONS.get(referral.kind)
    if offered is None:
        kinds = " and ".join(kind_title(kind).lower() for kind in REQUESTED_OPTIONS)
        raise ValidationError(f"A {kind_title(referral.kind).lower()} letter asks for no options: only the "
                              f"{kinds} letters do.", field="options")
    chosen = validation.codes(options, offered, "options", what="option")
    _require_status(referral, ("raised", "drafted"), "have their options changed")
    _move(referral, ("raised", "drafted"), requested_options="\n".join(chosen))
    asked = "; ".join(offered[key] for key in chosen) or "nothing"
    _audit(actor, "set_requested_options", referral, f"asked for {asked} in", options=list(chosen))
    return _record(referral.id)

