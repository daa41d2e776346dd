"""What the administration page tests share: a page on a hub, clicking a row, typing in a field."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox


def shown(qtbot, page):
    qtbot.addWidget(page)
    page.show()
    return page


def click_row(qtbot, page, first_cell: str) -> None:
    """Click the row whose first column reads ``first_cell``, as the manager would."""
    model = page.table.model()
    for row in range(model.rowCount()):
        if model.index(row, 0).data() == first_cell:
            rect = page.table.visualRect(model.index(row, 0))
            qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
            return
    raise AssertionError(f"no row {first_cell!r} in {[model.index(r, 0).data() for r in range(model.rowCount())]}")


def cells(page, column: int) -> list[str]:
    model = page.table.model()
    return [model.index(row, column).data() for row in range(model.rowCount())]


def row_of(page, first_cell: str) -> list[str]:
    model = page.table.model()
    for row in range(model.rowCount()):
        if model.index(row, 0).data() == first_cell:
            return [model.index(row, column).data() for column in range(model.columnCount())]
    raise AssertionError(first_cell)


def type_into(qtbot, field, text: str) -> None:
    field.setFocus()
    field.selectAll()
    if text:
        qtbot.keyClicks(field, text)
    else:
        QTest.keyClick(field, Qt.Key.Key_Delete)


def press_enter(field) -> None:
    QTest.keyClick(field, Qt.Key.Key_Return)


def refusal_box() -> QMessageBox | None:
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QMessageBox) and widget.objectName() == "refusal" and widget.isVisible():
            return widget
    return None
