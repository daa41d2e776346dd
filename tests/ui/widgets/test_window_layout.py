"""Column widths remembered per list (ui/widgets/window_layout.py), and only for the columns they were saved for."""
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import QTableView

from clinic_desktop.ui.widgets.window_layout import restore_header, save_header


def table(qtbot, *headers: str) -> QTableView:
    model = QStandardItemModel(0, len(headers))
    model.setHorizontalHeaderLabels(list(headers))
    view = QTableView()
    view.setModel(model)
    qtbot.addWidget(view)
    return view


def test_a_list_gets_back_the_widths_saved_for_its_columns(qtbot):
    saved = table(qtbot, "Due by", "Patient", "Kind")
    saved.horizontalHeader().resizeSection(1, 321)
    save_header(saved.horizontalHeader(), "worklist/overdue")
    again = table(qtbot, "Due by", "Patient", "Kind")
    assert restore_header(again.horizontalHeader(), "worklist/overdue")
    assert again.horizontalHeader().sectionSize(1) == 321


def test_widths_saved_for_other_columns_are_ignored_not_forced_on_the_list(qtbot):
    """A version of the app with one column more saved its layout: the list keeps its own
    columns (restoring would give the header a section the model does not have)."""
    saved = table(qtbot, "Due by", "Patient", "Kind", "Clinician")
    saved.horizontalHeader().resizeSection(1, 321)
    save_header(saved.horizontalHeader(), "worklist/overdue")
    older = table(qtbot, "Due by", "Patient", "Kind")
    assert not restore_header(older.horizontalHeader(), "worklist/overdue")
    assert older.horizontalHeader().count() == 3
    assert older.horizontalHeader().sectionSize(1) != 321
