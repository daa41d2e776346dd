"""A patient's record as a FHIR R4 Bundle, for another clinic or record system.

The Bundle is checked with fhir.resources (FHIR R4 4.0.1) before a byte is written: a
file that the receiving system would reject, or half-read, is worse than no file,
because the sender believes the record went. It holds the Patient, the clinicians
named in it (Practitioner), each episode (EpisodeOfCare), its appointments, STarT Back
questionnaires and their scores, measures of improvement (an Observation a value), referrals
(ServiceRequest) and every signed letter version with its PDF (DocumentReference). How each
record maps onto FHIR is in fhir_resources.py and fhir_observations.py, the codes in fhir_codes.py;
every patient's record at once is fhir_bulk_export.py.
"""
from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from clinic_desktop.models import (
    Appointment,
    Episode,
    LetterVersion,
    Patient,
    Referral,
    StartBackAssessment,
    User,
)
from clinic_desktop.services.audit import audit
from clinic_desktop.services.core import validation
from clinic_desktop.services.core.clock import now_utc
from clinic_desktop.services.core.entity import Entity
from clinic_desktop.services.core.errors import NotFound, ValidationError
from clinic_desktop.services.core.export_files import file_error_in_words, write_whole_file
from clinic_desktop.services.core.transaction import service
from clinic_desktop.services.episodes.measures import episode_measures
from clinic_desktop.services.exchange import fhir_resources as fhir
from clinic_desktop.services.exchange.fhir_codes import URI_IDENTIFIER
from clinic_desktop.services.exchange.fhir_observations import measure_observations, start_back_observations
from clinic_desktop.services.referrals.letter_check import LetterRefused, refuse_if_bad

if TYPE_CHECKING:  # fhir.resources takes a quarter of a second to import: only when a record is exported
    from fhir.resources.bundle import Bundle
    from fhir.resources.core.fhirabstractmodel import FHIRAbstractModel

__all__ = ["RecordExport", "RecordNotValid", "bundle_bytes", "bundle_json", "export_patient_record",
           "patient_bundle"]


@dataclass(frozen=True)
class RecordExport:
    """What an export wrote, for the message that says where."""

    path: Path
    patient_name: str
    resources: dict[str, int]  # resource type -> how many
    size_bytes: int


class RecordNotValid(ValidationError):
    """The Bundle failed the FHIR check; nothing was written (a fault of ours, not the user's)."""


@service("export_patient_record")
def export_patient_record(actor, patient_id: int, path: Path | str) -> RecordExport:
    """Write the patient's record as a FHIR R4 Bundle (JSON) to ``path``, checked first."""
    patient_id = validation.record_id(patient_id, "patient")
    patient = Patient.get_or_none(Patient.id == patient_id)
    if patient is None:
        raise NotFound(f"There is no patient with record number {patient_id}")
    data, counts = bundle_bytes(patient_bundle(patient))
    target = Path(path)
    # The event first and the file last: a failed write rolls the event back with it.
    audit.record(actor, "export_patient_record", Entity.PATIENT, patient.id,
                 f"exported the record of {patient.display_name} as a FHIR R4 bundle to {target.name}",
                 patient_id=patient.id, file=str(target), resources=counts)
    try:
        written = write_whole_file(target, data)
    except OSError as error:
        raise ValidationError(f"Cannot write the record to {file_error_in_words(target, error)}; nothing was "
                              "exported", field="path") from None
    return RecordExport(written, patient.display_name, counts, len(data))


def patient_bundle(patient: Patient) -> Bundle:
    """The checked Bundle; RecordNotValid names the first fault if fhir.resources refuses it."""
    from fhir.resources.bundle import Bundle
    from pydantic import ValidationError as FhirValidationError

    resources = _resources(patient)
    data = {
        "resourceType": "Bundle",
        "id": str(uuid.uuid4()),
        "meta": {"lastUpdated": now_utc().isoformat()},
        "identifier": {"system": URI_IDENTIFIER, "value": f"urn:uuid:{uuid.uuid4()}"},
        "type": "collection",
        "timestamp": now_utc().isoformat(),
        "entry": [{"fullUrl": f"urn:uuid:{resource['id']}", "resource": resource} for resource in resources],
    }
    try:
        bundle = Bundle.parse_obj(data)
    except FhirValidationError as error:
        first = error.errors()[0]
        fault = f"{'.'.join(str(part) for part in first['loc'] if part != '__root__')}: {first['msg']}"
    else:
        fault = _first_bad_code(bundle, "Bundle")
        if fault is None:
            return bundle
    raise RecordNotValid(f"The FHIR record of {patient.display_name} did not pass the FHIR R4 check ({fault}); "
                         "nothing was exported")


def bundle_bytes(bundle: Bundle, *, compact: bool = False) -> tuple[bytes, dict[str, int]]:
    """The file's bytes (UTF-8 JSON) and how many resources of each type it holds.

    ``compact``: no indentation, for files only a program reads (every patient's record at once):
    the same JSON, a third smaller, and written by the json module's C encoder, several times
    faster than the indenting one.
    """
    counts: dict[str, int] = {}
    for entry in bundle.entry or ():
        counts[entry.resource.resource_type] = counts.get(entry.resource.resource_type, 0) + 1
    layout = {"separators": (",", ":")} if compact else {"indent": 2}
    return bundle.json(ensure_ascii=False, **layout).encode("utf-8"), counts


def _first_bad_code(element: FHIRAbstractModel, where: str) -> str | None:
    """The first coded value outside its required value set, which fhir.resources 6.4 lists but does not check
    (Appointment.status "booked" passes, but so would "bookd")."""
    from fhir.resources.core.fhirabstractmodel import FHIRAbstractModel

    for name, field in element.__fields__.items():
        value = getattr(element, name)
        if value is None:
            continue
        allowed = field.field_info.extra.get("enum_values")
        values = value if isinstance(value, list) else [value]
        for index, item in enumerate(values):
            here = f"{where}.{field.alias}" + (f"[{index}]" if isinstance(value, list) else "")
            if allowed and isinstance(item, str) and item not in allowed:
                return f"{here}: '{item}' is not one of {', '.join(allowed)}"
            if isinstance(item, FHIRAbstractModel):
                fault = _first_bad_code(item, here)
                if fault:
                    return fault
    return None


def bundle_json(bundle: Bundle) -> dict:
    """The Bundle as plain JSON data, as it is written."""
    return json.loads(bundle.json())


def _resources(patient: Patient) -> list[dict]:
    episodes = list(Episode.select().where(Episode.patient == patient.id).order_by(Episode.first_contact_on,
                                                                                  Episode.id))
    episode_ids = [episode.id for episode in episodes]
    appointments = list(Appointment.select().where(Appointment.episode.in_(episode_ids))
                        .order_by(Appointment.due_by, Appointment.id)) if episode_ids else []
    assessments = list(StartBackAssessment.select().where(StartBackAssessment.episode.in_(episode_ids))
                       .order_by(StartBackAssessment.assessed_on, StartBackAssessment.id)) if episode_ids else []
    measured = episode_measures(*episode_ids)
    referrals = list(Referral.select().where(Referral.episode.in_(episode_ids))
                     .order_by(Referral.raised_at, Referral.id)) if episode_ids else []
    letters = list(LetterVersion.select().where(LetterVersion.referral.in_([referral.id for referral in referrals]))
                   .order_by(LetterVersion.referral, LetterVersion.version)) if referrals else []
    people = ({episode.clinician_id for episode in episodes}
              | {appointment.clinician_id for appointment in appointments if appointment.clinician_id}
              | {assessment.recorded_by_id for assessment in assessments}
              | {measure.recorded_by_id for measure in measured}
              | {referral.raised_by_id for referral in referrals if referral.raised_by_id}
              | {letter.signed_by_id for letter in letters})
    practitioners = list(User.select().where(User.id.in_(sorted(people))).order_by(User.id)) if people else []
    by_referral = {referral.id: referral for referral in referrals}
    resources = [fhir.patient_resource(patient)]
    resources += [fhir.practitioner_resource(user) for user in practitioners]
    resources += [fhir.episode_resource(episode) for episode in episodes]
    resources += [fhir.appointment_resource(appointment, patient) for appointment in appointments]
    resources += [fhir.start_back_resource(assessment, patient.id) for assessment in assessments]
    resources += [observation for assessment in assessments
                  for observation in start_back_observations(assessment, patient.id)]
    resources += [observation for measure in measured for observation in measure_observations(measure, patient.id)]
    resources += [fhir.referral_resource(referral, patient.id) for referral in referrals]
    resources += _letter_resources(letters, by_referral, patient.id)
    return resources


def _letter_resources(letters: list[LetterVersion], by_referral: dict[int, Referral], patient_id: int) -> list[dict]:
    """Each version of a letter; the newest is current, an older one superseded by the next.

    Each is checked as any served letter is (letter_check.py): one that fails refuses the export."""
    newest = {}
    for letter in letters:
        newest[letter.referral_id] = letter.id  # ordered by version
    resources, previous = [], {}
    for letter in letters:
        try:
            refuse_if_bad(letter)  # a letter that fails its check never leaves the clinic, in a record either
        except LetterRefused as refused:
            raise LetterRefused(f"The record was not exported: letter version {letter.version} of referral "
                                f"{letter.referral_id} failed its check ({str(refused).rstrip('.')}).") from None
        replaced = previous.get(letter.referral_id)
        resources.append(fhir.letter_resource(letter, by_referral[letter.referral_id], patient_id,
                                              latest=newest[letter.referral_id] == letter.id, replaced_id=replaced))
        previous[letter.referral_id] = letter.id
    return resources
