"""What each kind of referral letter asks for, in the words of the stepped-care pathway.

One letter design serves every kind; only these words change. The requests follow the
pathway in DESIGN.md ("The pathway, as rules") and reference/back-pain-stepped-care.txt.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class KindWording:
    service: str  # addressed to this when no destination from the directory was chosen
    request: str  # the letter's opening paragraph: what the recipient is asked to do


WORDING = {
    "standard_physiotherapy": KindWording(
        service="Physiotherapy service",
        request="I would be grateful if you would assess this patient and offer standard physiotherapy, with "
                "a patient-centred management plan, for their low back pain: the STarT Back Tool places "
                "them at medium risk of persistent disability.",
    ),
    "biopsychosocial": KindWording(
        service="Biopsychosocial assessment / specialised physiotherapy",
        request="I would be grateful if you would offer this patient a biopsychosocial assessment and "
                "physiotherapy from a clinician skilled in a biopsychosocial approach. On the STarT Back "
                "Tool they are at high risk of persistent disability; we will review them no later than "
                "12 weeks after their first contact.",
    ),
    "pain_spinal_centre": KindWording(
        service="Specialist pain centre / spinal centre",
        request="This patient's back pain has not improved at the 12-week review despite the management "
                "set out below. I would be grateful if you would see them for a multidisciplinary "
                "biopsychosocial assessment and specialist management, including a review of their "
                "medication.",
    ),
    "spinal_surgical": KindWording(
        service="Spinal surgical service",
        request="I would be grateful for a spinal surgical opinion on this patient, whose back pain has not "
                "improved with the stepped-care management set out below.",
    ),
    "early_radicular": KindWording(
        service="Spinal assessment service (radicular pain)",
        request="I would be grateful if you would see this patient within two weeks. They have severe "
                "radicular pain or a neurological deficit, for which the pathway advises early referral "
                "rather than waiting for the usual reviews.",
    ),
    "urgent_red_flag": KindWording(
        service="Emergency spinal assessment",
        request="This patient has red-flag features, recorded below, that need assessment today. If you "
                "cannot see them today, please telephone the referring clinician at once so that another "
                "assessment can be arranged.",
    ),
}


def wording(kind: str) -> KindWording:
    """The wording for ``kind``; an unknown kind gets a plain request rather than no letter."""
    return WORDING.get(kind, KindWording(service="Referral service",
                                         request="I would be grateful if you would see this patient."))
