"""Where a piece of work lands in the patient view: the item to select, and what opens on it.

Issue 13 §2: opening a worklist row used to land on the time line, leaving the user to find
the review or referral again; the header's next-action button must do the thing, not point
at it. Both go through ``PatientView.go_to(ItemTarget)``. What opens for each kind of
obligation is said here once: a letter to write, sign or send opens its letter, a finding
its form, a warning its acknowledgement, a relaxant the medicines form. A review to book is
selected in its list when its row is opened (booking is the list's own button) and booked
when the header's button is pressed.
"""
from __future__ import annotations

from dataclasses import dataclass

from clinic_desktop.services.worklists.next_action import NextAction
from clinic_desktop.services.worklists.obligations import ObligationRow

__all__ = ["ItemTarget", "of_next_action", "of_row"]


@dataclass(frozen=True)
class ItemTarget:
    patient_id: int
    item_type: str  # "appointment" | "referral" | "warning" | "medication"
    item_id: int
    episode_id: int | None = None
    item_kind: str = ""  # the review's kind decides which finding form opens
    verb: str | None = None  # what opens on it (PatientActions.open_on); None: only selected


# What opening a worklist row of each kind of obligation opens.
_LANDS_ON = {"referral_to_write": "write_letter", "letter_to_sign": "sign", "letter_to_send": "view_letter",
             "finding_to_record": "record_finding", "warning_to_acknowledge": "acknowledge",
             "relaxant_to_review": "medication"}
# What the header's button does: the same, and a review to book is booked.
_DOES = {**_LANDS_ON, "appointment_to_book": "book"}


def of_next_action(patient_id: int, action: NextAction) -> ItemTarget:
    return ItemTarget(patient_id, action.item_type, action.item_id, action.episode_id, action.item_kind,
                      _DOES.get(action.kind))


def of_row(row) -> ItemTarget:
    """Any worklist's row: an obligation's, an overdue item's, a review to book, today's visit, a letter."""
    episode_id = getattr(row, "episode_id", None)
    if isinstance(row, ObligationRow):
        return ItemTarget(row.patient_id, row.item_type, row.item_id, episode_id, row.item_kind,
                          _LANDS_ON.get(row.kind))
    if hasattr(row, "item_type"):  # the overdue list: a review or a referral
        return ItemTarget(row.patient_id, row.item_type, row.item_id, episode_id, row.kind)
    if hasattr(row, "appointment_id"):
        return ItemTarget(row.patient_id, "appointment", row.appointment_id, episode_id, row.kind)
    # A signed letter to send opens on its letter; a cancelled red flag is shown in its list.
    return ItemTarget(row.patient_id, "referral", row.referral_id, episode_id, getattr(row, "kind", ""),
                      "view_letter" if hasattr(row, "version") else None)
