"""A paged table model whose pages are read off the window's thread.

At 100,000 patients the first page of a worklist takes 70–320 ms to read: read on the
window's thread, the window froze each time a list opened, redrew or was scrolled. Here
every read (the reload of the rows shown, the next page as the user scrolls) runs in the
background, and only the latest one asked for is shown: a reload started while the next
page was being read replaces it. The view says what it shows meanwhile (``is_reading``,
``ever_read``); the rows already shown stay until the new ones arrive.
"""
from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QModelIndex, Signal

from clinic_desktop.ui.ops.latest import LatestOp
from clinic_desktop.ui.widgets.paged_table_model import PAGE_SIZE, Column, Index, PagedTableModel

__all__ = ["BackgroundPagedModel"]


class BackgroundPagedModel(PagedTableModel):
    """``PagedTableModel`` reading in the background; ``fetch_page`` must touch no widget."""

    replacing = Signal()  # a reload's rows are about to replace those shown: the view notes the user's place
    arrived = Signal()  # rows read (a reload's or the next page's) are in the model
    failed = Signal(str)  # a read did not go through, in words; the rows shown stay

    def __init__(self, columns: list[Column], fetch_page: Callable[[int, int], Any], parent=None):
        super().__init__(columns, fetch_page, parent)
        self._reads = LatestOp(self, None)
        self.ever_read = False  # until the first reload arrives there is nothing to show but "Loading…"

    def reload(self) -> None:
        limit = self._reload_limit()
        self._reads.run(lambda: self._fetch_page(0, limit), self._reloaded, self.failed.emit)

    def is_reading(self) -> bool:
        return self._reads.is_running()

    def patients_shown(self) -> frozenset[int] | None:
        """None while a read is under way: the rows on their way, read before a change now announced,
        may be other patients' (ui/shell/view_reads.py)."""
        return None if self._reads.is_running() else super().patients_shown()

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:
        return not self._reads.is_running() and super().canFetchMore(parent)

    def fetchMore(self, parent: Index = QModelIndex()) -> None:
        offset = len(self._rows)
        self._reads.run(lambda: self._fetch_page(offset, PAGE_SIZE), self._more_arrived, self.failed.emit)

    def _reloaded(self, page) -> None:
        self.replacing.emit()
        self._take_reloaded(page)
        self.ever_read = True
        self.arrived.emit()

    def _more_arrived(self, page) -> None:
        self._take_more(page)
        self.arrived.emit()
