"""Every read-only table (ui/widgets/tables.py) lets Tab go on to the buttons after it, while the
arrow keys move between its rows (WCAG 2.1.2: Tab used to walk cell by cell and never leave)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QPushButton, QVBoxLayout, QWidget

from clinic_desktop.ui.widgets.tables import read_only_table


def test_tab_leaves_the_table_for_its_row_button_and_arrows_move_the_row(qtbot):
    model = QStandardItemModel()
    model.setHorizontalHeaderLabels(["Patient", "Due by"])
    for name in ("SMITH, Ann", "JONES, Bob", "PATEL, Ravi"):
        model.appendRow([QStandardItem(name), QStandardItem("Thu 10 Dec 2026")])
    window = QWidget()
    layout = QVBoxLayout(window)
    table = read_only_table(model, "To book")
    book = QPushButton("Book review…")
    layout.addWidget(table)
    layout.addWidget(book)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    table.setFocus()  # focus comes in on the first row
    qtbot.keyClick(table, Qt.Key.Key_Down)
    assert table.currentIndex().row() == 1
    qtbot.keyClick(table, Qt.Key.Key_Tab)
    assert book.hasFocus()
    assert table.selectionModel().selectedRows()[0].data() == "JONES, Bob"  # the row chosen stays chosen
