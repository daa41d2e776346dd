"""The main window as each role sees it: their own list first, counts, urgent referrals pinned."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from PySide6.QtCore import Qt

from clinic_desktop.services import episodes, patients
from clinic_desktop.services.clock import frozen_at
from clinic_desktop.services.settings import load_settings
from clinic_desktop.services.worklists import Page
from clinic_desktop.ui.main_window import MainWindow
from clinic_desktop.ui.paged_table_model import PAGE_SIZE, Column, PagedTableModel

MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def monday():
    with frozen_at(MONDAY):
        yield


def _patient_with_episode(staff, family_name: str, first_contact: date, red_flags=()):
    patient = patients.register_patient(staff.receptionist, family_name=family_name, given_name="Ann",
                                        date_of_birth=date(1970, 1, 1))
    episodes.open_episode(staff.clinician, patient.id, first_contact_on=first_contact,
                          presentation="non_specific", severity="moderate", red_flags=red_flags)


def test_receptionist_sees_the_to_book_list_first_with_its_count(qtbot, sqlite_staff):
    _patient_with_episode(sqlite_staff, "Smith", date(2026, 11, 2))
    window = MainWindow(sqlite_staff.receptionist, load_settings())
    qtbot.addWidget(window)
    assert window.tab_titles()[0] == "To book (2)"  # the 2-week review and the 12-week check
    table = window.tabs.widget(0)
    assert table.model().index(0, 0).data() == "2-week review"
    assert table.model().index(0, 3).data() == "SMITH, Ann"


def test_manager_sees_overdue_first_with_the_days_overdue(qtbot, sqlite_staff):
    _patient_with_episode(sqlite_staff, "Jones", date(2026, 10, 1))  # 2-week review due 15 Oct
    window = MainWindow(sqlite_staff.manager, load_settings())
    qtbot.addWidget(window)
    assert window.tab_titles()[0] == "Overdue (1)"
    model = window.tabs.widget(0).model()
    assert model.index(0, 0).data() == "39 d"
    assert model.index(0, 1).data() == "2-week review"
    assert model.index(0, 0).data(Qt.ItemDataRole.ForegroundRole) is not None


def test_urgent_red_flag_referral_is_pinned_above_every_list(qtbot, sqlite_staff):
    _patient_with_episode(sqlite_staff, "Brown", date(2026, 11, 23), red_flags=["suspected cauda equina"])
    window = MainWindow(sqlite_staff.clinician, load_settings())
    qtbot.addWidget(window)
    window.show()
    banner = window.findChild(type(window._urgent), "urgentBanner")
    assert banner.isVisible()
    assert "URGENT red-flag referral" in banner.text() and "BROWN, Ann" in banner.text()


def test_refresh_shows_a_change_made_meanwhile(qtbot, sqlite_staff):
    window = MainWindow(sqlite_staff.receptionist, load_settings())
    qtbot.addWidget(window)
    assert window.tab_titles()[0] == "To book (0)"
    _patient_with_episode(sqlite_staff, "Taylor", date(2026, 11, 20))
    window.refresh_action.trigger()
    assert window.tab_titles()[0] == "To book (2)"


def test_a_long_list_is_fetched_a_page_at_a_time():
    rows = [f"row {number}" for number in range(250)]
    asked = []

    def fetch(offset, limit):
        asked.append((offset, limit))
        return Page(rows=tuple(rows[offset:offset + limit]), total=len(rows), offset=offset, limit=limit)

    model = PagedTableModel([Column("Name", lambda row: row)], fetch)
    model.reload()
    assert model.rowCount() == PAGE_SIZE and model.total == 250 and model.canFetchMore()
    model.fetchMore()
    model.fetchMore()
    assert model.rowCount() == 250 and not model.canFetchMore()
    assert asked == [(0, PAGE_SIZE), (PAGE_SIZE, PAGE_SIZE), (2 * PAGE_SIZE, PAGE_SIZE)]
    assert model.index(249, 0).data() == "row 249"
    assert model.index(0, 0).data(Qt.ItemDataRole.DecorationRole) is None


def test_clinician_sees_their_day_then_the_assessments_they_owe(qtbot, sqlite_staff):
    window = MainWindow(sqlite_staff.clinician, load_settings())
    qtbot.addWidget(window)
    assert window.tab_titles() == ["Today (0)", "Assessments due (0)", "Awaiting signature (0)", "Overdue (0)",
                                   "To book (0)"]
