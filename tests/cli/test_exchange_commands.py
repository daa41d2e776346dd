"""``clinic-desktop export ical|fhir|patients`` and ``import patients`` as a script or integrator runs them."""
import json
from datetime import date, datetime, timezone

import icalendar
import pytest
from database_fixtures import open_test_database
from fhir.resources.bundle import Bundle

from clinic_desktop.cli import main
from clinic_desktop.models import Patient
from clinic_desktop.models.schema import prepare_database
from clinic_desktop.services.appointments import appointments
from clinic_desktop.services.core.clock import frozen_at
from clinic_desktop.services.episodes import episodes
from clinic_desktop.services.exchange.patient_csv import COLUMNS
from clinic_desktop.services.patients import patients

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def clinic(sqlite_staff, sqlite_database):
    """SMITH, Ann with a review booked with Dr Jones on Tue 1 Dec 2026 10:00."""
    with frozen_at(NOW):
        ann = patients.register_patient(sqlite_staff.receptionist, family_name="Smith", given_name="Ann",
                                        date_of_birth=date(1961, 2, 9), nhs_number="9434765919")
        episode_id = episodes.open_episode(sqlite_staff.clinician, ann.id, first_contact_on=date(2026, 11, 23),
                                           presentation="non_specific", severity="mild").episode_id
        review = appointments.appointments_for_episode(sqlite_staff.clinician, episode_id)[0]
        appointments.book_appointment(sqlite_staff.receptionist, review.id,
                                      clinician_id=sqlite_staff.clinician.user_id,
                                      starts_local=datetime(2026, 12, 1, 10, 0))
    return sqlite_database.database, ann.id


def run(path, *arguments):
    with frozen_at(NOW):
        return main(["--database", path, *arguments])


def test_export_ical_writes_the_clinicians_calendar_and_says_so(clinic, tmp_path, capsys):
    path, _ = clinic
    out = tmp_path / "jones.ics"
    assert run(path, "export", "ical", "--clinician", "drjones", str(out)) == 0
    assert capsys.readouterr().out == f"Wrote 1 appointment of Dr Alys Jones (25 Nov 2026 onwards) to {out}\n"
    [event] = icalendar.Calendar.from_ical(out.read_bytes()).events
    assert event.start == datetime(2026, 12, 1, 10, 0, tzinfo=timezone.utc)  # 10:00 GMT, written as a UTC instant


def test_export_ical_takes_a_date_range(clinic, tmp_path, capsys):
    path, _ = clinic
    out = tmp_path / "jones.ics"
    assert run(path, "export", "ical", "--clinician", "drjones", "--from", "2026-12-02", "--to", "2026-12-31",
               str(out)) == 0
    assert capsys.readouterr().out.startswith("Wrote 0 appointments of Dr Alys Jones (2 Dec 2026 to 31 Dec 2026)")


def test_an_unknown_clinician_exits_2_with_one_line(clinic, tmp_path, capsys):
    path, _ = clinic
    assert run(path, "export", "ical", "--clinician", "drwho", str(tmp_path / "x.ics")) == 2
    assert capsys.readouterr().err == "clinic-desktop: There is no clinician with the username 'drwho'\n"


def test_an_unreadable_date_exits_2_with_one_line(clinic, tmp_path, capsys):
    path, _ = clinic
    assert run(path, "export", "ical", "--clinician", "drjones", "--from", "1/12/2026", str(tmp_path / "x.ics")) == 2
    err = capsys.readouterr().err
    assert "'1/12/2026' is not a date: write it as YYYY-MM-DD" in err and err.count("\n") == 1


def test_export_fhir_writes_a_valid_bundle(clinic, tmp_path, capsys):
    path, patient_id = clinic
    out = tmp_path / "ann.json"
    assert run(path, "export", "fhir", "--patient", str(patient_id), str(out)) == 0
    assert capsys.readouterr().out.startswith("Wrote the record of SMITH, Ann (1 Patient, 1 Practitioner, "
                                              "1 EpisodeOfCare, 2 Appointment;")
    assert Bundle.parse_file(out).entry[0].resource.name[0].family == "Smith"


def test_an_unknown_patient_exits_2_with_one_line(clinic, tmp_path, capsys):
    path, _ = clinic
    assert run(path, "export", "fhir", "--patient", "4242", str(tmp_path / "x.json")) == 2
    assert capsys.readouterr().err == "clinic-desktop: There is no patient with record number 4242\n"
    assert not (tmp_path / "x.json").exists()


def test_a_missing_output_folder_exits_2_before_opening_the_database(clinic, tmp_path, capsys):
    path, patient_id = clinic
    out = tmp_path / "nowhere" / "x.json"
    assert run(path, "export", "fhir", "--patient", str(patient_id), str(out)) == 2
    assert capsys.readouterr().err == f"clinic-desktop: there is no folder {out.parent} to write x.json into\n"


def test_export_patients_then_import_into_an_empty_database_round_trips(clinic, tmp_path, capsys):
    path, _ = clinic
    out = tmp_path / "patients.csv"
    assert run(path, "export", "patients", str(out)) == 0
    assert capsys.readouterr().out == f"Wrote 1 patient to {out}\n"
    empty = str(tmp_path / "empty.sqlite3")
    prepare_database(open_test_database(empty))  # a new clinic's database: no patients, no users
    assert run(empty, "import", "patients", str(out)) == 0
    assert capsys.readouterr().out == ("patients.csv: 1 row: 1 patient can be imported.\n"
                                       "Imported 1 patient from patients.csv.\n")
    assert Patient.get(Patient.nhs_number == "9434765919").display_name == "SMITH, Ann"


def test_export_patients_writes_formulas_as_text_and_they_import_back_unchanged(clinic, sqlite_staff, tmp_path):
    path, _ = clinic
    with frozen_at(NOW):
        patients.register_patient(sqlite_staff.receptionist, family_name='=HYPERLINK("http://x")', given_name="Eve",
                                  date_of_birth=date(1980, 3, 2), telephone="+44 117 496 0000")
    out = tmp_path / "patients.csv"
    assert run(path, "export", "patients", str(out)) == 0
    assert "'=HYPERLINK(\"\"http://x\"\")\",Eve,1980-03-02,,,,'+44 117 496 0000," in out.read_text("utf-8-sig")
    empty = str(tmp_path / "empty.sqlite3")
    prepare_database(open_test_database(empty))
    assert run(empty, "import", "patients", str(out)) == 0
    eve = Patient.get(Patient.given_name == "Eve")
    assert (eve.family_name, eve.telephone) == ('=HYPERLINK("http://x")', "+44 117 496 0000")


def write_csv(tmp_path, body):
    out = tmp_path / "new.csv"
    out.write_text(",".join(COLUMNS) + "\n" + body, encoding="utf-8")
    return out


def test_import_dry_run_prints_each_problem_and_writes_nothing(clinic, tmp_path, capsys):
    path, _ = clinic
    csv_file = write_csv(tmp_path, "9434765919,Smith,Ann,1961-02-09,,,,,\n,Jones,Bob,1970-13-01,,,,,\n"
                                   ",Patel,Rita,1980-01-02,,,,,\n")
    assert run(path, "import", "patients", "--dry-run", str(csv_file)) == 0
    assert capsys.readouterr().out == (
        "new.csv: 3 rows: 1 patient can be imported, 2 rows have problems and would be left out.\n"
        "  line 2, NHS number: 943 476 5919 is already registered to SMITH, Ann, born 9 Feb 1961 (record 1)\n"
        "  line 3, Date of birth: '1970-13-01' is not a date in the calendar (day 1, month 13, year 1970)\n"
        "Dry run: nothing was imported.\n")
    assert Patient.select().count() == 1


def test_import_with_bad_rows_imports_the_good_ones_and_exits_1(clinic, tmp_path, capsys):
    path, _ = clinic
    csv_file = write_csv(tmp_path, ",Jones,Bob,1970-13-01,,,,,\n,Patel,Rita,1980-01-02,,,,,\n")
    assert run(path, "import", "patients", str(csv_file)) == 1
    captured = capsys.readouterr()
    assert captured.out.endswith("Imported 1 patient from new.csv; 1 row with problems left out.\n")
    assert captured.err == "clinic-desktop: 1 row with problems left out (listed above)\n"
    assert [patient.family_name for patient in Patient.select().order_by(Patient.id)] == ["Smith", "Patel"]


def test_import_with_wrong_columns_exits_2_with_one_line(clinic, tmp_path, capsys):
    path, _ = clinic
    csv_file = tmp_path / "bad.csv"
    csv_file.write_text("surname,forename\nSmith,Ann\n", encoding="utf-8")
    assert run(path, "import", "patients", str(csv_file)) == 2
    assert capsys.readouterr().err.startswith("clinic-desktop: The file bad.csv has a column 'surname' that is not a "
                                              "patient detail")


def test_import_of_a_missing_file_exits_2_with_one_line(clinic, tmp_path, capsys):
    path, _ = clinic
    assert run(path, "import", "patients", str(tmp_path / "none.csv")) == 2
    assert capsys.readouterr().err == f"clinic-desktop: there is no file {tmp_path / 'none.csv'}\n"


def test_import_of_an_unreadable_file_exits_2_with_one_line(clinic, tmp_path, capsys):
    path, _ = clinic
    csv_file = tmp_path / "binary.csv"
    csv_file.write_bytes(b"family_name,given_name,date_of_birth\n\xff\xfe\x00Smith")
    assert run(path, "import", "patients", str(csv_file)) == 2
    err = capsys.readouterr().err
    assert err.startswith("clinic-desktop: The file binary.csv is not UTF-8 text") and err.count("\n") == 1


def test_help_lists_the_exports(capsys):
    with pytest.raises(SystemExit):
        main(["export", "--help"])
    out = capsys.readouterr().out
    assert all(word in out for word in ("ical", "fhir", "patients")), out


def test_results_are_plain_json_for_integrators(clinic, tmp_path):
    path, patient_id = clinic
    out = tmp_path / "ann.json"
    run(path, "export", "fhir", "--patient", str(patient_id), str(out))
    assert json.loads(out.read_text("utf-8"))["resourceType"] == "Bundle"
