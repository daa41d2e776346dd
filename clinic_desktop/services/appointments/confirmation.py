"""The appointment confirmation: the page the patient takes home (or is sent) after booking.

Only a booked appointment has a time to confirm; anything else is refused in words. Like
the leaflet and the plan printout it carries the clinic's letterhead, and reportlab comes
in only when a PDF is drawn.
"""
from __future__ import annotations

from clinic_desktop.letters.letter_data import AppointmentConfirmation
from clinic_desktop.models import Appointment
from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.services.appointments.appointments import describe
from clinic_desktop.services.core import clock, validation
from clinic_desktop.services.core.errors import InvalidTransition, NotFound
from clinic_desktop.services.core.transaction import service
from clinic_desktop.services.episodes.pathway_sync import capitalised
from clinic_desktop.services.referrals.letter_content import letter_clinic, patient_identity, signed_role

__all__ = ["appointment_confirmation"]

_NOT_BOOKED = {"to_book": "is not booked yet", "attended": "has already taken place",
               "did_not_attend": "was missed", "cancelled": "was cancelled"}


@service("view_patient", changes=False)
def appointment_confirmation(actor, appointment_id: int) -> bytes:
    """One A4 page confirming a booked appointment: when, where, with whom, what to bring, how to cancel."""
    appointment = Appointment.get_or_none(Appointment.id == validation.record_id(appointment_id, "appointment"))
    if appointment is None:
        raise NotFound("That appointment is not on record")
    if appointment.status != "booked":
        raise InvalidTransition(f"{capitalised(describe(appointment))} {_NOT_BOOKED[appointment.status]}: "
                                "only a booked appointment has a confirmation")
    from clinic_desktop.letters.appointment_confirmation import render_appointment_confirmation  # reportlab

    patient, clinician = appointment.episode.patient, appointment.clinician
    return render_appointment_confirmation(AppointmentConfirmation(
        clinic=letter_clinic(), patient_name=f"{patient.given_name} {patient.family_name}".strip(),
        patient_identity=patient_identity(patient), starts_at=appointment.starts_at, ends_at=appointment.ends_at,
        clinician_name=clinician.full_name, clinician_title=signed_role(clinician), kind=appointment.kind,
        printed_on=clock.today(load_settings().zone)))
