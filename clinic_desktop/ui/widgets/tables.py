"""The one look every read-only list shares: whole rows selected, one at a time, no editing."""
from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

_ROW_PADDING = 8  # pixels above and below a row's text: the style's own rows are half as tall again


def read_only_table(model: QAbstractItemModel, accessible_name: str, *, fit_contents: bool = False,
                    widest: int = 320) -> QTableView:
    """A table of ``model``. ``fit_contents``: columns always fit their text (short lists);
    otherwise the user sizes them and the widths are remembered. A column never grows past
    ``widest`` pixels: long text elides, and its tooltip has it all."""
    table = QTableView()
    table.setModel(model)
    table.setAccessibleName(accessible_name)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.setTextElideMode(Qt.TextElideMode.ElideRight)
    rows = table.verticalHeader()
    rows.setVisible(False)
    rows.setDefaultSectionSize(table.fontMetrics().height() + _ROW_PADDING)  # more rows on a laptop's screen
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents if fit_contents
                                else QHeaderView.ResizeMode.Interactive)
    header.setMaximumSectionSize(widest)
    header.setStretchLastSection(True)
    return table
