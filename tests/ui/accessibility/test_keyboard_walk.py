"""Every page and dialog of every role, walked with real Tab presses (WCAG 2.1.1, 2.1.2, 2.4.3):
no trap, every action reached, every control and every stack of pages named (keyboard_walk.py says how)."""
from __future__ import annotations

import pytest
from demo_moment import CLINIC_TIME, ROLES  # noqa: F401 (the clinic's clock: tests/conftest.py clinic_clock)
from keyboard_walk import walk
from PySide6.QtCore import QSize

from clinic_desktop.ui.shell.screenshots import VIEWS

# The dialogs (each view whose picture is not the main window), walked as their user opens them.
DIALOGS = [name for name, view in VIEWS.items()
           if view.size not in (QSize(1280, 800), QSize(1366, 768)) and name not in ("backup-check-progress",
                                                                                      "leave-over-bookings")]


@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_the_main_window_can_be_worked_by_keyboard(problems_on_every_page, role):
    problems = problems_on_every_page(role, lambda window: walk(window).problems())
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", DIALOGS)
def test_every_dialog_can_be_worked_by_keyboard(qtbot, open_view, name):
    dialog = open_view(name)
    dialog.show()
    qtbot.waitExposed(dialog)
    problems = walk(dialog).problems()
    assert not problems, "\n".join(problems)
