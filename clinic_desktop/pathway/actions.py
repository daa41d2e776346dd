"""What the pathway rules require of an episode: appointments, referrals, warnings, cancellations.

Each required item carries a key, its identity for reconciliation: the service creates an
item only when no stored item of the episode (in any state) has that key, so a key stays
the same across evaluations and evaluating twice never duplicates anything. An action that
a new fact calls for again (an early radicular, red-flag or escalation referral) is keyed by
the fact that raised it ("early_radicular:12"), so a later qualifying fact brings a new key
once none of that kind is open, while an item someone cancelled keeps its own key and is
not raised again for the same fact.
"""

from dataclasses import dataclass
from datetime import date

# "follow_up" is what the rules raise for an ongoing evaluation and an opioid's monitoring review.
APPOINTMENT_KINDS = ("two_week_review", "medication_review", "twelve_week_review", "follow_up")
REFERRAL_KINDS = (
    "standard_physiotherapy",
    "biopsychosocial",
    "pain_spinal_centre",
    "early_radicular",
    "urgent_red_flag",
    "spinal_surgical",
)


@dataclass(frozen=True)
class RequiredAppointment:
    """A review that must be booked no later than due_by."""

    kind: str
    key: str
    due_by: date
    reason: str

    def __post_init__(self) -> None:
        if self.kind not in APPOINTMENT_KINDS:
            raise ValueError(f"unknown appointment kind {self.kind!r}")


@dataclass(frozen=True)
class RequiredReferral:
    """A referral that must be sent no later than due_by; urgent ones head every worklist.

    "spinal_surgical" is only ever raised by a clinician, never by the rules.
    """

    kind: str
    key: str
    due_by: date
    reason: str
    urgent: bool

    def __post_init__(self) -> None:
        if self.kind not in REFERRAL_KINDS:
            raise ValueError(f"unknown referral kind {self.kind!r}")


# Warnings that prompt for something the record can answer (agree a management plan): the
# rules stop giving one once it is answered, and the service then closes it, so an open
# prompt always means the thing is still to do. Every other warning stays until acknowledged.
PROMPT_KINDS = ("plan_needed",)


@dataclass(frozen=True)
class PathwayWarning:
    """A caution to show the clinician; some must be acknowledged before they proceed."""

    key: str
    kind: str
    message: str
    requires_acknowledgement: bool


@dataclass(frozen=True)
class CancelUnbooked:
    """Cancel the unbooked appointment with this key, or every unbooked one when key is None."""

    key: str | None
    reason: str


@dataclass(frozen=True)
class PathwayActions:
    """Everything one evaluation of an episode requires, each part in a stable order."""

    appointments: tuple[RequiredAppointment, ...]
    referrals: tuple[RequiredReferral, ...]
    warnings: tuple[PathwayWarning, ...]
    superseded_referral_keys: tuple[str, ...]
    cancel_unbooked: tuple[CancelUnbooked, ...]
    # Escalation referrals not yet sent whose 12-week outcome was corrected to "improved".
    superseded_escalation_keys: tuple[str, ...] = ()
