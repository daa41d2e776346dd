"""Columns that stand side by side while there is room for them, and one under the other when
there is not (WCAG 1.4.10 reflow).

A form laid out in two columns at the usual 9 pt needs more width than a 1366×768 laptop has
at a 14 or 18 pt system font: its right column was cut off behind a sideways scroll bar. Here
the columns stack instead, so the form only ever scrolls down. The first column comes first
either way, so the reading order and the Tab order stay the same.
"""
from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QBoxLayout, QLayout, QLayoutItem, QWidget

from clinic_desktop.ui.widgets.screen_fit import room_on_screen

__all__ = ["ReflowingColumns"]

_SIDE_BY_SIDE = QBoxLayout.Direction.LeftToRight
_STACKED = QBoxLayout.Direction.TopToBottom
_AROUND = 48  # the window's margins and a scroll bar beside the columns


class ReflowingColumns(QWidget):
    """``columns`` (layouts or widgets) left to right while the width gives each at least its
    minimum, else top to bottom."""

    def __init__(self, *columns: QLayout | QWidget, spacing: int = 12, parent: QWidget | None = None):
        super().__init__(parent)
        self._box = QBoxLayout(_SIDE_BY_SIDE, self)
        self._box.setContentsMargins(0, 0, 0, 0)
        self._box.setSpacing(spacing)
        for column in columns:
            if isinstance(column, QLayout):
                self._box.addLayout(column, 1)
            else:
                self._box.addWidget(column, 1)

    @property
    def stacked(self) -> bool:
        return self._box.direction() == _STACKED

    def _columns(self) -> list[QLayoutItem]:
        return [self._box.itemAt(index) for index in range(self._box.count())]

    def _side_by_side(self, width_of) -> int:
        columns = self._columns()
        return sum(width_of(column) for column in columns) + self._box.spacing() * (len(columns) - 1)

    def sizeHint(self) -> QSize:
        return QSize(self._side_by_side(lambda column: column.sizeHint().width()), super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:
        """Room to stand side by side where the screen has it (the window opens wide enough), else
        no more than the widest column (the window fits the screen, and the columns stack)."""
        side_by_side = self._side_by_side(lambda column: column.minimumSize().width())
        if side_by_side > room_on_screen(self).width() - _AROUND:
            side_by_side = max((column.minimumSize().width() for column in self._columns()), default=0)
        return QSize(side_by_side, super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        fits = event.size().width() >= self._side_by_side(lambda column: column.minimumSize().width())
        direction = _SIDE_BY_SIDE if fits else _STACKED
        if direction != self._box.direction():
            self._box.setDirection(direction)
        super().resizeEvent(event)
