"""Tabs whose page is built the first time it is shown, not when the window opens.

Signing in used to build every tab of the main window and read its data, hidden tabs
included: 1.2 s at clinic scale before the window appeared. A ``LazyPage`` stands in the
tab with the function that makes the real page; the page is built when its tab is first
selected, or when code asks for it (``page()``: a menu going to the appointment book, a
screenshot, a test). Until then it exists nowhere, so it reads nothing and a change the
hub announces meanwhile costs it nothing.

Outside, the real page stands for its tab as in any ``QTabWidget``: ``indexOf``,
``setCurrentWidget`` and ``currentWidget`` take and give the page, not its stand-in.
"""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget


class LazyPage(QWidget):
    """A tab's stand-in, holding the page once built (the page fills it edge to edge)."""

    built = Signal(QWidget)  # the page, just made: whoever listens to it connects now

    def __init__(self, build: Callable[[], QWidget], parent=None):
        super().__init__(parent)
        self._build = build
        self._page: QWidget | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

    def is_built(self) -> bool:
        return self._page is not None

    def page(self) -> QWidget:
        """The real page, built now if it was not yet."""
        if self._page is None:
            self._page = self._build()
            self.layout().addWidget(self._page)
            self._page.show()  # now, not when the layout's queued show comes round: the tab paints it at once
            self.built.emit(self._page)
        return self._page

    def holds(self, widget: QWidget) -> bool:
        return widget is self or (self._page is not None and widget is self._page)


class LazyTabs(QTabWidget):
    """A tab widget that builds a ``LazyPage``'s page when its tab becomes the current one."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.currentChanged.connect(self._build_current)

    def currentWidget(self) -> QWidget | None:
        shown = super().currentWidget()
        return shown.page() if isinstance(shown, LazyPage) else shown

    def indexOf(self, widget: QWidget) -> int:
        for index in range(self.count()):
            stand_in = self.widget(index)
            if isinstance(stand_in, LazyPage) and stand_in.holds(widget):
                return index
        return super().indexOf(widget)

    def setCurrentWidget(self, widget: QWidget) -> None:
        self.setCurrentIndex(self.indexOf(widget))

    def _build_current(self, index: int) -> None:
        stand_in = self.widget(index)
        if isinstance(stand_in, LazyPage):
            stand_in.page()
