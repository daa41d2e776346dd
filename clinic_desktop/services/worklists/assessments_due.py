"""Reviews that happened but whose finding was never recorded.

An attended 2-week review without a STarT Back, or an attended 12-week check without an
outcome, leaves the pathway with nothing to act on: no referral is raised and no list
would show the patient. This list is where the clinician finds them. Which reviews still
owe a finding, and whose they are (the clinician who saw the patient, else the episode's
responsible clinician, else unassigned), is the safety net's answer (obligations.py): a
finding is owed after a discharge or a clinician's leaving until someone closes it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.services.core import clock
from clinic_desktop.services.core.transaction import service
from clinic_desktop.services.worklists import obligations
from clinic_desktop.services.worklists.worklists import MAX_PAGE_SIZE, PatientColumns

__all__ = ["FINDING_NAMES", "AssessmentDueRow", "assessments_due"]

# The finding each review exists to record (DESIGN.md rules 5 and 6).
FINDING_NAMES = {"two_week_review": "STarT Back", "twelve_week_review": "12-week outcome"}


@dataclass(frozen=True)
class AssessmentDueRow(PatientColumns):
    appointment_id: int
    assessment: str  # "STarT Back" | "12-week outcome"
    seen_on: date  # the clinic day the review was attended
    days_waiting: int
    owner_name: str  # who owes it: "Dr Alys Jones", "Unassigned"


@service("view_worklists", changes=False)
def assessments_due(actor, *, clinician_id: int | None = None,
                    as_of: date | None = None) -> tuple[AssessmentDueRow, ...]:
    """Attended reviews still lacking their finding, the longest waiting first: one clinician's
    own and the unassigned ones, or all."""
    zone = load_settings().zone
    today = as_of or clock.today(zone)
    page = obligations.obligation_page("finding_to_record", owner_user_id=clinician_id, as_of=as_of,
                                       limit=MAX_PAGE_SIZE)
    rows = []
    for row in page.rows:
        seen_on = row.since.astimezone(zone).date()
        rows.append(AssessmentDueRow(
            **row.patient_columns(), appointment_id=row.item_id, assessment=FINDING_NAMES[row.item_kind],
            seen_on=seen_on, days_waiting=(today - seen_on).days, owner_name=row.owner_name))
    return tuple(sorted(rows, key=lambda row: (row.seen_on, row.appointment_id)))
