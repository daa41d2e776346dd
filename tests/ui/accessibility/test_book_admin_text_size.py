"""The audit, the booking dialog and the import preview at a large system font (issue 16, WCAG
1.4.4, 1.4.10): the less important columns give way first, and a dialog opens wide enough for
its fields (sizes in characters, not pixels)."""
from __future__ import annotations

import pytest
from demo_moment import CLINIC_TIME  # noqa: F401 (the clinic's clock: tests/conftest.py clinic_clock)
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractScrollArea, QTableView
from test_large_text import LAPTOP, large_font  # noqa: F401 (the fixture: 14 and 18 pt on a laptop's screen)

from clinic_desktop.ui.ops.op import Op
from clinic_desktop.ui.widgets.tables import ElidedTextTooltips

_CELLS = ElidedTextTooltips()


def shown(qtbot, open_view, name: str):
    window = open_view(name)
    window.show()
    qtbot.waitExposed(window)
    Op.settle()
    return window


def column_cells(table: QTableView, title: str, rows: int = 30) -> list[tuple[str, bool]]:
    """The column's first cells with text, each with whether it shows cut."""
    model = table.model()
    column = next(number for number in range(model.columnCount())
                  if model.headerData(number, Qt.Orientation.Horizontal) == title)
    indexes = [model.index(row, column) for row in range(min(rows, model.rowCount()))]
    return [(index.data(), _CELLS.cuts(table, index)) for index in indexes if index.data()]


@pytest.mark.usefixtures("large_font")
def test_the_audit_elides_who_acted_before_it_cuts_a_patients_name(qtbot, open_view):
    window = shown(qtbot, open_view, "audit")
    window.resize(LAPTOP)
    Op.settle()
    table = next(table for table in window.findChildren(QTableView) if table.accessibleName() == "Audit entries")
    names = column_cells(table, "Patient", rows=300)
    assert names and not [name for name, cut in names if cut]
    assert any(cut for _who, cut in column_cells(table, "Who"))  # "Morag Macleod (practice manager)" gives way


@pytest.mark.usefixtures("large_font")
def test_the_booking_dialog_opens_wide_enough_for_its_fields_within_the_screen(qtbot, open_view):
    dialog = shown(qtbot, open_view, "booking")
    assert dialog.width() <= LAPTOP.width()
    sideways = [area.accessibleName() or type(area).__name__ for area in dialog.findChildren(QAbstractScrollArea)
                if area.isVisible() and area.horizontalScrollBar().isVisible()]
    assert not sideways


@pytest.mark.usefixtures("large_font")
def test_the_import_preview_keeps_the_names_whole_and_the_problem_readable(qtbot, open_view):
    dialog = shown(qtbot, open_view, "import-patients")
    assert dialog.width() <= LAPTOP.width()
    for title in ("Family name", "Given name"):
        assert not [name for name, cut in column_cells(dialog.table, title) if cut]
    header = dialog.table.horizontalHeader()
    assert header.sectionSize(dialog.model.columnCount() - 1) >= dialog.fontMetrics().horizontalAdvance("Problem")
