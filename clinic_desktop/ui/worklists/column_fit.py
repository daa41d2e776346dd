"""Which columns of a list narrow first when the list is narrower than its text (a large system
font on a laptop, WCAG 1.4.4 and 1.4.10).

The patient's name, the safety or status word (OVERDUE, URGENT, WAITING) and the due date keep
their width: they are what the lists are read for. The columns that matter less narrow first,
in the order below, each no narrower than its title and any of its cells that says a safety
word, their other text eliding (the cell's tooltip has it all). A column is known by its title,
worded the same in every list. A short list whose rows all show at once (the Administration
pages) is fitted again whenever the table is resized or its rows change (``keep_fitted``).
"""
from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QHeaderView, QStyleOptionViewItem, QTableView

WIDEST = 50  # letters: a column grows no wider (in letters, not pixels, so it grows with the font)
SAFETY_WORDS = ("URGENT", "OVERDUE")  # a cell saying one is never narrowed: "Urgent red-flag referral" stays whole
ROWS_MEASURED = 100  # the rows a column's safety words are looked for in (the first page)
# First to narrow first; a title not named here keeps its width.
GIVES_WAY = ("Date of birth", "NHS number", "Clinician", "Owner", "By", "Signed", "To", "Letter", "Status", "Reason",
             "Raised on", "Raised", "Seen on", "Sent on", "List", "Record", "Medicine", "Item", "Referral", "Review", "Kind", "Warning")


def fit_columns(table: QTableView, gives_way: Sequence[str] = GIVES_WAY) -> None:
    """Each column as wide as its text, up to ``WIDEST`` letters; then, while the columns are wider
    than the table, the less important ones narrowed in turn, none below its title. The last column
    fills what is left; when even that is too little, the table scrolls sideways rather than cut a title."""
    header, model = table.horizontalHeader(), table.model()
    header.setMaximumSectionSize(table.fontMetrics().averageCharWidth() * WIDEST)
    table.resizeColumnsToContents()
    shown = {str(model.headerData(column, Qt.Orientation.Horizontal)): column
             for column in range(model.columnCount()) if not table.isColumnHidden(column)}
    if not shown:
        return
    last = max(shown.values(), key=header.visualIndex)
    wanted = {column: header.sectionSize(column) for column in shown.values()}
    wanted[last] = min(max(table.sizeHintForColumn(last), header.sectionSizeHint(last)), header.maximumSectionSize())
    excess = sum(wanted.values()) - table.viewport().width()
    for title in gives_way:
        column = shown.get(title)
        if column is not None and excess > 0:
            narrower = min(excess, max(0, wanted[column] - _narrowest(table, column)))
            wanted[column] -= narrower
            excess -= narrower
    header.setStretchLastSection(excess <= 0)
    for column, width in wanted.items():
        header.resizeSection(column, width)


def keep_fitted(table: QTableView, gives_way: Sequence[str]) -> None:
    """Fit ``table``'s columns (``gives_way`` first to narrow) now, and again whenever its width or
    its rows change: a list short enough to fit its text has no widths of the user's to keep, and at a
    large font it must not scroll sideways (a column such as the registration number out of sight)."""
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    refit = _Refit(table, tuple(gives_way))
    table.viewport().installEventFilter(refit)
    model = table.model()
    for signal in (model.modelReset, model.rowsInserted, model.rowsRemoved, model.dataChanged):
        signal.connect(refit.fit)
    refit.fit()


class _Refit(QObject):
    """Fits its table's columns again when its viewport is resized."""

    def __init__(self, table: QTableView, gives_way: tuple[str, ...]):
        super().__init__(table)
        self._table, self._gives_way = table, gives_way

    def fit(self, *_changed) -> None:
        fit_columns(self._table, self._gives_way)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.fit()
        return False


def _narrowest(table: QTableView, column: int) -> int:
    """The column's title whole, and every cell of it that says a safety word."""
    model, option = table.model(), QStyleOptionViewItem()
    table.initViewItemOption(option)
    widths = [table.horizontalHeader().sectionSizeHint(column)]
    for row in range(min(model.rowCount(), ROWS_MEASURED)):
        index = model.index(row, column)
        if any(word in str(index.data() or "").upper() for word in SAFETY_WORDS):
            widths.append(table.itemDelegateForIndex(index).sizeHint(option, index).width() + 1)  # + the grid line
    return max(widths)
