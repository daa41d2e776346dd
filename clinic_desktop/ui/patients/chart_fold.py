"""The patient page's charts, folded away while the window is too short for them and a useful list.

The time line and measures charts are drawn at a fixed height (about 350 pixels together).
On a 1366×768 laptop, or 1920×1080 at 200 %, they left the lists under them three rows;
the lists are where the work is (book the review, open the referral). So the charts show
only while the lists keep at least ``LIST_ROWS`` rows, and a button beside the episode
shows or folds them on demand; once the user has chosen, their choice stands for the page.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSize
from PySide6.QtWidgets import QPushButton, QTableView, QTabWidget, QVBoxLayout, QWidget

__all__ = ["LIST_ROWS", "FoldingCharts"]

LIST_ROWS = 12  # rows of the list kept in sight before the charts are drawn
_TAB_FRAME = 4  # the tab page's frame, above and below


class FoldingCharts(QWidget):
    """``charts`` one under the other, shown while ``lists`` keeps ``LIST_ROWS`` rows of ``table``."""

    def __init__(self, charts: tuple[QWidget, ...], lists: QTabWidget, table: QTableView, parent=None):
        super().__init__(parent)
        self._lists, self._table = lists, table
        self._chosen = False  # the user showed or folded the charts: no longer decided by the room
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for chart in charts:
            layout.addWidget(chart)
        self.toggle = QPushButton("Hide chart")
        self.toggle.setAccessibleDescription("Show or hide the charts")
        self.toggle.setCheckable(True)
        self.toggle.setChecked(True)
        self.toggle.clicked.connect(self._choose)
        self.toggle.toggled.connect(self._fold)
        lists.installEventFilter(self)

    def minimumSizeHint(self) -> QSize:
        """Nothing: the page may be shorter than the charts, which then fold (not the window growing)."""
        return QSize(0, 0)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and not self._chosen:
            shown = self.isVisibleTo(self.parentWidget())
            # A row's margin to show them again: shown, they must not fold at once for want of a few pixels.
            self.toggle.setChecked(self._rows_left() >= LIST_ROWS + (0 if shown else 1))
        return False

    def _rows_left(self) -> int:
        """How many rows of the list would show with the charts drawn at their full height."""
        shown = self.isVisibleTo(self.parentWidget())
        charts_take = self.sizeHint().height() - (self.height() if shown else 0)
        around_rows = (self._lists.tabBar().sizeHint().height() + self._table.horizontalHeader().sizeHint().height()
                       + 2 * self._table.frameWidth() + _TAB_FRAME)
        room = self._lists.height() - charts_take - around_rows
        return room // self._table.verticalHeader().defaultSectionSize()

    def _choose(self) -> None:
        self._chosen = True

    def _fold(self, shown: bool) -> None:
        self.setVisible(shown)
        self.toggle.setText("Hide chart" if shown else "Show chart")
