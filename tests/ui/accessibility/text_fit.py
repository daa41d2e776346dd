"""Whether a window shows its words whole at a large system font (WCAG 1.4.4, 1.4.10).

A safety word (URGENT, OVERDUE) or a patient's name must never be cut; other text may elide
when its column is narrow (the tooltip then has it all), the less important columns first. A
column's header is cut when its section is narrower than its title.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QLabel,
    QStyle,
    QStyleOptionHeader,
    QTableView,
    QWidget,
)

from clinic_desktop.ui.widgets.tables import ElidedTextTooltips

SAFETY_WORDS = ("URGENT", "OVERDUE")
NAME_COLUMNS = ("Patient", "Name")
ROWS_LOOKED_AT = 30
_CELLS = ElidedTextTooltips()  # measures a cell as the lists' own delegate draws it


def cut_text(window: QWidget) -> list[str]:
    """Each safety word, name or column title the window shows cut, in words."""
    found = []
    for table in window.findChildren(QTableView):
        if table.isVisible() and table.model() is not None:
            found.extend(_cut_in_table(table))
    for widget in window.findChildren(QWidget):
        if isinstance(widget, (QLabel, QAbstractButton)) and widget.isVisible():
            text = widget.text()
            if _matters(text) and not (isinstance(widget, QLabel) and widget.wordWrap()) and _cut(widget, text):
                found.append(f"{type(widget).__name__} cuts {text!r}")
    return found


def scrolls_sideways(window: QWidget, let_off: tuple[str, ...] = ()) -> list[str]:
    """Each list or scrolled page on show that scrolls sideways, in words; those named in ``let_off``
    (by accessible name) aside."""
    return [f"{area.accessibleName() or type(area).__name__!r} scrolls sideways"
            for area in window.findChildren(QAbstractScrollArea)
            if area.isVisible() and area.horizontalScrollBar().isVisible() and area.accessibleName() not in let_off]


def _cut_in_table(table: QTableView) -> list[str]:
    model, header, found = table.model(), table.horizontalHeader(), []
    for column in range(model.columnCount()):
        if table.isColumnHidden(column):
            continue
        title = str(model.headerData(column, Qt.Orientation.Horizontal) or "")
        if header.isVisible() and title and _header_needs(table, column, title) > header.sectionSize(column):
            found.append(f"{table.accessibleName()!r} cuts its column title {title!r}")
        for row in range(min(model.rowCount(), ROWS_LOOKED_AT)):
            index = model.index(row, column)
            text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
            if (_matters(text) or title in NAME_COLUMNS) and _CELLS.cuts(table, index):
                found.append(f"{table.accessibleName()!r} cuts {text!r} in {title!r}")
                break
    return found


def _header_needs(table: QTableView, column: int, title: str) -> int:
    header = table.horizontalHeader()
    option = QStyleOptionHeader()
    option.initFrom(header)
    option.text = title
    option.section = column
    return header.style().sizeFromContents(QStyle.ContentsType.CT_HeaderSection, option, header.fontMetrics()
                                           .size(0, title), header).width()


def _matters(text: str) -> bool:
    return any(word in text.upper() for word in SAFETY_WORDS)


def _cut(widget: QWidget, text: str) -> bool:
    """A button that elides (ElidingButton) is cut when a safety word is not among the words it draws."""
    if hasattr(widget, "shown_text"):
        shown = widget.shown_text().upper()
        return any(word in text.upper() and word not in shown for word in SAFETY_WORDS)
    return _needs(widget, text) > widget.contentsRect().width()


def _needs(widget: QWidget, text: str) -> int:
    return widget.fontMetrics().horizontalAdvance(text.replace("&", "")) + (24 if isinstance(widget, QAbstractButton)
                                                                            else 0)
