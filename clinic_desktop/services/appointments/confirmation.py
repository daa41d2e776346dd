"""The appointment confirmation: the page the patient takes home (or is sent) after booking.

Only a booked appointment has a time to confirm; anything else is refused in words. Like
the leaflet and the plan printout it carries the clinic's letterhead, and reportlab comes
in only when a PDF is drawn.
"""
from __future__ import annotations

from dataclasses import dataclass

from clinic_desktop.letters.letter_data import AppointmentConfirmation
from clinic_desktop.models import Appointment, User
from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.services.appointments.appointments import describe
from clinic_desktop.services.core import clock, validation
from clinic_desktop.services.core.clinic_time import format_day, format_time
from clinic_desktop.services.core.errors import InvalidTransition, NotFound
from clinic_desktop.services.core.transaction import permission_checked, service
from clinic_desktop.services.episodes.pathway_sync import capitalised
from clinic_desktop.services.referrals.letter_content import letter_clinic, patient_identity, signed_role

__all__ = ["SampleConfirmation", "appointment_confirmation", "email_confirmation", "sample_confirmation"]

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
    return _render(appointment, appointment.clinician, appointment.starts_at, appointment.ends_at)


@permission_checked("email_patient")
def email_confirmation(actor, appointment_id: int) -> str:
    """E-mail a booked appointment's confirmation to the patient; returns the address it went to.

    The message says no more than the page: when and where, nothing clinical. Refused, with
    nothing sent, when the patient has no e-mail address (services/messaging/patient_email.py).
    """
    from clinic_desktop.services.messaging import patient_email

    pdf = appointment_confirmation(actor, appointment_id)
    appointment = Appointment.get_by_id(appointment_id)
    patient = appointment.episode.patient
    settings = load_settings()
    starts = appointment.starts_at.astimezone(settings.zone)
    when = f"{format_day(starts.date())} at {format_time(starts)}"
    body = (f"Dear {patient.given_name} {patient.family_name},\n\nYour appointment at {settings.name} is on "
            f"{when}. The attached page says where, what to bring and how to change it.\n\n{settings.name}"
            + (f"\n{settings.telephone}" if settings.telephone.strip() else ""))
    patient_email.email_document(actor, patient.id, f"Your appointment on {when}", body, pdf,
                                 "appointment-confirmation.pdf")
    return patient.email.strip()


@dataclass(frozen=True)
class SampleConfirmation:
    patient_name: str  # "SMITH, Ann"
    pdf: bytes


@service("view_patient", changes=False)
def sample_confirmation(actor) -> SampleConfirmation:
    """The confirmation the first review on the to-book list would get in its earliest free slot.

    Nothing is booked: this is the page as a patient would see it, for the pictures of a clinic
    with nothing booked yet (the demo clinic on its first morning).
    """
    from clinic_desktop.services.appointments.slot_offers import earliest_free_slots

    appointment = (Appointment.select().where(Appointment.status == "to_book")
                   .order_by(Appointment.due_by, Appointment.id).first())
    offer = earliest_free_slots(actor, appointment.id, limit=1) if appointment else None
    if offer is None or not offer.slots:
        raise NotFound("Nothing is to book, or no slot is free: there is no appointment to show a confirmation for")
    slot = offer.slots[0]
    return SampleConfirmation(offer.patient_name, _render(appointment, User.get_by_id(slot.clinician_id),
                                                          slot.starts_at, slot.ends_at))


def _render(appointment: Appointment, clinician: User, starts_at, ends_at) -> bytes:
    from clinic_desktop.letters.appointment_confirmation import render_appointment_confirmation  # reportlab

    patient = appointment.episode.patient
    return render_appointment_confirmation(AppointmentConfirmation(
        clinic=letter_clinic(), patient_name=f"{patient.given_name} {patient.family_name}".strip(),
        patient_identity=patient_identity(patient), starts_at=starts_at, ends_at=ends_at,
        clinician_name=clinician.full_name, clinician_title=signed_role(clinician), kind=appointment.kind,
        printed_on=clock.today(load_settings().zone)))
