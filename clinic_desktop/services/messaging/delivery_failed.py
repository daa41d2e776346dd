"""The one error a transport raises: the message did not go, and why, in words a receptionist can act on."""
from __future__ import annotations

from clinic_desktop.services.core.errors import ServiceError

__all__ = ["DeliveryFailed"]


class DeliveryFailed(ServiceError):
    """The message was not accepted by the mail server or by Notify; nothing was sent.

    ``temporary``: the provider may take it later (a server unreachable, Notify's 5xx), as
    opposed to a refusal that will recur (a bad address, wrong credentials, no setting).
    """

    def __init__(self, message: str, *, temporary: bool = False):
        super().__init__(message)
        self.temporary = temporary
