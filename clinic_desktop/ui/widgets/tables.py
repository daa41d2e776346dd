"""The one look every read-only list shares: whole rows selected, one at a time, no editing.

A column fits its text up to a width, past which the text elides ("Biopsychosocial assess…")
and the cell's tooltip carries all of it (issue 13 §2: the overdue list cut the kind with no
way to read it). The tooltip comes only where the text was cut, so a pointer resting on a
list does not cover it with copies of what it already shows.

Tab leaves the table for what follows it (its row's buttons): the arrow keys move between
rows, so Tab is not kept walking cell by cell (issue 16, WCAG 2.1.2: 2,000 presses never
left the To book list).
"""
from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QEvent, QModelIndex, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QToolTip,
)

__all__ = ["ElidedTextTooltips", "read_only_table"]

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
    table.setTabKeyNavigation(False)  # arrows move between rows; Tab goes on to the row's buttons
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
    table.setItemDelegate(ElidedTextTooltips(table))
    return table


class ElidedTextTooltips(QStyledItemDelegate):
    """Cells drawn as usual; a cell's tooltip is its whole text, shown only when the cell elides it."""

    def tooltip(self, view: QAbstractItemView, index: QModelIndex) -> str | None:
        """The tooltip the cell shows: the model's own when it says something the cell does not,
        else the cell's text when it does not fit its width, else none."""
        text = index.data(Qt.ItemDataRole.DisplayRole)
        told = index.data(Qt.ItemDataRole.ToolTipRole)
        if told and told != text:
            return str(told)
        return str(text) if text and self.cuts(view, index) else None

    def cuts(self, view: QAbstractItemView, index: QModelIndex) -> bool:
        """Whether the cell is too narrow for its whole text (it shows it elided)."""
        text = index.data(Qt.ItemDataRole.DisplayRole)
        if not text:
            return False
        option = QStyleOptionViewItem()
        option.initFrom(view)
        option.rect = view.visualRect(index)
        self.initStyleOption(option, index)
        style = view.style()
        shown = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, option, view).width()
        margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1
        return option.fontMetrics.horizontalAdvance(str(text)) > shown - 2 * margin

    def helpEvent(self, event: QHelpEvent, view: QAbstractItemView, option, index: QModelIndex) -> bool:
        if event is None or event.type() != QEvent.Type.ToolTip:
            return super().helpEvent(event, view, option, index)
        text = self.tooltip(view, index)
        if text:
            QToolTip.showText(event.globalPos(), text, view)
        else:
            QToolTip.hideText()
        return True
