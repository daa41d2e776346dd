"""Every read-only table (ui/widgets/tables.py): a column too narrow for its text elides it, and
that cell's tooltip, only that one's, carries the whole text."""
from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtGui import QHelpEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QToolTip

from clinic_desktop.ui.widgets.tables import read_only_table

LONG = "Biopsychosocial assessment / specialised physiotherapy referral"


def _table(qtbot, widest: int):
    model = QStandardItemModel()
    model.setHorizontalHeaderLabels(["Kind", "Patient"])
    model.appendRow([QStandardItem(LONG), QStandardItem("SMITH, Ann")])
    model.appendRow([QStandardItem("2-week review"), QStandardItem("JONES, Bob")])
    table = read_only_table(model, "Overdue", fit_contents=True, widest=widest)
    qtbot.addWidget(table)
    table.resize(900, 200)
    table.show()
    qtbot.waitExposed(table)
    return table, model


def test_a_cut_cell_carries_its_whole_text_as_its_tooltip(qtbot):
    table, model = _table(qtbot, widest=160)
    assert table.columnWidth(0) == 160  # capped: the long kind does not push the patient off the screen
    tips = table.itemDelegate()
    assert tips.tooltip(table, model.index(0, 0)) == LONG
    assert tips.tooltip(table, model.index(1, 0)) is None  # "2-week review" fits: no tooltip
    assert tips.tooltip(table, model.index(0, 1)) is None


def test_a_column_wide_enough_shows_all_of_it_and_no_tooltip(qtbot):
    table, model = _table(qtbot, widest=800)
    assert table.itemDelegate().tooltip(table, model.index(0, 0)) is None


def test_hovering_a_cut_cell_shows_the_tooltip(qtbot):
    table, model = _table(qtbot, widest=160)
    centre = table.visualRect(model.index(0, 0)).center()
    event = QHelpEvent(QEvent.Type.ToolTip, centre, table.viewport().mapToGlobal(centre))
    table.viewportEvent(event)
    qtbot.waitUntil(QToolTip.isVisible)
    assert QToolTip.text() == LONG
    QToolTip.hideText()
