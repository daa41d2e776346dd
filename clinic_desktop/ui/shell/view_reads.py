"""What a shown list reads, declared next to it, and so which announced changes make it read again.

At 200 workstations most changes concern few of the lists on screen: re-reading the overdue
list after every booking anywhere cost five times the poll itself (issue 19). A list re-reads
only when the change can touch it: an event of a kind that may change a record it reads
(services/core/change_reach.py works the kinds out from the records), and, for a view of one
patient, an event about that patient or one that does not say which patients it changed. A
change too big to list (``everything``), the clinic's new day and a replaced database always
make it read again.
"""
from __future__ import annotations

from dataclasses import dataclass

from clinic_desktop.services.core.change_reach import Record, kinds_changing, kinds_changing_unnamed
from clinic_desktop.services.core.entity import Entity
from clinic_desktop.ui.shell.change_hub import Changes

__all__ = ["Reads"]


@dataclass(frozen=True)
class Reads:
    """``Reads(Record.APPOINTMENT, Record.PATIENT, …)``: the records a view shows."""

    records: frozenset[Record]

    def __init__(self, *records: Record):
        object.__setattr__(self, "records", frozenset(records))

    @property
    def kinds(self) -> tuple[Entity, ...]:
        """The kinds of change that may alter what the view shows."""
        return kinds_changing(*self.records)

    def concerned(self, changes: Changes) -> bool:
        """Whether these changes may alter what the view shows."""
        return changes.touches(*self.kinds)

    def concerned_with_patient(self, changes: Changes, patient_id: int) -> bool:
        """For a view of one patient: a change about them, or one that does not say whom it changed."""
        return (changes.touches(*kinds_changing_unnamed(*self.records))
                or (changes.touches_patient(patient_id) and self.concerned(changes)))
