"""The clinician's side of a referral: writing the letter text, signing it, cancelling it.

Signing is a clinical signature: the dialog shows exactly what is being signed (the kind,
the patient, the due date, the reason and the letter text) above the password, and a
wrong password is refused in the dialog, with nothing signed. The PDF preview and print
window is a separate piece of work (issue 4); these dialogs deal in the text.
"""
from __future__ import annotations

from html import escape
from typing import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from clinic_desktop.services import referrals, worklists
from clinic_desktop.services.clinic_time import format_day
from clinic_desktop.services.errors import ServiceError
from clinic_desktop.services.referrals import ReferralRecord
from clinic_desktop.ui.form_dialog import lay_out_form_dialog
from clinic_desktop.ui.patient_dialog import busy_cursor


def referral_summary(referral: ReferralRecord) -> str:
    """Who, what and by when, as rich text for the top of each dialog."""
    urgent = "⚠ URGENT — " if referral.urgent else ""
    lines = [f"<b>{urgent}{escape(referral.kind_title)} referral</b> for <b>{escape(referral.patient_name)}</b>",
             f"Due by {format_day(referral.due_by)} · {referral.status.replace('_', ' ')}"]
    if referral.reason:
        lines.append(f"Reason: {escape(referral.reason)}")
    if referral.versions:
        latest = referral.versions[-1]
        lines.append(f"Letter version {latest.version} signed by {escape(latest.signer_name)}")
    return "<br>".join(lines)


class _ReferralDialog(QDialog):
    """What every referral dialog shares: the summary on top, the refusal inline, ``saved``."""

    saved = Signal(object)  # the ReferralRecord after the change

    def __init__(self, actor, referral: ReferralRecord, title: str, parent=None):
        super().__init__(parent)
        self.actor = actor
        self.referral = referral
        self.setWindowTitle(f"{title} — {referral.patient_name}")
        self.summary = QLabel(referral_summary(referral))
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.message = QLabel()

    def lay_out(self, form: QFormLayout, ok_text: str) -> None:
        self.message = lay_out_form_dialog(self, self.summary, form, ok_text, self.save)
        self.message.setAccessibleName("Why it was not done")
        self.ok_button = self.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setDefault(True)
        # Enter writes a new line in the letter text; Ctrl+Enter saves from anywhere.
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, activated=self.save)
        self.setMinimumWidth(560)

    def save(self) -> None:  # pragma: no cover - each dialog defines its own
        raise NotImplementedError

    def run(self, call: Callable[[], ReferralRecord]) -> bool:
        self.message.clear()
        try:
            with busy_cursor():
                record = call()
        except ServiceError as error:
            self.message.setText(str(error))
            return False
        self.saved.emit(record)
        self.accept()
        return True


class DraftLetterDialog(_ReferralDialog):
    """Write or rewrite the clinician's text of a referral letter not yet signed."""

    def __init__(self, actor, referral: ReferralRecord, parent=None):
        super().__init__(actor, referral, "Write referral letter", parent)
        self.text = QPlainTextEdit(referral.clinician_text)
        self.text.setAccessibleName("Letter text")
        self.text.setTabChangesFocus(True)
        self.text.setPlaceholderText("The clinical summary and the question for the receiving service.")
        self.text.setMinimumHeight(180)
        form = QFormLayout()
        label = QLabel("Letter &text")
        label.setBuddy(self.text)
        form.addRow(label, self.text)
        hint = QLabel("Ctrl+Enter saves the draft. It can be rewritten until it is signed.")
        hint.setWordWrap(True)
        form.addRow("", hint)
        self.lay_out(form, "Save &draft")

    def save(self) -> None:
        self.run(lambda: referrals.draft_referral(self.actor, self.referral.id, self.text.toPlainText()))


class SignLetterDialog(_ReferralDialog):
    """Sign the drafted letter by entering the password again, with the text being signed in view."""

    def __init__(self, actor, referral: ReferralRecord, parent=None):
        super().__init__(actor, referral, "Sign referral letter", parent)
        intro = QLabel(f"You are signing this letter as the referring clinician, {escape(actor.full_name)}. "
                       "Once signed it never changes: a later change is a new version with a reason.")
        intro.setWordWrap(True)
        self.letter = QPlainTextEdit(referral.clinician_text)
        self.letter.setReadOnly(True)
        self.letter.setAccessibleName("Letter text being signed")
        self.letter.setTabChangesFocus(True)
        self.letter.setMinimumHeight(160)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("Your password")
        form = QFormLayout()
        form.addRow(intro)
        form.addRow("Letter text", self.letter)
        label = QLabel("Your &password")
        label.setBuddy(self.password)
        form.addRow(label, self.password)
        self.lay_out(form, "&Sign letter")
        self.password.setFocus()

    def save(self) -> None:
        password = self.password.text()
        if not self.run(lambda: referrals.sign_referral(self.actor, self.referral.id, password)):
            self.password.clear()
            self.password.setFocus()


class CancelReferralDialog(_ReferralDialog):
    """Cancel a referral not yet signed, with the reason kept on the record."""

    def __init__(self, actor, referral: ReferralRecord, parent=None):
        super().__init__(actor, referral, "Cancel referral", parent)
        self.reason = QLineEdit()
        self.reason.setAccessibleName("Reason for cancelling")
        form = QFormLayout()
        label = QLabel("&Reason for cancelling")
        label.setBuddy(self.reason)
        form.addRow(label, self.reason)
        self.lay_out(form, "Cancel &referral")
        self.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Cancel).setText("&Keep it")

    def save(self) -> None:
        self.run(lambda: referrals.cancel_referral(self.actor, self.referral.id, self.reason.text()))


def for_screenshot(actor, settings, hub) -> QWidget:
    """The letter awaiting a signature first on the list, as the clinician signing it sees it."""
    waiting = worklists.awaiting_signature(actor, limit=1).rows
    if not waiting:
        return QLabel("No referral letter awaits a signature in this database")
    return SignLetterDialog(actor, referrals.get_referral(actor, waiting[0].referral_id))
