"""Signing in: username and password, checked by the users service."""
from __future__ import annotations

from html import escape

from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
)

from clinic_desktop.services import users
from clinic_desktop.services.errors import ServiceError
from clinic_desktop.ui.form_dialog import lay_out_form_dialog


class SignInDialog(QDialog):
    def __init__(self, clinic_name: str, parent=None):
        super().__init__(parent)
        self.actor = None
        self.setWindowTitle(f"Sign in — {clinic_name}")
        self.username = QLineEdit()
        self.username.setAccessibleName("Username")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("Password")
        form = QFormLayout()
        form.addRow("&Username", self.username)
        form.addRow("&Password", self.password)
        heading = QLabel(f"<b>{escape(clinic_name)}</b><br>Sign in to Clinic Desktop")
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
