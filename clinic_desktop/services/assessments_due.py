"""Reviews that happened but whose finding was never recorded.

An attended 2-week review without a STarT Back, or an attended 12-week check without an
outcome, leaves the pathway with nothing to act on: no referral is raised and no list
would show the patient. This list is where the clinician finds them.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from peewee import fn

from clinic_desktop.models import (
    Appointment,
    Episode,
    Patient,
    StartBackAssessment,
    TwelveWeekOutcome,
)
from clinic_desktop.services import clock
from clinic_desktop.services.settings import load_settings
from clinic_desktop.services.transaction import service
from clinic_desktop.services.worklists import (
    PatientColumns,
    patient_columns,
    patient_fields,
)

# The finding each review exists to record (DESIGN.md rules 5 and 6).
MISSING_FINDING = {
    "two_week_review": (StartBackAssessment, "STarT Back"),
    "twelve_week_review": (TwelveWeekOutcome, "12-week outcome"),
}


@dataclass(frozen=True)
class AssessmentDueRow(PatientColumns):
    appointment_id: int
    assessment: str  # "STarT Back" | "12-week outcome"
    seen_on: date  # the clinic day the review was attended
    days_waiting: int
    clinician_id: int


@service("view_worklists", changes=False)
def assessments_due(actor, *, clinician_id: int | None = None,
                    as_of: date | None = None) -> tuple[AssessmentDueRow, ...]:
    """Open episodes whose attended review still lacks its finding, the longest waiting first."""
    zone = load_settings().zone
    today = as_of or clock.today(zone)
    missing = None
    for kind, (finding, _) in MISSING_FINDING.items():
        recorded = finding.select(finding.id).where(finding.episode == Appointment.episode)
        condition = (Appointment.kind == kind) & ~fn.EXISTS(recorded)
        missing = condition if missing is None else missing | condition
    where = (Appointment.status == "attended") & (Episode.status == "open") & missing
    if clinician_id is not None:
        where &= Appointment.clinician == clinician_id
    query = (Appointment.select(Appointment.id, Appointment.kind, Appointment.starts_at, Appointment.clinician,
                                *patient_fields())
             .join(Episode).join(Patient).where(where).order_by(Appointment.starts_at, Appointment.id))
    rows = []
    for row in query:
        seen_on = row.starts_at.astimezone(zone).date()
        rows.append(AssessmentDueRow(
            **patient_columns(row.episode), appointment_id=row.id, assessment=MISSING_FINDING[row.kind][1],
            seen_on=seen_on, days_waiting=(today - seen_on).days, clinician_id=row.clinician_id))
    return tuple(rows)
