"""Redrawing a view only when someone can see it.

Every change on any workstation reaches every open view (ui/shell/change_hub.py). Before,
each view redrew inside the hub's signal, shown or not, and a change from another
workstation froze the window for up to 0.8 s. Now a view hidden behind another tab only
keeps what changed (merged with anything else that changed meanwhile) and is handed it
once, when it is next shown; a view on screen is handed each change as it comes. The view
itself still decides whether the change concerns it (``Reads.concerned``, ui/shell/view_reads.py).

A view whose read failed (the server dropped the connection, or was restarting) says so on
screen and tells its ``RedrawWhenSeen`` (``read_failed``): at the hub's next read that goes
through (every 3 s, or the 30 s safety net while the server announces changes; longer while
the hub backs off from a server it cannot reach) it is handed a change to everything and reads
again. Before, it waited for the next change that concerned it, which might not come for hours,
and kept showing a list it knew might be out of date.
"""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QWidget

from clinic_desktop.ui.shell.change_hub import ChangeHub, Changes

__all__ = ["READ_AGAIN", "RedrawWhenSeen"]

READ_AGAIN = "It is read again as soon as the database answers."  # said under a view whose read failed


class RedrawWhenSeen(QObject):
    """``RedrawWhenSeen(view, hub, view.on_changes)``: the view's handler, called only while it is shown.

    A child of the view, so it goes (and lets go of the hub) when the view does.
    """

    def __init__(self, view: QWidget, hub: ChangeHub, on_changes: Callable[[Changes], None]):
        super().__init__(view)
        self._view = view
        self._on_changes = on_changes
        self._pending: Changes | None = None
        self._retry = False  # the view's last read failed: read everything again once the database answers
        hub.changed.connect(self._arrived)
        hub.answered.connect(self._answered)
        view.installEventFilter(self)

    @property
    def stale(self) -> bool:
        """Whether changes are waiting for the view to be shown."""
        return self._pending is not None

    def read_failed(self, _reason: str = "") -> None:
        """The view could not read what it shows: hand it everything when the database next answers."""
        self._retry = True

    def _answered(self) -> None:
        if self._retry:
            self._retry = False
            self._arrived(Changes(frozenset(), everything=True))

    def _arrived(self, changes: Changes) -> None:
        if self._view.isVisible():
            self._on_changes(changes)
        else:
            self._pending = changes if self._pending is None else self._pending.merged(changes)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._view and event.type() == QEvent.Type.Show and self._pending is not None:
            pending, self._pending = self._pending, None
            self._on_changes(pending)
        return False
