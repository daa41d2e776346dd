"""``clinic-desktop export fhir --all DIR``: every patient's record, as a migration script runs it."""
from datetime import date, datetime, timezone

import pytest
from fhir.resources.bundle import Bundle

from clinic_desktop.cli import main
from clinic_desktop.models import AuditEvent
from clinic_desktop.services.core.clock import frozen_at
from clinic_desktop.services.exchange import fhir_bulk_export, fhir_export
from clinic_desktop.services.patients import patients

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def clinic(sqlite_staff, sqlite_database, tmp_path):
    """Twelve registered patients, and an empty folder for their records."""
    with frozen_at(NOW):
        ids = [patients.register_patient(sqlite_staff.receptionist, family_name=f"Patient{number}", given_name="Ann",
                                         date_of_birth=date(1961, 2, number)).id for number in range(1, 13)]
    folder = tmp_path / "records"
    folder.mkdir()
    return sqlite_database.database, ids, folder


def run(path, *arguments):
    with frozen_at(NOW):
        return main(["--database", path, *arguments])


def test_all_writes_one_valid_bundle_per_patient_and_says_how_many(clinic, capsys):
    path, ids, folder = clinic
    assert run(path, "export", "fhir", "--all", str(folder)) == 0
    out, err = capsys.readouterr()
    assert out.startswith("Wrote 12 of 12 patients' records (12 resources, ")
    assert out.endswith(f" bytes) to {folder}\n")
    assert sorted(file.name for file in folder.iterdir()) == [fhir_bulk_export.bundle_file_name(i) for i in ids]
    assert all(Bundle.parse_file(file).entry[0].resource.resource_type == "Patient" for file in folder.iterdir())


def test_progress_goes_to_stderr_a_line_each_tenth_of_the_way(clinic, capsys):
    path, _, folder = clinic
    run(path, "export", "fhir", "--all", str(folder))
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == "2 of 12 records exported" and lines[-1] == "12 of 12 records exported"
    assert len(lines) == 10


def test_the_export_is_audited_once(clinic):
    path, _, folder = clinic
    run(path, "export", "fhir", "--all", str(folder))
    assert AuditEvent.select().where(AuditEvent.action == "export_every_record").count() == 1


def test_a_folder_that_is_not_empty_exits_2_with_one_line(clinic, capsys):
    path, _, folder = clinic
    (folder / "notes.txt").write_text("keep me")
    assert run(path, "export", "fhir", "--all", str(folder)) == 2
    assert capsys.readouterr().err == (f"clinic-desktop: --all: {folder} is not empty: give an empty folder, so that "
                                       "no other file is loaded as a patient's record.\n")
    assert [file.name for file in folder.iterdir()] == ["notes.txt"]


def test_a_missing_folder_exits_2_before_the_database_is_opened(tmp_path, capsys):
    database = tmp_path / "never.sqlite3"
    assert main(["--database", str(database), "export", "fhir", "--all", str(tmp_path / "nowhere")]) == 2
    assert capsys.readouterr().err == f"clinic-desktop: --all: There is no folder {tmp_path / 'nowhere'}.\n"
    assert not database.exists()


def test_all_and_patient_together_are_refused(clinic, capsys):
    path, ids, folder = clinic
    assert run(path, "export", "fhir", "--all", str(folder), "--patient", str(ids[0])) == 2
    assert "not allowed with argument" in capsys.readouterr().err


def test_a_patient_without_a_file_is_refused_in_words(clinic, capsys):
    path, ids, _ = clinic
    assert run(path, "export", "fhir", "--patient", str(ids[0])) == 2
    assert capsys.readouterr().err == "clinic-desktop: --patient needs the FILE to write the record to\n"


def test_a_record_that_fails_the_check_is_named_and_the_command_exits_1(clinic, capsys, monkeypatch):
    path, ids, folder = clinic
    original = fhir_bulk_export.patient_bundle

    def faulty_for_the_third(patient):
        if patient.id == ids[2]:
            raise fhir_export.RecordNotValid("The FHIR record of PATIENT3, Ann did not pass the FHIR R4 check "
                                                  "(Patient.gender: 'x' is not one of male, female); nothing was "
                                                  "exported")
        return original(patient)

    monkeypatch.setattr(fhir_bulk_export, "patient_bundle", faulty_for_the_third)
    assert run(path, "export", "fhir", "--all", str(folder)) == 1
    out, err = capsys.readouterr()
    assert out.startswith("Wrote 11 of 12 patients' records")
    assert err.splitlines()[-1] == (f"clinic-desktop: left out PATIENT3, Ann (record {ids[2]}): The FHIR record of "
                                    "PATIENT3, Ann did not pass the FHIR R4 check (Patient.gender: 'x' is not one of "
                                    "male, female); nothing was exported")
    assert len(list(folder.iterdir())) == 11
