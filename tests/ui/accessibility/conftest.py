"""What the accessibility tests share (the demo clinic and its views come from tests/ui/conftest.py): the
system font at the size a person with low vision sets it (9 pt is the desktops' usual size), and each
page of a role's main window."""
from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QWidget
from window_pages import pages

from clinic_desktop.services.admin import users
from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.ui.patients.patient_view import pick_demo_patient
from clinic_desktop.ui.shell.change_hub import ChangeHub
from clinic_desktop.ui.shell.main_window import MainWindow


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


@pytest.fixture
def problems_on_every_page(qtbot, demo_clinic):
    """``problems_on_every_page(role, check)``: the role's main window on a laptop's screen with a patient
    open, ``check(window)`` run on each page it can show; each problem found, named by its page."""

    def look(role: str, check: Callable[[QWidget], list[str]]) -> list[str]:
        actor = users.first_active_user(role)
        window = MainWindow(actor, load_settings(), "clinic.sqlite3", ChangeHub(actor, poll_seconds=3600))
        qtbot.addWidget(window)
        window.resize(1366, 768)
        window.show()
        qtbot.waitExposed(window)
        window.open_patient(pick_demo_patient(actor))
        problems: list[str] = []
        pages(window, lambda page: problems.extend(f"{page}: {problem}" for problem in check(window)))
        return problems

    return look
