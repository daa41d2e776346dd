"""The export flows a menu starts: ask where, write the file, say where it went (or why not)."""
from __future__ import annotations

from datetime import date, datetime, timezone

import icalendar
import pytest
from fhir.resources.bundle import Bundle
from PySide6.QtCore import QDate
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QWidget

from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.services.appointments import appointments
from clinic_desktop.services.core.errors import DatabaseUnavailable
from clinic_desktop.services.episodes import episodes
from clinic_desktop.services.exchange import calendar_export
from clinic_desktop.services.patients import patients
from clinic_desktop.ui.exchange import exchange_actions
from clinic_desktop.ui.exchange.import_dialog import PatientImportDialog

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc)


CLINIC_TIME = NOW  # every test here runs at this moment (tests/conftest.py: clinic_clock)


@pytest.fixture
def ann(sqlite_staff):
    """SMITH, Ann, with her 2-week review booked with Dr Jones on Tue 1 Dec 2026 at 10:00."""
    patient = patients.register_patient(sqlite_staff.receptionist, family_name="Smith", given_name="Ann",
                                        date_of_birth=date(1961, 2, 9), nhs_number="9434765919")
    episode_id = episodes.open_episode(sqlite_staff.clinician, patient.id, first_contact_on=date(2026, 11, 23),
                                       presentation="non_specific", severity="mild").episode_id
    review = appointments.appointments_for_episode(sqlite_staff.clinician, episode_id)[0]
    appointments.book_appointment(sqlite_staff.receptionist, review.id, clinician_id=sqlite_staff.clinician.user_id,
                                  starts_local=datetime(2026, 12, 1, 10, 0))
    return patient.id


@pytest.fixture
def window(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    return parent


def notices(kind):
    return [box.text() for box in QApplication.topLevelWidgets()
            if isinstance(box, QMessageBox) and box.objectName() == kind and box.isVisible()]


def told(qtbot, kind):
    """Wait for the export's outcome (it runs off the window's thread): the notices of ``kind``."""
    qtbot.waitUntil(lambda: bool(notices(kind)), timeout=10_000)
    return notices(kind)


def test_export_patient_record_suggests_a_file_named_for_the_patient(window, sqlite_staff, ann):
    dialog = exchange_actions.export_patient_record(window, sqlite_staff.clinician, ann)
    assert isinstance(dialog, QFileDialog) and dialog.isVisible()
    assert dialog.acceptMode() == QFileDialog.AcceptMode.AcceptSave
    assert dialog.selectedFiles()[0].endswith("SMITH-Ann-record.json")


def test_saving_the_record_writes_a_valid_bundle_and_says_where(qtbot, window, sqlite_staff, ann, tmp_path):
    dialog = exchange_actions.export_patient_record(window, sqlite_staff.clinician, ann)
    dialog.fileSelected.emit(str(tmp_path / "ann.json"))
    assert told(qtbot, "exported") == [
        f"Saved the record of SMITH, Ann (1 Patient, 1 Practitioner, 1 EpisodeOfCare, 2 Appointment) to "
        f"{tmp_path / 'ann.json'}."]
    assert Bundle.parse_file(tmp_path / "ann.json").entry[0].resource.birthDate == date(1961, 2, 9)


def test_a_refused_record_export_says_why(qtbot, window, sqlite_staff, ann, tmp_path):
    dialog = exchange_actions.export_patient_record(window, sqlite_staff.clinician, ann)
    dialog.fileSelected.emit(str(tmp_path / "missing" / "ann.json"))
    [refusal] = told(qtbot, "refusal")
    assert refusal.startswith("Cannot write the record to") and "nothing was exported" in refusal


def test_a_receptionist_is_told_they_may_not_export_a_record(qtbot, window, sqlite_staff, ann, tmp_path):
    dialog = exchange_actions.export_patient_record(window, sqlite_staff.receptionist, ann)
    dialog.fileSelected.emit(str(tmp_path / "ann.json"))
    [refusal] = told(qtbot, "refusal")
    assert "may not" in refusal
    assert not (tmp_path / "ann.json").exists()


def test_export_calendar_starts_with_the_clinician_asked_for_and_today(qtbot, window, sqlite_staff, ann):
    dialog = exchange_actions.export_calendar(window, sqlite_staff.receptionist, load_settings(), "physio")
    assert dialog.clinician.currentData() == "physio"
    assert dialog.start.date() == QDate(2026, 11, 25) and not dialog.end.isEnabled()


def test_a_clinician_exports_their_own_calendar_by_default(window, sqlite_staff, ann):
    dialog = exchange_actions.export_calendar(window, sqlite_staff.clinician, load_settings())
    assert dialog.clinician.currentData() == "drjones"


def test_export_calendar_writes_the_ics_file_and_says_where(qtbot, window, sqlite_staff, ann, tmp_path):
    dialog = exchange_actions.export_calendar(window, sqlite_staff.receptionist, load_settings(), "drjones")
    dialog.choose_file()
    assert dialog.file_dialog.selectedFiles()[0].endswith("drjones-appointments.ics")
    dialog.file_dialog.fileSelected.emit(str(tmp_path / "jones.ics"))
    told(qtbot, "exported")
    [event] = icalendar.Calendar.from_ical((tmp_path / "jones.ics").read_bytes()).events
    assert str(event["SUMMARY"]) == "2-week review: SMITH, Ann"
    assert notices("exported") == [f"Saved 1 appointment of Dr Alys Jones to {tmp_path / 'jones.ics'}."]
    assert not dialog.isVisible()


def test_a_calendar_range_ending_before_it_starts_is_refused_inline(qtbot, window, sqlite_staff):
    dialog = exchange_actions.export_calendar(window, sqlite_staff.receptionist, load_settings(), "drjones")
    dialog.has_end.setChecked(True)
    dialog.end.setDate(QDate(2026, 11, 1))
    dialog.choose_file()
    assert dialog.message.text() == "The last day is before the first: change one of them."
    assert dialog.file_dialog is None


def test_export_patients_writes_the_csv_the_import_reads(qtbot, window, sqlite_staff, ann, tmp_path):
    dialog = exchange_actions.export_patients(window, sqlite_staff.manager)
    dialog.fileSelected.emit(str(tmp_path / "all.csv"))
    told(qtbot, "exported")
    assert (tmp_path / "all.csv").read_text("utf-8-sig").splitlines()[1].startswith("9434765919,Smith,Ann,1961-02-09")
    assert notices("exported") == [f"Saved 1 patient to {tmp_path / 'all.csv'}."]


def test_import_patients_opens_the_dialog_and_passes_on_the_result(qtbot, window, sqlite_staff, tmp_path):
    got = []
    dialog = exchange_actions.import_patients(window, sqlite_staff.manager, load_settings(), got.append)
    assert isinstance(dialog, PatientImportDialog) and dialog.isVisible()
    path = tmp_path / "one.csv"
    path.write_text("family_name,given_name,date_of_birth\nBrown,Ben,1980-01-02\n", encoding="utf-8")
    with qtbot.waitSignal(dialog.load(path).finished, timeout=10_000):
        pass
    with qtbot.waitSignal(dialog.import_rows().finished, timeout=10_000):
        pass
    assert [result.imported for result in got] == [1]


def test_clinicians_that_cannot_be_read_leave_the_calendar_form_saying_why(window, sqlite_staff, monkeypatch):
    def unreachable(actor):
        raise DatabaseUnavailable("the database server could not be reached")

    monkeypatch.setattr(calendar_export, "calendar_clinicians", unreachable)
    dialog = exchange_actions.export_calendar(window, sqlite_staff.receptionist, load_settings())
    assert dialog.isVisible() and dialog.clinician.count() == 0
    assert dialog.message.text() == "The database server could not be reached."
    assert not notices("refusal")


def test_every_record_is_exported_into_the_chosen_folder_and_the_notice_says_how_many(
        qtbot, window, sqlite_staff, ann, tmp_path):
    folder = tmp_path / "records"
    folder.mkdir()
    dialog = exchange_actions.export_every_record(window, sqlite_staff.manager)
    assert dialog.fileMode() == QFileDialog.FileMode.Directory
    dialog.fileSelected.emit(str(folder))
    [notice] = told(qtbot, "exported")
    assert notice.startswith("Saved 1 of 1 patients' records (") and notice.endswith(
        f"FHIR resources) to {folder}, one file a patient.")
    [file] = folder.iterdir()
    assert Bundle.parse_file(file).entry[0].resource.name[0].family == "Smith"


def test_a_folder_that_is_not_empty_is_refused_in_the_window(qtbot, window, sqlite_staff, ann, tmp_path):
    dialog = exchange_actions.export_every_record(window, sqlite_staff.manager)
    dialog.fileSelected.emit(str(tmp_path))  # holds the test's database
    [refusal] = told(qtbot, "refusal")
    assert refusal == (f"{tmp_path} is not empty: give an empty folder, so that no other file is loaded as a "
                       "patient's record.")
