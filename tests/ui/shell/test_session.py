"""The idle lock: records hidden when the workstation is left, the same user resumes where they were."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
import shiboken6
from database_fixtures import PASSWORD
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QRadioButton

from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.services.episodes import episodes
from clinic_desktop.services.patients import patients
from clinic_desktop.ui.forms.start_back_form import StartBackForm
from clinic_desktop.ui.shell.session import DesktopSession

MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)


CLINIC_TIME = MONDAY  # every test here runs at this moment (tests/conftest.py: clinic_clock)


@pytest.fixture
def session(qtbot, sqlite_staff):
    session = DesktopSession(load_settings(), "clinic.sqlite3", idle_ms=300)
    yield session
    session._idle.stop()
    for widget in (session.window, session.lock_screen, session.sign_in):
        if widget is not None:
            widget.hide()
            widget.deleteLater()


def _episode(staff) -> int:
    patient = patients.register_patient(staff.receptionist, family_name="Smith", given_name="Ann",
                                        date_of_birth=date(1970, 1, 1))
    return episodes.open_episode(staff.clinician, patient.id, first_contact_on=date(2026, 11, 9),
                                 presentation="non_specific", severity="moderate").episode_id


def _half_filled_start_back(staff, window) -> tuple[StartBackForm, list[QRadioButton]]:
    form = StartBackForm(staff.clinician, load_settings(), _episode(staff), window)
    form.open()
    chosen = form.findChildren(QRadioButton)[0:8:2]  # "agree" for items 1-4, say
    for button in chosen:
        button.click()
    return form, chosen


def test_an_idle_workstation_locks_and_hides_every_window(qtbot, session, sqlite_staff):
    window = session.start(sqlite_staff.clinician)
    form, _ = _half_filled_start_back(sqlite_staff, window)
    qtbot.waitUntil(lambda: session.locked, timeout=3000)
    assert not window.isVisible() and not form.isVisible()
    assert session.lock_screen.isVisible()
    assert "Dr Alys Jones was signed in" in session.lock_screen.findChildren(type(session.lock_screen.message))[0].text()


def test_the_same_user_resumes_with_the_half_filled_form_intact(qtbot, session, sqlite_staff):
    window = session.start(sqlite_staff.clinician)
    form, chosen = _half_filled_start_back(sqlite_staff, window)
    session.lock()
    qtbot.keyClicks(session.lock_screen.password, PASSWORD)
    session.lock_screen.try_unlock()
    assert session.lock_screen.message.text() == "Checking…" and not window.isVisible()
    qtbot.waitUntil(lambda: not session.locked)
    assert window.isVisible() and form.isVisible()
    assert all(button.isChecked() for button in chosen)
    assert session.window is window


def test_a_wrong_password_keeps_the_workstation_locked(qtbot, session, sqlite_staff):
    window = session.start(sqlite_staff.clinician)
    session.lock()
    screen = session.lock_screen
    qtbot.keyClicks(screen.password, "not my password")
    screen.try_unlock()
    qtbot.waitUntil(lambda: screen.message.text() != "Checking…")
    assert session.locked and not window.isVisible()
    assert screen.message.text() == "Wrong password." and screen.password.text() == ""


def test_esc_does_not_uncover_the_records(qtbot, session, sqlite_staff):
    window = session.start(sqlite_staff.clinician)
    session.lock()
    session.lock_screen.reject()
    assert session.locked and session.lock_screen.isVisible() and not window.isVisible()


def test_another_user_signing_in_gets_a_fresh_window(qtbot, session, sqlite_staff):
    window = session.start(sqlite_staff.clinician)
    form, _ = _half_filled_start_back(sqlite_staff, window)
    session.lock()
    screen = session.lock_screen
    screen.username.setText("reception")
    qtbot.keyClicks(screen.password, PASSWORD)
    screen.try_unlock()
    qtbot.waitUntil(lambda: not session.locked)
    assert session.window is not window and session.window.actor.username == "reception"
    assert session.window.isVisible()
    assert not shiboken6.isValid(form) or not form.isVisible()  # the clinician's half-filled form went with their window
    assert session.window.tab_titles()[0].startswith("To book")


def test_lock_screen_shortcut_locks_at_once(qtbot, session, sqlite_staff):
    window = session.start(sqlite_staff.receptionist)
    window.lock_action.trigger()
    assert session.locked and not window.isVisible()


def test_signing_in_checks_the_password_in_the_background_then_the_window_appears(qtbot, session, sqlite_staff):
    session.sign_out()
    dialog = session.sign_in
    qtbot.keyClicks(dialog.username, "reception")
    qtbot.keyClicks(dialog.password, PASSWORD)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.message.text() == "Checking…" and session.window is None
    qtbot.waitUntil(lambda: session.window is not None and session.window.isVisible())
    assert session.window.actor.username == "reception" and not dialog.isVisible()
    assert session.window.tab_titles()[0].startswith("To book")
