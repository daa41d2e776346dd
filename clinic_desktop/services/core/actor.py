"""Who is acting: the signed-in user, or the command line on the clinic's own machine."""
from __future__ import annotations

import getpass
from dataclasses import dataclass

__all__ = ["Actor"]


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    username: str
    full_name: str
    role: str
    registration_number: str | None = None

    @property
    def label(self) -> str:
        return f"{self.full_name} ({self.username})"

    @classmethod
    def command_line(cls) -> "Actor":
        """The command line: reports and exports for scheduled jobs, no clinical changes."""
        user = _os_user()
        return cls(user_id=None, username=f"cli:{user}", full_name=f"command line ({user})", role="command_line")


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
