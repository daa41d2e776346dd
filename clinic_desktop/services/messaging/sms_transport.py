"""SMS through GOV.UK Notify, with its official client.

The clinic's Notify account holds one SMS template whose whole text is ``((message))``: the
app writes the message (services/reminders/reminder_text.py) so that what the patient reads
is what the app's tests check. The API key is in the OS keyring; the base URL is a setting
so a test (or a relay) can stand in for Notify.
"""
from __future__ import annotations

from notifications_python_client.errors import APIError
from notifications_python_client.notifications import NotificationsAPIClient

from clinic_desktop.services.messaging.delivery_failed import DeliveryFailed
from clinic_desktop.services.messaging.keyring_secrets import NOTIFY_API_KEY, read_secret

__all__ = ["send_sms", "sms_configured"]

_TIMEOUT_S = 30
# "{key name}-{service id}-{secret}": two UUIDs of 36 characters and the dash between them.
_SHORTEST_KEY = 36 + 1 + 36


def sms_configured(settings) -> bool:
    return bool(settings.notify_sms_template_id and read_secret(NOTIFY_API_KEY))


def send_sms(settings, to: str, message: str, reference: str | None = None) -> str:
    """Send ``message`` to the mobile number ``to``; returns Notify's id for it.

    ``reference`` is kept by Notify beside the message, so a message can be traced back to the
    row that sent it. Raises ``DeliveryFailed`` with Notify's reason when it is refused.
    """
    key = read_secret(NOTIFY_API_KEY)
    if not settings.notify_sms_template_id or not key:
        raise DeliveryFailed("SMS is not set up: enter the GOV.UK Notify API key and template ID under "
                             "Administration → Messages")
    if len(key) < _SHORTEST_KEY:
        raise DeliveryFailed("the GOV.UK Notify API key is not a whole key: copy all of it from Notify's "
                             "API integration page")
    client = NotificationsAPIClient(key, base_url=settings.notify_base_url.rstrip("/"), timeout=_TIMEOUT_S)
    try:
        response = client.send_sms_notification(phone_number=to, template_id=settings.notify_sms_template_id,
                                                 personalisation={"message": message}, reference=reference)
    except APIError as error:
        status = error.status_code
        temporary = status >= 500 or status == 429
        said = "could not take the message just now" if temporary else "refused the message"
        raise DeliveryFailed(f"GOV.UK Notify {said} ({status}: {_reasons(error.message)})",
                             temporary=temporary) from None
    return str(response["id"])


def _reasons(message) -> str:
    """Notify answers with a list of {"error", "message"} objects, or a bare sentence."""
    if isinstance(message, list):
        return "; ".join(str(item.get("message", item)) if isinstance(item, dict) else str(item) for item in message)
    return str(message)
