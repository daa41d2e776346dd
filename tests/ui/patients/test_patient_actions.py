"""What each role is offered from a patient's view, and what the actions do."""
from __future__ import annotations

from datetime import date

import pytest
from database_fixtures import PASSWORD
from letter_drawing import drawn
from patient_story import at, build_story
from PySide6.QtCore import QCoreApplication, QEvent, QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QToolButton
from test_patient_view import CLINIC_TIME, open_view  # noqa: F401 (the clinic's clock)

from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.services.core.clock import frozen_at
from clinic_desktop.services.referrals import referrals
from clinic_desktop.services.referrals.referrals import WRONG_PASSWORD
from clinic_desktop.ui.book.booking_dialog import BookingDialog
from clinic_desktop.ui.forms.advice_form import AdviceForm
from clinic_desktop.ui.forms.discharge_form import DischargeForm
from clinic_desktop.ui.forms.evaluation_form import EvaluationForm
from clinic_desktop.ui.forms.imaging_form import ImagingForm
from clinic_desktop.ui.forms.start_back_form import StartBackForm
from clinic_desktop.ui.letters.letter_window import LetterWindow
from clinic_desktop.ui.letters.referral_dialogs import AmendLetterDialog, SignLetterDialog
from clinic_desktop.ui.patients.patient_actions import FollowUpDialog
from clinic_desktop.ui.patients.patient_dialog import PatientDialog
from clinic_desktop.ui.shell.change_hub import ChangeHub
from clinic_desktop.ui.shell.main_window import MainWindow

CLINICAL = {"first_contact", "start_back", "medication", "findings", "imaging", "record_advice", "plan", "evaluation",
            "outcome", "discharge", "acknowledge", "write_letter", "sign", "amend_letter"}


def triggered(qtbot, actor, patient_id: int, action: str):
    """The patient's view, and what its ``action`` opened."""
    view = open_view(qtbot, actor, patient_id)
    view.actions.actions[action].trigger()
    opened = view.actions.dialog
    if hasattr(opened, "preview"):
        drawn(qtbot, opened.preview)  # letters are drawn off the window's thread
    return view, opened


def choose(table, model, column: int, text: str) -> None:
    """Select the row whose cell in ``column`` starts with ``text``, as a click would."""
    row = next(row for row in range(model.rowCount()) if model.index(row, column).data().startswith(text))
    table.setCurrentIndex(model.index(row, 0))


def test_receptionist_is_not_offered_clinical_actions(qtbot, sqlite_staff):
    story = build_story(sqlite_staff)
    view = open_view(qtbot, sqlite_staff.receptionist, story.patient_id)
    assert not CLINICAL & set(view.actions.actions)
    assert [action.text() for action in view.toolbar.actions()] == ["&Edit details…", "&Print leaflet…",
                                                                    "Plan printo&ut…"]
    assert {"book", "rebook", "follow_up", "mark_sent", "acknowledged", "close", "view_letter"} <= set(
        view.actions.actions)


def test_clinician_is_offered_the_clinical_record_but_not_sending(qtbot, sqlite_staff):
    story = build_story(sqlite_staff, sign=False)
    view = open_view(qtbot, sqlite_staff.clinician, story.patient_id)
    assert CLINICAL <= set(view.actions.actions)
    assert "mark_sent" not in view.actions.actions
    assert view.actions.actions["sign"] in view.referrals_table.actions()  # its context menu


def test_manager_may_cancel_a_referral_but_never_sign(qtbot, sqlite_staff):
    story = build_story(sqlite_staff, sign=False)
    view = open_view(qtbot, sqlite_staff.manager, story.patient_id)
    assert "cancel_referral" in view.actions.actions
    assert not {"sign", "amend_letter"} & set(view.actions.actions)
    assert view.actions.actions["cancel_referral"].isEnabled()


def test_first_contact_advice_is_offered_only_while_it_is_missing(qtbot, sqlite_staff):
    story = build_story(sqlite_staff, sign=False)  # opened with the older ticks only
    view, form = triggered(qtbot, sqlite_staff.clinician, story.patient_id, "record_advice")
    assert view.actions.actions["record_advice"] in view.toolbar.actions()
    assert isinstance(form, AdviceForm) and view.actions.actions["record_advice"].isVisible()
    for field, question in form.advice.questions.items():
        button = question.yes if field == "reactivation_advised" else question.no
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=QPoint(8, button.height() // 2))
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not view.actions.actions["record_advice"].isVisible())
    assert view.actions.actions["imaging"].isEnabled()


def test_imaging_is_requested_from_the_patients_view(qtbot, sqlite_staff):
    story = build_story(sqlite_staff, sign=False)
    _, form = triggered(qtbot, sqlite_staff.clinician, story.patient_id, "imaging")
    assert isinstance(form, ImagingForm) and form.episode.patient_id == story.patient_id


def test_actions_follow_the_state_of_the_episode_and_the_selection(qtbot, sqlite_staff):
    story = build_story(sqlite_staff, sign=False)
    view = open_view(qtbot, sqlite_staff.clinician, story.patient_id)
    actions = view.actions.actions
    assert not actions["first_contact"].isEnabled()  # an episode is already open
    assert actions["start_back"].isEnabled() and actions["sign"].isEnabled()
    choose(view.reviews_table, view.reviews_model, 1, "to book")
    assert actions["book"].isEnabled() and not actions["rebook"].isEnabled()
    choose(view.reviews_table, view.reviews_model, 0, "12-week check")
    assert actions["rebook"].isEnabled() and not actions["book"].isEnabled()


@pytest.mark.parametrize("role, action, review, opens", [
    ("clinician", "start_back", None, StartBackForm),
    ("clinician", "evaluation", None, EvaluationForm),
    ("clinician", "discharge", None, DischargeForm),
    ("receptionist", "edit_details", None, PatientDialog),
    ("receptionist", "book", "to book", BookingDialog),
    ("receptionist", "rebook", "booked", BookingDialog),
])
def test_an_action_opens_its_dialog(qtbot, sqlite_staff, role, action, review, opens):
    story = build_story(sqlite_staff)
    view = open_view(qtbot, getattr(sqlite_staff, role), story.patient_id)
    if review:
        choose(view.reviews_table, view.reviews_model, 1, review)
    view.actions.actions[action].trigger()
    assert isinstance(view.actions.dialog, opens) and view.actions.dialog.isVisible()
    view.actions.dialog.reject()


def test_adding_a_follow_up_lists_it_and_says_so(qtbot, sqlite_staff):
    story = build_story(sqlite_staff)
    view = open_view(qtbot, sqlite_staff.receptionist, story.patient_id)
    view.actions.actions["follow_up"].trigger()
    dialog = view.actions.dialog
    assert isinstance(dialog, FollowUpDialog)
    dialog.due_by.setDate(date(2026, 12, 4))
    qtbot.keyClicks(dialog.reason, "Review the sleep diary")
    QTest.keyClick(dialog.reason, Qt.Key.Key_Return)
    reasons = [view.reviews_model.index(row, 5).data() for row in range(view.reviews_model.rowCount())]
    assert "Review the sleep diary" in reasons
    assert view.notices.texts() == ["• Follow-up put on the to-book list, due by Fri 4 Dec 2026."]


def test_a_follow_up_without_a_reason_is_refused_in_the_dialog(qtbot, sqlite_staff):
    story = build_story(sqlite_staff)
    view = open_view(qtbot, sqlite_staff.receptionist, story.patient_id)
    view.actions.actions["follow_up"].trigger()
    dialog = view.actions.dialog
    QTest.keyClick(dialog.reason, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.message.text() == "Give a reason"


def test_signing_with_the_wrong_password_is_refused_inline(qtbot, sqlite_staff):
    story = build_story(sqlite_staff, sign=False)
    view, dialog = triggered(qtbot, sqlite_staff.clinician, story.patient_id, "sign")
    assert isinstance(dialog, SignLetterDialog)
    assert dialog.preview.page_count() >= 1  # the letter being signed, as it will print
    qtbot.keyClicks(dialog.password, "wrong password")
    QTest.keyClick(dialog.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.message.text() == WRONG_PASSWORD, timeout=10_000)  # checked off the window's thread
    assert dialog.isVisible()
    assert dialog.password.text() == ""
    assert referrals.get_referral(sqlite_staff.clinician, story.referral_id).status == "drafted"


def test_signing_with_the_password_signs_and_redraws(qtbot, sqlite_staff):
    story = build_story(sqlite_staff, sign=False)
    view, dialog = triggered(qtbot, sqlite_staff.clinician, story.patient_id, "sign")
    qtbot.keyClicks(dialog.password, PASSWORD)
    QTest.keyClick(dialog.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.referrals_model.index(0, 1).data() == "signed", timeout=10_000)
    assert view.notices.texts() == ["• Biopsychosocial assessment / specialised physiotherapy referral: "
                                    "letter signed; it can now be sent."]
    assert not view.actions.actions["sign"].isEnabled()


def test_receptionist_marks_a_signed_letter_sent(qtbot, sqlite_staff):
    story = build_story(sqlite_staff, sign=False)
    with frozen_at(at(11, 16)):
        referrals.sign_referral(sqlite_staff.clinician, story.referral_id, PASSWORD)
    view = open_view(qtbot, sqlite_staff.receptionist, story.patient_id)
    assert view.actions.actions["mark_sent"].isEnabled()
    view.actions.actions["mark_sent"].trigger()
    assert view.referrals_model.index(0, 1).data() == "sent"
    assert not view.actions.actions["mark_sent"].isEnabled() and view.actions.actions["acknowledged"].isEnabled()


def test_a_step_someone_else_took_meanwhile_is_refused_in_a_box(qtbot, sqlite_staff):
    story = build_story(sqlite_staff)
    view = open_view(qtbot, sqlite_staff.receptionist, story.patient_id)
    referrals.record_referral_acknowledged(sqlite_staff.manager, story.referral_id)  # another workstation
    view.actions.actions["acknowledged"].trigger()
    box = view.actions.dialog
    assert box.objectName() == "refusal" and "is acknowledged" in box.text()
    box.close()


@pytest.mark.parametrize("role", ["receptionist", "clinician", "practice_manager"])
def test_every_role_may_read_a_signed_letter_in_its_own_window(qtbot, sqlite_staff, role):
    story = build_story(sqlite_staff)
    actor = {"receptionist": sqlite_staff.receptionist, "clinician": sqlite_staff.clinician,
             "practice_manager": sqlite_staff.manager}[role]
    view, window = triggered(qtbot, actor, story.patient_id, "view_letter")
    assert view.actions.actions["view_letter"] in view.referrals_table.actions()
    assert isinstance(window, LetterWindow) and window.isVisible() and not window.isModal()
    assert window.pdf_bytes() == referrals.letter_pdf(actor, story.referral_id, 1)
    window.close()


def test_a_drafted_letter_can_be_read_before_it_is_signed(qtbot, sqlite_staff):
    story = build_story(sqlite_staff, sign=False)
    _view, window = triggered(qtbot, sqlite_staff.clinician, story.patient_id, "view_letter")
    assert window.choice().label == "Draft — not signed"
    window.close()


def test_a_referral_without_a_letter_has_none_to_view(qtbot, sqlite_staff):
    story = build_story(sqlite_staff)
    referrals.raise_referral(sqlite_staff.clinician, story.episode_id, kind="spinal_surgical", reason="Not improved")
    view = open_view(qtbot, sqlite_staff.clinician, story.patient_id)
    choose(view.referrals_table, view.referrals_model, 0, "Spinal surgical")
    assert not view.actions.actions["view_letter"].isEnabled()


def test_only_a_signed_or_sent_letter_can_be_amended(qtbot, sqlite_staff):
    story = build_story(sqlite_staff, sign=False)
    view = open_view(qtbot, sqlite_staff.clinician, story.patient_id)
    assert not view.actions.actions["amend_letter"].isEnabled()  # drafted: rewrite it instead
    with frozen_at(at(11, 16)):
        referrals.sign_referral(sqlite_staff.clinician, story.referral_id, PASSWORD)
    view.reload()
    assert view.actions.actions["amend_letter"].isEnabled()


def test_amending_from_the_patient_view_signs_version_two_and_says_so(qtbot, sqlite_staff):
    story = build_story(sqlite_staff)
    view, dialog = triggered(qtbot, sqlite_staff.clinician, story.patient_id, "amend_letter")
    assert isinstance(dialog, AmendLetterDialog) and dialog.isModal()
    qtbot.keyClicks(dialog.reason, "Added the MRI result")
    dialog.refresh_preview()
    drawn(qtbot, dialog.preview)
    qtbot.keyClicks(dialog.password, PASSWORD)
    QTest.keyClick(dialog.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.referrals_model.index(0, 1).data() == "signed", timeout=10_000)  # to be sent again
    assert view.referrals_model.index(0, 3).data().startswith("version 2 signed")
    assert view.notices.texts() == ["• Biopsychosocial assessment / specialised physiotherapy referral: letter "
                                    "amended and signed as version 2; it must be sent again."]


def test_the_leaflet_opens_for_a_receptionist(qtbot, sqlite_staff):
    story = build_story(sqlite_staff)
    _view, window = triggered(qtbot, sqlite_staff.receptionist, story.patient_id, "print_leaflet")
    assert isinstance(window, LetterWindow) and window.isVisible()
    assert window.windowTitle() == "Self-management leaflet — SMITH, Ann"
    assert window.preview.page_count() == 1
    window.close()


# --- the main window's Patient menu: the same actions as the patient's tab ---


def in_window(qtbot, actor, patient_id: int):
    """The main window with the patient's tab in front."""
    window = MainWindow(actor, load_settings(), "clinic.sqlite3", ChangeHub(actor, poll_seconds=3600))
    qtbot.addWidget(window)
    return window, window.open_patient(patient_id)


def button_of(view, action):
    return next(button for button in view.findChildren(QToolButton) if button.defaultAction() is action)


def test_the_patient_menu_its_list_button_and_context_menu_share_one_action(qtbot, sqlite_staff):
    story = build_story(sqlite_staff)
    window, view = in_window(qtbot, sqlite_staff.receptionist, story.patient_id)
    follow_up = next(action for action in window.patient_menu.submenus["review"].actions()
                     if action.text() == "Add f&ollow-up…")
    assert follow_up in view.reviews_table.actions()  # its context menu
    assert button_of(view, follow_up).isEnabled() and follow_up.shortcut().toString() == "Ctrl+Shift+U"
    follow_up.trigger()  # as chosen from the menu
    assert isinstance(view.actions.dialog, FollowUpDialog) and view.actions.dialog.isVisible()
    view.actions.dialog.reject()


def test_the_patient_menu_follows_the_selected_review(qtbot, sqlite_staff):
    story = build_story(sqlite_staff)
    window, view = in_window(qtbot, sqlite_staff.receptionist, story.patient_id)
    entries = {action.text(): action for action in window.patient_menu.submenus["review"].actions()}
    choose(view.reviews_table, view.reviews_model, 1, "to book")
    assert entries["&Book review…"].isEnabled() and not entries["&Rebook review…"].isEnabled()
    assert button_of(view, entries["&Book review…"]).isEnabled()
    choose(view.reviews_table, view.reviews_model, 0, "12-week check")
    assert entries["&Rebook review…"].isEnabled() and not entries["&Book review…"].isEnabled()
    assert not button_of(view, entries["&Book review…"]).isEnabled()


def test_the_patient_menu_offers_a_patients_actions_only_with_their_tab_in_front(qtbot, sqlite_staff):
    story = build_story(sqlite_staff)
    window, view = in_window(qtbot, sqlite_staff.receptionist, story.patient_id)
    shown = [action.text() for action in window.patient_menu.menu.actions() if action.isVisible()]
    assert shown[:1] == ["&Register new patient…"] and "&Edit details…" in shown
    window.show_worklists()
    shown = [action.text() for action in window.patient_menu.menu.actions() if action.isVisible()]
    assert shown == ["&Register new patient…"]


def test_closing_a_patients_tab_takes_its_actions_off_the_patient_menu(qtbot, sqlite_staff):
    story = build_story(sqlite_staff)
    window, _view = in_window(qtbot, sqlite_staff.receptionist, story.patient_id)
    window.close_patient_tab()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # the closed view is gone
    shown = [action.text() for action in window.patient_menu.menu.actions() if action.isVisible()]
    assert shown == ["&Register new patient…"]
    window.open_patient(story.patient_id)  # and back again, with a new view's actions
    assert "&Edit details…" in [action.text() for action in window.patient_menu.menu.actions()]
