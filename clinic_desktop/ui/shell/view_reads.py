"""What a shown list reads, declared next to it, and so which announced changes make it read again.

At 200 workstations most changes concern few of the lists on screen: re-reading the overdue
list after every booking anywhere cost five times the poll itself (issue 19). A list re-reads
only when the change can touch it: an event that may change a record it reads
(services/core/change_reach.py works that out from each event's kind and action); for a view
of one patient, an event about that patient or one that does not say which patients it
changed; for a list of items of care, a change to nothing but a patient's details only when
that patient is on the rows it has read, or a read is under way (the rows on their way were
read before the change was announced, and its patients are not known yet). A change too big to
list (``everything``), the clinic's new day and a replaced database always make it read again.
"""
from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from clinic_desktop.services.core.change_reach import Record, concerns
from clinic_desktop.ui.shell.change_hub import Changes

__all__ = ["Reads"]


@dataclass(frozen=True)
class Reads:
    """``Reads(Record.APPOINTMENT, Record.PATIENT, …)``: the records a view shows."""

    records: frozenset[Record]

    def __init__(self, *records: Record):
        object.__setattr__(self, "records", frozenset(records))

    def concerned(self, changes: Changes, shown_patients: Collection[int] | None = None) -> bool:
        """Whether these changes may alter what the view shows. ``shown_patients``: for a list of items of
        care with no filter by name on, the patients on the rows it has read (change_reach.concerns)."""
        return changes.everything or concerns(changes.reached, self.records, shown_patients=shown_patients)

    def concerned_with_patient(self, changes: Changes, patient_id: int) -> bool:
        """For a view of one patient: a change about them, or one that does not say whom it changed."""
        return changes.everything or concerns(changes.reached, self.records, patient=patient_id)
