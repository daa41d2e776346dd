"""Warnings a clinician must acknowledge before the treatment goes ahead.

A moderate or severe hepatic impairment with a muscle relaxant stays on this list until a
clinician confirms they have read it; a warning that only advises (mild: start at 5 mg)
never waits here.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from clinic_desktop.models import Episode, PathwayWarning, Patient
from clinic_desktop.services import clock
from clinic_desktop.services.settings import load_settings
from clinic_desktop.services.transaction import service
from clinic_desktop.services.worklists import PatientColumns, patient_columns, patient_fields


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
    """Unacknowledged warnings of open episodes (one clinician's, or all), the oldest first."""
    zone = load_settings().zone
    today = as_of or clock.today(zone)
    where = (PathwayWarning.requires_acknowledgement == True) & PathwayWarning.acknowledged_at.is_null()  # noqa: E712
    where &= Episode.status == "open"
    if clinician_id is not None:
        where &= Episode.clinician == clinician_id
    query = (PathwayWarning.select(PathwayWarning.id, PathwayWarning.kind, PathwayWarning.message,
                                   PathwayWarning.raised_at, *patient_fields())
             .join(Episode).join(Patient).where(where).order_by(PathwayWarning.raised_at, PathwayWarning.id))
    rows = []
    for row in query:
        raised_on = row.raised_at.astimezone(zone).date()
        rows.append(WarningRow(**patient_columns(row.episode), warning_id=row.id, kind=row.kind,
                               message=row.message, raised_on=raised_on, days_waiting=(today - raised_on).days))
    return tuple(rows)
