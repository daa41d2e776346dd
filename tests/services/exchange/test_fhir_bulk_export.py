"""Every patient's record into an empty folder: one checked Bundle a patient, streamed, audited once."""
from datetime import date

import pytest
from fhir.resources.bundle import Bundle
from fhir_bundles import RECORD_TIME

from clinic_desktop.models import AuditEvent
from clinic_desktop.services.core.errors import PermissionDenied, ValidationError
from clinic_desktop.services.core.progress import Cancelled, Watcher, watched_by
from clinic_desktop.services.exchange import fhir_bulk_export, fhir_export
from clinic_desktop.services.patients import patients

CLINIC_TIME = RECORD_TIME  # every test here runs at this moment (tests/conftest.py: clinic_clock)


@pytest.fixture
def clinic(staff, record):
    """SMITH, Ann's full record (conftest.py) and four patients with nothing recorded yet."""
    others = [patients.register_patient(staff.receptionist, family_name=family, given_name="Quinn",
                                        date_of_birth=date(1990, 1, day)).id
              for day, family in enumerate(["Quiet", "Zoë", "O'Brien", "王"], start=1)]
    return [record[0], *others]


@pytest.fixture
def folder(tmp_path):
    """An empty folder beside the test's database."""
    made = tmp_path / "export"
    made.mkdir()
    return made


def test_each_patient_gets_one_valid_bundle_of_their_own_record(staff, clinic, folder):
    report = fhir_bulk_export.export_every_record(staff.manager, folder, page_size=2)
    files = sorted(folder.iterdir())
    assert [file.name for file in files] == [fhir_bulk_export.bundle_file_name(patient_id) for patient_id in clinic]
    for file, patient_id in zip(files, clinic):
        bundle = Bundle.parse_file(file)
        patient = bundle.entry[0].resource
        assert patient.id == fhir_export.fhir.resource_uuid("Patient", patient_id)
    assert (report.patients, report.written, report.not_exported) == (5, 5, ())
    assert report.size_bytes == sum(file.stat().st_size for file in files)


def test_a_bundle_in_the_folder_is_the_same_as_the_patients_own_export(staff, clinic, tmp_path):
    folder = tmp_path / "all"
    folder.mkdir()
    fhir_bulk_export.export_every_record(staff.manager, folder)
    single = fhir_export.export_patient_record(staff.manager, clinic[0], tmp_path / "ann.json")
    bulk = Bundle.parse_file(folder / fhir_bulk_export.bundle_file_name(clinic[0]))
    counts = {}
    for entry in bulk.entry:
        counts[entry.resource.resource_type] = counts.get(entry.resource.resource_type, 0) + 1
    assert counts == single.resources


def test_progress_is_reported_after_every_patient(staff, clinic, folder):
    seen = []
    with watched_by(Watcher(lambda done, total, text: seen.append((done, total, text)))):
        fhir_bulk_export.export_every_record(staff.manager, folder, page_size=2)
    assert [(done, total) for done, total, _ in seen] == [(1, 5), (2, 5), (3, 5), (4, 5), (5, 5)]
    assert seen[-1][2] == "5 of 5 records exported"


def test_an_export_stopped_part_way_leaves_only_whole_files_and_its_audit_event(staff, clinic, folder):
    def stop_after_two(done, total, text):
        if done == 2:
            watcher.cancel()

    watcher = Watcher(stop_after_two)
    with watched_by(watcher), pytest.raises(Cancelled):
        fhir_bulk_export.export_every_record(staff.manager, folder)
    files = sorted(folder.iterdir())
    assert [file.name for file in files] == [fhir_bulk_export.bundle_file_name(i) for i in clinic[:3]]
    assert all(Bundle.parse_file(file) for file in files)
    assert AuditEvent.select().where(AuditEvent.action == "export_every_record").count() == 1


def test_the_whole_export_is_one_audit_event_naming_the_folder(staff, clinic, folder):
    before = AuditEvent.select().count()
    fhir_bulk_export.export_every_record(staff.manager, folder)
    [event] = AuditEvent.select().order_by(AuditEvent.id.desc()).limit(AuditEvent.select().count() - before)
    assert (event.action, event.summary) == (
        "export_every_record", f"exported every patient's record (5 patients) as FHIR R4 bundles to {folder}")


def test_a_record_that_fails_the_check_is_named_and_the_others_are_written(staff, clinic, folder, monkeypatch):
    def faulty_for_ann(patient):
        if patient.id == clinic[0]:
            raise fhir_export.RecordNotValid("The FHIR record of SMITH, Ann Marie did not pass the FHIR R4 check")
        return original(patient)

    original = fhir_bulk_export.patient_bundle
    monkeypatch.setattr(fhir_bulk_export, "patient_bundle", faulty_for_ann)
    report = fhir_bulk_export.export_every_record(staff.manager, folder)
    assert [(left.patient_id, left.patient_name) for left in report.not_exported] == [(clinic[0], "SMITH, Ann Marie")]
    assert "did not pass the FHIR R4 check" in report.not_exported[0].fault
    assert report.written == 4
    assert sorted(file.name for file in folder.iterdir()) == [
        fhir_bulk_export.bundle_file_name(patient_id) for patient_id in clinic[1:]]


def test_a_folder_that_is_not_empty_is_refused_and_left_alone(staff, clinic, folder):
    (folder / "old.json").write_text("{}")
    before = AuditEvent.select().count()
    with pytest.raises(ValidationError, match=r"is not empty: give an empty folder"):
        fhir_bulk_export.export_every_record(staff.manager, folder)
    assert [file.name for file in folder.iterdir()] == ["old.json"]
    assert AuditEvent.select().count() == before


@pytest.mark.parametrize(("make", "words"), [
    (lambda folder: folder / "missing", "There is no folder"),
    (lambda folder: (folder / "a-file").write_text("x") and folder / "a-file", "is a file, not a folder"),
])
def test_a_folder_that_cannot_take_the_export_is_refused_in_one_sentence(staff, clinic, folder, make, words):
    target = make(folder)
    with pytest.raises(ValidationError, match=words) as refused:
        fhir_bulk_export.export_every_record(staff.manager, target)
    assert str(refused.value).endswith(".") and "\n" not in str(refused.value)


def test_a_clinician_may_not_export_every_record(staff, clinic, folder):
    with pytest.raises(PermissionDenied):
        fhir_bulk_export.export_every_record(staff.clinician, folder)
    assert list(folder.iterdir()) == []
