"""The messaging secrets, kept in the operating system's keyring (Windows Credential Manager,
macOS Keychain, the Secret Service on Linux) through ``keyring``.

Not in the clinic database: a database backup, a copy handed to support or an export must
never carry the password of the clinic's mail account or the key that sends SMS in its name.
Each workstation that sends keeps its own copy, typed once on the Administration page.
"""
from __future__ import annotations

import keyring
from keyring.errors import KeyringError, PasswordDeleteError

from clinic_desktop.services.audit import audit
from clinic_desktop.services.core.entity import Entity
from clinic_desktop.services.core.errors import ServiceError
from clinic_desktop.services.core.transaction import permission_checked, service

__all__ = ["KEYRING_SERVICE", "NOTIFY_API_KEY", "SMTP_PASSWORD", "SMTP_USER", "read_secret", "save_secrets",
           "store_secret", "stored_secrets"]

KEYRING_SERVICE = "Clinic Desktop"
SMTP_USER = "smtp-user"
SMTP_PASSWORD = "smtp-password"
NOTIFY_API_KEY = "notify-api-key"
_NAMES = (SMTP_USER, SMTP_PASSWORD, NOTIFY_API_KEY)


def read_secret(name: str) -> str:
    """The stored secret, or "" when none was stored."""
    _known(name)
    try:
        return keyring.get_password(KEYRING_SERVICE, name) or ""
    except KeyringError as error:
        raise _unusable(error) from None


def store_secret(name: str, value: str) -> None:
    """Keep ``value`` in the keyring; an empty value removes the stored one."""
    _known(name)
    try:
        if value:
            keyring.set_password(KEYRING_SERVICE, name, value)
        else:
            try:
                keyring.delete_password(KEYRING_SERVICE, name)
            except PasswordDeleteError:
                pass  # nothing was stored
    except KeyringError as error:
        raise _unusable(error) from None


@permission_checked("manage_settings")
def stored_secrets(actor) -> dict[str, bool]:
    """Which secrets this workstation's keyring holds (never their values)."""
    return {name: bool(read_secret(name)) for name in _NAMES}


@permission_checked("manage_settings")
def save_secrets(actor, **values: str) -> None:
    """Store each secret given (an empty one removes it); the audit trail says which changed, never the value."""
    for name in values:
        _known(name)
    for name, value in values.items():
        store_secret(name, value)
    if values:
        _record_saved(actor, sorted(values))


@service("manage_settings")
def _record_saved(actor, names: list[str]) -> None:
    audit.record(actor, "save_messaging_secrets", Entity.CLINIC_SETTING, None,
                 f"changed the messaging secrets kept in this workstation's keyring: {', '.join(names)}", names=names)


def _known(name: str) -> None:
    if name not in _NAMES:
        raise KeyError(name)


def _unusable(error: KeyringError) -> ServiceError:
    first_sentence = str(error).split(". ")[0].rstrip(".") or type(error).__name__
    return ServiceError(f"the system keyring, where the mail and SMS passwords are kept, cannot be used "
                        f"({first_sentence}); ask whoever looks after this computer to set one up")
