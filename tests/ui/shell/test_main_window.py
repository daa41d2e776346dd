"""The main window as each role sees it: their own list first, counts, urgent referrals pinned."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, datetime, timezone

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox

from clinic_desktop.services.appointments import appointments
from clinic_desktop.services.core.errors import DatabaseUnavailable
from clinic_desktop.services.episodes import episodes
from clinic_desktop.services.patients import patients
from clinic_desktop.services.worklists import worklists
from clinic_desktop.services.worklists.worklists import Page
from clinic_desktop.ui.book.appointment_book import AppointmentBookView
from clinic_desktop.ui.letters.letter_batch_dialog import LetterBatchDialog
from clinic_desktop.ui.manager.dashboard import DashboardView
from clinic_desktop.ui.patients.patient_search import PatientSearch
from clinic_desktop.ui.widgets.paged_table_model import PAGE_SIZE, Column, PagedTableModel

MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)


CLINIC_TIME = MONDAY  # every test here runs at this moment (tests/conftest.py: clinic_clock)


def _patient_with_episode(staff, family_name: str, first_contact: date, red_flags=()):
    patient = patients.register_patient(staff.receptionist, family_name=family_name, given_name="Ann",
                                        date_of_birth=date(1970, 1, 1))
    episodes.open_episode(staff.clinician, patient.id, first_contact_on=first_contact,
                          presentation="non_specific", severity="moderate", red_flags=red_flags)


def test_the_fixed_tabs_come_first_with_the_roles_own_list_on_top(qtbot, main_window, rows_shown, sqlite_staff):
    _patient_with_episode(sqlite_staff, "Smith", date(2026, 11, 2))
    window = main_window(sqlite_staff.receptionist)
    assert [window.tabs.tabText(index) for index in range(window.tabs.count())] == [
        "&Worklists", "&Patients", "Appointment &book", "Reminders"]
    rows_shown(window.worklists.list_for("to_book"))
    assert window.tab_titles()[0] == "To book (2)"  # the 2-week review and the 12-week check
    assert window.worklists.list_for("to_book").model.index(0, 0).data() == "2-week review"


def test_urgent_red_flag_referral_is_pinned_above_every_tab_and_opens_its_patient(qtbot, main_window, sqlite_staff):
    _patient_with_episode(sqlite_staff, "Brown", date(2026, 11, 23), red_flags=["suspected cauda equina"])
    window = main_window(sqlite_staff.clinician)
    window.show()
    window.tabs.setCurrentWidget(window.book)
    assert window.urgent.isVisible()
    assert "URGENT red-flag referral" in window.urgent.text() and "BROWN, Ann" in window.urgent.text()
    link = window.urgent.text().split("href='")[1].split("'")[0]
    window.urgent.linkActivated.emit(link)
    assert window.tabs.tabText(window.tabs.currentIndex()) == "BROWN, Ann"


def test_refresh_shows_a_change_made_meanwhile(qtbot, main_window, sqlite_staff):
    window = main_window(sqlite_staff.receptionist)
    assert window.tab_titles()[0] == "To book"  # a window never shown has read no list
    _patient_with_episode(sqlite_staff, "Taylor", date(2026, 11, 20))
    window.refresh_action.trigger()
    qtbot.waitUntil(lambda: window.tab_titles()[0] == "To book (2)")  # the window is hidden: counted off its thread


def test_a_patient_opens_once_in_its_own_tab_and_closes(qtbot, main_window, rows_shown, sqlite_staff):
    _patient_with_episode(sqlite_staff, "Smith", date(2026, 11, 20))
    window = main_window(sqlite_staff.receptionist)
    patient_id = rows_shown(window.worklists.list_for("to_book")).model.row_at(0).patient_id
    first = window.open_patient(patient_id)
    assert window.open_patient(patient_id) is first
    assert window.tabs.count() == 5 and window.tabs.currentWidget() is first
    window.tabs.tabCloseRequested.emit(window.tabs.currentIndex())
    assert window.tabs.count() == 4 and window.open_patient_ids() == []


def test_the_fixed_tabs_cannot_be_closed(qtbot, main_window, sqlite_staff):
    window = main_window(sqlite_staff.receptionist)
    window.tabs.tabCloseRequested.emit(0)
    assert window.tabs.count() == 4


def test_find_patient_goes_to_the_search_box(qtbot, main_window, sqlite_staff):
    window = main_window(sqlite_staff.receptionist)
    window.show()
    window.activateWindow()
    window.find_action.trigger()
    assert window.tabs.currentWidget() is window.patient_search


def test_the_window_comes_back_the_size_it_was_left(qtbot, main_window, sqlite_staff):
    window = main_window(sqlite_staff.receptionist)
    window.show()
    window.resize(780, 520)  # the offscreen screen is 800 x 600
    left = (window.width(), window.height())
    window.close()
    again = main_window(sqlite_staff.receptionist)
    assert (again.width(), again.height()) == left != (800, 600)


def test_an_unreachable_database_is_said_in_the_status_bar(qtbot, main_window, sqlite_staff):
    window = main_window(sqlite_staff.receptionist)
    window.hub.unreachable.emit("The connection to the database was lost.")
    assert "The database cannot be reached" in window.statusBar().currentMessage()
    window.hub.reachable.emit()
    assert "Connected to the database again" in window.statusBar().currentMessage()


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


def test_the_letters_menu_opens_the_batch_dialog_for_reception(qtbot, main_window, sqlite_staff):
    window = main_window(sqlite_staff.receptionist)
    window.show()
    assert "&Letters" in [action.text() for action in window.menuBar().actions()]
    assert window.letters_batch_action.text() == "&Print or export signed letters…"
    window.letters_batch_action.trigger()
    dialog = window.findChild(LetterBatchDialog)
    assert dialog.isVisible() and dialog.windowModality() == Qt.WindowModality.WindowModal


def test_a_clinician_has_no_letters_menu(qtbot, main_window, sqlite_staff):
    window = main_window(sqlite_staff.clinician)
    assert window.letters_batch_action is None
    assert "&Letters" not in [action.text() for action in window.menuBar().actions()]


def test_the_letters_shortcut_clashes_with_no_other_window_shortcut(qtbot, main_window, sqlite_staff):
    window = main_window(sqlite_staff.receptionist)
    shortcut = window.letters_batch_action.shortcut()
    others = [action for action in window.findChildren(QAction)
              if action is not window.letters_batch_action and action.shortcut() == shortcut]
    assert shortcut.toString() == "Ctrl+Shift+E" and others == []


def test_the_urgent_referrals_patient_opens_from_the_keyboard(qtbot, main_window, sqlite_staff):
    _patient_with_episode(sqlite_staff, "Brown", date(2026, 11, 23), red_flags=["suspected cauda equina"])
    window = main_window(sqlite_staff.receptionist)
    assert window.urgent.summary.focusPolicy() & Qt.FocusPolicy.TabFocus
    assert window.urgent.summary.textInteractionFlags() & Qt.TextInteractionFlag.LinksAccessibleByKeyboard
    window.urgent_action.trigger()  # Ctrl+U
    assert window.tabs.tabText(window.tabs.currentIndex()) == "BROWN, Ann"


def _click_tab(qtbot, window, title: str) -> None:
    bar = window.tabs.tabBar()
    index = next(index for index in range(bar.count()) if bar.tabText(index) == title)
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())


def test_only_the_worklists_are_built_at_sign_in_and_a_tab_is_built_and_filled_when_first_shown(
        qtbot, sqlite_staff, main_window, rows_shown):
    _patient_with_episode(sqlite_staff, "Smith", date(2026, 11, 20))
    window = main_window(sqlite_staff.receptionist, shown=True)
    review = rows_shown(window.worklists.list_for("to_book")).model.row_at(0)
    appointments.book_appointment(sqlite_staff.receptionist, review.appointment_id,
                                  clinician_id=sqlite_staff.clinician.user_id, starts_local=datetime(2026, 11, 23, 14))
    window.refresh()  # a change announced while the book was never shown
    assert window.tabs.count() == 4
    assert window.findChildren(AppointmentBookView) == [] and window.findChildren(PatientSearch) == []
    _click_tab(qtbot, window, "Appointment &book")
    book = window.tabs.currentWidget()
    assert isinstance(book, AppointmentBookView) and book.isVisible()
    booked = [book.day_model.index(row, 1).data() for row in range(book.day_model.rowCount())]
    assert any("SMITH, Ann" in (text or "") for text in booked)
    assert window.book is book and window.findChildren(PatientSearch) == []


def test_the_managers_tabs_wait_to_be_shown_too(qtbot, sqlite_staff, main_window):
    window = main_window(sqlite_staff.manager, shown=True)
    assert window.findChildren(DashboardView) == []
    _click_tab(qtbot, window, "Dashboard")
    assert isinstance(window.tabs.currentWidget(), DashboardView) and window.manager.dashboard.isVisible()


def test_a_patient_opened_from_a_worklist_opens_in_its_tab(qtbot, sqlite_staff, main_window, rows_shown):
    _patient_with_episode(sqlite_staff, "Smith", date(2026, 11, 20))
    window = main_window(sqlite_staff.receptionist, shown=True)
    table = rows_shown(window.worklists.list_for("to_book")).table
    table.setFocus()
    table.setCurrentIndex(table.model().index(0, 0))
    QTest.keyClick(table, Qt.Key.Key_Return)
    assert window.tabs.tabText(window.tabs.currentIndex()) == "SMITH, Ann"
    assert window.tabs.count() == 5


_HEAVY = ("holidays", "reportlab", "pypdfium2", "PySide6.QtCharts", "fhir.resources")

_SIGN_IN_AND_LIST_IMPORTS = """
import json, sys

def heavy():
    return sorted({name for name in sys.modules if name.startswith(%r)})

from clinic_desktop.ui.shell.app import application
from clinic_desktop.ui.shell.main_window import MainWindow
from clinic_desktop.ui.shell.session import DesktopSession
imported = heavy()

from clinic_desktop.services.admin import users
from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.services.core.startup import open_clinic_database

from PySide6.QtCore import QEvent, QObject

class FirstPaint(QObject):
    # what was imported when the main window first painted
    seen = None

    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and self.seen is None and watched.window().objectName() == "mainWindow":
            self.seen = heavy()
        return False

app = application()
first_paint = FirstPaint()
app.installEventFilter(first_paint)
location, _report = open_clinic_database(sys.argv[1], must_exist=True)
session = DesktopSession(load_settings(), location)
window = session.start(users.first_active_user("practice_manager"))
signed_in = heavy()
app.processEvents()
import time
from clinic_desktop.ui.shell.warm_up import LIBRARIES
deadline = time.monotonic() + 30  # the libraries load a moment after the window is shown, off its thread
while time.monotonic() < deadline and not all(name in sys.modules for name in LIBRARIES):
    app.processEvents()
    time.sleep(0.02)
warmed = [name for name in LIBRARIES if name in sys.modules]
print(json.dumps({"imported": imported, "signed_in": signed_in, "first_paint": first_paint.seen,
                  "warmed": warmed}))
""" % (_HEAVY,)


def test_the_window_opens_without_the_heavy_libraries_that_only_some_tabs_need(sqlite_staff, sqlite_database, tmp_path):
    """reportlab, pypdfium2, QtCharts and fhir.resources take most of a second to import between
    them: a fresh interpreter signing the manager in must not have loaded any of them. holidays
    neither, until the worklists read their first deadlines (the clinic's working days), off the
    window's thread once the window has painted."""
    done = subprocess.run([sys.executable, "-c", _SIGN_IN_AND_LIST_IMPORTS, sqlite_database.database],
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen",
                               "XDG_CONFIG_HOME": str(tmp_path)})  # not the account's saved layouts
    assert done.returncode == 0, done.stderr
    loaded = json.loads(done.stdout.strip().splitlines()[-1])
    assert loaded["imported"] == []
    assert loaded["signed_in"] == [] and loaded["first_paint"] == []
    # ...and then loads them on a thread of its own, so that no first use waits for its import.
    assert loaded["warmed"] == ["holidays", "clinic_desktop.letters.layout", "pypdfium2", "PySide6.QtCharts"]


def unreachable(*args, **kwargs):
    raise DatabaseUnavailable("the database server could not be reached")


def test_an_urgent_list_that_cannot_be_read_again_stays_pinned_and_the_status_bar_says_why(
        qtbot, main_window, sqlite_staff, monkeypatch):
    _patient_with_episode(sqlite_staff, "Brown", date(2026, 11, 23), red_flags=["suspected cauda equina"])
    window = main_window(sqlite_staff.receptionist, shown=True)
    monkeypatch.setattr(worklists, "urgent_red_flags", unreachable)

    _patient_with_episode(sqlite_staff, "Smith", date(2026, 11, 23))
    window.hub.after_change()

    assert "The database cannot be reached — lists may be out of date. The database server could not be reached." in (
        window.statusBar().currentMessage())
    assert window.urgent.isVisible() and "BROWN, Ann" in window.urgent.text()


def test_a_patient_that_cannot_be_opened_is_refused_in_a_box_and_no_tab_opens(qtbot, main_window, sqlite_staff,
                                                                                monkeypatch):
    _patient_with_episode(sqlite_staff, "Brown", date(2026, 11, 23))
    window = main_window(sqlite_staff.receptionist, shown=True)
    tabs = window.tabs.count()
    monkeypatch.setattr(patients, "get_patient", unreachable)

    assert window.open_patient(1) is None

    box = window.findChild(QMessageBox, "refusal")
    assert box.text() == "The database server could not be reached." and window.tabs.count() == tabs


def test_several_urgent_referrals_take_one_line_with_their_count_until_shown_all(qtbot, main_window, sqlite_staff):
    for name in ("Brown", "Green", "White"):
        _patient_with_episode(sqlite_staff, name, date(2026, 11, 23), red_flags=["suspected cauda equina"])
    window = main_window(sqlite_staff.receptionist, shown=True)
    one_line = window.urgent.height()
    assert "3 URGENT red-flag referrals" in window.urgent.text() and "GREEN" not in window.urgent.text()

    qtbot.mouseClick(window.urgent.toggle, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.urgent.height() > one_line)
    assert all(name in window.urgent.text() for name in ("BROWN, Ann", "GREEN, Ann", "WHITE, Ann"))
    assert window.urgent.toggle.text() == "Hide"

    qtbot.mouseClick(window.urgent.toggle, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.urgent.height() == one_line)
    assert "GREEN" not in window.urgent.text()
