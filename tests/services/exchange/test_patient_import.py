"""Importing patients from CSV: a preview that names every problem, then all good rows or nothing."""
import csv
import json
from datetime import date, datetime, timezone

import pytest
from database_fixtures import open_test_database

from clinic_desktop.models import AuditEvent, Patient, bind_database
from clinic_desktop.models.schema import prepare_database
from clinic_desktop.services.audit import audit_log
from clinic_desktop.services.core import progress
from clinic_desktop.services.core.actor import Actor
from clinic_desktop.services.core.errors import Conflict, PermissionDenied, ValidationError
from clinic_desktop.services.exchange import patient_import
from clinic_desktop.services.exchange.patient_csv import COLUMNS
from clinic_desktop.services.patients import patient_search, patients

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)
HEADER = ",".join(COLUMNS)
GOOD = ("9434765919,Smith,Ann,1961-02-09,female,\"1 High Street\nBristol\",bs1 4dj,0117 496 0000,mild\n"
        "4010232137,Wang,王芳,09/02/1975,,,,,\n")


CLINIC_TIME = NOW  # every test here runs at this moment (tests/conftest.py: clinic_clock)


def write(tmp_path, body: str, header: str = HEADER, name="patients.csv"):
    path = tmp_path / name
    path.write_text(f"{header}\n{body}", encoding="utf-8")
    return path


def preview(staff, path):
    return patient_import.preview_patient_import(staff.manager, path)


def stored():
    return [(p.nhs_number, p.family_name, p.given_name, p.date_of_birth, p.sex, p.address, p.postcode, p.telephone,
             p.hepatic_impairment) for p in Patient.select().order_by(Patient.family_name_key, Patient.id)]


def problems(found):
    return [(row.line, row.problem_text()) for row in found.bad_rows]


def test_a_clean_file_previews_every_row_as_importable(staff, tmp_path):
    found = preview(staff, write(tmp_path, GOOD))
    assert found.summary() == "2 rows: 2 patients can be imported."
    assert [row.line for row in found.good_rows] == [2, 4]  # the address spans lines 2-3


def test_the_preview_writes_nothing(staff, tmp_path):
    events = AuditEvent.select().count()
    preview(staff, write(tmp_path, GOOD))
    assert (Patient.select().count(), AuditEvent.select().count()) == (0, events)


def test_a_confirmed_import_registers_the_rows_as_registration_would(staff, tmp_path):
    result = patient_import.import_patients(staff.manager, preview(staff, write(tmp_path, GOOD)))
    assert result.summary() == "Imported 2 patients from patients.csv."
    assert stored() == [
        ("9434765919", "Smith", "Ann", date(1961, 2, 9), "female", "1 High Street\nBristol", "BS1 4DJ",
         "0117 496 0000", "mild"),
        ("4010232137", "Wang", "王芳", date(1975, 2, 9), None, "", "", "", "none")]


def test_imported_patients_are_found_by_name_like_registered_ones(staff, tmp_path):
    patient_import.import_patients(staff.manager, preview(staff, write(tmp_path, GOOD)))
    assert patients.find_possible_duplicates(staff.receptionist, "SMITH", "ann", date(1961, 2, 9))


@pytest.mark.parametrize("typed", ["+44 117 496 0000", "BS1 4"])
def test_imported_patients_are_found_by_phone_and_postcode(staff, tmp_path, typed):
    patient_import.import_patients(staff.manager, preview(staff, write(tmp_path, GOOD)))
    assert [record.family_name for record in patient_search.search_patients(staff.receptionist, typed)] == ["Smith"]


def test_one_audit_event_covers_the_whole_import(staff, tmp_path):
    before = AuditEvent.select().count()
    result = patient_import.import_patients(staff.manager, preview(staff, write(tmp_path, GOOD)))
    event = AuditEvent.select().order_by(AuditEvent.id.desc()).get()
    assert AuditEvent.select().count() == before + 1
    assert (event.action, event.summary) == ("import_patients", "imported 2 patients from patients.csv")
    assert str(list(result.patient_ids)) in event.details


def test_the_import_event_lists_every_imported_patients_record_number(staff, tmp_path):
    result = patient_import.import_patients(staff.manager, preview(staff, write(tmp_path, GOOD)))
    event = AuditEvent.select().order_by(AuditEvent.id.desc()).get()
    assert json.loads(event.details)["patient_ids"] == list(result.patient_ids)


def test_a_one_patient_import_is_found_by_the_audit_trails_patient_filter(staff, tmp_path):
    result = patient_import.import_patients(staff.manager,
                                            preview(staff, write(tmp_path, ",Smith,Ann,1961-02-09,,,,,\n")))
    [patient_id] = result.patient_ids
    found = audit_log.search_events(staff.manager, patient_id=patient_id)
    assert [(row.action, row.summary) for row in found.rows] == [
        ("import_patients", "imported 1 patient from patients.csv")]


def test_a_day_first_date_of_birth_is_kept_as_read_for_the_preview(staff, tmp_path):
    found = preview(staff, write(tmp_path, ",Patel,Rita,02/03/1980,,,,,\n"))
    assert found.rows[0].birth_date == date(1980, 3, 2)


def test_a_left_out_row_still_shows_its_date_of_birth_as_read(staff, tmp_path):
    found = preview(staff, write(tmp_path, "9434765918,Patel,Rita,02/03/1980,,,,,\n,Jones,Bob,1980-13-01,,,,,\n"))
    assert [row.birth_date for row in found.bad_rows] == [date(1980, 3, 2), None]


@pytest.mark.parametrize("row, problem", [
    ("9434765918,Smith,Ann,1961-02-09,,,,,", "NHS number: 943 476 5918 is not a valid NHS number (its check "
                                              "digit does not match): check it for a mistyped digit"),
    ("94347659,Smith,Ann,1961-02-09,,,,,", "NHS number: An NHS number is 10 digits; '94347659' has 8"),
    (",Smith,Ann,31/02/1961,,,,,", "Date of birth: '31/02/1961' is not a date in the calendar (day 31, month 2, "
                                   "year 1961)"),
    (",Smith,Ann,9 Feb 61,,,,,", "Date of birth: '9 Feb 61' is not a date: write it as 1980-02-29 or 29/02/1980 "
                                 "(day first)"),
    (",Smith,Ann,09/02/61,,,,,", "Date of birth: '09/02/61' has a 2-digit year: write the year in full (for "
                                 "example 29/02/1980)"),
    (",Smith,Ann,2027-01-01,,,,,", "Date of birth: The date of birth 1 Jan 2027 is in the future"),
    (",,Ann,1961-02-09,,,,,", "Family name: missing (every patient needs one)"),
    (",Smith,Ann,1961-02-09,,,XX1,,", "Postcode: 'XX1' does not look like a UK postcode (for example SW1A 1AA)"),
    (",Smith,Ann,1961-02-09,,,,,kidney", "Hepatic impairment: Hepatic impairment is one of none, mild, moderate, "
                                         "severe, not 'kidney'"),
    (",Smith,Ann,1961-02-09,woman,,,,", "Sex: 'woman' is not one of female, male, other (or blank)"),
    (",Smith,Ann,1961-02-09,,,", "The line has 7 values but the first line names 9 columns"),
])
def test_a_bad_row_is_named_by_line_column_and_what_is_wrong(staff, tmp_path, row, problem):
    found = preview(staff, write(tmp_path, f"4010232137,Wang,Fang,1975-02-09,,,,,\n{row}\n"))
    assert problems(found) == [(3, problem)]


def test_every_problem_of_a_row_is_named(staff, tmp_path):
    found = preview(staff, write(tmp_path, "123,,Ann,tomorrow,,,,,\n"))
    assert found.problem_lines() == [
        "line 2, NHS number: An NHS number is 10 digits; '123' has 3; Family name: missing (every patient needs "
        "one); Date of birth: 'tomorrow' is not a date: write it as 1980-02-29 or 29/02/1980 (day first)"]


def test_the_same_nhs_number_twice_in_the_file_leaves_both_rows_out(staff, tmp_path):
    found = preview(staff, write(tmp_path, "9434765919,Smith,Ann,1961-02-09,,,,,\n"
                                           "943 476 5919,Smyth,Anne,1961-02-09,,,,,\n"))
    assert problems(found) == [(2, "NHS number: line 3 has the same NHS number 943 476 5919"),
                               (3, "NHS number: line 2 has the same NHS number 943 476 5919")]


def test_the_same_name_and_birth_date_twice_in_the_file_is_a_problem(staff, tmp_path):
    found = preview(staff, write(tmp_path, ",Smith,Ann,1961-02-09,,,,,\n,SMITH,ann,09/02/1961,,,,,\n"))
    assert problems(found)[0] == (2, "Line 3 has the same name and date of birth")


def test_an_nhs_number_already_registered_is_named_with_its_patient(staff, tmp_path):
    ann = patients.register_patient(staff.receptionist, family_name="Smith", given_name="Ann",
                                    date_of_birth=date(1961, 2, 9), nhs_number="9434765919")
    found = preview(staff, write(tmp_path, GOOD))
    assert problems(found) == [(2, f"NHS number: 943 476 5919 is already registered to SMITH, Ann, born 9 Feb 1961 "
                                   f"(record {ann.id})")]


def test_a_stored_patient_with_the_same_name_and_birth_date_is_a_possible_duplicate(staff, tmp_path):
    ann = patients.register_patient(staff.receptionist, family_name="Smith", given_name="Ann",
                                    date_of_birth=date(1961, 2, 9))
    found = preview(staff, write(tmp_path, GOOD))
    assert problems(found) == [(2, f"May already be registered as SMITH, Ann, born 9 Feb 1961 (record {ann.id}): "
                                   "if this is a different person, register them in the app")]


def test_a_confirmed_import_leaves_bad_rows_out_whole(staff, tmp_path):
    path = write(tmp_path, GOOD + "9434765918,Jones,Bad,1961-02-09,male,,,,\n")
    result = patient_import.import_patients(staff.manager, preview(staff, path))
    assert (result.imported, result.left_out) == (2, 1)
    assert [row[1] for row in stored()] == ["Smith", "Wang"]
    assert "Jones" not in AuditEvent.select().order_by(AuditEvent.id.desc()).get().summary


def test_a_file_changed_since_the_preview_imports_nothing(staff, tmp_path):
    path = write(tmp_path, GOOD)
    found = preview(staff, path)
    write(tmp_path, GOOD + ",Late,Larry,1980-01-01,,,,,\n")
    with pytest.raises(Conflict, match="The file patients.csv changed since it was previewed; nothing was imported"):
        patient_import.import_patients(staff.manager, found)
    assert Patient.select().count() == 0


def test_a_patient_registered_after_the_preview_stops_the_whole_import(staff, tmp_path):
    found = preview(staff, write(tmp_path, GOOD))
    patients.register_patient(staff.receptionist, family_name="Wang", given_name="Fang",
                              date_of_birth=date(1975, 2, 9), nhs_number="4010232137")
    with pytest.raises(Conflict, match=r"Line 4 of patients.csv would no longer be imported as previewed \(NHS "
                                       r"number: 401 023 2137 is already registered"):
        patient_import.import_patients(staff.manager, found)
    assert Patient.select().count() == 1


def test_a_file_where_every_row_is_bad_imports_nothing(staff, tmp_path):
    found = preview(staff, write(tmp_path, ",,,,,,,,\n,Smith,,x,,,,,\n"))
    with pytest.raises(ValidationError, match="No row of patients.csv can be imported; nothing was imported"):
        patient_import.import_patients(staff.manager, found)


@pytest.mark.parametrize("header, body, message", [
    ("family_name,given_name,birth", "", "The file patients.csv has a column 'birth' that is not a patient detail (the "
                                         "columns are nhs_number, family_name, given_name, date_of_birth, sex, "
                                         "address, postcode, telephone, hepatic_impairment)"),
    ("nhs_number,family_name,given_name", "", "The file patients.csv has no date_of_birth column"),
    ("family_name,given_name,date_of_birth,given_name", "", "The file patients.csv has the column given_name twice"),
    ("", "", "The file patients.csv is empty"),
])
def test_wrong_columns_are_refused_in_one_line(staff, tmp_path, header, body, message):
    with pytest.raises(ValidationError) as refused:
        preview(staff, write(tmp_path, body, header=header))
    assert str(refused.value).startswith(message)
    assert "\n" not in str(refused.value)


def test_headers_are_read_in_any_case_and_with_spaces(staff, tmp_path):
    found = preview(staff, write(tmp_path, "Smith,Ann,1961-02-09\n", header="Family name,GIVEN NAME,Date of birth"))
    assert found.summary() == "1 row: 1 patient can be imported."


def test_a_spreadsheets_semicolon_separated_file_is_read(staff, tmp_path):
    found = preview(staff, write(tmp_path, "Smith;Ann;09/02/1961\n", header="family_name;given_name;date_of_birth"))
    assert found.good_rows[0].cleaned["date_of_birth"] == date(1961, 2, 9)


def test_a_file_that_is_not_utf8_is_refused_with_what_to_do(staff, tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes(f"{HEADER}\n,Dupré,Zoé,1961-02-09,,,,,\n".encode("cp1252"))
    with pytest.raises(ValidationError, match=r"The file latin.csv is not UTF-8 text \(byte \d+ cannot be read\): save it as "
                                              "'CSV UTF-8'"):
        preview(staff, path)


def test_a_missing_file_is_refused_in_words(staff, tmp_path):
    with pytest.raises(ValidationError, match="Cannot read .*nothing.csv: No such file or directory"):
        preview(staff, tmp_path / "nothing.csv")


def imported_into_an_empty_database(database, tmp_path, path):
    """The patients a new clinic's database holds after importing the file, every row of which must be good."""
    empty = open_test_database(str(tmp_path / "empty.sqlite3"))
    prepare_database(empty)
    try:
        found = patient_import.preview_patient_import(Actor.command_line(), path)
        assert found.bad_rows == ()
        patient_import.import_patients(Actor.command_line(), found)
        return stored()
    finally:
        empty.close()
        bind_database(database)


def test_an_export_imported_into_an_empty_database_gives_the_same_patients(database, staff, tmp_path):
    for family, given, nhs, sex, address in (("Smith", "Ann", "9434765919", "female", "1 High St\nBristol"),
                                             ("O'Brien, Jr", "Seán", None, None, 'Flat "B", 2 Quay'),
                                             ("Wang", "王芳", "4010232137", "other", "")):
        patients.register_patient(staff.receptionist, family_name=family, given_name=given,
                                  date_of_birth=date(1975, 2, 9), nhs_number=nhs, sex=sex, address=address,
                                  postcode="BS1 4DJ", telephone="+44 117 496 0000", hepatic_impairment="moderate")
    before = stored()
    path = tmp_path / "all.csv"
    assert patient_import.export_patients_csv(staff.manager, path).patients == 3
    assert imported_into_an_empty_database(database, tmp_path, path) == before


FORMULA_LIKE = (("=HYPERLINK(\"http://x\")", "+Ann", "-1 Flat\n=Mill Lane", "+44 117 496 0000"),
                ("@SUM(A1)", "Bob", "'=already quoted", "-"),
                ("Smith", "'Cathy", "'plain", "0117 496 0000"))


def register_formula_like_patients(staff):
    for family, given, address, telephone in FORMULA_LIKE:
        patients.register_patient(staff.receptionist, family_name=family, given_name=given,
                                  date_of_birth=date(1975, 2, 9), address=address, telephone=telephone)


def test_an_export_writes_cells_a_spreadsheet_would_run_as_text(staff, tmp_path):
    register_formula_like_patients(staff)
    path = tmp_path / "all.csv"
    patient_import.export_patients_csv(staff.manager, path)
    rows = list(csv.DictReader(path.read_text("utf-8-sig").splitlines(keepends=True)))
    assert sorted((row["family_name"], row["given_name"], row["address"], row["telephone"]) for row in rows) == [
        ("'=HYPERLINK(\"http://x\")", "'+Ann", "'-1 Flat\n=Mill Lane", "'+44 117 496 0000"),
        ("'@SUM(A1)", "Bob", "''=already quoted", "'-"),
        ("Smith", "'Cathy", "'plain", "0117 496 0000")]


def test_an_export_of_formula_like_values_imports_again_exactly(database, staff, tmp_path):
    register_formula_like_patients(staff)
    before = stored()
    path = tmp_path / "all.csv"
    patient_import.export_patients_csv(staff.manager, path)
    assert imported_into_an_empty_database(database, tmp_path, path) == before


def test_a_receptionist_may_not_import_or_export_every_patient(staff, tmp_path):
    with pytest.raises(PermissionDenied):
        patient_import.preview_patient_import(staff.receptionist, write(tmp_path, GOOD))
    with pytest.raises(PermissionDenied):
        patient_import.export_patients_csv(staff.receptionist, tmp_path / "x.csv")


def _stopping_at(prefix: str) -> progress.Watcher:
    """A watcher whose user presses Cancel when a step starting with ``prefix`` is reported."""
    def report(done, total, text):
        if text.startswith(prefix):
            watcher.cancel()

    watcher = progress.Watcher(report)
    return watcher


def test_an_export_stopped_midway_writes_no_file_and_records_nothing(staff, tmp_path):
    patient_import.import_patients(staff.manager, preview(staff, write(tmp_path, GOOD)))
    folder = tmp_path / "out"
    folder.mkdir()
    events = AuditEvent.select().count()
    with progress.watched_by(_stopping_at("Reading patient 1 of 2")), pytest.raises(progress.Cancelled):
        patient_import.export_patients_csv(staff.manager, folder / "all.csv")
    assert list(folder.iterdir()) == [] and AuditEvent.select().count() == events


def test_an_import_stopped_midway_registers_nobody(staff, tmp_path):
    found = preview(staff, write(tmp_path, GOOD))
    events = AuditEvent.select().count()
    with progress.watched_by(_stopping_at("Registering patient 1 of 2")), pytest.raises(progress.Cancelled):
        patient_import.import_patients(staff.manager, found)
    assert stored() == [] and AuditEvent.select().count() == events
