"""The filter box every list has: type to narrow the rows, Esc to clear.

Issue 13 §2. One widget, so every list's box reads and behaves the same; what it filters
is the list's own business (a worklist asks its service, a short list held whole hides rows).

Its width is measured in the font in use, not in pixels (issue 16, WCAG 1.4.4): it asks for
room to show its placeholder whole, and gives way down to a few words' width when the row
it stands in is short of room. A fixed 240 px cut the placeholder at 18 pt and crowded the
worklists' action bar at small widths.
"""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QEvent, QObject, QSize, Qt
from PySide6.QtWidgets import QLineEdit, QStyle

__all__ = ["filter_box"]

FEWEST_LETTERS = 16  # the narrowest the box gets, in average letters of its font: "NHS number" and more
_QT_HINT_LETTERS = 17  # a line edit's own size hint: room for this many "x", its frame, no clear button


def filter_box(accessible_name: str, changed: Callable[[str], None]) -> QLineEdit:
    """A line edit calling ``changed(text)`` as the user types; Esc empties it."""
    box = _FilterBox()
    box.setAccessibleName(accessible_name)
    box.setPlaceholderText("Filter: name, NHS number, kind, clinician…")
    box.setClearButtonEnabled(True)
    box.textChanged.connect(changed)
    box.installEventFilter(_ClearOnEscape(box))
    return box


class _FilterBox(QLineEdit):
    """A line edit as wide as its placeholder where there is room, and ``FEWEST_LETTERS`` wide at the least."""

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        metrics = self.fontMetrics()
        around = hint.width() - metrics.horizontalAdvance("x") * _QT_HINT_LETTERS  # its frame and margins
        style = self.style()
        clear_button = (style.pixelMetric(QStyle.PixelMetric.PM_LineEditIconSize, None, self) + 6  # Qt's side widget
                        + style.pixelMetric(QStyle.PixelMetric.PM_LineEditIconMargin, None, self))
        wanted = around + clear_button + metrics.horizontalAdvance(self.placeholderText())
        return QSize(max(hint.width(), wanted), hint.height())

    def minimumSizeHint(self) -> QSize:
        return QSize(self.fontMetrics().averageCharWidth() * FEWEST_LETTERS, super().minimumSizeHint().height())


class _ClearOnEscape(QObject):
    """Esc in a box with text clears it (and is used up); in an empty box it goes on to the dialog."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (event.type() == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Escape
                and isinstance(watched, QLineEdit) and watched.text()):
            watched.clear()
            return True
        return False
