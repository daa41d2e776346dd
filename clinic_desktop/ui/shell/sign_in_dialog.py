"""Signing in: username and password, checked by the users service."""
from __future__ import annotations

from html import escape

from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
)

from clinic_desktop.services.admin import users
from clinic_desktop.services.core.errors import ServiceError
from clinic_desktop.ui.widgets.form_dialog import lay_out_form_dialog


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
        self.setMinimumWidth(360)

    def sign_in(self) -> None:
        try:
            self.actor = users.authenticate(self.username.text(), self.password.text())
        except ServiceError as error:
            self.message.setText(str(error).capitalize() + ".")
            self.password.clear()
            self.password.setFocus()
            return
        self.accept()
