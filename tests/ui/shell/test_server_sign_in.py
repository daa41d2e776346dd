"""Signing in on a workstation that reaches the clinic's server as whoever signs in: the dialog's
username and password are the server login, and someone else signing in at the lock screen takes
the workstation's connection with them."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from database_fixtures import PASSWORD
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from clinic_desktop.models import database_proxy
from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.ui.shell.app import first_dialog
from clinic_desktop.ui.shell.session import DesktopSession

CLINIC_TIME = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)  # tests/conftest.py: clinic_clock


def _login() -> str:
    return database_proxy.execute_sql("SELECT current_user").fetchone()[0]


def _fill_and_press(qtbot, dialog, username: str, password: str) -> None:
    qtbot.keyClicks(dialog.username, username)
    qtbot.keyClicks(dialog.password, password)
    buttons = dialog.findChild(QDialogButtonBox)
    qtbot.mouseClick(buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)


def test_the_sign_in_dialog_names_the_server_and_signs_in_as_the_persons_login(qtbot, enforcing_clinic):
    dialog = first_dialog()
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.windowTitle() == f"Sign in — {enforcing_clinic.name} on {enforcing_clinic.host}"
    _fill_and_press(qtbot, dialog, "DrJones", PASSWORD)
    qtbot.waitUntil(lambda: dialog.result() == dialog.DialogCode.Accepted)
    assert dialog.actor.role == "clinician"
    assert _login() == f"{enforcing_clinic.name}.drjones"


def test_a_wrong_password_is_one_sentence_and_nobody_is_connected(qtbot, enforcing_clinic):
    dialog = first_dialog()
    qtbot.addWidget(dialog)
    dialog.show()
    _fill_and_press(qtbot, dialog, "reception", "not the password")
    qtbot.waitUntil(lambda: dialog.message.text() != "Checking…")
    assert dialog.message.text() == "Wrong username or password, or the account is not active."
    assert dialog.actor is None and dialog.isVisible()


@pytest.fixture
def session(qtbot, enforcing_clinic):
    enforcing_clinic.sign_in("drjones")
    session = DesktopSession(load_settings(), enforcing_clinic.staff_url, idle_ms=60_000)
    yield session
    session._idle.stop()
    for widget in (session.window, session.lock_screen, session.sign_in):
        if widget is not None:
            widget.hide()
            widget.deleteLater()


def test_someone_else_signing_in_at_the_lock_screen_connects_as_them(qtbot, session, enforcing_clinic):
    session.start(enforcing_clinic.staff.clinician)
    session.lock()
    screen = session.lock_screen
    screen.username.setText("reception")
    qtbot.keyClicks(screen.password, PASSWORD)
    screen.try_unlock()
    qtbot.waitUntil(lambda: not session.locked)
    assert session.window.actor.username == "reception"
    assert _login() == f"{enforcing_clinic.name}.reception"


def test_the_same_person_resumes_with_the_password_the_server_checks(qtbot, session, enforcing_clinic):
    window = session.start(enforcing_clinic.staff.clinician)
    session.lock()
    qtbot.keyClicks(session.lock_screen.password, "not my password")
    session.lock_screen.try_unlock()
    qtbot.waitUntil(lambda: session.lock_screen.message.text() != "Checking…")
    assert session.locked and session.lock_screen.message.text() == "Wrong password."
    qtbot.keyClicks(session.lock_screen.password, PASSWORD)
    session.lock_screen.try_unlock()
    qtbot.waitUntil(lambda: not session.locked)
    assert session.window is window and _login() == f"{enforcing_clinic.name}.drjones"
