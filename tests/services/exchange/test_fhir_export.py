"""A patient's record as a FHIR R4 Bundle that fhir.resources accepts, with every part of the record in it."""
import base64
import hashlib
from datetime import date, datetime, timezone

import pytest
from fhir.resources.bundle import Bundle
from fhir_bundles import exported, resources

from clinic_desktop.models import AuditEvent, LetterVersion
from clinic_desktop.services.core.actor import Actor
from clinic_desktop.services.core.errors import NotFound, PermissionDenied, ValidationError
from clinic_desktop.services.exchange import fhir_export
from clinic_desktop.services.patients import patients

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)  # Mon 2 Nov 2026


CLINIC_TIME = NOW  # every test here runs at this moment (tests/conftest.py: clinic_clock)


def test_the_written_file_validates_as_a_fhir_r4_bundle(staff, record, tmp_path):
    _, _, path = exported(staff, record, tmp_path)
    bundle = Bundle.parse_file(path)
    assert (bundle.resource_type, bundle.type) == ("Bundle", "collection")


def test_the_bundle_holds_each_kind_of_record(staff, record, tmp_path):
    result, _, _ = exported(staff, record, tmp_path)
    assert result.resources == {"Patient": 1, "Practitioner": 2, "EpisodeOfCare": 1, "Appointment": 2,
                                "QuestionnaireResponse": 1, "Observation": 3, "ServiceRequest": 1,
                                "DocumentReference": 2}


def test_every_reference_points_at_an_entry_of_the_bundle(staff, record, tmp_path):
    _, bundle, _ = exported(staff, record, tmp_path)
    urls = {entry["fullUrl"] for entry in bundle["entry"]}
    found = []

    def walk(value):
        if isinstance(value, dict):
            if "reference" in value:
                found.append(value["reference"])
            for inner in value.values():
                walk(inner)
        elif isinstance(value, list):
            for inner in value:
                walk(inner)

    walk(bundle["entry"])
    assert found and set(found) <= urls


def test_the_patient_carries_the_nhs_number_with_its_system(staff, record, tmp_path):
    _, bundle, _ = exported(staff, record, tmp_path)
    [patient] = resources(bundle, "Patient")
    assert patient["identifier"] == [{"system": "https://fhir.nhs.uk/Id/nhs-number", "value": "9434765919"}]
    assert (patient["name"][0]["family"], patient["name"][0]["given"]) == ("Smith", ["Ann", "Marie"])
    assert (patient["birthDate"], patient["gender"]) == ("1961-02-09", "female")
    assert patient["address"][0]["postalCode"] == "BS1 4DJ"


def test_the_patient_carries_phones_email_gp_practice_and_interpreter_need(staff, record, tmp_path):
    patients.edit_patient(staff.receptionist, record[0], mobile="07700 900123", email="ann@example.org",
                          preferred_contact="sms", sms_reminders_consented_on=date(2026, 10, 1),
                          gp_practice_name="Riverside Medical Practice", gp_practice_ods="L99001",
                          interpreter_language="Polish")
    _, bundle, path = exported(staff, record, tmp_path)
    Bundle.parse_file(path)  # still valid FHIR R4
    [patient] = resources(bundle, "Patient")
    assert patient["telecom"] == [
        {"system": "phone", "value": "07700 900123", "use": "mobile", "rank": 1},
        {"system": "phone", "value": "0117 496 0000", "use": "home"},
        {"system": "email", "value": "ann@example.org", "use": "home"}]
    assert patient["generalPractitioner"] == [{
        "type": "Organization", "identifier": {"system": "https://fhir.nhs.uk/Id/ods-organization-code",
                                               "value": "L99001"}, "display": "Riverside Medical Practice"}]
    assert patient["extension"] == [{"url": "http://hl7.org/fhir/StructureDefinition/patient-interpreterRequired",
                                     "valueBoolean": True}]
    assert patient["communication"] == [{"language": {"text": "Polish"}, "preferred": True}]


def test_a_booked_appointment_has_its_utc_times_and_both_participants(staff, record, tmp_path):
    _, bundle, _ = exported(staff, record, tmp_path)
    booked = [appointment for appointment in resources(bundle, "Appointment") if appointment["status"] == "booked"]
    assert [(appointment["start"], appointment["end"]) for appointment in booked] == [
        ("2026-11-05T10:00:00+00:00", "2026-11-05T10:20:00+00:00")]
    assert len(booked[0]["participant"]) == 2


def test_an_appointment_still_to_book_is_proposed_with_its_deadline(staff, record, tmp_path):
    _, bundle, _ = exported(staff, record, tmp_path)
    proposed = [appointment for appointment in resources(bundle, "Appointment") if appointment["status"] == "proposed"]
    assert proposed and all("start" not in appointment for appointment in proposed)
    assert "2027-01-18" in {appointment["requestedPeriod"][0]["end"] for appointment in proposed}  # day 84


def test_the_start_back_answers_and_scores_are_a_questionnaire_response(staff, record, tmp_path):
    _, bundle, _ = exported(staff, record, tmp_path)
    [response] = resources(bundle, "QuestionnaireResponse")
    answers = {item["linkId"]: item["answer"][0] for item in response["item"]}
    assert [answers[str(number)]["valueBoolean"] for number in range(1, 9)] == [True, False, True, False, True,
                                                                                 True, True, True]
    assert answers["9"] == {"valueString": "extremely"}
    assert (answers["total"], answers["psychosocial"], answers["risk"]) == (
        {"valueInteger": 7}, {"valueInteger": 5}, {"valueString": "high"})


def test_each_measure_value_is_an_observation_of_the_patient_on_its_day(staff, measured, tmp_path):
    result, bundle, path = exported(staff, measured, tmp_path)
    Bundle.parse_file(path)
    pain, function, change = [observation for observation in resources(bundle, "Observation")
                              if not observation["code"]["text"].startswith("STarT Back")]
    patient_url = next(entry["fullUrl"] for entry in bundle["entry"]
                       if entry["resource"]["resourceType"] == "Patient")
    assert pain["code"]["coding"][0] == {"system": "http://loinc.org", "code": "72514-3",
                                         "display": "Pain severity - 0-10 verbal numeric rating [Score] - Reported"}
    assert (pain["valueInteger"], pain["effectiveDateTime"], pain["subject"]["reference"]) == (
        6, "2026-11-02", patient_url)
    assert function["code"]["text"] == "Patient-Specific Functional Scale"
    assert function["valueQuantity"]["value"] == 5.5
    assert [(part["code"]["text"], part["valueInteger"]) for part in function["component"]] == [
        ("walking", 4), ("sitting", 7)]
    assert (change["valueInteger"], change["interpretation"][0]["text"]) == (4, "No change")
    assert change["note"][0]["text"] == "Measured at the ongoing evaluation, 2 Nov 2026. sleeping better"
    assert result.resources["Observation"] == 3 + 3  # the measures, and STarT Back's scores


def test_the_referral_is_a_service_request(staff, record, tmp_path):
    _, bundle, _ = exported(staff, record, tmp_path)
    [request] = resources(bundle, "ServiceRequest")
    assert (request["status"], request["intent"], request["code"]["text"]) == (
        "active", "order", "Biopsychosocial assessment / specialised physiotherapy referral")


def test_each_letter_version_carries_its_pdf_size_and_hash(staff, record, tmp_path):
    _, bundle, _ = exported(staff, record, tmp_path)
    letters = resources(bundle, "DocumentReference")
    stored = list(LetterVersion.select().where(LetterVersion.referral == record[1]).order_by(LetterVersion.version))
    for letter, version in zip(letters, stored):
        attachment = letter["content"][0]["attachment"]
        pdf = base64.b64decode(attachment["data"])
        assert pdf == bytes(version.pdf)
        assert attachment["size"] == len(pdf)
        assert attachment["hash"] == base64.b64encode(hashlib.sha1(pdf).digest()).decode()
        assert version.sha256 in letter["description"]


def test_an_amended_letter_replaces_the_superseded_version(staff, record, tmp_path):
    _, bundle, _ = exported(staff, record, tmp_path)
    first, second = resources(bundle, "DocumentReference")
    assert (first["status"], second["status"]) == ("superseded", "current")
    assert second["relatesTo"] == [{"code": "replaces", "target": {"reference": f"urn:uuid:{first['id']}"}}]


def test_a_patient_with_nothing_recorded_still_exports(staff, tmp_path):
    patient = patients.register_patient(staff.receptionist, family_name="Quiet", given_name="Quinn",
                                        date_of_birth=date(1990, 1, 1))
    result = fhir_export.export_patient_record(staff.manager, patient.id, tmp_path / "quiet.json")
    assert result.resources == {"Patient": 1}
    assert Bundle.parse_file(tmp_path / "quiet.json").entry[0].resource.identifier is None


def test_a_bundle_that_fails_the_fhir_check_is_not_written(staff, record, tmp_path, monkeypatch):
    monkeypatch.setattr(fhir_export.fhir, "SERVICE_REQUEST_STATUS",
                        {status: "unheard-of" for status in fhir_export.fhir.SERVICE_REQUEST_STATUS})
    events_before = AuditEvent.select().count()
    with pytest.raises(fhir_export.RecordNotValid, match=r"did not pass the FHIR R4 check \(Bundle.entry\[\d+\].resource.status: .unheard-of. is not one of draft, active"):
        exported(staff, record, tmp_path)
    assert not (tmp_path / "record.json").exists()
    assert AuditEvent.select().count() == events_before


def test_an_unknown_patient_is_refused_by_number(staff, tmp_path):
    with pytest.raises(NotFound, match="There is no patient with record number 999"):
        fhir_export.export_patient_record(staff.clinician, 999, tmp_path / "x.json")


def test_an_export_is_in_the_patients_audit_trail(staff, record, tmp_path):
    exported(staff, record, tmp_path)
    event = AuditEvent.select().order_by(AuditEvent.id.desc()).get()
    assert (event.action, event.patient_id, event.summary) == (
        "export_patient_record", record[0], "exported the record of SMITH, Ann Marie as a FHIR R4 bundle to record.json")


def test_a_receptionist_may_not_export_a_clinical_record(staff, record, tmp_path):
    with pytest.raises(PermissionDenied):
        exported(staff, record, tmp_path, actor=staff.receptionist)


def test_the_command_line_may_export_a_record(staff, record, tmp_path):
    result, _, _ = exported(staff, record, tmp_path, actor=Actor.command_line())
    assert result.patient_name == "SMITH, Ann Marie"


def test_an_unwritable_file_is_refused_in_words(staff, record, tmp_path):
    with pytest.raises(ValidationError, match="Cannot write the record to .*nothing was exported"):
        fhir_export.export_patient_record(staff.clinician, record[0], tmp_path / "no" / "x.json")


def test_a_resource_missing_a_required_element_fails_the_check(staff, record, tmp_path, monkeypatch):
    def without_intent(referral, patient_id):
        resource = original(referral, patient_id)
        del resource["intent"]
        return resource

    original = fhir_export.fhir.referral_resource
    monkeypatch.setattr(fhir_export.fhir, "referral_resource", without_intent)
    with pytest.raises(fhir_export.RecordNotValid, match=r"\(entry\.\d+\.resource\.intent: field required\)"):
        exported(staff, record, tmp_path)
    assert not (tmp_path / "record.json").exists()
