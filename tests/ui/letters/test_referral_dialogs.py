"""Writing, signing, amending and cancelling a referral letter from its dialogs."""
from __future__ import annotations

import hashlib
import threading

import pytest
from database_fixtures import PASSWORD
from letter_drawing import drawn
from patient_story import build_story
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QProgressDialog
from test_letter_window import CLINIC_TIME, LONG_TEXT  # noqa: F401 (CLINIC_TIME: the clinic's clock)

from clinic_desktop.services.referrals import destinations, referrals
from clinic_desktop.services.referrals.referrals import WRONG_PASSWORD
from clinic_desktop.ui.letters.referral_dialogs import (
    AmendLetterDialog,
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
    if hasattr(dialog, "preview"):
        drawn(qtbot, dialog.preview)
    return dialog


def press_sign(qtbot, dialog, field) -> None:
    """Return in ``field``, then wait for the signature to be checked (off the window's thread)."""
    QTest.keyClick(field, Qt.Key.Key_Return)
    if dialog.signing is not None:
        with qtbot.waitSignal(dialog.signing.finished, timeout=10_000):
            pass


def test_draft_dialog_saves_the_rewritten_text_with_ctrl_enter(qtbot, sqlite_staff, drafted):
    dialog = opened(qtbot, DraftLetterDialog(sqlite_staff.clinician, drafted))
    assert dialog.text.toPlainText() == "Persistent pain; high risk on STarT Back."
    dialog.text.selectAll()
    qtbot.keyClicks(dialog.text, "Please assess; STarT Back 8/9.")
    with qtbot.waitSignal(dialog.saved) as saved:
        QTest.keyClick(dialog.text, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert saved.args[0].clinician_text == "Please assess; STarT Back 8/9."


def test_the_draft_goes_to_the_destination_chosen_from_the_directory(qtbot, sqlite_staff, drafted):
    usual = destinations.create_destination(sqlite_staff.manager, name="Avon Back Pain Service",
                                            kinds=[drafted.kind], default_for=[drafted.kind])
    other = destinations.create_destination(sqlite_staff.manager, name="Severn Physiotherapy", kinds=[drafted.kind])
    destinations.create_destination(sqlite_staff.manager, name="Spinal Surgery", kinds=["spinal_surgical"]
                                    if drafted.kind != "spinal_surgical" else ["urgent_red_flag"])
    dialog = opened(qtbot, DraftLetterDialog(sqlite_staff.clinician, drafted))
    offered = [dialog.destination.itemText(index) for index in range(dialog.destination.count())]
    assert offered == ["Avon Back Pain Service (usual for this kind)", "Severn Physiotherapy"]
    dialog.destination.setCurrentIndex(1)
    with qtbot.waitSignal(dialog.saved) as saved:
        dialog.save()
    assert saved.args[0].destination_id == other.id != usual.id


def test_an_empty_draft_is_refused_inline(qtbot, sqlite_staff, drafted):
    dialog = opened(qtbot, DraftLetterDialog(sqlite_staff.clinician, drafted))
    dialog.text.clear()
    dialog.save()
    assert dialog.isVisible() and dialog.message.text() == "Write the letter text before saving the draft."


def letter_text(preview) -> str:
    """Every page's words, as a screen reader is told them page by page."""
    words = []
    for number in range(1, preview.page_count() + 1):
        preview.go_to_page(number)
        words.append(preview.scroll.accessibleDescription())
    preview.go_to_page(1)
    return " ".join(" ".join(words).split())


def test_sign_dialog_shows_what_is_being_signed(qtbot, sqlite_staff, drafted):
    dialog = opened(qtbot, SignLetterDialog(sqlite_staff.clinician, drafted))
    summary = dialog.summary.text()
    assert "Biopsychosocial assessment / specialised physiotherapy referral</b> for <b>SMITH, Ann" in summary
    assert "Due by Wed 25 Nov 2026 · drafted" in summary
    assert "Reason: STarT Back high risk" in summary
    assert dialog.preview.page_count() >= 1
    assert dialog.preview.page_label.text() == f"Page 1 of {dialog.preview.page_count()}"
    assert "Persistent pain; high risk on STarT Back." in letter_text(dialog.preview)
    assert "DRAFT – not signed" in letter_text(dialog.preview)


def test_page_down_reads_on_while_the_password_has_the_focus(qtbot, sqlite_staff, drafted):
    referrals.draft_referral(sqlite_staff.clinician, drafted.id, LONG_TEXT)
    dialog = opened(qtbot, SignLetterDialog(sqlite_staff.clinician, referrals.get_referral(sqlite_staff.clinician,
                                                                                           drafted.id)))
    assert dialog.password.hasFocus() and dialog.preview.page_count() >= 2
    QTest.keyClick(dialog.password, Qt.Key.Key_PageDown)
    assert dialog.preview.current_page() == 2


def test_a_draft_rewritten_elsewhere_is_shown_again_before_it_can_be_signed(qtbot, sqlite_staff, drafted):
    dialog = opened(qtbot, SignLetterDialog(sqlite_staff.clinician, drafted))
    referrals.draft_referral(sqlite_staff.clinician, drafted.id, "Rewritten on the other workstation.")
    qtbot.keyClicks(dialog.password, PASSWORD)
    with qtbot.assertNotEmitted(dialog.saved):
        press_sign(qtbot, dialog, dialog.password)
    assert dialog.message.text().startswith("The draft was changed on another workstation.")
    drawn(qtbot, dialog.preview)
    assert "Rewritten on the other workstation." in letter_text(dialog.preview)
    assert referrals.get_referral(sqlite_staff.clinician, drafted.id).status == "drafted"
    with qtbot.waitSignal(dialog.saved) as saved:
        QTest.keyClick(dialog.password, Qt.Key.Key_Return)  # now seen: the second press signs
    assert saved.args[0].clinician_text == "Rewritten on the other workstation."


def test_wrong_password_is_refused_in_the_dialog_and_nothing_is_signed(qtbot, sqlite_staff, drafted):
    dialog = opened(qtbot, SignLetterDialog(sqlite_staff.clinician, drafted))
    qtbot.keyClicks(dialog.password, "not it")
    with qtbot.assertNotEmitted(dialog.saved):
        press_sign(qtbot, dialog, dialog.password)
    assert dialog.message.text() == WRONG_PASSWORD
    assert dialog.password.text() == "" and dialog.ok_button.isEnabled()
    assert referrals.get_referral(sqlite_staff.clinician, drafted.id).versions == ()


def test_right_password_signs_version_one(qtbot, sqlite_staff, drafted):
    dialog = opened(qtbot, SignLetterDialog(sqlite_staff.clinician, drafted))
    qtbot.keyClicks(dialog.password, PASSWORD)
    with qtbot.waitSignal(dialog.saved) as saved:
        QTest.keyClick(dialog.password, Qt.Key.Key_Return)
    assert saved.args[0].status == "signed" and [version.version for version in saved.args[0].versions] == [1]


def test_signing_shows_its_progress_keeps_the_window_answering_and_signs_once(qtbot, sqlite_staff, drafted,
                                                                             monkeypatch):
    release, sign = threading.Event(), referrals.sign_referral

    def slow_password_check(*args, **kwargs):
        release.wait(10)
        return sign(*args, **kwargs)

    monkeypatch.setattr(referrals, "sign_referral", slow_password_check)
    dialog = opened(qtbot, SignLetterDialog(sqlite_staff.clinician, drafted))
    qtbot.keyClicks(dialog.password, PASSWORD)
    QTest.keyClick(dialog.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.findChild(QProgressDialog, "progress").isVisible(), timeout=5000)
    progress = dialog.findChild(QProgressDialog, "progress")
    assert progress.labelText() == "Checking your password and signing the letter…"
    assert not dialog.ok_button.isEnabled()
    QTest.keyClick(dialog.password, Qt.Key.Key_Return)  # pressed again while it signs: no second signature
    dialog.preview.next_page()  # the window still answers
    with qtbot.waitSignal(dialog.saved, timeout=10_000) as saved:
        release.set()
    assert [version.version for version in saved.args[0].versions] == [1]
    assert not dialog.isVisible()
    assert dialog.findChild(QProgressDialog, "progress") is None or not progress.isVisible()


def test_a_letter_still_being_drawn_cannot_be_signed(qtbot, sqlite_staff, drafted, monkeypatch):
    release, preview = threading.Event(), referrals.preview_letter

    def slow_preview(*args, **kwargs):
        release.wait(10)
        return preview(*args, **kwargs)

    monkeypatch.setattr(referrals, "preview_letter", slow_preview)
    dialog = SignLetterDialog(sqlite_staff.clinician, drafted)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.preview.message.text() == "Drawing the letter…"
    qtbot.keyClicks(dialog.password, PASSWORD)
    with qtbot.assertNotEmitted(dialog.saved):
        QTest.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.message.text() == "The letter is still being drawn: read it, then sign."
    assert dialog.signing is None
    release.set()
    drawn(qtbot, dialog.preview)
    assert referrals.get_referral(sqlite_staff.clinician, drafted.id).versions == ()


def test_cancelling_needs_a_reason_then_keeps_it(qtbot, sqlite_staff, drafted):
    dialog = opened(qtbot, CancelReferralDialog(sqlite_staff.manager, drafted))
    dialog.save()
    assert dialog.message.text() == "Give the reason for cancelling the referral."
    qtbot.keyClicks(dialog.reason, "Patient moved away")
    with qtbot.waitSignal(dialog.saved) as saved:
        QTest.keyClick(dialog.reason, Qt.Key.Key_Return)
    assert (saved.args[0].status, saved.args[0].cancel_reason) == ("cancelled", "Patient moved away")


@pytest.fixture
def signed(sqlite_staff):
    story = build_story(sqlite_staff)
    return referrals.get_referral(sqlite_staff.clinician, story.referral_id)


def amend_dialog(qtbot, staff, referral, text="Persistent pain; MRI shows an L4/5 disc bulge.") -> AmendLetterDialog:
    dialog = opened(qtbot, AmendLetterDialog(staff.clinician, referral))
    dialog.text.selectAll()
    qtbot.keyClicks(dialog.text, text)
    return dialog


def test_amending_makes_version_two_with_the_reason_and_keeps_version_one(qtbot, sqlite_staff, signed):
    first = referrals.letter_pdf(sqlite_staff.clinician, signed.id, 1)
    dialog = amend_dialog(qtbot, sqlite_staff, signed)
    qtbot.keyClicks(dialog.reason, "Added the MRI result")
    dialog.refresh_preview()
    drawn(qtbot, dialog.preview)
    qtbot.keyClicks(dialog.password, PASSWORD)
    with qtbot.waitSignal(dialog.saved) as saved:
        QTest.keyClick(dialog.password, Qt.Key.Key_Return)
    record = saved.args[0]
    assert [(info.version, info.amendment_reason) for info in record.versions] == [
        (1, None), (2, "Added the MRI result")]
    assert record.status == "signed" and record.clinician_text == "Persistent pain; MRI shows an L4/5 disc bulge."
    assert referrals.letter_pdf(sqlite_staff.clinician, signed.id, 1) == first
    assert record.versions[0].sha256 == signed.versions[0].sha256 == hashlib.sha256(first).hexdigest()


def test_the_amended_version_is_previewed_with_its_banner_and_reason(qtbot, sqlite_staff, signed):
    dialog = amend_dialog(qtbot, sqlite_staff, signed)
    qtbot.keyClicks(dialog.reason, "Added the MRI result")
    qtbot.waitUntil(lambda: "Added the MRI result" in dialog.preview.scroll.accessibleDescription(), timeout=3000)
    words = letter_text(dialog.preview)
    assert "AMENDMENT – version 2 of this letter." in words
    assert "Persistent pain; MRI shows an L4/5 disc bulge." in words


def test_an_amendment_without_a_reason_is_refused_inline_and_nothing_changes(qtbot, sqlite_staff, signed):
    dialog = amend_dialog(qtbot, sqlite_staff, signed)
    dialog.refresh_preview()
    drawn(qtbot, dialog.preview)
    qtbot.keyClicks(dialog.password, PASSWORD)
    with qtbot.assertNotEmitted(dialog.saved):
        press_sign(qtbot, dialog, dialog.password)
    assert dialog.isVisible() and dialog.message.text() == "Give the reason for amending a signed letter."
    assert len(referrals.get_referral(sqlite_staff.clinician, signed.id).versions) == 1


def test_signing_straight_after_typing_shows_the_new_preview_first(qtbot, sqlite_staff, signed):
    dialog = amend_dialog(qtbot, sqlite_staff, signed)
    qtbot.keyClicks(dialog.reason, "Added the MRI result")
    qtbot.keyClicks(dialog.password, PASSWORD)
    with qtbot.assertNotEmitted(dialog.saved):
        QTest.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.message.text() == "The preview is catching up with your changes: read it, then sign."
    assert dialog.signing is None
    drawn(qtbot, dialog.preview)
    assert "Added the MRI result" in dialog.preview.scroll.accessibleDescription()
    assert len(referrals.get_referral(sqlite_staff.clinician, signed.id).versions) == 1


def test_screenshot_shows_a_letter_awaiting_signature(qtbot, sqlite_staff, drafted):
    dialog = for_screenshot(sqlite_staff.clinician, None, None)
    qtbot.addWidget(dialog)
    QApplication.processEvents()  # the screenshot takes its picture after a few passes, without waiting
    assert isinstance(dialog, SignLetterDialog) and dialog.referral.id == drafted.id
    assert "Persistent pain; high risk on STarT Back." in letter_text(dialog.preview)


@pytest.fixture
def urgent(sqlite_staff, drafted):
    raised = referrals.raise_referral(sqlite_staff.clinician, drafted.episode_id, kind="urgent_red_flag",
                                      reason="Saddle anaesthesia reported")
    return referrals.get_referral(sqlite_staff.clinician, raised.id)


def test_a_practice_manager_is_told_only_a_clinician_cancels_the_urgent_referral(qtbot, sqlite_staff, urgent):
    dialog = opened(qtbot, CancelReferralDialog(sqlite_staff.manager, urgent))
    assert dialog.rule.text().startswith("This is the urgent red-flag referral: only a clinician may cancel it")
    assert not dialog.ok_button.isEnabled() and not dialog.reason.isEnabled()


def test_a_clinician_cancels_the_urgent_referral_only_with_a_clinical_reason(qtbot, sqlite_staff, urgent):
    dialog = opened(qtbot, CancelReferralDialog(sqlite_staff.clinician, urgent))
    assert dialog.reason.accessibleName() == "Clinical reason for cancelling"
    qtbot.keyClicks(dialog.reason, "not needed")
    dialog.save()
    assert dialog.message.text().startswith("Give the clinical reason for cancelling the urgent red-flag referral")
    dialog.reason.setText("Red flags excluded on examination")
    with qtbot.waitSignal(dialog.saved) as saved:
        dialog.save()
    assert (saved.args[0].status, saved.args[0].cancelled_by_name) == ("cancelled", "Dr Alys Jones")
