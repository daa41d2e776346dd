"""Small screens: a 1366×768 laptop and 1920×1080 at 200 % (960×540 logical pixels).

Each main view and dialog the screenshots show is opened on a screen of that size over a
demo clinic, as a user would meet it: no window may need more than the screen, the
buttons that finish a dialog must be in sight, and the patient page's list keeps its rows.
"""
from __future__ import annotations

import pytest
from demo_moment import CLINIC_TIME  # noqa: F401 (the clinic's clock: tests/conftest.py clinic_clock)
from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtGui import QScreen
from PySide6.QtWidgets import QAbstractScrollArea, QPushButton, QWidget

from clinic_desktop.ui.ops.op import Op
from clinic_desktop.ui.shell.screenshots import VIEWS

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
def test_each_main_view_fits_the_screen(qtbot, open_view, screen, name):
    size, _rows = screen
    window = open_view(name)
    window.resize(size)
    window.show()
    Op.settle()
    assert window.size() == size, f"it needs {window.minimumSizeHint()}"


@pytest.mark.parametrize("name", DIALOGS)
def test_each_dialog_fits_the_screen_with_its_buttons_in_sight(qtbot, open_view, screen, name):
    size, _rows = screen
    dialog = open_view(name)
    dialog.show()  # at the size it asks for, as Qt opens it
    qtbot.waitExposed(dialog)
    Op.settle()
    assert dialog.width() <= size.width() and dialog.height() <= size.height(), f"it opens at {dialog.size()}"
    buttons = _buttons(dialog)
    assert buttons
    for button in buttons:
        place = QRect(button.mapTo(dialog, QPoint(0, 0)), button.size())
        assert dialog.rect().contains(place), f"{button.text()!r} is cut off at {place}"


def test_the_patient_page_gives_its_list_the_rows(qtbot, open_view, screen):
    size, rows = screen
    window = open_view("patient")
    window.resize(size)
    window.show()
    Op.settle()
    view = window.tabs.currentWidget()
    table = view.timeline_table
    qtbot.waitUntil(lambda: table.viewport().height() // table.verticalHeader().defaultSectionSize() >= rows)
    assert not view.charts.isVisible() and view.charts.toggle.text() == "Show chart"


def test_a_tall_screen_shows_the_charts_above_the_list_until_hidden(qtbot, open_view, monkeypatch):
    tall = QSize(1920, 1200)
    monkeypatch.setattr(QScreen, "availableGeometry", lambda _screen: QRect(QPoint(0, 0), tall))
    window = open_view("patient")
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
