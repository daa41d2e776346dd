"""The worklists at a large system font and without colour vision (issue 16, WCAG 1.4.1, 1.4.4):
the less important columns narrow first, the patient's name and the OVERDUE cell stay whole,
and every cell drawn in an attention colour says in words why."""
from __future__ import annotations

import pytest
from demo_moment import CLINIC_TIME  # noqa: F401 (the clinic's clock: tests/conftest.py clinic_clock)
from PySide6.QtCore import Qt
from window_pages import settle

from clinic_desktop.ui.widgets.tables import ElidedTextTooltips

WORDS = ("OVERDUE", "URGENT", "DUE TODAY", "WAITING", "⚠", "today", "Unassigned")  # what a colour means, in words


def _column(table, title: str) -> int:
    model = table.model()
    return next(column for column in range(model.columnCount())
                if model.headerData(column, Qt.Orientation.Horizontal) == title)


def test_at_18_pt_the_kinds_go_above_the_clinician_gives_way_and_the_name_stays_whole(qtbot, open_view, system_font):
    system_font(18)
    window = open_view("worklists-manager")
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    settle()
    overdue = window.worklists.list_for("overdue")
    table = overdue.table
    kinds_bottom = overdue.kinds.mapTo(window, overdue.kinds.rect().bottomLeft()).y()
    assert kinds_bottom < table.mapTo(window, table.rect().topLeft()).y()  # the kinds above, the table whole width
    cells, model = ElidedTextTooltips(), table.model()
    patient, clinician, overdue = (_column(table, title) for title in ("Patient", "Clinician", "Overdue"))
    rows = range(model.rowCount())
    assert rows
    assert not any(cells.cuts(table, model.index(row, column)) for row in rows for column in (patient, overdue))
    narrowed = [model.index(row, clinician) for row in rows if cells.cuts(table, model.index(row, clinician))]
    assert narrowed, "the clinician column kept its whole width"
    assert cells.tooltip(table, narrowed[0]) == narrowed[0].data()  # the whole name, on pointing at it
    assert table.columnViewportPosition(patient) + table.columnWidth(patient) <= table.viewport().width()


@pytest.mark.parametrize("name", ["worklists-manager", "worklists-reception", "worklists-clinician"])
def test_a_coloured_cell_says_why_in_words(qtbot, open_view, name):
    window = open_view(name)
    window.show()
    qtbot.waitExposed(window)
    silent = []
    for worklist in window.worklists.lists:
        window.worklists.setCurrentWidget(worklist)
        settle()
        model = worklist.model
        for row in range(model.rowCount()):
            for column in range(model.columnCount()):
                index = model.index(row, column)
                if index.data(Qt.ItemDataRole.ForegroundRole) is not None \
                        and not any(word in str(index.data()) for word in WORDS):
                    silent.append(f"{worklist.view.title}: {index.data()!r}")
    assert not silent, "\n".join(silent)
