"""The clinician's side of a referral: writing the letter, signing it, amending it, cancelling it.

Signing is a clinical signature: the dialog shows the letter itself, rendered as it will
print, above the password, and a wrong password is refused in the dialog, with nothing
signed. Amending a signed letter shows the new version, marked as an amendment with its
reason, as it is typed; signing it makes the next version and keeps every earlier one.

Checking the password (argon2) takes up to half a second, and drawing a letter 40–240 ms:
both run off the window's thread, so the window keeps answering. The letter is drawn
before it can be signed: nothing is signed unseen.
"""
from __future__ import annotations

from html import escape
from typing import Callable

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from clinic_desktop.services.core.clinic_time import format_day
from clinic_desktop.services.core.permissions import CLINICIAN
from clinic_desktop.services.referrals import destinations, referrals, requested_options
from clinic_desktop.services.referrals.referrals import ReferralRecord
from clinic_desktop.services.worklists import worklists
from clinic_desktop.ui.letters.letter_preview import LetterPreview
from clinic_desktop.ui.ops.op import Op
from clinic_desktop.ui.widgets.form_dialog import keep_wide_enough, lay_out_form_dialog
from clinic_desktop.ui.widgets.screen_fit import room_on_screen


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
        self.signing: Op | None = None  # the signature being checked and made

    def lay_out(self, form: QFormLayout, ok_text: str, body: QWidget | None = None) -> None:
        """The summary (and ``body``, which takes the room to spare) above the form, message and buttons."""
        top = self.summary
        if body is not None:
            top = QWidget()
            column = QVBoxLayout(top)
            column.setContentsMargins(0, 0, 0, 0)
            column.addWidget(self.summary)
            column.addWidget(body, 1)
        self.message = lay_out_form_dialog(self, top, form, ok_text, self.save, fields_whole=body is not None)
        if body is not None:
            self.layout().setStretch(0, 1)
        self.message.setAccessibleDescription("Why it was not done")
        self.ok_button = self.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setDefault(True)
        # Enter writes a new line in the letter text; Ctrl+Enter saves from anywhere.
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, activated=self.save)
        keep_wide_enough(self, 93)

    def save(self) -> None:  # pragma: no cover - each dialog defines its own
        raise NotImplementedError

    def run(self, call: Callable[[], ReferralRecord]) -> None:
        """Make the change; on success announce it and close, else say why in the dialog."""
        self.message.clear()
        Op(self, call).success(self._saved).failure(self.message.setText).run()

    def sign(self, call: Callable[[], ReferralRecord], refused: Callable[[], None]) -> None:
        """Sign off the window's thread (the password check); Sign is pressed once until it is over."""
        if self.signing is not None:
            return
        self.message.clear()
        self.ok_button.setEnabled(False)
        self.signing = Op(self, call).success(self._saved).failure(lambda text: self._not_signed(text, refused))
        self.signing.finished.connect(self._signing_over)
        self.signing.in_background("Checking your password and signing the letter…")

    def _saved(self, record: ReferralRecord) -> None:
        self.saved.emit(record)
        self.accept()

    def _not_signed(self, text: str, refused: Callable[[], None]) -> None:
        self.message.setText(text)
        refused()

    def _signing_over(self) -> None:
        self.signing = None
        self.ok_button.setEnabled(True)

    def still_drawing(self, preview: LetterPreview) -> bool:
        """Refuse to sign a letter not yet in view."""
        if preview.is_drawing():
            self.message.setText("The letter is still being drawn: read it, then sign.")
        return preview.is_drawing()


class DraftLetterDialog(_ReferralDialog):
    """Write or rewrite the clinician's text of a referral letter not yet signed."""

    def __init__(self, actor, referral: ReferralRecord, parent=None):
        super().__init__(actor, referral, "Write referral letter", parent)
        self.text = QPlainTextEdit(referral.clinician_text)
        self.text.setAccessibleName("Letter text")
        self.text.setTabChangesFocus(True)
        self.text.setPlaceholderText("The clinical summary and the question for the receiving service.")
        self.text.setMinimumHeight(180)
        self.destination = QComboBox()
        self.destination.setAccessibleName("Send to")
        # A long service name elides in the box (its list shows it whole), so the box never needs more than the screen
        self.destination.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.destination.setMinimumContentsLength(30)
        for place in destinations.list_destinations(actor, kind=referral.kind):
            self.destination.addItem(place.label + (" (usual for this kind)" if referral.kind in place.default_for
                                                   else ""), place.id)
        if self.destination.count() == 0:
            self.destination.addItem("No destination in the directory for this kind: the letter is addressed "
                                     "to the service by name", None)
        chosen = self.destination.findData(referral.destination_id) if referral.destination_id else -1
        self.destination.setCurrentIndex(max(chosen, 0))
        # What the letter asks the service to consider (pain / spinal centre, early radicular only).
        self.options: dict[str, QCheckBox] = {}
        for option in requested_options.options_for(referral.kind):
            box = QCheckBox(option.label)
            box.setAccessibleName(f"Ask to consider: {option.label}")
            box.setToolTip(option.hint)
            box.setChecked(option.key in referral.requested_options)
            self.options[option.key] = box
        form = QFormLayout()
        form.addRow("Send t&o", self.destination)
        if self.options:
            column = QVBoxLayout()
            for box in self.options.values():
                column.addWidget(box)
            form.addRow("Ask to consider", column)
        label = QLabel("Letter &text")
        label.setBuddy(self.text)
        form.addRow(label, self.text)
        hint = QLabel("Ctrl+Enter saves the draft. It can be rewritten until it is signed.")
        hint.setWordWrap(True)
        form.addRow("", hint)
        self.lay_out(form, "Save &draft")

    def save(self) -> None:
        """The options chosen first (their own change), then the letter text."""
        actor, referral_id, text = self.actor, self.referral.id, self.text.toPlainText()
        destination_id = self.destination.currentData()
        chosen = [key for key, box in self.options.items() if box.isChecked()]
        changed = self.options and tuple(chosen) != self.referral.requested_options

        def save_both() -> ReferralRecord:
            if changed:
                requested_options.set_requested_options(actor, referral_id, chosen)
            return referrals.draft_referral(actor, referral_id, text, destination_id=destination_id)

        self.run(save_both)


class SignLetterDialog(_ReferralDialog):
    """Sign the drafted letter by entering the password again, with the letter being signed in view."""

    def __init__(self, actor, referral: ReferralRecord, parent=None):
        super().__init__(actor, referral, "Sign referral letter", parent)
        intro = QLabel(f"You are signing the letter above as the referring clinician, {escape(actor.full_name)}. "
                       "Signing adds your name, role, registration number and the time. Once signed it never "
                       "changes: a later change is a new version with a reason.")
        intro.setWordWrap(True)
        self.preview = LetterPreview(keys_everywhere=True)  # Page Up/Down read on while typing the password
        # Ten lines of the letter at the least: at a large font, or on a small screen, the password box keeps its room
        self.preview.setMinimumHeight(self.preview.fontMetrics().lineSpacing() * 10)
        self._previewed = (referral.clinician_text, referral.destination_id)
        self.show_draft(referral)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("Your password")
        form = QFormLayout()
        form.addRow(intro)
        label = QLabel("Your &password")
        label.setBuddy(self.password)
        form.addRow(label, self.password)
        self.lay_out(form, "&Sign letter", body=self.preview)
        self.resize(self.sizeHint().expandedTo(QSize(720, 760)).boundedTo(room_on_screen(self)))
        self.password.setFocus()

    def show_draft(self, referral: ReferralRecord) -> None:
        """Render the draft as signing it now would print it (without the signature block)."""
        self._previewed = (referral.clinician_text, referral.destination_id)
        actor, referral_id = self.actor, referral.id
        self.preview.draw(lambda: referrals.preview_letter(actor, referral_id))

    def save(self) -> None:
        if self.signing is not None or self.still_drawing(self.preview) or self._changed_elsewhere():
            return
        # as_read: the service itself refuses a draft rewritten after this re-read, too.
        actor, referral_id, password, as_read = self.actor, self.referral.id, self.password.text(), self._previewed[0]
        self.sign(lambda: referrals.sign_referral(actor, referral_id, password, as_read=as_read), self._try_again)

    def _try_again(self) -> None:
        self.password.clear()
        self.password.setFocus()

    def _changed_elsewhere(self) -> bool:
        """A draft rewritten on another workstation is shown again, not signed unseen."""
        read: list[ReferralRecord] = []
        # Unreadable just now: signing says what is wrong (the service checks the draft against as_read too).
        Op(self, lambda: referrals.get_referral(self.actor, self.referral.id)).success(read.append).failure(
            lambda _text: None).run()
        current = read[0] if read else None
        if current is None or (current.clinician_text, current.destination_id) == self._previewed:
            return False
        self.referral = current
        self.summary.setText(referral_summary(current))
        self.show_draft(current)
        self.message.setText("The draft was changed on another workstation. The letter above is the new "
                             "version: read it, then sign.")
        return True


class AmendLetterDialog(_ReferralDialog):
    """Change a signed letter: the new text and the reason make the next version, signed with the password."""

    PREVIEW_DELAY_MS = 400  # the preview follows the typing once it pauses

    def __init__(self, actor, referral: ReferralRecord, parent=None):
        super().__init__(actor, referral, "Amend signed letter", parent)
        latest = referral.versions[-1].version if referral.versions else 0
        intro = QLabel(f"Version {latest} stays on record unchanged. Signing makes version {latest + 1}, marked as "
                       "an amendment with your reason; it must then be sent again.")
        intro.setWordWrap(True)
        self.text = QPlainTextEdit(referral.clinician_text)
        self.text.setAccessibleName("Letter text of the amended version")
        self.text.setTabChangesFocus(True)
        self.reason = QLineEdit()
        self.reason.setAccessibleName("Reason for amending")
        self.reason.setPlaceholderText("What changed and why, e.g. added the MRI result")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("Your password")
        self.preview = LetterPreview()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(self.PREVIEW_DELAY_MS)
        self._timer.timeout.connect(self.refresh_preview)
        self.text.textChanged.connect(self._timer.start)
        self.reason.textChanged.connect(self._timer.start)
        text_label = QLabel("Letter &text")
        text_label.setBuddy(self.text)
        editor = QWidget()
        column = QVBoxLayout(editor)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(text_label)
        column.addWidget(self.text, 1)
        preview_label = QLabel(f"Version {latest + 1} as it will print (Ctrl+0 fits the width)")
        viewer = QWidget()
        column = QVBoxLayout(viewer)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(preview_label)
        column.addWidget(self.preview, 1)
        beside = QSplitter(Qt.Orientation.Horizontal)
        beside.addWidget(editor)
        beside.addWidget(viewer)
        beside.setStretchFactor(1, 1)
        beside.setChildrenCollapsible(False)
        form = QFormLayout()
        form.addRow(intro)
        for text, field in (("&Reason for amending", self.reason), ("Your &password", self.password)):
            label = QLabel(text)
            label.setBuddy(field)
            form.addRow(label, field)
        self.lay_out(form, "&Sign amended version", body=beside)
        self.resize(QSize(1120, 880).boundedTo(room_on_screen(self)))
        beside.setSizes([self.width() * 2 // 5, self.width() * 3 // 5])  # the letter gets the room to be read
        self.refresh_preview()
        self.text.setFocus()

    def refresh_preview(self) -> None:
        """The next version as signing it now would print it, amendment banner and all."""
        self._timer.stop()
        actor, referral_id, text, reason = self.actor, self.referral.id, self.text.toPlainText(), self.reason.text()
        self.preview.draw(lambda: referrals.preview_letter(actor, referral_id, clinician_text=text,
                                                           amendment_reason=reason), self._show_in_place)

    def _show_in_place(self, pdf: bytes) -> None:
        """The new rendering at the page and zoom the reader was at."""
        place = (self.preview.current_page(), self.preview.zoom(), self.preview.fits_width())
        self.preview.set_pdf(pdf)
        if not place[2]:
            self.preview.set_zoom(place[1])
        self.preview.go_to_page(place[0])

    def save(self) -> None:
        if self.signing is not None:
            return
        if self._timer.isActive():  # typed since the preview was drawn: show what will be signed first
            self.refresh_preview()
            self.message.setText("The preview is catching up with your changes: read it, then sign.")
            return
        if self.still_drawing(self.preview):
            return
        actor, referral_id = self.actor, self.referral.id
        text, reason, password = self.text.toPlainText(), self.reason.text(), self.password.text()
        self.sign(lambda: referrals.amend_referral(actor, referral_id, clinician_text=text, reason=reason,
                                                   password=password), self.password.clear)


def _urgent_rule(actor) -> str:
    if actor.role != CLINICIAN:
        return ("This is the urgent red-flag referral: only a clinician may cancel it, with a clinical reason. "
                "Ask the clinician responsible for the patient.")
    return ("This is the urgent red-flag referral. Cancel it only for a clinical reason, given in a few words; "
            "the practice manager sees who cancelled it and why.")


class CancelReferralDialog(_ReferralDialog):
    """Cancel a referral not yet signed, with the reason kept on the record (and who cancelled it).

    The urgent red-flag referral is cancelled only by a clinician, with a clinical reason
    (services/referrals/referral_checks.py): the dialog says so before anyone types, and offers a
    practice manager nothing to press.
    """

    def __init__(self, actor, referral: ReferralRecord, parent=None):
        super().__init__(actor, referral, "Cancel referral", parent)
        urgent = referral.kind == "urgent_red_flag"
        self.reason = QLineEdit()
        self.reason.setAccessibleName("Clinical reason for cancelling" if urgent else "Reason for cancelling")
        form = QFormLayout()
        label = QLabel("Clinical &reason for cancelling" if urgent else "&Reason for cancelling")
        label.setBuddy(self.reason)
        self.rule = QLabel(_urgent_rule(actor) if urgent else "")
        self.rule.setWordWrap(True)
        self.rule.setVisible(urgent)
        form.addRow(self.rule)
        form.addRow(label, self.reason)
        if urgent:
            self.reason.setPlaceholderText("for example: red flags excluded on examination")
        self.lay_out(form, "Cancel &referral")
        self.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Cancel).setText("&Keep it")
        if urgent and actor.role != CLINICIAN:
            self.reason.setEnabled(False)
            self.ok_button.setEnabled(False)

    def save(self) -> None:
        self.run(lambda: referrals.cancel_referral(self.actor, self.referral.id, self.reason.text()))


def for_screenshot(actor, settings, hub) -> QWidget:
    """The letter awaiting a signature first on the list, as the clinician signing it sees it."""
    waiting = worklists.awaiting_signature(actor, limit=1).rows
    if not waiting:
        return QLabel("No referral letter awaits a signature in this database")
    dialog = SignLetterDialog(actor, referrals.get_referral(actor, waiting[0].referral_id))
    dialog.preview.wait_until_drawn()
    return dialog
