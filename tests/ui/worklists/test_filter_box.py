"""Every worklist's filter box, as a user types in it: the rows narrow, the tab says "n of total",
Esc clears; the overdue list's Clinician column."""
from __future__ import annotations

from datetime import date, datetime, timezone

from PySide6.QtCore import Qt

from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.services.episodes import episodes
from clinic_desktop.services.patients import patients
from clinic_desktop.ui.shell.change_hub import ChangeHub
from clinic_desktop.ui.worklists.worklists_panel import WorklistsPanel

CLINIC_TIME = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)  # Mon 23 Nov 2026 (tests/conftest.py)


def _episode(staff, family_name: str, first_contact: date, **facts) -> None:
    patient = patients.register_patient(staff.receptionist, family_name=family_name, given_name="Ann",
                                        date_of_birth=date(1970, 1, 1))
    episodes.open_episode(staff.clinician, patient.id, first_contact_on=first_contact,
                          presentation="non_specific", severity="moderate", **facts)


def _panel(qtbot, actor) -> WorklistsPanel:
    panel = WorklistsPanel(actor, load_settings(), ChangeHub(actor, poll_seconds=3600))
    qtbot.addWidget(panel)
    return panel


def _patients_shown(worklist) -> list[str]:
    column = [column.header for column in worklist.view.columns].index("Patient")
    return [worklist.model.index(row, column).data() for row in range(worklist.model.rowCount())]


def _typed(qtbot, worklist, text: str) -> None:
    qtbot.keyClicks(worklist.filter, text)
    qtbot.waitUntil(worklist.is_read)


def test_typing_narrows_the_list_and_the_tab_counts_what_matches(qtbot, rows_shown, sqlite_staff):
    for name in ("Smith", "Smithers", "Brown"):
        _episode(sqlite_staff, name, date(2026, 11, 20))
    panel = _panel(qtbot, sqlite_staff.receptionist)
    to_book = rows_shown(panel.list_for("to_book"))
    assert panel.titles()[0] == "To book (6)"
    _typed(qtbot, to_book, "SMITH")
    assert sorted(set(_patients_shown(to_book))) == ["SMITH, Ann", "SMITHERS, Ann"]
    assert panel.titles()[0] == "To book (4 of 6)"
    _typed(qtbot, to_book, "ers 12-week")
    assert _patients_shown(to_book) == ["SMITHERS, Ann"]
    assert panel.titles()[0] == "To book (1 of 6)"
    qtbot.keyClick(to_book.filter, Qt.Key.Key_Escape)
    qtbot.waitUntil(to_book.is_read)
    assert to_book.filter.text() == "" and panel.titles()[0] == "To book (6)"
    assert len(_patients_shown(to_book)) == 6


def test_a_filter_that_matches_nothing_says_so(qtbot, rows_shown, sqlite_staff):
    _episode(sqlite_staff, "Smith", date(2026, 11, 20))
    panel = _panel(qtbot, sqlite_staff.receptionist)
    to_book = rows_shown(panel.list_for("to_book"))
    _typed(qtbot, to_book, "zzz")
    assert to_book.model.rowCount() == 0
    assert to_book._empty.isVisibleTo(to_book) and to_book._empty.text() == "No rows match “zzz”."
    assert panel.titles()[0] == "To book (0 of 2)"


def test_the_overdue_list_names_the_clinician_and_filters_by_them(qtbot, rows_shown, sqlite_staff):
    _episode(sqlite_staff, "Jones", date(2026, 10, 1))
    _episode(sqlite_staff, "Fracture", date(2026, 11, 1), red_flags=["suspected spinal fracture"])
    panel = _panel(qtbot, sqlite_staff.manager)
    overdue = rows_shown(panel.list_for("overdue")).list
    clinician = [column.header for column in overdue.view.columns].index("Clinician")
    assert {overdue.model.index(row, clinician).data() for row in range(overdue.model.rowCount())} == {
        "Dr Alys Jones"}
    _typed(qtbot, overdue, "fracture")
    assert set(_patients_shown(overdue)) == {"FRACTURE, Ann"}
    _typed(qtbot, overdue, " red-flag")
    assert [overdue.model.index(row, 1).data() for row in range(overdue.model.rowCount())] == [
        "Urgent red-flag referral"]
    assert panel.titles()[0] == "Overdue (1 of 3)"
