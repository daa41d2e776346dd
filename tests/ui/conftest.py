"""What the window tests share: the main window as a user signed in to it sees it.

This folder is on the import path (pytest puts a conftest.py's folder there), so the
helpers beside this file (patient_story) import by name from any test below it.
"""
from __future__ import annotations

import pytest
from PySide6.QtWidgets import QStackedWidget, QTabWidget

from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.ui.shell.change_hub import ChangeHub
from clinic_desktop.ui.shell.main_window import MainWindow


@pytest.fixture
def main_window(qtbot):
    """Open the main window for a signed-in ``actor``, as sign-in does; ``shown`` puts it on screen.

    Its change hub never polls on its own (the test tells it of changes), and the window is
    closed with the test.
    """

    def open_window(actor, *, shown: bool = False) -> MainWindow:
        window = MainWindow(actor, load_settings(), "clinic.sqlite3", ChangeHub(actor, poll_seconds=3600))
        qtbot.addWidget(window)
        if shown:
            window.show()
        return window

    return open_window


@pytest.fixture
def rows_shown(qtbot):
    """``rows_shown(worklist)``: a list of the home tab on screen with its rows read, as a user waits for them.

    Its tab is chosen (and the tabs holding that), its window shown, and the wait lasts until its
    background read (started when it is painted, or by a change) has come back. Gives the list.
    """

    def shown(worklist):
        page, holder = worklist, worklist.parentWidget()
        while holder is not None:
            if isinstance(holder, QStackedWidget) and isinstance(holder.parentWidget(), QTabWidget):
                holder.parentWidget().setCurrentWidget(page)
            page, holder = holder, holder.parentWidget()
        worklist.window().show()
        qtbot.waitUntil(worklist.is_read)
        return worklist

    return shown
