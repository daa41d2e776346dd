"""The patient import dialog: a preview naming each bad row, then an import only when asked."""
from __future__ import annotations

import threading
from datetime import date, datetime, timezone

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QProgressDialog, QPushButton

from clinic_desktop.models import AuditEvent, Patient
from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.services.core import progress
from clinic_desktop.services.exchange.patient_csv import COLUMNS
from clinic_desktop.services.patients import patients
from clinic_desktop.ui.exchange import import_dialog
from clinic_desktop.ui.exchange.import_dialog import HEADERS, PROBLEM_COLUMN, STATUS_COLUMN, PatientImportDialog
from clinic_desktop.ui.ops.op import Op
from clinic_desktop.ui.shell.change_hub import ChangeHub

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=timezone.utc)
ROWS = ("9434765919,Smith,Ann,1961-02-09,female,,BS1 4DJ,,none\n"
        "4010232138,Jones,Bob,1970-01-01,male,,,,none\n"
        ",Patel,Rita,31/02/1980,,,,,\n"
        "4010232137,Wang,Fang,09/02/1975,,,,,mild\n")


CLINIC_TIME = NOW  # every test here runs at this moment (tests/conftest.py: clinic_clock)


@pytest.fixture
def csv_file(tmp_path):
    path = tmp_path / "new.csv"
    path.write_text(",".join(COLUMNS) + "\n" + ROWS, encoding="utf-8")
    return path


@pytest.fixture
def dialog(qtbot, sqlite_staff):
    shown = PatientImportDialog(sqlite_staff.manager, load_settings())
    qtbot.addWidget(shown)
    shown.show()
    return shown


def finish(qtbot, op) -> None:
    with qtbot.waitSignal(op.finished, timeout=10_000):
        pass


def settle(qtbot, dialog) -> None:
    """Wait until the work a click started (a preview, an import) is over."""
    qtbot.waitUntil(lambda: not any(op.is_running() for op in dialog.findChildren(Op)), timeout=10_000)


def cell(dialog, row, column):
    return dialog.model.index(row, column).data()


def test_before_a_file_is_chosen_nothing_can_be_imported(qtbot, dialog):
    assert not dialog.import_button.isEnabled()
    assert dialog.file_label.text() == "No file chosen yet."


def test_choose_file_opens_a_file_dialog_that_previews_the_chosen_file(qtbot, dialog, csv_file):
    qtbot.mouseClick(dialog.choose_button, Qt.MouseButton.LeftButton)
    assert isinstance(dialog.file_dialog, QFileDialog) and dialog.file_dialog.isVisible()
    dialog.file_dialog.fileSelected.emit(str(csv_file))
    settle(qtbot, dialog)
    assert dialog.summary.text() == "4 rows: 2 patients can be imported, 2 rows have problems and would be left out."


def test_the_preview_names_each_bad_rows_line_column_and_problem(qtbot, dialog, csv_file):
    finish(qtbot, dialog.load(csv_file))
    bad = [(cell(dialog, row, 0), cell(dialog, row, STATUS_COLUMN), cell(dialog, row, PROBLEM_COLUMN))
           for row in range(dialog.model.rowCount()) if cell(dialog, row, STATUS_COLUMN) != "To import"]
    assert bad == [
        ("3", "⚠ Left out", "NHS number: 401 023 2138 is not a valid NHS number (its check digit does not match): "
                            "check it for a mistyped digit"),
        ("4", "⚠ Left out", "Date of birth: '31/02/1980' is not a date in the calendar (day 31, month 2, year 1980)")]


def test_the_preview_shows_each_date_of_birth_as_read_with_the_month_in_words(qtbot, dialog, tmp_path):
    path = tmp_path / "dates.csv"
    path.write_text(",".join(COLUMNS) + "\n,Patel,Rita,02/03/1980,,,,,\n,Smith,Ann,1961-02-09,,,,,\n"
                    "9434765918,Jones,Bob,12/01/1970,,,,,\n,Wang,Fang,31/02/1980,,,,,\n", encoding="utf-8")
    finish(qtbot, dialog.load(path))
    born = HEADERS.index("Date of birth")
    assert [cell(dialog, row, born) for row in range(dialog.model.rowCount())] == [
        "02 Mar 1980", "09 Feb 1961", "12 Jan 1970", "31/02/1980"]


def test_selecting_a_row_shows_its_date_of_birth_as_read_and_as_written(qtbot, dialog, tmp_path):
    path = tmp_path / "dates.csv"
    path.write_text(",".join(COLUMNS) + "\n,Patel,Rita,02/03/1980,,,,,\n", encoding="utf-8")
    finish(qtbot, dialog.load(path))
    dialog.table.selectRow(0)
    assert dialog.detail.text() == ("Line 2 (family name Patel, given name Rita, date of birth 02 Mar 1980 (written "
                                    "02/03/1980)) will be imported.")
    assert "date of birth: 02 Mar 1980 (written 02/03/1980)" in dialog.model.index(0, 0).data(
        Qt.ItemDataRole.ToolTipRole)


def test_a_bad_row_is_coloured_as_well_as_worded(qtbot, dialog, csv_file):
    finish(qtbot, dialog.load(csv_file))
    assert dialog.model.index(1, STATUS_COLUMN).data(Qt.ItemDataRole.ForegroundRole) is not None
    assert dialog.model.index(0, STATUS_COLUMN).data(Qt.ItemDataRole.ForegroundRole) is None


def test_the_import_button_says_how_many_patients_it_will_import(qtbot, dialog, csv_file):
    finish(qtbot, dialog.load(csv_file))
    assert dialog.import_button.text() == "Import 2 patients" and dialog.import_button.isEnabled()


def test_previewing_writes_nothing(qtbot, dialog, csv_file):
    events = AuditEvent.select().count()
    finish(qtbot, dialog.load(csv_file))
    assert (Patient.select().count(), AuditEvent.select().count()) == (0, events)


def test_only_problems_shows_just_the_rows_left_out(qtbot, dialog, csv_file):
    finish(qtbot, dialog.load(csv_file))
    qtbot.keyClick(dialog.only_problems, Qt.Key.Key_Space)
    assert [cell(dialog, row, 0) for row in range(dialog.model.rowCount())] == ["3", "4"]


def test_selecting_a_row_shows_it_in_full_below(qtbot, dialog, csv_file):
    finish(qtbot, dialog.load(csv_file))
    dialog.table.selectRow(2)
    assert dialog.detail.text() == ("Line 4 (family name Patel, given name Rita, date of birth 31/02/1980) left out: "
                                    "Date of birth: '31/02/1980' is not a date in the calendar (day 31, month 2, "
                                    "year 1980).")


def test_import_registers_the_good_rows_and_says_so(qtbot, dialog, csv_file):
    finish(qtbot, dialog.load(csv_file))
    with qtbot.waitSignal(dialog.imported, timeout=10_000) as imported:
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert imported.args[0].imported == 2
    assert sorted(patient.family_name for patient in Patient.select()) == ["Smith", "Wang"]
    assert dialog.result_banner.isVisible()
    assert dialog.result_banner.text() == "✔ Imported 2 patients from new.csv; 2 rows with problems left out."
    assert not dialog.import_button.isEnabled() and dialog.close_button.text() == "Close"


def test_pressing_import_twice_imports_once(qtbot, dialog, csv_file):
    finish(qtbot, dialog.load(csv_file))
    first, second = dialog.import_rows(), dialog.import_rows()
    finish(qtbot, first)
    assert second is None
    assert Patient.select().count() == 2


def test_a_file_changed_since_the_preview_is_refused_inline_and_nothing_is_written(qtbot, dialog, csv_file):
    finish(qtbot, dialog.load(csv_file))
    csv_file.write_text(",".join(COLUMNS) + "\n" + ROWS + ",Late,Larry,1980-01-01,,,,,\n", encoding="utf-8")
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    settle(qtbot, dialog)
    assert dialog.message.isVisible()
    assert dialog.message.text() == "The file new.csv changed since it was previewed; nothing was imported: preview it again."
    assert Patient.select().count() == 0


def test_preview_again_reads_the_changed_file(qtbot, dialog, csv_file):
    finish(qtbot, dialog.load(csv_file))
    csv_file.write_text(",".join(COLUMNS) + "\n" + ROWS + ",Late,Larry,1980-01-01,,,,,\n", encoding="utf-8")
    qtbot.mouseClick(dialog.reload_button, Qt.MouseButton.LeftButton)
    settle(qtbot, dialog)
    assert dialog.import_button.text() == "Import 3 patients"


def test_a_patient_registered_since_the_preview_stops_the_import(qtbot, dialog, csv_file, sqlite_staff):
    finish(qtbot, dialog.load(csv_file))
    patients.register_patient(sqlite_staff.receptionist, family_name="Wang", given_name="Fang",
                              date_of_birth=date(1975, 2, 9))
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    settle(qtbot, dialog)
    assert dialog.message.text().startswith("Line 5 of new.csv would no longer be imported as previewed (May "
                                            "already be registered as WANG, Fang")
    assert Patient.select().count() == 1


def test_an_import_stopped_midway_keeps_no_patient(qtbot, dialog, csv_file, monkeypatch):
    finish(qtbot, dialog.load(csv_file))
    original = progress.Watcher.step
    monkeypatch.setattr(progress.Watcher, "step", lambda self, *step: (original(self, *step),
                                                                        threading.Event().wait(0.2)))
    events = AuditEvent.select().count()
    op = dialog.import_rows()
    qtbot.waitUntil(lambda: (shown := dialog.findChild(QProgressDialog, "progress")) is not None
                    and shown.isVisible() and shown.labelText().startswith("Registering patient"), timeout=5000)
    assert dialog.findChild(QProgressDialog, "progress").maximum() == 2
    with qtbot.waitSignal(op.finished, timeout=10_000):
        qtbot.mouseClick(dialog.findChild(QProgressDialog, "progress").findChild(QPushButton),
                         Qt.MouseButton.LeftButton)
    assert (Patient.select().count(), AuditEvent.select().count()) == (0, events)
    assert dialog.import_button.isEnabled() and dialog.import_button.text() == "Import 2 patients"


def test_a_file_with_wrong_columns_is_explained_and_cannot_be_imported(qtbot, dialog, tmp_path):
    path = tmp_path / "wrong.csv"
    path.write_text("surname,forename\nSmith,Ann\n", encoding="utf-8")
    finish(qtbot, dialog.load(path))
    assert dialog.message.text().startswith("The file wrong.csv has a column 'surname' that is not a patient detail")
    assert dialog.model.rowCount() == 0 and not dialog.import_button.isEnabled()


def test_every_input_has_an_accessible_name(qtbot, dialog):
    for widget in (dialog.choose_button, dialog.reload_button, dialog.table):
        assert widget.accessibleName()
    # the selected row's text is what a reader hears; what it is, its description
    assert dialog.detail.accessibleDescription() == "The selected row in full" and not dialog.detail.accessibleName()


def test_for_screenshot_previews_good_and_bad_rows(qtbot, sqlite_staff):
    shown = import_dialog.for_screenshot(sqlite_staff.manager, load_settings(), ChangeHub(sqlite_staff.manager))
    qtbot.addWidget(shown)
    assert shown.preview.good_rows and shown.preview.bad_rows
