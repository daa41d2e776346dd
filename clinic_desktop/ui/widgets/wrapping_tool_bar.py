"""A row of tool buttons that wraps onto a second row when the window is narrow, every button in sight
(and the flow layout it uses, which a patient's header shares).

A ``QToolBar`` outside a main window's tool bar area hides what does not fit behind a "»"
menu: at a 14 pt system font the patient's toolbar hid Discharge, Acknowledge warning and
Print leaflet there (issue 16, WCAG 1.4.10 reflow), and its buttons never took focus (2.1.1).
Here each action is a tool button that Tab reaches, laid out left to right and wrapped
like words in a paragraph.
"""
from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLayout, QLayoutItem, QStyle, QToolButton, QWidget

__all__ = ["FlowLayout", "WrappingToolBar"]


class FlowLayout(QLayout):
    """Items left to right, a new row when the next would pass the right edge. An item wider than
    a whole row (a long button that can elide) is given the row's width, down to its minimum."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 2):
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self.setSpacing(spacing)
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._place(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._place(rect, move=True)

    def sizeHint(self) -> QSize:
        """One row of everything: what the layout asks for when it has room."""
        shown = [item.sizeHint() for item in self._items if not item.isEmpty()]
        margins = self.contentsMargins()
        width = sum(size.width() for size in shown) + self.spacing() * max(len(shown) - 1, 0)
        height = max((size.height() for size in shown), default=0)
        return QSize(width + margins.left() + margins.right(), height + margins.top() + margins.bottom())

    def minimumSize(self) -> QSize:
        """The widest single item: narrower than that, nothing can wrap it."""
        margins = self.contentsMargins()
        widest = max((item.minimumSize().width() for item in self._items if not item.isEmpty()), default=0)
        tallest = max((item.sizeHint().height() for item in self._items if not item.isEmpty()), default=0)
        return QSize(widest + margins.left() + margins.right(), tallest + margins.top() + margins.bottom())

    def _place(self, rect: QRect, *, move: bool) -> int:
        """Lay the items out in ``rect``, each centred in its row's height (only measuring unless
        ``move``); the height they take."""
        margins = self.contentsMargins()
        area = rect.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom())
        rows: list[list[tuple[QLayoutItem, QSize]]] = [[]]
        x = area.x()
        for item in self._items:
            if item.isEmpty():
                continue
            size = item.sizeHint()
            size.setWidth(max(min(size.width(), area.width()), item.minimumSize().width()))
            if rows[-1] and x + size.width() > area.right() + 1:
                rows.append([])
                x = area.x()
            rows[-1].append((item, size))
            x += size.width() + self.spacing()
        y = area.y()
        for row in rows:
            height = max((size.height() for _item, size in row), default=0)
            x = area.x()
            for item, size in row:
                if move:
                    item.setGeometry(QRect(QPoint(x, y + (height - size.height()) // 2), size))
                x += size.width() + self.spacing()
            y += height + self.spacing()
        return y - self.spacing() - rect.y() + margins.bottom()


class WrappingToolBar(QWidget):
    """``addAction(action)`` gives the action a tool button that takes focus; rows wrap to fit."""

    def __init__(self, accessible_name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAccessibleName(accessible_name)
        self._flow = FlowLayout(self, self.style().pixelMetric(QStyle.PixelMetric.PM_ToolBarItemSpacing))

    def addAction(self, action: QAction) -> None:  # noqa: N802 (Qt's name: a tool bar's actions() lists it)
        super().addAction(action)
        button = QToolButton(self)
        button.setDefaultAction(action)
        button.setAutoRaise(True)
        button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        button.setVisible(action.isVisible())
        action.changed.connect(lambda: button.setVisible(action.isVisible()))  # as a QToolBar hides it
        self._flow.addWidget(button)

    def buttons(self) -> list[QToolButton]:
        return [self._flow.itemAt(index).widget() for index in range(self._flow.count())]
