"""The Messages page: appointment reminders' days ahead, the mail server, GOV.UK Notify, a test message.

Passwords and the API key are typed into password fields and go to this workstation's OS
keyring, never to the database; the page shows only whether one is stored, and an empty
field keeps it. "Send test message" uses what is saved, so the manager sees at once whether
the clinic's mail server or Notify account takes a message.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from clinic_desktop.services.admin.settings import ClinicSettings, update_clinic_settings
from clinic_desktop.services.messaging import keyring_secrets
from clinic_desktop.services.reminders import reminder_sending
from clinic_desktop.ui.admin.admin_clinic import group_box, spin_box, wrapped_label
from clinic_desktop.ui.admin.admin_form import StatusLine
from clinic_desktop.ui.ops.op import Op
from clinic_desktop.ui.widgets.scrolled_page import scroll_content

_SETTINGS = ("reminder_days_before", "smtp_host", "smtp_port", "email_sender", "notify_base_url",
             "notify_sms_template_id")


def _line(accessible_name: str, *, secret: bool = False) -> QLineEdit:
    line = QLineEdit()
    line.setAccessibleName(accessible_name)
    if secret:
        line.setEchoMode(QLineEdit.EchoMode.Password)
    return line


class MessagesPage(QWidget):
    settings_changed = Signal(object)  # the new ClinicSettings

    def __init__(self, actor, settings: ClinicSettings, hub, parent=None):
        super().__init__(parent)
        self.actor, self.hub, self.settings = actor, hub, settings
        self.days_before = spin_box("Send reminders days before", 1, 14, " days before")
        reminders = QFormLayout()
        reminders.addRow("Send reminders", self.days_before)
        reminders.addRow(wrapped_label("Only to patients who consented (on their contact details), and only the date, "
                                  "time and place."))

        self.smtp_host, self.email_sender = _line("Mail server"), _line("Send e-mail from")
        self.smtp_host.setPlaceholderText("smtp.clinic.example (empty: no e-mail)")
        self.smtp_port = spin_box("Mail server port", 1, 65535, "")
        self.smtp_user, self.smtp_password = _line("Mail user name"), _line("Mail password", secret=True)
        email = QFormLayout()
        email.addRow("Mail ser&ver", self.smtp_host)
        email.addRow("P&ort (STARTTLS)", self.smtp_port)
        email.addRow("Send &from", self.email_sender)
        email.addRow("&User name", self.smtp_user)
        email.addRow("Pass&word", self.smtp_password)

        self.notify_url, self.template_id = _line("GOV.UK Notify address"), _line("Notify SMS template ID")
        self.template_id.setPlaceholderText("from the template's page in Notify (empty: no SMS)")
        self.api_key = _line("Notify API key", secret=True)
        sms = QFormLayout()
        sms.addRow("Notify &address", self.notify_url)
        sms.addRow("SMS &template ID", self.template_id)
        sms.addRow("API &key", self.api_key)
        sms.addRow(wrapped_label("The template's whole text is ((message)): the app writes the reminder."))

        self.save_button = QPushButton("Sa&ve message settings")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.test_channel = QComboBox()
        self.test_channel.setAccessibleName("Send the test message by")
        self.test_channel.addItem("SMS", "sms")
        self.test_channel.addItem("E-mail", "email")
        self.test_to = _line("Send the test message to")
        self.test_to.setPlaceholderText("a mobile number or e-mail address")
        self.test_button = QPushButton("Send te&st message")
        self.test_button.clicked.connect(self.send_test)
        testing = QHBoxLayout()
        for widget in (self.test_channel, self.test_to, self.test_button):
            testing.addWidget(widget)
        self.message = StatusLine()

        content = QWidget()
        layout = QVBoxLayout(content)
        layout.addWidget(group_box("Appointment reminders", reminders))
        columns = QHBoxLayout()
        columns.addWidget(group_box("E-mail through the clinic's mail server", email), 1)
        columns.addWidget(group_box("SMS through GOV.UK Notify", sms), 1)
        layout.addLayout(columns)
        layout.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignLeft)
        test_group = QGroupBox("Test message (with the saved settings)")
        test_group.setLayout(testing)
        layout.addWidget(test_group)
        layout.addWidget(self.message)
        layout.addStretch(1)
        scroll_content(self, content)
        self.show_settings(settings)

    def show_settings(self, settings: ClinicSettings) -> None:
        self.settings = settings
        self.days_before.setValue(settings.reminder_days_before)
        self.smtp_host.setText(settings.smtp_host)
        self.smtp_port.setValue(settings.smtp_port)
        self.email_sender.setText(settings.email_sender)
        self.notify_url.setText(settings.notify_base_url)
        self.template_id.setText(settings.notify_sms_template_id)
        done, stored = self.message.attempt(lambda: keyring_secrets.stored_secrets(self.actor))
        if done:
            self.smtp_user.setText(keyring_secrets.read_secret(keyring_secrets.SMTP_USER))
            for field, name in ((self.smtp_password, keyring_secrets.SMTP_PASSWORD),
                                (self.api_key, keyring_secrets.NOTIFY_API_KEY)):
                field.clear()
                field.setPlaceholderText("stored in this computer's keyring (type to replace)" if stored[name]
                                         else "not stored")

    def entered(self) -> dict:
        return dict(reminder_days_before=self.days_before.value(), smtp_host=self.smtp_host.text().strip(),
                    smtp_port=self.smtp_port.value(), email_sender=self.email_sender.text().strip(),
                    notify_base_url=self.notify_url.text().strip(),
                    notify_sms_template_id=self.template_id.text().strip().lower())

    def save(self) -> None:
        """Save the settings that changed, then the secrets typed (an empty password field keeps the stored one)."""
        changes = {name: value for name, value in self.entered().items() if value != getattr(self.settings, name)}
        secrets = {keyring_secrets.SMTP_USER: self.smtp_user.text().strip()}
        secrets.update({name: field.text() for field, name in ((self.smtp_password, keyring_secrets.SMTP_PASSWORD),
                                                               (self.api_key, keyring_secrets.NOTIFY_API_KEY))
                        if field.text()})
        if secrets[keyring_secrets.SMTP_USER] == keyring_secrets.read_secret(keyring_secrets.SMTP_USER):
            del secrets[keyring_secrets.SMTP_USER]
        if not changes and not secrets:
            self.message.tell("Nothing to save: nothing was changed.")
            return
        if changes:
            done, updated = self.message.attempt(lambda: update_clinic_settings(self.actor, **changes))
            if not done:
                return
            self.settings = updated
            self.settings_changed.emit(updated)
        if secrets and not self.message.attempt(lambda: keyring_secrets.save_secrets(self.actor, **secrets))[0]:
            return
        self.show_settings(self.settings)
        self.message.tell("Saved. Passwords and the API key are kept in this computer's keyring.")

    def send_test(self) -> None:
        channel, to, actor = self.test_channel.currentData(), self.test_to.text(), self.actor
        self.test_button.setEnabled(False)
        op = Op(self, lambda: reminder_sending.send_test_message(actor, channel, to))
        op.success(lambda provider_id: self.message.tell(f"The test message was taken for delivery "
                                                         f"(reference {provider_id}).")).failure(self.message.refuse)
        op.finished.connect(lambda: self.test_button.setEnabled(True))
        op.in_background("Sending a test message…")
        self.sending = op



def for_screenshot(actor, settings, hub) -> QWidget:
    page = MessagesPage(actor, settings, hub)
    page.resize(1000, 620)
    return page
