"""A table model that asks a service for one page at a time.

Qt calls ``fetchMore`` as the user scrolls near the end, so a list of 100,000 rows
never sits in memory; the database does the sorting, filtering and counting.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush

from clinic_desktop.ui.widgets.palette import attention_colour

PAGE_SIZE = 100
MOST_KEPT_ON_RELOAD = 1000  # a reload re-reads the rows already scrolled through, up to this many

Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column:
    header: str
    text: Callable[[Any], str]
    # Rows that need attention get a colour AND a word in their text, never colour alone.
    attention: Callable[[Any], str | None] = lambda row: None



class PagedTableModel(QAbstractTableModel):
    """Rows from ``fetch_page(offset, limit) -> Page`` (a services.worklists.Page)."""

    def __init__(self, columns: list[Column], fetch_page: Callable[[int, int], Any], parent=None):
        super().__init__(parent)
        self._columns = columns
        self._fetch_page = fetch_page
        self._rows: list[Any] = []
        self._total = 0
        self._unfiltered: int | None = None

    @property
    def total(self) -> int:
        """How many rows the whole list has, counted by the database."""
        return self._total

    @property
    def unfiltered(self) -> int | None:
        """How many rows the list has without its filter, when one is on (the page said); else None."""
        return self._unfiltered

    def reload(self) -> None:
        """Read the list again (it may have changed anywhere), as far as the user had scrolled."""
        self._take_reloaded(self._fetch_page(0, self._reload_limit()))  # may refuse

    def _reload_limit(self) -> int:
        """How many rows a reload reads: those scrolled through, at least a page, at most 1,000."""
        return min(MOST_KEPT_ON_RELOAD, max(PAGE_SIZE, len(self._rows)))

    def _take_reloaded(self, page) -> None:
        self.beginResetModel()
        self._rows = list(page.rows)
        self._total = page.total
        self._unfiltered = getattr(page, "unfiltered", None)
        self.endResetModel()

    def patients_shown(self) -> frozenset[int] | None:
        """The patients on the rows read so far, for a list of items of care (ui/shell/view_reads.py);
        None when a row names no patient, so no change can be ruled out by whose it is."""
        patients = {getattr(row, "patient_id", None) for row in self._rows}
        return None if None in patients else frozenset(patients)

    def row_at(self, row_number: int) -> Any:
        """The service's row object behind a table row (what an action acts on)."""
        return self._rows[row_number]

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._columns)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:
        return not parent.isValid() and len(self._rows) < self._total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:
        self._take_more(self._fetch_page(len(self._rows), PAGE_SIZE))

    def _take_more(self, page) -> None:
        """The page after the rows held: added below them (none left: the list ended sooner)."""
        if not page.rows:
            self._total = len(self._rows)
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(page.rows) - 1)
        self._rows.extend(page.rows)
        self._total = page.total
        self.endInsertRows()

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self._columns[section].header
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = self._columns[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return column.text(row)
        if role == Qt.ItemDataRole.ForegroundRole:
            attention = column.attention(row)
            return QBrush(attention_colour(attention)) if attention else None
        return None
