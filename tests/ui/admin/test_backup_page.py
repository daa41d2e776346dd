"""The backup page, driven as the practice manager drives it."""
from __future__ import annotations

import sqlite3
import threading
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog, QPushButton

from clinic_desktop.models import Patient
from clinic_desktop.services.admin import backup, settings
from clinic_desktop.services.core.clock import frozen_at
from clinic_desktop.services.patients import patients
from clinic_desktop.ui.admin.backup_page import BackupPage, for_screenshot
from clinic_desktop.ui.shell.change_hub import ChangeHub

MORNING = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)


def register(staff, family: str, nhs: str) -> None:
    patients.register_patient(staff.receptionist, family_name=family, given_name="Ann",
                              date_of_birth=date(1961, 2, 9), nhs_number=nhs)


@pytest.fixture
def page(qtbot, sqlite_staff, tmp_path):
    register(sqlite_staff, "Smith", "9434765919")
    settings.update_clinic_settings(sqlite_staff.manager, backup_folder=str(tmp_path / "daily"))
    with frozen_at(MORNING):
        view = BackupPage(sqlite_staff.manager, settings.load_settings(), ChangeHub(sqlite_staff.manager))
    qtbot.addWidget(view)
    view.show()
    return view


def back_up(qtbot, page, path: Path) -> bool:
    with qtbot.waitSignal(page.backup_finished, timeout=20_000) as finished:
        page.back_up_to(path)
    return finished.args[0]


def checked(qtbot, page, path: Path):
    """Check ``path`` for a restore and wait for the verdict: the confirmation box, or None."""
    with qtbot.waitSignal(page.check_restore(path).finished, timeout=20_000):
        pass
    return page.confirmation


def choose_file(qtbot, page, path: Path) -> None:
    qtbot.waitUntil(lambda: page.file_dialog is not None and page.file_dialog.isVisible())
    page.file_dialog.selectFile(str(path))
    page.file_dialog.accept()


def test_back_up_now_writes_the_chosen_file_and_says_what_it_holds(qtbot, page, tmp_path):
    qtbot.mouseClick(page.back_up_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(page.backup_finished, timeout=20_000):
        choose_file(qtbot, page, tmp_path / "friday.sqlite3")
    assert page.backup_result.text().startswith(
        f"Backed up to {tmp_path / 'friday.sqlite3'}: 1 patient, 0 appointments, last activity")
    assert page.backup_result.text().endswith("The copy was checked.")
    with sqlite3.connect(tmp_path / "friday.sqlite3") as connection:
        assert connection.execute("SELECT family_name FROM patient").fetchall() == [("Smith",)]


def test_a_backup_that_fails_says_why_on_the_page(qtbot, page, tmp_path):
    assert back_up(qtbot, page, tmp_path / "no-such-folder" / "copy.sqlite3") is False
    assert page.backup_result.text() == f"Not backed up: there is no folder {tmp_path / 'no-such-folder'}."


def test_while_the_copy_runs_the_page_says_so_and_waits_for_it(qtbot, page, tmp_path):
    with qtbot.waitSignal(page.backup_finished, timeout=20_000):
        page.back_up_to(tmp_path / "friday.sqlite3")
        assert page.backup_result.text() == (f"Backing up to {tmp_path / 'friday.sqlite3'}… "
                                             "You can carry on working meanwhile.")
        assert not page.back_up_button.isEnabled() and not page.restore_button.isEnabled()
    assert page.back_up_button.isEnabled() and page.restore_button.isEnabled()


def test_restore_asks_first_naming_what_is_replaced(qtbot, page, sqlite_staff, tmp_path):
    back_up(qtbot, page, tmp_path / "monday.sqlite3")
    register(sqlite_staff, "Wang", "4010232137")
    qtbot.mouseClick(page.restore_button, Qt.MouseButton.LeftButton)
    choose_file(qtbot, page, tmp_path / "monday.sqlite3")
    qtbot.waitUntil(lambda: page.confirmation is not None and page.confirmation.isVisible(), timeout=20_000)
    box = page.confirmation
    assert "monday.sqlite3</b> holds 1 patient, 0 appointments" in box.informativeText()
    assert "the current database, which holds 2 patients, 0 appointments" in box.informativeText()
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel)
    assert Patient.select().count() == 2  # nothing happens before the answer


def test_confirming_restores_and_tells_the_window(qtbot, page, sqlite_staff, tmp_path):
    back_up(qtbot, page, tmp_path / "monday.sqlite3")
    register(sqlite_staff, "Wang", "4010232137")
    box = checked(qtbot, page, tmp_path / "monday.sqlite3")
    replace = next(button for button in box.buttons() if button.text() == "Replace the database")
    with qtbot.waitSignal(page.restored, timeout=20_000):
        qtbot.mouseClick(replace, Qt.MouseButton.LeftButton)
    assert [patient.family_name for patient in Patient.select()] == ["Smith"]
    assert page.restore_result.text().startswith(f"Restored {tmp_path / 'monday.sqlite3'}: 1 patient")
    assert "It replaced 2 patients" in page.restore_result.text()


def test_cancelling_the_confirmation_changes_nothing(qtbot, page, sqlite_staff, tmp_path):
    back_up(qtbot, page, tmp_path / "monday.sqlite3")
    register(sqlite_staff, "Wang", "4010232137")
    box = checked(qtbot, page, tmp_path / "monday.sqlite3")
    with qtbot.assertNotEmitted(page.restored):
        qtbot.mouseClick(box.button(QMessageBox.StandardButton.Cancel), Qt.MouseButton.LeftButton)
    assert Patient.select().count() == 2


def test_a_file_that_is_not_a_backup_is_refused_in_a_box(qtbot, page, tmp_path):
    (tmp_path / "notes.sqlite3").write_text("shopping list")
    assert checked(qtbot, page, tmp_path / "notes.sqlite3") is None
    box = next(widget for widget in QApplication.topLevelWidgets()
               if widget.objectName() == "refusal" and widget.isVisible())
    assert "is not a Clinic Desktop backup" in box.text()
    assert Patient.select().count() == 1


def test_the_check_runs_beside_the_window_with_its_steps_shown_and_cancel_restores_nothing(
        qtbot, page, sqlite_staff, tmp_path, monkeypatch):
    back_up(qtbot, page, tmp_path / "monday.sqlite3")
    register(sqlite_staff, "Wang", "4010232137")
    release, ticks = threading.Event(), []
    slow_copy = backup.files.snapshot_chosen_file

    def copy_when_released(path, target):  # a large file: the copy takes as long as the test wants
        release.wait(10)
        slow_copy(path, target)

    monkeypatch.setattr(backup.files, "snapshot_chosen_file", copy_when_released)
    heartbeat = QTimer(page)
    heartbeat.timeout.connect(lambda: ticks.append(1))
    heartbeat.start(10)
    op = page.check_restore(tmp_path / "monday.sqlite3")
    qtbot.waitUntil(lambda: page.findChild(QProgressDialog, "progress") is not None
                    and page.findChild(QProgressDialog, "progress").isVisible(), timeout=5000)
    dialog = page.findChild(QProgressDialog, "progress")
    assert dialog.labelText() == "Copying monday.sqlite3 aside to check it…"
    assert dialog.maximum() == 3
    assert len(ticks) > 10  # the window's event loop turned all along
    qtbot.mouseClick(dialog.findChild(QPushButton), Qt.MouseButton.LeftButton)
    release.set()
    with qtbot.waitSignal(op.finished, timeout=20_000):
        pass
    assert page.confirmation is None and not [widget for widget in QApplication.topLevelWidgets()
                                              if widget.objectName() == "refusal" and widget.isVisible()]
    assert Patient.select().count() == 2
    assert not list(backup.live_database_file().parent.glob(".restore-*"))  # no working copy left behind


def test_daily_settings_are_saved_from_the_page(qtbot, page, tmp_path):
    page.daily_check.setChecked(False)
    page.folder_edit.clear()
    qtbot.keyClicks(page.folder_edit, str(tmp_path / "elsewhere"))
    page.copies_spin.setValue(5)
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    stored = settings.load_settings()
    assert (stored.daily_backup, stored.backup_folder, stored.backup_copies_kept) == (
        False, str(tmp_path / "elsewhere"), 5)
    assert page.daily_message.text() == "Saved."
    assert page.folder_label.text() == f"In {tmp_path / 'elsewhere'} (daily backup switched off)."


def test_a_relative_folder_is_refused_inline(qtbot, page):
    page.folder_edit.setText("backups")
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert page.daily_message.text().startswith("The backup folder must be a full path")
    assert settings.load_settings().backup_folder != "backups"


def test_the_kept_daily_copies_are_listed_newest_first(qtbot, page, sqlite_staff, tmp_path):
    folder = tmp_path / "daily"
    folder.mkdir()
    for day in ("2026-11-20", "2026-11-22", "2026-11-21"):
        (folder / f"clinic-daily-{day}.sqlite3").write_bytes(b"x" * 2_500_000)
    (folder / "notes.txt").write_text("not ours")
    page.refresh_copies()
    cells = [[page.copies_table.item(row, column).text() for column in range(3)]
             for row in range(page.copies_table.rowCount())]
    assert cells == [["22 Nov 2026", "clinic-daily-2026-11-22.sqlite3", "2.5 MB"],
                     ["21 Nov 2026", "clinic-daily-2026-11-21.sqlite3", "2.5 MB"],
                     ["20 Nov 2026", "clinic-daily-2026-11-20.sqlite3", "2.5 MB"]]


def test_every_input_has_an_accessible_name(page):
    """The name a screen reader says: its own, or its words (the check box is named by what it shows)."""
    for widget in (page.daily_check, page.folder_edit, page.copies_spin, page.copies_table):
        assert QAccessible.queryAccessibleInterface(widget).text(QAccessible.Text.Name)
    assert QAccessible.queryAccessibleInterface(page.daily_check).text(QAccessible.Text.Name) == \
        "Back up automatically once a day while the app is open"


def test_the_screenshot_shows_a_finished_backup(qtbot, sqlite_staff, tmp_path):
    register(sqlite_staff, "Smith", "9434765919")
    settings.update_clinic_settings(sqlite_staff.manager, backup_folder=str(tmp_path / "daily"))
    widget = for_screenshot(sqlite_staff.manager, settings.load_settings(), ChangeHub(sqlite_staff.manager))
    qtbot.addWidget(widget)
    assert widget.backup_result.text().startswith("Backed up to ")
    assert widget.copies_table.rowCount() == 1 and backup.uses_sqlite()


@pytest.mark.parametrize("database", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True)
def test_on_postgresql_the_page_shows_the_commands_and_copies_them_exactly(qtbot, staff):
    view = BackupPage(staff.manager, settings.load_settings(), ChangeHub(staff.manager))
    qtbot.addWidget(view)
    assert not view.restore_button.isEnabled()
    copy = next(button for button in view.findChildren(QPushButton)
                if button.accessibleName() == "Copy the pg_restore command")
    qtbot.mouseClick(copy, Qt.MouseButton.LeftButton)
    copied = QApplication.clipboard().text()
    assert copied == backup.pg_restore_command(Path("clinic.pgdump"))
    assert copied.startswith("pg_restore --clean --if-exists --single-transaction")
