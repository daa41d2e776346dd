"""What a screen reader is told to say: the announcements the application sends through Qt's
accessibility interface (tests/ui is on the import path: tests/ui/conftest.py)."""
from __future__ import annotations

from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent


def announcements(monkeypatch) -> list[str]:
    """From now until the test ends, each message announced is added to the list returned."""
    said: list[str] = []
    send = QAccessible.updateAccessibility

    def record(event) -> None:
        if isinstance(event, QAccessibleAnnouncementEvent):
            said.append(event.message())
        send(event)

    monkeypatch.setattr(QAccessible, "updateAccessibility", record)
    return said
