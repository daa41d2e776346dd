"""One FHIR R4 resource (as a plain dict) for each kind of stored record.

Kept apart from fhir_export.py, which gathers the rows and checks the Bundle: this
module only says how our words map onto FHIR's codes (our appointment statuses onto
Appointment.status, our referral lifecycle onto ServiceRequest.status) and where each
fact goes; the standard codes and identifier systems themselves are in fhir_codes.py, the
scores in fhir_observations.py. Every resource gets a urn:uuid made from its table and
record number, so the same record has the same identity in every export and references
inside the Bundle resolve without a server. No resource claims a profile (meta.profile):
nothing here has been validated against UK Core, and a claim a receiver's validator then
refutes gets the whole record rejected.
"""
from __future__ import annotations

import base64
import hashlib
import uuid
from datetime import date, datetime

from clinic_desktop.models import (
    Appointment,
    Episode,
    LetterVersion,
    Patient,
    Referral,
    StartBackAssessment,
    User,
)
from clinic_desktop.pathway.start_back import BOTHERSOMENESS_CHOICES, CREDIT, ITEM_LABELS
from clinic_desktop.services.core.clinic_time import format_date
from clinic_desktop.services.exchange import fhir_codes as codes
from clinic_desktop.services.exchange.registration_numbers import parse_registration
from clinic_desktop.services.worklists.worklists import KIND_TITLES

__all__ = ["APPOINTMENT_STATUS", "INTERPRETER_REQUIRED_URL", "SERVICE_REQUEST_STATUS", "appointment_resource",
           "episode_resource", "full_url", "letter_resource", "patient_resource", "practitioner_resource",
           "reference", "referral_resource", "resource_uuid", "start_back_resource"]

# HL7's core extension for "this patient needs an interpreter" (FHIR R4, Patient).
INTERPRETER_REQUIRED_URL = "http://hl7.org/fhir/StructureDefinition/patient-interpreterRequired"
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://clinic-desktop.invalid/fhir")

APPOINTMENT_STATUS = {"to_book": "proposed", "booked": "booked", "attended": "fulfilled",
                      "did_not_attend": "noshow", "cancelled": "cancelled"}
# Our referral lifecycle onto FHIR's request status: a letter not yet signed is a draft.
SERVICE_REQUEST_STATUS = {"raised": "draft", "drafted": "draft", "signed": "active", "sent": "active",
                          "acknowledged": "active", "closed": "completed", "cancelled": "revoked"}
_GENDER = {"female": "female", "male": "male", "other": "other"}


def resource_uuid(kind: str, record_id: int) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"{kind}/{record_id}"))


def full_url(kind: str, record_id: int) -> str:
    return f"urn:uuid:{resource_uuid(kind, record_id)}"


def reference(kind: str, record_id: int, display: str | None = None) -> dict:
    found = {"reference": full_url(kind, record_id)}
    if display:
        found["display"] = display
    return found


def _instant(moment: datetime) -> str:
    return moment.isoformat()


def _day(day: date) -> str:
    return day.isoformat()


def _text(text: str) -> dict:
    return {"text": text}


def _base(kind: str, record_id: int) -> dict:
    return {"resourceType": kind, "id": resource_uuid(kind, record_id)}


def patient_resource(patient: Patient) -> dict:
    resource = _base("Patient", patient.id)
    if patient.nhs_number:
        resource["identifier"] = [{"system": codes.NHS_NUMBER, "value": patient.nhs_number}]
    resource["name"] = [{"use": "official", "family": patient.family_name, "given": patient.given_name.split(),
                         "text": patient.display_name}]
    resource["gender"] = _GENDER.get((patient.sex or "").lower(), "unknown")
    resource["birthDate"] = _day(patient.date_of_birth)
    telecom = _telecom(patient)
    if telecom:
        resource["telecom"] = telecom
    if patient.address or patient.postcode:
        lines = [line.strip() for line in patient.address.splitlines() if line.strip()]
        address = {"use": "home", "text": ", ".join([*lines, patient.postcode] if patient.postcode else lines)}
        if lines:
            address["line"] = lines
        if patient.postcode:
            address["postalCode"] = patient.postcode
        resource["address"] = [address]
    if patient.gp_practice_name or patient.gp_practice_ods:
        resource["generalPractitioner"] = [_gp_practice(patient)]
    if patient.interpreter_language:
        resource["extension"] = [{"url": INTERPRETER_REQUIRED_URL, "valueBoolean": True}]
        resource["communication"] = [{"language": _text(patient.interpreter_language), "preferred": True}]
    return resource


def _telecom(patient: Patient) -> list[dict]:
    """The mobile, the other phone and the email, the way the patient prefers to be contacted ranked first."""
    preferred = {"sms": "mobile", "email": "email", "phone": "mobile" if patient.mobile else "home"}.get(
        patient.preferred_contact)
    points = [("phone", "mobile", patient.mobile, "mobile"), ("phone", "home", patient.telephone, "home"),
              ("email", "home", patient.email, "email")]
    telecom = []
    for system, use, value, kind in points:
        if value:
            point = {"system": system, "value": value, "use": use}
            if kind == preferred:
                point["rank"] = 1
            telecom.append(point)
    return telecom


def _gp_practice(patient: Patient) -> dict:
    """The registered practice as a logical reference to its Organization, found by its ODS code."""
    practice = {"type": "Organization"}
    if patient.gp_practice_ods:
        practice["identifier"] = {"system": codes.ODS_ORGANISATION_CODE, "value": patient.gp_practice_ods}
    if patient.gp_practice_name:
        practice["display"] = patient.gp_practice_name
    return practice


def practitioner_resource(user: User) -> dict:
    resource = _base("Practitioner", user.id)
    if user.registration_number:
        resource["identifier"] = [_registration_identifier(user.registration_number)]
    resource["active"] = bool(user.active)
    resource["name"] = [{"text": user.full_name}]
    return resource


def _registration_identifier(typed: str) -> dict:
    """The register's system and the bare number; a number that fits no register keeps its text and no system."""
    registration = parse_registration(typed)
    if registration is None:
        return {"value": typed}
    return {"system": registration.system, "value": registration.number,
            "assigner": {"display": registration.register_name}}


def episode_resource(episode: Episode) -> dict:
    resource = _base("EpisodeOfCare", episode.id)
    resource["status"] = "active" if episode.status == "open" else "finished"
    resource["type"] = [codes.codeable(codes.EPISODE_TYPE, f"Back pain, stepped care "
                                       f"({episode.presentation.replace('_', '-')}, {episode.severity})")]
    resource["patient"] = reference("Patient", episode.patient_id)
    period = {"start": _day(episode.first_contact_on)}
    if episode.discharged_on:
        period["end"] = _day(episode.discharged_on)
    resource["period"] = period
    resource["careManager"] = reference("Practitioner", episode.clinician_id)
    return resource


def appointment_resource(appointment: Appointment, patient: Patient) -> dict:
    kind = KIND_TITLES[appointment.kind]
    resource = _base("Appointment", appointment.id)
    resource["status"] = APPOINTMENT_STATUS[appointment.status]
    if appointment.status == "cancelled" and appointment.cancel_reason:
        resource["cancelationReason"] = _text(appointment.cancel_reason)
    resource["appointmentType"] = codes.codeable(codes.APPOINTMENT_TYPE, kind)
    resource["description"] = f"{kind}, due by {format_date(appointment.due_by)}"
    if appointment.reason:
        resource["reasonCode"] = [_text(appointment.reason)]
    resource["supportingInformation"] = [reference("EpisodeOfCare", appointment.episode_id)]
    if appointment.starts_at and appointment.ends_at:
        resource["start"] = _instant(appointment.starts_at)
        resource["end"] = _instant(appointment.ends_at)
        resource["minutesDuration"] = max(1, round((appointment.ends_at - appointment.starts_at).total_seconds() / 60))
    resource["created"] = _instant(appointment.created_at)
    if appointment.late_booking_reason:
        resource["comment"] = f"Booked after its due-by date: {appointment.late_booking_reason}"
    resource["requestedPeriod"] = [{"start": _day(appointment.created_at.date()), "end": _day(appointment.due_by)}]
    waiting = appointment.status == "to_book"
    participants = [{"actor": reference("Patient", patient.id, patient.display_name),
                     "status": "needs-action" if waiting else "accepted"}]
    if appointment.clinician_id:
        participants.append({"actor": reference("Practitioner", appointment.clinician_id), "status": "accepted"})
    resource["participant"] = participants
    return resource


def start_back_resource(assessment: StartBackAssessment, patient_id: int) -> dict:
    """The nine answers in the app's own item wording, then the scores (Keele's scoring)."""
    resource = _base("QuestionnaireResponse", assessment.id)
    resource["status"] = "completed"
    resource["subject"] = reference("Patient", patient_id)
    resource["authored"] = _day(assessment.assessed_on)
    resource["author"] = reference("Practitioner", assessment.recorded_by_id)
    items = []
    for number, (label, answer) in enumerate(zip(ITEM_LABELS, assessment.answers), 1):
        value = {"valueBoolean": bool(answer)} if number < 9 else {"valueString": BOTHERSOMENESS_CHOICES[answer]}
        items.append({"linkId": str(number), "text": label, "answer": [value]})
    items += [
        {"linkId": "total", "text": "STarT Back total score (0–9)", "answer": [{"valueInteger": assessment.total}]},
        {"linkId": "psychosocial", "text": "STarT Back psychosocial subscore (0–5)",
         "answer": [{"valueInteger": assessment.psychosocial}]},
        {"linkId": "risk", "text": "STarT Back risk group", "answer": [{"valueString": assessment.risk}]},
    ]
    resource["item"] = items
    resource["text"] = {"status": "generated",
                        "div": f'<div xmlns="http://www.w3.org/1999/xhtml">STarT Back, {assessment.risk} risk. '
                               f"{CREDIT}</div>"}
    return resource


def referral_resource(referral: Referral, patient_id: int) -> dict:
    resource = _base("ServiceRequest", referral.id)
    resource["status"] = SERVICE_REQUEST_STATUS[referral.status]
    resource["intent"] = "order"
    resource["category"] = [codes.codeable(codes.REFERRAL_CATEGORY, "Referral")]
    resource["priority"] = "urgent" if referral.urgent else "routine"
    resource["code"] = codes.codeable(codes.REFERRAL_CODES[referral.kind], KIND_TITLES[referral.kind])
    resource["subject"] = reference("Patient", patient_id)
    resource["supportingInfo"] = [reference("EpisodeOfCare", referral.episode_id)]
    resource["authoredOn"] = _instant(referral.raised_at)
    if referral.raised_by_id:
        resource["requester"] = reference("Practitioner", referral.raised_by_id)
    if referral.reason:
        resource["reasonCode"] = [_text(referral.reason)]
    notes = [f"Status in Clinic Desktop: {referral.status}; to be sent by {format_date(referral.due_by)}."]
    if referral.sent_at:
        notes.append(f"Sent {_instant(referral.sent_at)}.")
    if referral.status == "cancelled" and referral.cancel_reason:
        notes.append(f"Cancelled: {referral.cancel_reason}.")
    resource["note"] = [{"text": " ".join(notes)}]
    return resource


def letter_resource(letter: LetterVersion, referral: Referral, patient_id: int, latest: bool,
                    replaced_id: int | None) -> dict:
    """A signed letter with its PDF; the hash FHIR R4 defines is SHA-1, our signature's SHA-256 is named too."""
    pdf = bytes(letter.pdf)
    resource = _base("DocumentReference", letter.id)
    resource["status"] = "current" if latest else "superseded"
    resource["docStatus"] = "final"
    resource["type"] = codes.codeable(codes.LETTER_TYPE, "Referral letter")
    resource["subject"] = reference("Patient", patient_id)
    resource["date"] = _instant(letter.signed_at)
    resource["author"] = [reference("Practitioner", letter.signed_by_id, letter.signer_name)]
    resource["authenticator"] = reference("Practitioner", letter.signed_by_id, letter.signer_name)
    amended = f" Amended: {letter.amendment_reason}." if letter.amendment_reason else ""
    resource["description"] = (f"{KIND_TITLES[referral.kind]} letter, version {letter.version}, signed by "
                               f"{letter.signer_name} ({letter.meaning}).{amended} SHA-256 {letter.sha256}")
    if replaced_id is not None:
        resource["relatesTo"] = [{"code": "replaces", "target": reference("DocumentReference", replaced_id)}]
    resource["content"] = [{"attachment": {
        "contentType": "application/pdf", "language": "en-GB",
        "data": base64.b64encode(pdf).decode("ascii"), "size": len(pdf),
        "hash": base64.b64encode(hashlib.sha1(pdf).digest()).decode("ascii"),  # noqa: S324 (FHIR R4 Attachment.hash)
        "title": f"referral-{referral.id}-v{letter.version}.pdf", "creation": _instant(letter.signed_at)}}]
    resource["context"] = {"related": [reference("ServiceRequest", referral.id)]}
    return resource
