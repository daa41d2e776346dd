"""What the window tests share: the main window as a user signed in to it sees it.

This folder is on the import path (pytest puts a conftest.py's folder there), so the
helpers beside this file (patient_story) import by name from any test below it.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from database_fixtures import background_work_settled, open_test_database
from demo_moment import CLINIC_TIME
from PySide6.QtWidgets import QStackedWidget, QTabWidget, QWidget

from clinic_desktop.demo.clinic_story import build_demo
from clinic_desktop.models.schema import prepare_database
from clinic_desktop.services.admin import users
from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.services.core.clock import frozen_at
from clinic_desktop.ui.shell.change_hub import ChangeHub
from clinic_desktop.ui.shell.main_window import MainWindow
from clinic_desktop.ui.shell.screenshots import VIEWS


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


@pytest.fixture(scope="session")
def demo_file(tmp_path_factory) -> Path:
    """One demo clinic for the window tests that look at every view, built once: each test works on a copy."""
    path = tmp_path_factory.mktemp("demo") / "clinic.sqlite3"
    database = open_test_database(str(path))
    prepare_database(database)
    with frozen_at(CLINIC_TIME):
        build_demo(40)  # enough of a clinic that every list has rows and a letter awaits every clinician's signature
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


@pytest.fixture
def open_view(qtbot, demo_clinic):
    """``open_view(name)``: the screenshot view ``name`` (ui/shell/screenshots.py) over the demo clinic, built as
    its user sees it; its change hub never polls on its own."""

    def opened(name: str) -> QWidget:
        view = VIEWS[name]
        actor = users.first_active_user(view.role)
        hub = ChangeHub(actor, poll_seconds=3600)
        widget = view.build(actor, load_settings(), hub, "clinic.sqlite3")
        qtbot.addWidget(widget)
        hub.setParent(widget)
        return widget

    return opened
