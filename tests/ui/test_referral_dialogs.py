"""Writing, signing and cancelling a referral letter from its dialogs."""
from __future__ import annotations

import pytest
from database_fixtures import PASSWORD
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from test_patient_view import build_story, monday  # noqa: F401 (the autouse clock)

from clinic_desktop.services import referrals
from clinic_desktop.services.referrals import WRONG_PASSWORD
from clinic_desktop.ui.referral_dialogs import (
    CancelReferralDialog,
    DraftLetterDialog,
    SignLetterDialog,
    for_screenshot,
)


@pytest.fixture
def drafted(sqlite_staff):
    story = build_story(sqlite_staff, sign=False)
    return referrals.get_referral(sqlite_staff.clinician, story.referral_id)


def opened(qtbot, dialog):
    qtbot.addWidget(dialog)
    dialog.open()
    dialog.activateWindow()  # shortcuts reach the active window only
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


def test_draft_dialog_saves_the_rewritten_text_with_ctrl_enter(qtbot, sqlite_staff, drafted):
    dialog = opened(qtbot, DraftLetterDialog(sqlite_staff.clinician, drafted))
    assert dialog.text.toPlainText() == "Persistent pain; high risk on STarT Back."
    dialog.text.selectAll()
    qtbot.keyClicks(dialog.text, "Please assess; STarT Back 8/9.")
    with qtbot.waitSignal(dialog.saved) as saved:
        QTest.keyClick(dialog.text, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert saved.args[0].clinician_text == "Please assess; STarT Back 8/9."


def test_an_empty_draft_is_refused_inline(qtbot, sqlite_staff, drafted):
    dialog = opened(qtbot, DraftLetterDialog(sqlite_staff.clinician, drafted))
    dialog.text.clear()
    dialog.save()
    assert dialog.isVisible() and dialog.message.text() == "Write the letter text before saving the draft."


def test_sign_dialog_shows_what_is_being_signed(qtbot, sqlite_staff, drafted):
    dialog = opened(qtbot, SignLetterDialog(sqlite_staff.clinician, drafted))
    summary = dialog.summary.text()
    assert "Biopsychosocial assessment / specialised physiotherapy referral</b> for <b>SMITH, Ann" in summary
    assert "Due by Wed 25 Nov 2026 · drafted" in summary
    assert "Reason: STarT Back high risk" in summary
    assert dialog.letter.isReadOnly() and dialog.letter.toPlainText() == "Persistent pain; high risk on STarT Back."


def test_wrong_password_is_refused_in_the_dialog_and_nothing_is_signed(qtbot, sqlite_staff, drafted):
    dialog = opened(qtbot, SignLetterDialog(sqlite_staff.clinician, drafted))
    qtbot.keyClicks(dialog.password, "not it")
    with qtbot.assertNotEmitted(dialog.saved):
        QTest.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.message.text() == WRONG_PASSWORD
    assert referrals.get_referral(sqlite_staff.clinician, drafted.id).versions == ()


def test_right_password_signs_version_one(qtbot, sqlite_staff, drafted):
    dialog = opened(qtbot, SignLetterDialog(sqlite_staff.clinician, drafted))
    qtbot.keyClicks(dialog.password, PASSWORD)
    with qtbot.waitSignal(dialog.saved) as saved:
        QTest.keyClick(dialog.password, Qt.Key.Key_Return)
    assert saved.args[0].status == "signed" and [version.version for version in saved.args[0].versions] == [1]


def test_cancelling_needs_a_reason_then_keeps_it(qtbot, sqlite_staff, drafted):
    dialog = opened(qtbot, CancelReferralDialog(sqlite_staff.manager, drafted))
    dialog.save()
    assert dialog.message.text() == "Give the reason for cancelling the referral."
    qtbot.keyClicks(dialog.reason, "Patient moved away")
    with qtbot.waitSignal(dialog.saved) as saved:
        QTest.keyClick(dialog.reason, Qt.Key.Key_Return)
    assert (saved.args[0].status, saved.args[0].cancel_reason) == ("cancelled", "Patient moved away")


def test_screenshot_shows_a_letter_awaiting_signature(qtbot, sqlite_staff, drafted):
    dialog = for_screenshot(sqlite_staff.clinician, None, None)
    qtbot.addWidget(dialog)
    assert isinstance(dialog, SignLetterDialog) and dialog.referral.id == drafted.id
