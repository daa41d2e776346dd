"""The filter box every list has: type to narrow the rows, Esc to clear.

Issue 13 §2. One widget, so every list's box reads and behaves the same; what it filters
is the list's own business (a worklist asks its service, a short list held whole hides rows).
"""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QLineEdit

__all__ = ["filter_box"]


def filter_box(accessible_name: str, changed: Callable[[str], None]) -> QLineEdit:
    """A line edit calling ``changed(text)`` as the user types; Esc empties it."""
    box = QLineEdit()
    box.setAccessibleName(accessible_name)
    box.setPlaceholderText("Filter: name, NHS number, kind, clinician…")
    box.setClearButtonEnabled(True)
    box.setMinimumWidth(240)
    box.textChanged.connect(changed)
    box.installEventFilter(_ClearOnEscape(box))
    return box


class _ClearOnEscape(QObject):
    """Esc in a box with text clears it (and is used up); in an empty box it goes on to the dialog."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (event.type() == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Escape
                and isinstance(watched, QLineEdit) and watched.text()):
            watched.clear()
            return True
        return False
