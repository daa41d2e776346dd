"""First run: the clinic's name and the first practice-manager account."""
from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
)

from clinic_desktop.services.admin import users
from clinic_desktop.ui.shell.password_check import PasswordCheck
from clinic_desktop.ui.widgets.form_dialog import keep_wide_enough, lay_out_form_dialog


class FirstRunDialog(QDialog):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.actor = None
        self.setWindowTitle("Clinic Desktop — first run")
        intro = QLabel("Welcome. Name the clinic and create the practice manager's account; "
                       "the practice manager then adds everyone else.")
        intro.setWordWrap(True)
        self.clinic_name = QLineEdit()
        self.full_name = QLineEdit()
        self.username = QLineEdit()
        self.password = QLineEdit()
        self.repeat = QLineEdit()
        for field in (self.password, self.repeat):
            field.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        for label, field in (("&Clinic name", self.clinic_name), ("Your &full name", self.full_name),
                             ("&Username", self.username), ("&Password", self.password),
                             ("Password &again", self.repeat)):
            field.setAccessibleName(label.replace("&", ""))
            form.addRow(label, field)
        self.message = lay_out_form_dialog(self, intro, form, "Create account", self.create)
        keep_wide_enough(self, 73)
        self.check = PasswordCheck(self, self.message)

    def create(self) -> None:
        if not self.clinic_name.text().strip():
            self.message.setText("Enter the clinic's name.")
            return
        if self.password.text() != self.repeat.text():
            self.message.setText("The two passwords differ.")
            return
        username, full_name, password = self.username.text(), self.full_name.text(), self.password.text()
        clinic_name = self.clinic_name.text().strip()
        self.check.start(lambda: users.create_first_manager(username, full_name, password, clinic_name=clinic_name),
                         self._created)

    def _created(self, actor) -> None:
        self.actor = actor
        self.accept()

    def reject(self) -> None:
        """Not while the account is being made (hashing its password takes a moment)."""
        if not self.check.running:
            super().reject()
