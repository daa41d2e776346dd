"""Redrawing a costly view only when someone can see it.

Every change on any workstation reaches every open view (ui/shell/change_hub.py). A view that
takes tens of milliseconds to read (the dashboard, the audit trail) redraws at once while
it is on screen; hidden behind another tab it only notes that it is out of date, and
reads once when it is next shown.
"""
from __future__ import annotations


class RedrawWhenSeen:
    """Mix into a QWidget that has ``reload()``; connect ``hub.changed`` to ``redraw_for``."""

    _stale = False

    def redraw_for(self, _changes=None) -> None:
        if self.isVisible():
            self.reload()
        else:
            self._stale = True

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._stale:
            self.reload()
