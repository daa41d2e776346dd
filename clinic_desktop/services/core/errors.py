"""The errors a service raises: each carries a message fit to show the user as is."""
from __future__ import annotations

__all__ = ["AcknowledgementRequired", "Conflict", "DatabaseBusy", "DatabaseUnavailable", "InvalidTransition",
           "NotFound", "PermissionDenied", "ServiceError", "ValidationError"]


class ServiceError(Exception):
    """A refused or invalid action. Nothing was changed."""


class PermissionDenied(ServiceError):
    """The acting user's role may not do this."""


class ValidationError(ServiceError):
    """The input is wrong; ``field`` names the input at fault when there is one."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class NotFound(ServiceError):
    """The record asked for does not exist."""


class InvalidTransition(ServiceError):
    """The record is not in a state that allows this action."""


class Conflict(ServiceError):
    """Someone else's change stands in the way (a slot taken, a duplicate patient)."""


class AcknowledgementRequired(ServiceError):
    """A warning must be acknowledged before this can go ahead; retry with acknowledgement."""


class DatabaseBusy(ServiceError):
    """Another workstation held the database for too long; try again."""


class DatabaseUnavailable(ServiceError):
    """The database server could not be reached; nothing was saved."""
