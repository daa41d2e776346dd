"""The Messages page: reminder days, mail server and Notify settings, secrets to the keyring, a test message."""
from __future__ import annotations

from admin_helpers import shown, type_into
from message_servers import NOTIFY_API_KEY, NOTIFY_TEMPLATE_ID, SMTP_PASSWORD, SMTP_USER
from PySide6.QtCore import Qt

from clinic_desktop.models import ClinicSetting
from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.services.messaging import keyring_secrets
from clinic_desktop.ui.admin.admin_messages import MessagesPage
from clinic_desktop.ui.shell.change_hub import ChangeHub


def click(qtbot, button) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def fill_in(qtbot, page, smtp_server, notify_server) -> None:
    page.days_before.setValue(3)
    for field, text in ((page.smtp_host, smtp_server.host), (page.email_sender, "reception@clinic.example"),
                        (page.smtp_user, SMTP_USER), (page.smtp_password, SMTP_PASSWORD),
                        (page.notify_url, notify_server.url), (page.template_id, NOTIFY_TEMPLATE_ID),
                        (page.api_key, NOTIFY_API_KEY)):
        field.clear()
        type_into(qtbot, field, text)
    page.smtp_port.setValue(smtp_server.port)


def test_saving_keeps_the_settings_in_the_database_and_the_secrets_in_the_keyring(
        qtbot, sqlite_staff, smtp_server, notify_server, memory_keyring):
    page = shown(qtbot, MessagesPage(sqlite_staff.manager, load_settings(), ChangeHub(sqlite_staff.manager)))
    assert page.smtp_password.placeholderText() == "not stored"
    fill_in(qtbot, page, smtp_server, notify_server)
    click(qtbot, page.save_button)
    assert page.message.text() == "Saved. Passwords and the API key are kept in this computer's keyring."
    settings = load_settings()
    assert (settings.reminder_days_before, settings.smtp_port, settings.notify_sms_template_id) == (
        3, smtp_server.port, NOTIFY_TEMPLATE_ID)
    assert keyring_secrets.read_secret(keyring_secrets.SMTP_PASSWORD) == SMTP_PASSWORD
    assert keyring_secrets.read_secret(keyring_secrets.NOTIFY_API_KEY) == NOTIFY_API_KEY
    stored = " ".join(value for (value,) in ClinicSetting.select(ClinicSetting.value).tuples())
    assert SMTP_PASSWORD not in stored and NOTIFY_API_KEY not in stored
    assert page.smtp_password.text() == "" and page.smtp_password.echoMode() == page.smtp_password.EchoMode.Password
    assert page.api_key.placeholderText() == "stored in this computer's keyring (type to replace)"


def test_send_test_message_uses_the_saved_settings_and_says_it_went(
        qtbot, sqlite_staff, smtp_server, notify_server, memory_keyring):
    page = shown(qtbot, MessagesPage(sqlite_staff.manager, load_settings(), ChangeHub(sqlite_staff.manager)))
    fill_in(qtbot, page, smtp_server, notify_server)
    click(qtbot, page.save_button)
    type_into(qtbot, page.test_to, "07700 900999")
    click(qtbot, page.test_button)
    qtbot.waitUntil(lambda: page.test_button.isEnabled(), timeout=30_000)
    assert page.message.text().startswith("The test message was taken for delivery (reference ")
    assert notify_server.requests[0]["phone_number"] == "07700 900999"
    page.test_channel.setCurrentIndex(page.test_channel.findData("email"))
    page.test_to.clear()
    type_into(qtbot, page.test_to, "manager@clinic.example")
    click(qtbot, page.test_button)
    qtbot.waitUntil(lambda: page.test_button.isEnabled(), timeout=30_000)
    assert smtp_server.messages[0].rcpt_tos == ["manager@clinic.example"]
    assert page.message.text().startswith("The test message was taken for delivery (reference <")


def test_a_wrong_template_id_is_refused_in_words_and_nothing_is_saved(
        qtbot, sqlite_staff, memory_keyring):
    page = shown(qtbot, MessagesPage(sqlite_staff.manager, load_settings(), ChangeHub(sqlite_staff.manager)))
    type_into(qtbot, page.template_id, "my reminder template")
    type_into(qtbot, page.api_key, NOTIFY_API_KEY)
    click(qtbot, page.save_button)
    assert page.message.text().startswith("The Notify template ID looks like")
    assert load_settings().notify_sms_template_id == ""
    assert keyring_secrets.read_secret(keyring_secrets.NOTIFY_API_KEY) == ""
