"""A worklist's pages read off the window's thread: the latest read asked for is the one shown."""
from __future__ import annotations

import threading

from clinic_desktop.services.worklists.worklists import Page
from clinic_desktop.ui.ops.op import Op
from clinic_desktop.ui.widgets.background_paged_model import BackgroundPagedModel
from clinic_desktop.ui.widgets.paged_table_model import PAGE_SIZE, Column


def _model(rows: list[str], next_page_may_go: threading.Event, readers: list[bool] | None = None
           ) -> BackgroundPagedModel:
    def fetch(offset, limit):
        (readers if readers is not None else []).append(threading.current_thread() is threading.main_thread())
        if offset:
            next_page_may_go.wait(10)  # the next page is slow to come
        return Page(rows=tuple(rows[offset:offset + limit]), total=len(rows), offset=offset, limit=limit)

    return BackgroundPagedModel([Column("Name", lambda row: row)], fetch)


def test_rows_arrive_from_another_thread_a_page_at_a_time(qtbot, sqlite_database):  # each thread its connection
    rows = [f"row {number}" for number in range(150)]
    readers: list[bool] = []
    next_page_may_go = threading.Event()
    next_page_may_go.set()
    model = _model(rows, next_page_may_go, readers)
    model.reload()
    assert model.rowCount() == 0 and model.is_reading()  # nothing yet: the view says "Loading…"
    qtbot.waitUntil(lambda: model.ever_read and not model.is_reading())
    assert model.rowCount() == PAGE_SIZE and model.total == 150
    with qtbot.waitSignal(model.arrived):
        model.fetchMore()
    assert model.rowCount() == 150 and not model.canFetchMore() and model.index(149, 0).data() == "row 149"
    assert readers == [False, False]  # neither page was read on the window's thread


def test_a_reload_asked_while_the_next_page_is_read_replaces_it(qtbot, sqlite_database):
    rows = [f"row {number}" for number in range(250)]
    next_page_may_go = threading.Event()
    model = _model(rows, next_page_may_go)
    model.reload()
    qtbot.waitUntil(lambda: model.ever_read and not model.is_reading())
    assert model.rowCount() == PAGE_SIZE and model.canFetchMore()

    model.fetchMore()  # the user scrolled to the end: the next page is on its way
    assert not model.canFetchMore()  # one read at a time: Qt does not ask again meanwhile
    rows[0] = "row 0, changed on another workstation"
    with qtbot.waitSignal(model.arrived):
        model.reload()
    next_page_may_go.set()
    Op.settle()  # the next page's answer, late, is dropped

    assert model.rowCount() == PAGE_SIZE and model.index(0, 0).data() == "row 0, changed on another workstation"
    assert model.canFetchMore()
