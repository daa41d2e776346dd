"""The one next thing the signed-in role should do for a patient, for the patient header's button.

Issue 13 §2: a receptionist opening a patient should not hunt one tab down for the review
to book, nor a clinician for the letter to write. The choice is read from the safety net
(obligations.py), the same open obligations the worklists show, narrowed to the patient:
so the header can never offer something no list carries, nor miss something one does.

- receptionist: the most urgent review to book, else an outcome to record, a letter to
  send, a reply to chase;
- clinician: the most urgent referral letter to write or sign, else a finding owed by an
  attended review ("Record the outcome"), else a warning to acknowledge, else a muscle
  relaxant to review;
- practice manager: whatever is overdue first, of any kind (nothing when nothing is).

Within a step, urgent first, then the nearest deadline: the lists' own order.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from clinic_desktop.services.core.clinic_time import format_day
from clinic_desktop.services.core.permissions import CLINICIAN, MANAGER, RECEPTIONIST
from clinic_desktop.services.core.transaction import service
from clinic_desktop.services.episodes.pathway_sync import APPOINTMENT_LABELS, REFERRAL_LABELS
from clinic_desktop.services.worklists.assessments_due import FINDING_NAMES
from clinic_desktop.services.worklists.obligations import KINDS, ObligationRow, obligation_page

__all__ = ["NextAction", "next_action"]


@dataclass(frozen=True)
class NextAction:
    """What the header's button says and what it opens."""

    kind: str  # the obligation kind (obligations.KINDS): what the click does
    label: str  # "Book the 2-week review (due by Thu 10 Dec 2026)"
    item_type: str  # "appointment" | "referral" | "warning" | "medication"
    item_id: int
    item_kind: str  # the review's or referral's kind, the warning's kind, …
    episode_id: int
    due_by: date
    overdue: bool
    urgent: bool


# Each role's steps, in order; the kinds of one step compete on urgency and deadline.
_STEPS: dict[str, tuple[tuple[str, ...], ...]] = {
    RECEPTIONIST: (("appointment_to_book",), ("outcome_to_record",), ("letter_to_send",),
                   ("acknowledgement_to_chase",)),
    CLINICIAN: (("referral_to_write", "letter_to_sign"), ("finding_to_record",), ("warning_to_acknowledge",),
                ("relaxant_to_review",)),
    MANAGER: (tuple(KINDS),),
}


@service("view_worklists", changes=False)
def next_action(actor, patient_id: int) -> NextAction | None:
    """The next thing ``actor``'s role should do for the patient, or None when nothing is owed."""
    overdue_only = actor.role == MANAGER
    for kinds in _STEPS.get(actor.role, ()):
        firsts = [row for kind in kinds for row in obligation_page(kind, patient_id=patient_id, limit=1).rows
                  if not overdue_only or row.days_left < 0]
        if firsts:
            first = min(firsts, key=lambda row: (not row.urgent, row.due_by))
            return NextAction(kind=first.kind, label=_label(first, overdue_only), item_type=first.item_type,
                              item_id=first.item_id, item_kind=first.item_kind, episode_id=first.episode_id,
                              due_by=first.due_by, overdue=first.days_left < 0, urgent=first.urgent)
    return None


def _label(row: ObligationRow, with_overdue: bool) -> str:
    """The verb and the item in the lists' words, then when it is due; how late it is comes first, where
    a narrow button still shows it ("OVERDUE 5 d · Book the 2-week review (reviews to book)")."""
    item = APPOINTMENT_LABELS.get(row.item_kind) or REFERRAL_LABELS.get(row.item_kind) or row.item_title
    what = {
        "appointment_to_book": f"Book the {item}",
        "outcome_to_record": f"Record whether they came to the {item}",
        "referral_to_write": f"Write the letter: {item}",
        "letter_to_sign": f"Sign the letter: {item}",
        "letter_to_send": f"Send the letter: {item}",
        "acknowledgement_to_chase": f"Chase the reply: {item}",
        "finding_to_record": f"Record the outcome: {FINDING_NAMES.get(row.item_kind, item)} of the {item}",
        "warning_to_acknowledge": "Acknowledge the warning",
        "relaxant_to_review": f"Review the muscle relaxant: {item}",
    }[row.kind]
    if row.days_left < 0:
        return f"OVERDUE {-row.days_left} d · {what}" + (f" ({KINDS[row.kind].title.lower()})" if with_overdue else "")
    return f"{what} (due by {format_day(row.due_by)})"
