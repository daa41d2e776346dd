"""The management plan on paper: the one page the patient takes home.

Like the self-management leaflet it carries the clinic's letterhead; reportlab comes in
only when a PDF is drawn.
"""
from __future__ import annotations

from clinic_desktop.letters.letter_data import PatientPage, PlanPrintout
from clinic_desktop.services.core import validation
from clinic_desktop.services.core.errors import NotFound
from clinic_desktop.services.core.transaction import service
from clinic_desktop.services.episodes.plan_records import episode_or_refuse, latest_plan, plan_details
from clinic_desktop.services.referrals.letter_content import letter_clinic, patient_identity

__all__ = ["management_plan_pdf"]


@service("view_patient", changes=False)
def management_plan_pdf(actor, episode_id: int) -> bytes:
    """The plan that stands, one A4 page for the patient; refused before any plan is agreed."""
    episode = episode_or_refuse(validation.record_id(episode_id, "episode"))
    plan = latest_plan(episode)
    if plan is None:
        raise NotFound(f"No management plan has been agreed with {episode.patient.display_name} in this episode")
    from clinic_desktop.letters.management_plan import render_management_plan  # reportlab: only once drawn

    patient = episode.patient
    page = PatientPage(clinic=letter_clinic(), patient_name=f"{patient.given_name} {patient.family_name}".strip(),
                       patient_identity=patient_identity(patient))
    return render_management_plan(PlanPrintout(page, plan_details(plan)))

