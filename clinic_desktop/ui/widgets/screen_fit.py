"""A dialog opened on a small screen fits on it, its buttons in sight.

Qt opens a dialog at the size its layout asks for, even when that is taller than the
screen: on a 1366×768 laptop, or 1920×1080 at 200 % (960×540), the buttons of a long
form ended below the bottom edge. A dialog whose fields scroll (ui/widgets/form_dialog)
can be shorter than it asks; this makes it so when it is shown.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSize
from PySide6.QtWidgets import QWidget

__all__ = ["fit_on_screen", "room_on_screen"]

_FRAME = QSize(16, 48)  # the window manager's frame and title bar, drawn outside the window's own size


def room_on_screen(window: QWidget) -> QSize:
    """The largest size ``window`` can take with its frame inside its screen's free area (no task bar)."""
    return window.screen().availableGeometry().size() - _FRAME


def fit_on_screen(window: QWidget) -> None:
    """Each time ``window`` is shown, shrink it to its screen's free area if it is larger."""
    window.installEventFilter(_FitWhenShown(window))


class _FitWhenShown(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show and isinstance(watched, QWidget):
            room = room_on_screen(watched)
            if watched.width() > room.width() or watched.height() > room.height():
                watched.resize(watched.size().boundedTo(room))
        return False
