"""Every page and dialog of every role, walked with real Tab presses (WCAG 2.1.1, 2.1.2, 2.4.3):
no trap, every action reached, every control named (keyboard_walk.py says how)."""
from __future__ import annotations

import pytest
from demo_moment import CLINIC_TIME, ROLES  # noqa: F401 (the clinic's clock: tests/conftest.py clinic_clock)
from keyboard_walk import walk
from PySide6.QtCore import QSize
from window_pages import pages

from clinic_desktop.services.admin import users
from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.ui.patients.patient_view import pick_demo_patient
from clinic_desktop.ui.shell.change_hub import ChangeHub
from clinic_desktop.ui.shell.main_window import MainWindow
from clinic_desktop.ui.shell.screenshots import VIEWS

# The dialogs (each view whose picture is not the main window), walked as their user opens them.
DIALOGS = [name for name, view in VIEWS.items()
           if view.size not in (QSize(1280, 800), QSize(1366, 768)) and name not in ("backup-check-progress",
                                                                                      "leave-over-bookings")]


@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_the_main_window_can_be_worked_by_keyboard(qtbot, demo_clinic, role):
    actor = users.first_active_user(role)
    window = MainWindow(actor, load_settings(), "clinic.sqlite3", ChangeHub(actor, poll_seconds=3600))
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    window.open_patient(pick_demo_patient(actor))
    problems: list[str] = []
    pages(window, lambda page: problems.extend(f"{page}: {problem}" for problem in walk(window).problems()))
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", DIALOGS)
def test_every_dialog_can_be_worked_by_keyboard(qtbot, open_view, name):
    dialog = open_view(name)
    dialog.show()
    qtbot.waitExposed(dialog)
    problems = walk(dialog).problems()
    assert not problems, "\n".join(problems)
