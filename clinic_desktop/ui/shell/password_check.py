"""Checking a password off the window's thread: sign-in, unlocking, the first account.

argon2 is slow on purpose (tens to hundreds of milliseconds a check, more on an old
workstation); on the window's thread it froze the dialog, and a second Enter pressed
meanwhile queued a second check. Here the check runs in the background while the dialog
says "Checking…" with its buttons off; a refusal comes back as one sentence.
"""
from __future__ import annotations

from typing import Any, Callable

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit

from clinic_desktop.ui.ops.messages import sentence
from clinic_desktop.ui.ops.op import Op
from clinic_desktop.ui.widgets.form_dialog import announce, show_as_refusal

CHECKING = "Checking…"


class PasswordCheck:
    """One dialog's password checks; ``running`` while one is under way."""

    def __init__(self, dialog: QDialog, message: QLabel, password: QLineEdit | None = None):
        """``password``: the box emptied, with the focus, after a refusal (to type it again)."""
        self._dialog = dialog
        self._message = message
        self._password = password
        self.running = False

    def start(self, call: Callable[[], Any], on_success: Callable[[Any], None]) -> Op | None:
        """Run ``call`` (it must not touch widgets) in the background, then ``on_success(result)``
        or the refusal under the fields. Ignored while a check runs."""
        if self.running:
            return None
        self._busy(True)
        return (Op(self._dialog, call)
                .success(lambda result: self._end(lambda: on_success(result)))
                .failure(lambda text: self._end(lambda: self._refused(text)))
                .in_background(None))

    def _busy(self, busy: bool) -> None:
        self.running = busy
        for buttons in self._dialog.findChildren(QDialogButtonBox):
            buttons.setEnabled(not busy)
        if busy:
            self._message.setStyleSheet("")  # a plain word, not a refusal's red
            self._message.setText(CHECKING)

    def _end(self, then: Callable[[], None]) -> None:
        self._busy(False)
        show_as_refusal(self._message)
        self._message.clear()
        then()

    def _refused(self, text: str) -> None:
        self._message.setText(sentence(text))
        announce(self._message, sentence(text))
        if self._password is not None:
            self._password.clear()
            self._password.setFocus()
