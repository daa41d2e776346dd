"""Small screens: a 1366×768 laptop and 1920×1080 at 200 % (960×540 logical pixels).

Each main view and dialog the screenshots show is opened on a screen of that size over a
demo clinic, as a user would meet it: no window may need more than the screen, the
buttons that finish a dialog must be in sight, and the patient page's list keeps its rows.
"""
from __future__ import annotations

import shutil
from datetime import datetime, timezone
from pathlib import Path

import pytest
from database_fixtures import background_work_settled, open_test_database
from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtGui import QScreen
from PySide6.QtWidgets import QAbstractScrollArea, QPushButton, QWidget

from clinic_desktop.demo.clinic_story import build_demo
from clinic_desktop.models.schema import prepare_database
from clinic_desktop.services.admin import users
from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.services.core.clock import frozen_at
from clinic_desktop.ui.ops.op import Op
from clinic_desktop.ui.shell.change_hub import ChangeHub
from clinic_desktop.ui.shell.screenshots import VIEWS

CLINIC_TIME = datetime(2026, 11, 25, 7, 30, tzinfo=timezone.utc)

# The screen, and the rows of the patient page's list a user sees there at least.
SCREENS = {"1366x768": (QSize(1366, 768), 12), "960x540": (QSize(960, 540), 6)}
# The main window's views (the pictures of a full window), and the Administration pages shown in it.
WINDOWS = [name for name, view in VIEWS.items() if view.size in (QSize(1280, 800), QSize(1366, 768))
           or name in ("messages-settings", "sessions-and-leave")]
# Each dialog's picture; the backup check's is a page of the main window with its progress over it,
# the leave over bookings' the leave form with its question over it (add-leave is the form alone).
DIALOGS = [name for name in VIEWS if name not in WINDOWS and name not in ("backup-check-progress",
                                                                           "leave-over-bookings")]


@pytest.fixture(params=list(SCREENS))
def screen(request, monkeypatch) -> tuple[QSize, int]:
    """Every window's screen has this free area (the offscreen platform's own is 800×800)."""
    size, rows = SCREENS[request.param]
    monkeypatch.setattr(QScreen, "availableGeometry", lambda _screen: QRect(QPoint(0, 0), size))
    return size, rows


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory) -> Path:
    """One demo clinic for the module, built once: each test works on a copy of it."""
    path = tmp_path_factory.mktemp("demo") / "clinic.sqlite3"
    database = open_test_database(str(path))
    prepare_database(database)
    with frozen_at(CLINIC_TIME):
        build_demo(40)  # enough of a clinic that a letter awaits every clinician's signature
    database.close()
    return path


@pytest.fixture
def demo_clinic(demo_file, tmp_path):
    copy = tmp_path / "clinic.sqlite3"
    shutil.copy(demo_file, copy)
    database = open_test_database(str(copy))
    yield
    background_work_settled()
    database.close()


def _open(qtbot, name: str) -> QWidget:
    view = VIEWS[name]
    actor = users.first_active_user(view.role)
    hub = ChangeHub(actor, poll_seconds=3600)
    widget = view.build(actor, load_settings(), hub, "clinic.sqlite3")
    qtbot.addWidget(widget)
    hub.setParent(widget)
    return widget


def _buttons(dialog: QWidget) -> list[QPushButton]:
    """Its buttons (Save, Cancel, Print…) but those in a part that scrolls."""
    return [button for button in dialog.findChildren(QPushButton)
            if button.isVisibleTo(dialog) and not _scrolled(button, dialog)]


def _scrolled(widget: QWidget, top: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None and parent is not top:
        if isinstance(parent, QAbstractScrollArea):
            return True
        parent = parent.parentWidget()
    return False


@pytest.mark.parametrize("name", WINDOWS)
def test_each_main_view_fits_the_screen(qtbot, demo_clinic, screen, name):
    size, _rows = screen
    window = _open(qtbot, name)
    window.resize(size)
    window.show()
    Op.settle()
    assert window.size() == size, f"it needs {window.minimumSizeHint()}"


@pytest.mark.parametrize("name", DIALOGS)
def test_each_dialog_fits_the_screen_with_its_buttons_in_sight(qtbot, demo_clinic, screen, name):
    size, _rows = screen
    dialog = _open(qtbot, name)
    dialog.show()  # at the size it asks for, as Qt opens it
    qtbot.waitExposed(dialog)
    Op.settle()
    assert dialog.width() <= size.width() and dialog.height() <= size.height(), f"it opens at {dialog.size()}"
    buttons = _buttons(dialog)
    assert buttons
    for button in buttons:
        place = QRect(button.mapTo(dialog, QPoint(0, 0)), button.size())
        assert dialog.rect().contains(place), f"{button.text()!r} is cut off at {place}"


def test_the_patient_page_gives_its_list_the_rows(qtbot, demo_clinic, screen):
    size, rows = screen
    window = _open(qtbot, "patient")
    window.resize(size)
    window.show()
    Op.settle()
    view = window.tabs.currentWidget()
    table = view.timeline_table
    qtbot.waitUntil(lambda: table.viewport().height() // table.verticalHeader().defaultSectionSize() >= rows)
    assert not view.charts.isVisible() and view.charts.toggle.text() == "Show chart"


def test_a_tall_screen_shows_the_charts_above_the_list_until_hidden(qtbot, demo_clinic, monkeypatch):
    tall = QSize(1920, 1200)
    monkeypatch.setattr(QScreen, "availableGeometry", lambda _screen: QRect(QPoint(0, 0), tall))
    window = _open(qtbot, "patient")
    window.resize(tall)
    window.show()
    Op.settle()
    view = window.tabs.currentWidget()
    qtbot.waitUntil(lambda: view.charts.isVisible())
    table = view.timeline_table
    assert table.viewport().height() // table.verticalHeader().defaultSectionSize() >= 12

    qtbot.mouseClick(view.charts.toggle, Qt.MouseButton.LeftButton)  # Hide chart
    window.resize(tall + QSize(0, 100))
    qtbot.waitUntil(lambda: window.height() == 1300)
    assert not view.charts.isVisible() and view.charts.toggle.text() == "Show chart"  # the user's choice stands
