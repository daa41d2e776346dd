"""Signing in: username and password, checked by the users service."""
from __future__ import annotations

from html import escape

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
)

from clinic_desktop.services import users
from clinic_desktop.services.errors import ServiceError


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
        self.message = QLabel()
        self.message.setStyleSheet("color: #b00020;")
        self.message.setWordWrap(True)
        form = QFormLayout()
        form.addRow("&Username", self.username)
        form.addRow("&Password", self.password)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Sign in")
        buttons.accepted.connect(self.sign_in)
        buttons.rejected.connect(self.reject)
        heading = QLabel(f"<b>{escape(clinic_name)}</b><br>Sign in to Clinic Desktop")
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
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
