"""A worklist worked without a mouse (issue 16, WCAG 2.1.1, 2.4.3): from the filter Tab goes to
the table, a row is chosen with the arrows, and the next Tab reaches the buttons that act on it;
their shortcuts work from the table."""
from __future__ import annotations

from datetime import date, datetime, timezone

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.services.episodes import episodes
from clinic_desktop.services.patients import patients
from clinic_desktop.ui.book.booking_dialog import BookingDialog
from clinic_desktop.ui.shell.change_hub import ChangeHub
from clinic_desktop.ui.worklists.worklists_panel import WorklistsPanel

CLINIC_TIME = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)  # tests/conftest.py: clinic_clock


def _to_book(qtbot, rows_shown, staff):
    patient = patients.register_patient(staff.receptionist, family_name="Tabb", given_name="Ann",
                                        date_of_birth=date(1970, 1, 1))
    episodes.open_episode(staff.clinician, patient.id, first_contact_on=date(2026, 11, 16),
                          presentation="non_specific", severity="moderate")
    hub = ChangeHub(staff.receptionist, poll_seconds=60)
    panel = WorklistsPanel(staff.receptionist, load_settings(), hub)
    hub.setParent(panel)
    qtbot.addWidget(panel)
    return rows_shown(panel.list_for("to_book"))


def _booking_opened(qtbot, worklist) -> BookingDialog:
    qtbot.waitUntil(lambda: worklist.window().findChild(BookingDialog) is not None)
    dialog = worklist.window().findChild(BookingDialog)
    dialog.reject()
    return dialog


def test_after_choosing_a_row_tab_reaches_its_buttons(qtbot, rows_shown, sqlite_staff):
    worklist = _to_book(qtbot, rows_shown, sqlite_staff)
    worklist.activateWindow()
    worklist.filter.setFocus()
    qtbot.keyClick(worklist.filter, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is worklist.table
    qtbot.keyClick(worklist.table, Qt.Key.Key_Down)
    assert worklist.selected_row().patient_name.startswith("TABB")
    stops = []
    for _ in range(2):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        stops.append(QApplication.focusWidget())
    assert stops == [worklist.buttons["Open patient"], worklist.buttons["Book review"]]
    qtbot.keyClick(stops[-1], Qt.Key.Key_Space)
    assert _booking_opened(qtbot, worklist) is not None


def test_the_book_shortcut_works_from_the_table(qtbot, rows_shown, sqlite_staff):
    worklist = _to_book(qtbot, rows_shown, sqlite_staff)
    worklist.activateWindow()
    worklist.table.setFocus()
    qtbot.keyClick(worklist.table, Qt.Key.Key_Down)
    qtbot.keyClick(worklist.table, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    assert _booking_opened(qtbot, worklist) is not None

