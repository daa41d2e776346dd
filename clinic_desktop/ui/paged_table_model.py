"""A table model that asks a service for one page at a time.

Qt calls ``fetchMore`` as the user scrolls near the end, so a list of 100,000 rows
never sits in memory; the database does the sorting, filtering and counting.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

PAGE_SIZE = 100

Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column:
    header: str
    text: Callable[[Any], str]
    # Rows that need attention get a colour AND a word in their text, never colour alone.
    attention: Callable[[Any], str | None] = lambda row: None


ATTENTION_COLOURS = {"urgent": QColor("#b00020"), "overdue": QColor("#a34700"), "today": QColor("#0b5394")}


class PagedTableModel(QAbstractTableModel):
    """Rows from ``fetch_page(offset, limit) -> Page`` (a services.worklists.Page)."""

    def __init__(self, columns: list[Column], fetch_page: Callable[[int, int], Any], parent=None):
        super().__init__(parent)
        self._columns = columns
        self._fetch_page = fetch_page
        self._rows: list[Any] = []
        self._total = 0

    @property
    def total(self) -> int:
        """How many rows the whole list has, counted by the database."""
        return self._total

    def reload(self) -> None:
        """Start again from the first page (the list may have changed anywhere)."""
        self.beginResetModel()
        page = self._fetch_page(0, PAGE_SIZE)
        self._rows = list(page.rows)
        self._total = page.total
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._columns)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:
        return not parent.isValid() and len(self._rows) < self._total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:
        page = self._fetch_page(len(self._rows), PAGE_SIZE)
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
            return QBrush(ATTENTION_COLOURS[attention]) if attention else None
        return None
