"""E-mail through the clinic's own mail server (SMTP submission with STARTTLS).

The connection is always encrypted before anything is said: a server that does not offer
STARTTLS gets nothing, not even the user name. Its certificate is checked against the
system's trusted authorities (``SSL_CERT_FILE`` adds a clinic's own), including the host name.
"""
from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from clinic_desktop.services.messaging.delivery_failed import DeliveryFailed
from clinic_desktop.services.messaging.keyring_secrets import SMTP_PASSWORD, SMTP_USER, read_secret

__all__ = ["Attachment", "email_configured", "send_email"]

_TIMEOUT_S = 30  # a reminder claim is retried after far longer (services/reminders/reminder_claims.py)


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mime_type: str = "application/pdf"


def email_configured(settings) -> bool:
    return bool(settings.smtp_host.strip() and settings.email_sender.strip())


def send_email(settings, to: str, subject: str, body: str, attachments: tuple[Attachment, ...] = ()) -> str:
    """Send one plain-text e-mail; returns its Message-ID. Raises ``DeliveryFailed`` with why it did not go."""
    if not email_configured(settings):
        raise DeliveryFailed("e-mail is not set up: enter the mail server and the sender's address under "
                             "Administration → Messages")
    if not to or "@" not in to or any(character in to for character in "\r\n,;"):
        raise DeliveryFailed(f"{to!r} is not an e-mail address")
    message = _message(settings, to, subject, body, attachments)
    host, port = settings.smtp_host.strip(), settings.smtp_port
    try:
        with smtplib.SMTP(host, port, timeout=_TIMEOUT_S) as connection:
            connection.ehlo()
            if not connection.has_extn("starttls"):
                raise DeliveryFailed(f"the mail server {host} does not offer an encrypted connection (STARTTLS); "
                                     "nothing was sent")
            connection.starttls(context=ssl.create_default_context())
            connection.ehlo()
            user = read_secret(SMTP_USER)
            if user:
                connection.login(user, read_secret(SMTP_PASSWORD))
            connection.send_message(message)
    except smtplib.SMTPAuthenticationError:
        raise DeliveryFailed(f"the mail server {host} refused the user name or password") from None
    except smtplib.SMTPRecipientsRefused:
        raise DeliveryFailed(f"the mail server refused the address {to}") from None
    except smtplib.SMTPResponseException as error:
        raise DeliveryFailed(f"the mail server refused the message ({error.smtp_code} "
                             f"{_text(error.smtp_error)})", temporary=400 <= error.smtp_code < 500) from None
    except (ssl.SSLError, ssl.CertificateError) as error:
        raise DeliveryFailed(f"the mail server {host}'s certificate could not be trusted "
                             f"({getattr(error, 'reason', None) or error}); nothing was sent") from None
    except (smtplib.SMTPException, OSError) as error:
        reason = getattr(error, "strerror", None) or str(error) or type(error).__name__
        raise DeliveryFailed(f"the mail server {host}:{port} could not be reached ({reason})",
                             temporary=True) from None
    return message["Message-ID"]


def _message(settings, to: str, subject: str, body: str, attachments) -> EmailMessage:
    message = EmailMessage()
    sender = settings.email_sender.strip()
    message["From"] = f"{settings.name} <{sender}>" if settings.name else sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message.set_content(body)
    for attachment in attachments:
        main, _, sub = attachment.mime_type.partition("/")
        message.add_attachment(attachment.content, maintype=main, subtype=sub, filename=attachment.filename)
    return message


def _text(value) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
