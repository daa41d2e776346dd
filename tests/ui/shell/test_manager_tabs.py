"""The practice manager's tabs in the main window, and what they set off in the session."""
from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from clinic_desktop.services.admin import backup
from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.services.core.actor import Actor
from clinic_desktop.services.patients import patients
from clinic_desktop.ui.shell.main_window import MainWindow
from clinic_desktop.ui.shell.session import DesktopSession
from clinic_desktop.ui.shell.sign_in_dialog import SignInDialog

MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)


CLINIC_TIME = MONDAY  # every test here runs at this moment (tests/conftest.py: clinic_clock)


def _titles(window: MainWindow) -> list[str]:
    return [window.tabs.tabText(index) for index in range(window.tabs.count())]


def test_the_manager_has_dashboard_audit_and_administration_tabs(qtbot, main_window, sqlite_staff):
    window = main_window(sqlite_staff.manager)
    assert _titles(window) == ["&Worklists", "&Patients", "Appointment &book", "Dashboard", "Audit",
                               "Administration", "Reminders"]
    pages = window.manager.admin.pages
    assert [pages.item(row).text() for row in range(pages.count())][-1] == "Backups"


@pytest.mark.parametrize("role, reminders", [("receptionist", ["Reminders"]), ("clinician", [])])
def test_other_roles_never_get_the_managers_tabs(qtbot, main_window, sqlite_staff, role, reminders):
    window = main_window(getattr(sqlite_staff, role))
    assert _titles(window) == ["&Worklists", "&Patients", "Appointment &book", *reminders]
    assert window.manager.audit is None and window.manager.admin is None


def test_ctrl_5_goes_to_the_audit_trail_and_its_patient_opens_in_a_tab(qtbot, main_window, sqlite_staff):
    patients.register_patient(sqlite_staff.receptionist, family_name="Smith", given_name="Ann",
                              date_of_birth=date(1970, 1, 1))
    window = main_window(sqlite_staff.manager)
    go_to_audit = [action for action in window.findChildren(QAction) if action.shortcut().toString() == "Ctrl+5"]
    assert [action.text() for action in go_to_audit] == ["&Audit"]
    go_to_audit[0].trigger()
    assert window.tabs.currentWidget() is window.manager.audit
    table = window.manager.audit.table
    table.setFocus()
    table.setCurrentIndex(table.model().index(0, 0))
    QTest.keyClick(table, Qt.Key.Key_Return)
    assert window.tabs.tabText(window.tabs.currentIndex()).startswith("SMITH, Ann")


def test_the_patient_record_export_is_offered_only_on_a_patients_tab(qtbot, main_window, sqlite_staff):
    patient = patients.register_patient(sqlite_staff.receptionist, family_name="Smith", given_name="Ann",
                                        date_of_birth=date(1970, 1, 1))
    window = main_window(sqlite_staff.clinician)
    assert not window.export_record_action.isEnabled()
    window.open_patient(patient.id)
    assert window.export_record_action.isEnabled()
    window.tabs.setCurrentIndex(0)
    assert not window.export_record_action.isEnabled()


@pytest.fixture
def session(qtbot, sqlite_staff):
    session = DesktopSession(load_settings(), "clinic.sqlite3")
    yield session
    session._idle.stop()
    for widget in (session.window, session.lock_screen, session.sign_in):
        if widget is not None:
            widget.hide()
            widget.deleteLater()


def test_a_saved_clinic_name_and_idle_time_apply_to_the_open_window_at_once(qtbot, session, sqlite_staff):
    window = session.start(sqlite_staff.manager)
    clinic = window.manager.admin.clinic
    clinic.name.setText("Riverside Spinal Clinic")
    clinic.lock_after.setValue(3)
    clinic.save()
    assert load_settings().name == "Riverside Spinal Clinic"
    assert window.windowTitle() == "Clinic Desktop — Riverside Spinal Clinic"
    assert session._idle._timer.interval() == 3 * 60_000


def test_after_a_restore_everyone_signs_in_again_on_the_restored_accounts(qtbot, session, sqlite_staff, tmp_path):
    copy = tmp_path / "before.sqlite3"
    backup.back_up(sqlite_staff.manager, copy)
    window = session.start(sqlite_staff.manager)
    with qtbot.waitSignal(window.manager.backups.restore_from(copy).finished, timeout=20_000):
        pass
    assert session.window is None
    assert session.sign_in.isVisible()
    assert len([widget for widget in QApplication.topLevelWidgets()
                if isinstance(widget, SignInDialog) and widget.isVisible()]) == 1
    assert "restored from a backup" in session.sign_in.findChildren(type(window._signed_in))[0].text()


def test_the_open_app_makes_the_days_backup_and_says_so(qtbot, session, sqlite_staff, sqlite_database):
    window = session.start(sqlite_staff.receptionist)
    timer = session.start_daily_backup()
    timer.wait()
    qtbot.waitUntil(lambda: "backup was written to" in window.statusBar().currentMessage(), timeout=5000)
    session.stop_daily_backup()
    copies = list((Path(sqlite_database.database).parent / "backups").glob("*2026-11-23*"))
    assert len(copies) == 1 and copies[0].stat().st_size > 0


def test_a_restore_from_the_command_line_signs_the_open_window_out(qtbot, session, sqlite_staff, tmp_path):
    copy = tmp_path / "before.sqlite3"
    backup.back_up(sqlite_staff.manager, copy)
    window = session.start(sqlite_staff.receptionist)
    backup.restore(Actor.command_line(), copy)  # as `clinic-desktop restore` would, elsewhere
    window.hub.poll()
    assert session.window is None
    assert "restored from a backup" in session.sign_in.findChildren(type(window._signed_in))[0].text()
    assert len([widget for widget in QApplication.topLevelWidgets()
                if isinstance(widget, SignInDialog) and widget.isVisible()]) == 1
