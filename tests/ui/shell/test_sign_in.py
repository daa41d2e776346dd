"""Signing in and the first run, driven through the real dialogs."""
from __future__ import annotations

from database_fixtures import PASSWORD

from clinic_desktop.services.admin import users
from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.ui.shell.first_run_dialog import FirstRunDialog
from clinic_desktop.ui.shell.sign_in_dialog import SignInDialog


def test_a_wrong_password_is_told_and_cleared(qtbot, sqlite_staff):
    dialog = SignInDialog("Riverside MSK")
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.username, "reception")
    qtbot.keyClicks(dialog.password, "not the password")
    dialog.sign_in()
    assert dialog.message.text() == "Wrong username or password, or the account is not active."
    assert dialog.password.text() == "" and dialog.actor is None


def test_the_right_password_signs_in_as_that_user(qtbot, sqlite_staff):
    dialog = SignInDialog("Riverside MSK")
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.username, "DrJones")
    qtbot.keyClicks(dialog.password, PASSWORD)
    dialog.sign_in()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert dialog.actor.role == "clinician"


def _fill_first_run(qtbot, dialog, repeat="a long password 1"):
    for field, text in ((dialog.clinic_name, "Riverside MSK"), (dialog.full_name, "Morag Macleod"),
                        (dialog.username, "morag"), (dialog.password, "a long password 1"), (dialog.repeat, repeat)):
        qtbot.keyClicks(field, text)


def test_first_run_creates_the_manager_and_names_the_clinic(qtbot, sqlite_database):
    dialog = FirstRunDialog()
    qtbot.addWidget(dialog)
    _fill_first_run(qtbot, dialog)
    dialog.create()
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
