"""What the accessibility tests share: one demo clinic, each view as its user opens it, and the
system font at the size a person with low vision sets it (9 pt is the desktops' usual size)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from database_fixtures import background_work_settled, open_test_database
from demo_moment import CLINIC_TIME
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QWidget

from clinic_desktop.demo.clinic_story import build_demo
from clinic_desktop.models.schema import prepare_database
from clinic_desktop.services.admin import users
from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.services.core.clock import frozen_at
from clinic_desktop.ui.shell.change_hub import ChangeHub
from clinic_desktop.ui.shell.screenshots import VIEWS


@pytest.fixture(scope="package")
def demo_file(tmp_path_factory) -> Path:
    """One demo clinic for these tests, built once: each test works on a copy of it."""
    path = tmp_path_factory.mktemp("demo") / "clinic.sqlite3"
    database = open_test_database(str(path))
    prepare_database(database)
    with frozen_at(CLINIC_TIME):
        build_demo(40)  # enough of a clinic that every list has rows and a letter awaits signing
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
    """``open_view(name)``: the screenshot view ``name`` (ui/shell/screenshots.py), built as its user sees it."""

    def opened(name: str) -> QWidget:
        view = VIEWS[name]
        actor = users.first_active_user(view.role)
        hub = ChangeHub(actor, poll_seconds=3600)
        widget = view.build(actor, load_settings(), hub, "clinic.sqlite3")
        qtbot.addWidget(widget)
        hub.setParent(widget)
        return widget

    return opened


@pytest.fixture
def system_font():
    """``system_font(points)``: the application's font at that size, as the desktop's setting makes it;
    back to what it was after the test."""
    app = QApplication.instance()
    before = QFont(app.font())

    def set_size(points: float) -> None:
        font = QFont(before)
        font.setPointSizeF(points)
        app.setFont(font)

    yield set_size
    app.setFont(before)
