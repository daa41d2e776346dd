"""Signing out while the window's first lists are still being read.

The worklists read in the background once the window has painted; an answer, or a deferred step
of the home tab (read the list on screen, then count the others), that came back after sign-out had
deleted the window raised "Internal C++ object (WorklistsPanel) already deleted" in a Qt callback
(issue 19). pytest-qt fails a test on any exception in a Qt callback, so each moment below is one a
receptionist could sign out at.
"""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from database_fixtures import make_staff
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.ui.ops.op import Op
from clinic_desktop.ui.shell.session import DesktopSession

CLINIC_TIME = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)  # every test here (tests/conftest.py: clinic_clock)


def _sign_out_as_clicked(session) -> None:
    """Sign-out as the menu's click brings it: a step of the event loop of its own, after what is under way
    (once: a second answer arriving before the window goes finds it signed out)."""
    QTimer.singleShot(0, session, lambda: session.window is not None and session.sign_out())


def _as_it_first_paints(session, window) -> None:
    """One turn of the event loop: the window paints, and its home tab asks for its first reads."""
    QApplication.processEvents()
    session.sign_out()


def _while_the_list_on_screen_is_read(session, window) -> None:
    model = window.worklists.currentWidget().model
    read = model.reload
    model.reload = lambda: (read(), _sign_out_as_clicked(session))


def _while_the_lists_behind_are_counted(session, window) -> None:
    """Its rows shown, the list on screen has the others counted (total_changed starts that first)."""
    window.worklists.currentWidget().total_changed.connect(lambda: _sign_out_as_clicked(session))


@pytest.fixture
def session(qtbot):
    session = DesktopSession(load_settings(), "clinic", idle_ms=3_600_000)
    yield session
    session._idle.stop()
    for widget in (session.window, session.sign_in):
        if widget is not None:
            widget.hide()
            widget.deleteLater()


@pytest.mark.parametrize("moment", [_as_it_first_paints, _while_the_list_on_screen_is_read,
                                    _while_the_lists_behind_are_counted])
def test_signing_out_mid_read_reaches_no_deleted_list_and_the_next_user_gets_theirs(qtbot, database, session,
                                                                                      moment):
    staff = make_staff()
    moment(session, session.start(staff.manager))

    qtbot.waitUntil(lambda: session.window is None, timeout=10_000)
    qtbot.waitUntil(lambda: not Op.any_running(), timeout=10_000)  # every read of the closed window came back
    qtbot.wait(50)  # and anything it left queued has run (pytest-qt fails the test on an exception there)

    assert session.sign_in.isVisible()
    window = session.start(staff.receptionist)
    qtbot.waitUntil(lambda: window.worklists.currentWidget().is_read(), timeout=10_000)
    assert window.worklists.titles()[0].startswith("To book (")
