"""Signing in: username and password, checked by the users service off the window's thread."""
from __future__ import annotations

from html import escape

from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
)

from clinic_desktop.services.admin import users
from clinic_desktop.ui.shell.password_check import PasswordCheck
from clinic_desktop.ui.widgets.form_dialog import keep_wide_enough, lay_out_form_dialog


def credential_fields(username: str = "") -> tuple[QLineEdit, QLineEdit, QFormLayout]:
    """Username and password boxes in a form: the sign-in dialog and the lock screen share them."""
    username_box = QLineEdit(username)
    username_box.setAccessibleName("Username")
    password_box = QLineEdit()
    password_box.setEchoMode(QLineEdit.EchoMode.Password)
    password_box.setAccessibleName("Password")
    form = QFormLayout()
    form.addRow("&Username", username_box)
    form.addRow("&Password", password_box)
    return username_box, password_box, form


class SignInDialog(QDialog):
    def __init__(self, clinic_name: str, parent=None, *, notice: str = ""):
        """``notice``: why everyone was signed out (a restored backup), shown above the fields."""
        super().__init__(parent)
        self.actor = None
        self.setWindowTitle(f"Sign in — {clinic_name}")
        self.username, self.password, form = credential_fields()
        heading = QLabel(f"<b>{escape(clinic_name)}</b><br>Sign in to Clinic Desktop"
                         + (f"<p>{escape(notice)}</p>" if notice else ""))
        heading.setWordWrap(True)
        self.message = lay_out_form_dialog(self, heading, form, "Sign in", self.sign_in)
        keep_wide_enough(self, 60)
        self.check = PasswordCheck(self, self.message, self.password)

    def sign_in(self) -> None:
        username, password = self.username.text(), self.password.text()
        self.check.start(lambda: users.authenticate(username, password), self._signed_in)

    def _signed_in(self, actor) -> None:
        self.actor = actor
        self.accept()

    def reject(self) -> None:
        """Esc does not walk away from a check under way (its answer would find no dialog)."""
        if not self.check.running:
            super().reject()
