"""Export… on the worklists: any list, as the table words it, to PDF or CSV (the manager's reports)."""
from __future__ import annotations

import threading

from dashboard_clinic import NOW, DashboardClinic
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QPushButton

from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.services.core import progress
from clinic_desktop.ui.manager.report_files import file_stem
from clinic_desktop.ui.shell.change_hub import ChangeHub
from clinic_desktop.ui.worklists.worklists_panel import WorklistsPanel

CLINIC_TIME = NOW  # every test here runs at this moment (tests/conftest.py: clinic_clock)


def panel_for(qtbot, actor):
    hub = ChangeHub(actor, poll_seconds=600)
    panel = WorklistsPanel(actor, load_settings(), hub)
    hub.setParent(panel)
    qtbot.addWidget(panel)
    return panel


def test_the_manager_can_export_every_list(qtbot, sqlite_staff):
    panel = panel_for(qtbot, sqlite_staff.manager)

    tables = [getattr(widget, "list", widget) for widget in panel.lists]  # the overdue list sits beside its kinds
    assert len(tables) == 7 and all(table.export_button is not None for table in tables)


def test_the_front_desk_has_no_export(qtbot, sqlite_staff):
    panel = panel_for(qtbot, sqlite_staff.receptionist)

    tables = [getattr(widget, "list", widget) for widget in panel.lists]
    assert all(table.export_button is None for table in tables)


def test_export_writes_the_list_of_the_chosen_kind_as_shown(qtbot, rows_shown, sqlite_staff, tmp_path):
    DashboardClinic(sqlite_staff).build()
    panel = panel_for(qtbot, sqlite_staff.manager)
    overdue = rows_shown(panel.list_for("overdue"))
    overdue.kinds.setCurrentRow(next(number for number in range(overdue.kinds.count())
                                     if overdue.kinds.item(number).text().startswith("2-week review")))
    rows_shown(overdue)
    path = tmp_path / "overdue.csv"

    qtbot.mouseClick(overdue.list.export_button, Qt.MouseButton.LeftButton)
    dialog = _dialog(overdue.list)
    dialog.selectNameFilter("CSV spreadsheet (*.csv)")
    dialog.selectFile(str(path))
    dialog.accept()

    qtbot.waitUntil(lambda: overdue.list.findChild(QMessageBox, "reportSaved") is not None, timeout=10_000)
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "Overdue,Kind,Due by,Patient,NHS number,Date of birth,Clinician,Status"
    assert [line.split(",")[0] for line in lines[1:]] == ["OVERDUE 30 d", "OVERDUE 16 d", "OVERDUE 7 d"]
    assert "26 Oct 2026" in lines[1]


def test_export_to_pdf_titles_the_report_with_the_list(qtbot, sqlite_staff, tmp_path):
    DashboardClinic(sqlite_staff).build()
    panel = panel_for(qtbot, sqlite_staff.manager)
    to_book = panel.list_for("to_book")
    path = tmp_path / "to-book.pdf"

    qtbot.mouseClick(to_book.export_button, Qt.MouseButton.LeftButton)
    dialog = _dialog(to_book)
    dialog.selectFile(str(path))
    dialog.accept()

    qtbot.waitUntil(lambda: to_book.findChild(QMessageBox, "reportSaved") is not None, timeout=10_000)
    text = PdfReader(path).pages[0].extract_text()
    assert text.startswith("To book") and "GREEN, Ann" in text


def test_a_long_export_shows_its_progress_and_cancel_writes_nothing(qtbot, sqlite_staff, tmp_path, monkeypatch):
    DashboardClinic(sqlite_staff).build()
    panel = panel_for(qtbot, sqlite_staff.manager)
    to_book = panel.list_for("to_book")
    original = progress.Watcher.step
    monkeypatch.setattr(progress.Watcher, "step", lambda self, *step: (original(self, *step),
                                                                        threading.Event().wait(0.4)))
    qtbot.mouseClick(to_book.export_button, Qt.MouseButton.LeftButton)
    dialog = _dialog(to_book)
    dialog.selectFile(str(tmp_path / "to-book.pdf"))
    dialog.accept()

    qtbot.waitUntil(lambda: (shown := to_book.findChild(QProgressDialog, "progress")) is not None
                    and shown.isVisible() and shown.labelText().startswith("Laying out"), timeout=5000)
    working = to_book.findChild(QProgressDialog, "progress")
    assert working.labelText() == "Laying out the To book list as PDF…"
    qtbot.mouseClick(working.findChild(QPushButton), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: to_book.findChild(QProgressDialog, "progress") is None, timeout=10_000)
    assert list(tmp_path.glob("*to-book*")) == []
    assert to_book.findChild(QMessageBox, "reportSaved") is None


def test_file_names_suggested_from_the_title():
    assert file_stem("Overdue – 2-week review") == "overdue-2-week-review"


def _dialog(parent):
    from PySide6.QtWidgets import QFileDialog

    return parent.findChild(QFileDialog, "reportFileDialog")
