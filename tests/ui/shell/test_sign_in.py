"""Signing in and the first run, driven through the real dialogs; the password is checked off the window's thread."""
from __future__ import annotations

import threading

from database_fixtures import PASSWORD
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox
from screen_reader import announcements

from clinic_desktop.services.admin import users
from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.ui.shell.app import application
from clinic_desktop.ui.shell.first_run_dialog import FirstRunDialog
from clinic_desktop.ui.shell.sign_in_dialog import SignInDialog


def _sign_in_dialog(qtbot, username: str, password: str) -> SignInDialog:
    dialog = SignInDialog("Riverside MSK")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.username, username)
    qtbot.keyClicks(dialog.password, password)
    return dialog


def _press_ok(qtbot, dialog) -> None:
    buttons = dialog.findChild(QDialogButtonBox)
    qtbot.mouseClick(buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)


def test_a_wrong_password_is_told_in_one_sentence_and_cleared(qtbot, sqlite_staff):
    dialog = _sign_in_dialog(qtbot, "reception", "not the password")
    _press_ok(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.message.text() != "Checking…")
    assert dialog.message.text() == "Wrong username or password, or the account is not active."
    assert dialog.password.text() == "" and dialog.actor is None and dialog.isVisible()
    assert dialog.findChild(QDialogButtonBox).isEnabled()


def test_a_refused_password_is_read_out_and_the_emptied_box_has_the_focus(qtbot, sqlite_staff, monkeypatch):
    dialog = _sign_in_dialog(qtbot, "reception", "not the password")
    said = announcements(monkeypatch)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.message.text() != "Checking…")
    assert said == ["Wrong username or password, or the account is not active."]
    assert dialog.focusWidget() is dialog.password


def test_the_right_password_signs_in_as_that_user(qtbot, sqlite_staff):
    dialog = _sign_in_dialog(qtbot, "DrJones", PASSWORD)
    _press_ok(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.result() == dialog.DialogCode.Accepted)
    assert dialog.actor.role == "clinician"


def test_while_the_password_is_checked_the_dialog_says_so_and_stays_responsive(qtbot, sqlite_staff, monkeypatch):
    release = threading.Event()
    check = users.authenticate

    def slow_check(username, password):  # argon2 at a real clinic's costs, on an old workstation
        release.wait(10)
        return check(username, password)

    monkeypatch.setattr(users, "authenticate", slow_check)
    dialog = _sign_in_dialog(qtbot, "reception", PASSWORD)
    _press_ok(qtbot, dialog)
    assert dialog.message.text() == "Checking…"
    assert not dialog.findChild(QDialogButtonBox).isEnabled()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # neither Esc nor a second Enter starts anything
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    qtbot.keyClicks(dialog.username, "x")  # the window still takes input meanwhile
    assert dialog.isVisible() and dialog.username.text() == "receptionx"
    release.set()
    qtbot.waitUntil(lambda: dialog.result() == dialog.DialogCode.Accepted)
    assert dialog.actor.username == "reception"


def _fill_first_run(qtbot, dialog, repeat="a long password 1"):
    for field, text in ((dialog.clinic_name, "Riverside MSK"), (dialog.full_name, "Morag Macleod"),
                        (dialog.username, "morag"), (dialog.password, "a long password 1"), (dialog.repeat, repeat)):
        qtbot.keyClicks(field, text)


def test_first_run_creates_the_manager_and_names_the_clinic(qtbot, sqlite_database):
    dialog = FirstRunDialog()
    qtbot.addWidget(dialog)
    _fill_first_run(qtbot, dialog)
    dialog.create()
    assert dialog.message.text() == "Checking…"
    qtbot.waitUntil(lambda: dialog.actor is not None)
    assert dialog.actor.role == "practice_manager"
    assert load_settings().name == "Riverside MSK"
    assert users.authenticate("morag", "a long password 1").full_name == "Morag Macleod"


def test_first_run_refuses_passwords_that_differ(qtbot, sqlite_database):
    dialog = FirstRunDialog()
    qtbot.addWidget(dialog)
    _fill_first_run(qtbot, dialog, repeat="something else 2")
    dialog.create()
    assert dialog.message.text() == "The two passwords differ."
    assert not users.has_users()


def test_first_run_says_why_an_account_is_refused(qtbot, sqlite_database):
    dialog = FirstRunDialog()
    qtbot.addWidget(dialog)
    _fill_first_run(qtbot, dialog)
    dialog.username.setText("not a username!")
    dialog.create()
    qtbot.waitUntil(lambda: dialog.message.text() != "Checking…")
    assert dialog.message.text() == "A username is letters, digits, dots, dashes or underscores."
    assert dialog.actor is None and not users.has_users()


def test_the_sign_in_window_carries_the_apps_icon(qtbot):
    """The taskbar and the window switcher show Clinic Desktop's icon, in the bundle as from source."""
    application()
    dialog = SignInDialog("Riverside MSK")
    qtbot.addWidget(dialog)
    icon = dialog.windowIcon()
    assert not icon.isNull()
    assert icon.pixmap(64, 64).toImage().pixelColor(32, 8).name() == "#2a74a8"  # the icon's blue, not a default
