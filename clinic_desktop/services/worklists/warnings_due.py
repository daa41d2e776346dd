"""Warnings a clinician must acknowledge before the treatment goes ahead.

A moderate or severe hepatic impairment with a muscle relaxant stays on this list until a
clinician confirms they have read it; a warning that only advises (mild: start at 5 mg)
never waits here. Which warnings are open, and whose, is the safety net's answer
(obligations.py): a warning outlives a discharge or its clinician's leaving, and then it is
on the unassigned list every clinician sees.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.services.core import clock
from clinic_desktop.services.core.transaction import service
from clinic_desktop.services.worklists import obligations
from clinic_desktop.services.worklists.worklists import MAX_PAGE_SIZE, PatientColumns

__all__ = ["WarningRow", "warnings_to_acknowledge"]


@dataclass(frozen=True)
class WarningRow(PatientColumns):
    warning_id: int
    kind: str
    message: str
    raised_on: date  # clinic-local day it was raised
    days_waiting: int


@service("view_worklists", changes=False)
def warnings_to_acknowledge(actor, *, clinician_id: int | None = None,
                            as_of: date | None = None) -> tuple[WarningRow, ...]:
    """Unacknowledged warnings, the oldest first: one clinician's own and the unassigned ones, or all."""
    zone = load_settings().zone
    today = as_of or clock.today(zone)
    page = obligations.obligation_page("warning_to_acknowledge", owner_user_id=clinician_id, as_of=as_of,
                                       limit=MAX_PAGE_SIZE)
    rows = []
    for row in page.rows:
        raised_on = row.since.astimezone(zone).date()
        rows.append(WarningRow(**row.patient_columns(), warning_id=row.item_id, kind=row.item_kind,
                               message=row.item_title, raised_on=raised_on, days_waiting=(today - raised_on).days))
    return tuple(sorted(rows, key=lambda row: (row.raised_on, row.warning_id)))
