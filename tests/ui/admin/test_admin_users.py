"""The Users page: the manager creates, edits, deactivates and reactivates accounts and resets passwords."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from admin_helpers import cells, click_row, press_enter, row_of, shown, type_into
from database_fixtures import PASSWORD
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QLabel

from clinic_desktop.models import Appointment
from clinic_desktop.services.admin import users
from clinic_desktop.services.admin.users import SignInFailed
from clinic_desktop.services.appointments import appointments
from clinic_desktop.services.core.clock import frozen_at
from clinic_desktop.services.episodes import episodes
from clinic_desktop.services.patients import patients
from clinic_desktop.services.referrals import referrals
from clinic_desktop.services.worklists import obligations
from clinic_desktop.ui.admin.admin_user_dialogs import PasswordDialog, UserDialog
from clinic_desktop.ui.admin.admin_users import UsersPage
from clinic_desktop.ui.shell.change_hub import ChangeHub

NEW_PASSWORD = "a brand new passphrase"


@pytest.fixture
def page(qtbot, sqlite_staff):
    widget = UsersPage(sqlite_staff.manager, ChangeHub(sqlite_staff.manager))
    return shown(qtbot, widget)


def opened_dialog(qtbot, page, button, kind):
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    dialog = page.findChild(kind)
    assert dialog is not None and dialog.isVisible()
    return dialog


def test_the_list_shows_every_account_with_its_role_and_status(page):
    assert cells(page, 0) == ["Dr Alys Jones", "Morag Manager", "Rita Reception", "Sam Physio"]
    assert row_of(page, "Dr Alys Jones") == ["Dr Alys Jones", "drjones", "Clinician", "", "GMC 7012345", "active"]


def test_a_new_clinician_is_created_from_the_form(qtbot, page):
    dialog = opened_dialog(qtbot, page, page.new_button, UserDialog)
    type_into(qtbot, dialog.username, "b.khan")
    type_into(qtbot, dialog.full_name, "Dr Bilal Khan")
    type_into(qtbot, dialog.registration, "GMC 7654321")
    type_into(qtbot, dialog.title, "General practitioner")
    type_into(qtbot, dialog.password, NEW_PASSWORD)
    type_into(qtbot, dialog.repeat, NEW_PASSWORD)
    press_enter(dialog.repeat)
    assert not dialog.isVisible()
    assert page.status.text() == "Created the clinician account b.khan for Dr Bilal Khan."
    assert row_of(page, "Dr Bilal Khan")[1:] == ["b.khan", "Clinician", "General practitioner", "GMC 7654321",
                                                 "active"]
    assert users.authenticate("b.khan", NEW_PASSWORD).role == "clinician"


def test_a_clinician_without_a_registration_number_is_refused_in_the_form(qtbot, page):
    dialog = opened_dialog(qtbot, page, page.new_button, UserDialog)
    type_into(qtbot, dialog.username, "b.khan")
    type_into(qtbot, dialog.full_name, "Dr Bilal Khan")
    type_into(qtbot, dialog.password, NEW_PASSWORD)
    type_into(qtbot, dialog.repeat, NEW_PASSWORD)
    press_enter(dialog.repeat)
    assert dialog.isVisible()
    assert dialog.message.text() == "A clinician needs a professional registration number."
    assert dialog.focusWidget() is dialog.registration
    assert "Dr Bilal Khan" not in cells(page, 0)


def test_two_different_passwords_are_refused_before_anything_is_saved(qtbot, page):
    dialog = opened_dialog(qtbot, page, page.new_button, UserDialog)
    type_into(qtbot, dialog.username, "temp")
    type_into(qtbot, dialog.full_name, "Tess Temp")
    dialog.role.setCurrentIndex(dialog.role.findData("receptionist"))
    type_into(qtbot, dialog.password, NEW_PASSWORD)
    type_into(qtbot, dialog.repeat, NEW_PASSWORD + "!")
    press_enter(dialog.repeat)
    assert dialog.message.text() == "The two passwords differ; type the same password twice."
    assert "Tess Temp" not in cells(page, 0)


def confirm_deactivation(qtbot, page, answer: str = "Deactivate") -> str:
    """Click Deactivate, then answer the dialog it opens (left open after a refusal, for the test to read)."""
    qtbot.mouseClick(page.active_button, Qt.MouseButton.LeftButton)
    dialog = page.confirmation
    assert dialog is not None and dialog.isVisible() and dialog.isModal()
    text = next(label.text() for label in dialog.findChildren(QLabel) if label.text().startswith("Deactivate "))
    chosen = next(button for button in dialog.findChild(QDialogButtonBox).buttons()
                  if button.text().replace("&", "") == answer)
    qtbot.mouseClick(chosen, Qt.MouseButton.LeftButton)
    return text


def test_deactivating_asks_first_and_cancelling_keeps_the_account(qtbot, page):
    click_row(qtbot, page, "Dr Alys Jones")
    question = confirm_deactivation(qtbot, page, "Cancel")
    assert question.startswith("Deactivate drjones (Dr Alys Jones)? They can no longer sign in")
    assert row_of(page, "Dr Alys Jones")[-1] == "active"
    assert users.authenticate("drjones", PASSWORD).username == "drjones"


def test_deactivating_greys_the_account_and_stops_its_sign_in(qtbot, page):
    click_row(qtbot, page, "Dr Alys Jones")
    assert page.active_button.text() == "&Deactivate"
    confirm_deactivation(qtbot, page)
    assert page.status.text() == "Deactivated drjones (Dr Alys Jones): they can no longer sign in."
    assert row_of(page, "Dr Alys Jones")[-1] == "deactivated: cannot sign in"
    assert cells(page, 0)[-1] == "Dr Alys Jones"  # deactivated accounts come last
    with pytest.raises(SignInFailed):
        users.authenticate("drjones", PASSWORD)


def test_a_deactivated_account_is_reactivated(qtbot, page, sqlite_staff):
    users.deactivate_user(sqlite_staff.manager, sqlite_staff.receptionist.user_id)
    page.reload()
    click_row(qtbot, page, "Rita Reception")
    assert page.active_button.text() == "Re&activate"
    qtbot.mouseClick(page.active_button, Qt.MouseButton.LeftButton)
    assert row_of(page, "Rita Reception")[-1] == "active"
    assert users.authenticate("reception", PASSWORD) == sqlite_staff.receptionist


def test_the_manager_cannot_deactivate_or_re_role_themself(qtbot, page):
    click_row(qtbot, page, "Morag Manager")
    assert not page.active_button.isEnabled()
    assert "cannot deactivate your own account" in page.active_button.toolTip()
    dialog = opened_dialog(qtbot, page, page.edit_button, UserDialog)
    assert not dialog.role.isEnabled()


def test_a_refusal_from_the_list_is_shown_in_words(qtbot, page, sqlite_staff):
    click_row(qtbot, page, "Sam Physio")
    users.deactivate_user(sqlite_staff.manager, sqlite_staff.other_clinician.user_id)  # another workstation
    confirm_deactivation(qtbot, page)
    assert page.confirmation.message.text() == "The account physio (Sam Physio) is already deactivated."
    assert row_of(page, "Sam Physio")[-1] == "deactivated: cannot sign in"  # redrawn


def test_editing_a_role_and_title_is_saved(qtbot, page):
    click_row(qtbot, page, "Rita Reception")
    dialog = opened_dialog(qtbot, page, page.edit_button, UserDialog)
    dialog.role.setCurrentIndex(dialog.role.findData("practice_manager"))
    type_into(qtbot, dialog.title, "Deputy practice manager")
    press_enter(dialog.title)
    assert page.status.text() == "Saved the account reception (Rita Reception)."
    assert row_of(page, "Rita Reception")[2:4] == ["Practice manager", "Deputy practice manager"]
    assert users.authenticate("reception", PASSWORD).role == "practice_manager"


def test_a_reset_password_lets_the_person_sign_in_with_it(qtbot, page):
    click_row(qtbot, page, "Rita Reception")
    dialog = opened_dialog(qtbot, page, page.password_button, PasswordDialog)
    type_into(qtbot, dialog.password, NEW_PASSWORD)
    type_into(qtbot, dialog.repeat, NEW_PASSWORD)
    press_enter(dialog.repeat)
    assert page.status.text() == "Reset the password of reception (Rita Reception)."
    assert users.authenticate("reception", NEW_PASSWORD).username == "reception"


def test_a_short_password_is_refused_in_the_form(qtbot, page):
    click_row(qtbot, page, "Rita Reception")
    dialog = opened_dialog(qtbot, page, page.password_button, PasswordDialog)
    type_into(qtbot, dialog.password, "short")
    type_into(qtbot, dialog.repeat, "short")
    press_enter(dialog.repeat)
    assert dialog.isVisible()
    assert dialog.message.text() == "A password has at least 10 characters."
    assert users.authenticate("reception", PASSWORD).username == "reception"


def test_an_account_changed_on_another_workstation_is_redrawn(page, sqlite_staff):
    users.deactivate_user(sqlite_staff.manager, sqlite_staff.receptionist.user_id)
    page.hub.poll()
    assert row_of(page, "Rita Reception")[-1] == "deactivated: cannot sign in"


def test_a_clinician_with_bookings_ahead_is_not_deactivated_and_the_page_says_why(qtbot, page, sqlite_staff):
    patient = patients.register_patient(sqlite_staff.receptionist, family_name="Khan", given_name="Aisha",
                                        date_of_birth=date(1980, 3, 4))
    with frozen_at(datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc)):
        episode_id = episodes.open_episode(sqlite_staff.clinician, patient.id, first_contact_on=date(2026, 11, 20),
                                           presentation="non_specific", severity="mild").episode_id
        review = Appointment.get((Appointment.episode == episode_id) & (Appointment.kind == "two_week_review"))
        appointments.book_appointment(sqlite_staff.receptionist, review.id,
                                      clinician_id=sqlite_staff.other_clinician.user_id,
                                      starts_local=datetime(2026, 11, 25, 14, 0))
        click_row(qtbot, page, "Sam Physio")
        confirm_deactivation(qtbot, page)
    assert page.confirmation.message.text() == ("Sam Physio still has 1 booked appointment, on Wed 25 Nov 2026: "
                                                "move or cancel it in the Appointment book first.")
    assert row_of(page, "Sam Physio")[-1] == "active"


def _urgent_referral_for_dr_jones(staff) -> int:
    patient = patients.register_patient(staff.receptionist, family_name="Khan", given_name="Aisha",
                                        date_of_birth=date(1980, 3, 4))
    episode_id = episodes.open_episode(staff.clinician, patient.id, first_contact_on=date(2026, 11, 20),
                                       presentation="non_specific", severity="mild",
                                       red_flags=["suspected cauda equina"]).episode_id
    return referrals.referrals_for_episode(staff.clinician, episode_id)[0].id


def test_deactivating_a_clinician_with_open_work_asks_who_takes_it(qtbot, page, sqlite_staff):
    with frozen_at(datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc)):
        referral_id = _urgent_referral_for_dr_jones(sqlite_staff)
        click_row(qtbot, page, "Dr Alys Jones")
        qtbot.mouseClick(page.active_button, Qt.MouseButton.LeftButton)
        dialog = page.confirmation
        assert dialog.open_work.text().startswith("Dr Alys Jones has 1 open item on their list (referrals to write 1)"
                                                  " and is responsible for 1 open episode.")
        assert not dialog.save_button.isEnabled()
        assert [dialog.hand_to.itemText(index) for index in range(dialog.hand_to.count())] == [
            "Choose…", "Sam Physio", "The unassigned list (every clinician sees it)"]
        dialog.hand_to.setCurrentIndex(1)
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        assert page.status.text() == ("Deactivated drjones (Dr Alys Jones): they can no longer sign in; their open "
                                      "work went to Sam Physio.")
        listed = obligations.obligation_list(sqlite_staff.other_clinician, "referral_to_write",
                                             owner_user_id=sqlite_staff.other_clinician.user_id).rows
    assert [(row.item_id, row.owner_name) for row in listed] == [(referral_id, "Sam Physio")]


def test_someone_without_open_work_is_deactivated_without_being_asked_who_takes_it(qtbot, page):
    click_row(qtbot, page, "Rita Reception")
    qtbot.mouseClick(page.active_button, Qt.MouseButton.LeftButton)
    assert page.confirmation.save_button.isEnabled() and not page.confirmation.hand_to.isVisible()
