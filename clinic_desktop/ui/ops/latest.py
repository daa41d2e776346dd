"""Background reads of which only the latest asked for is shown.

A letter redrawn as the user types, or the free slots of the clinician just chosen: the
user may ask again before the last answer comes back, and an older answer arriving late
would show the wrong thing. Each read runs as an ``Op`` in the background (on a server, on a
reader's kept connection: ``Op.read_in_background``); an answer that was superseded meanwhile
is dropped.
"""
from __future__ import annotations

from typing import Any, Callable

from PySide6.QtWidgets import QWidget

from clinic_desktop.ui.ops.op import Op

__all__ = ["LatestOp"]


class LatestOp:
    """Runs reads for ``parent`` in the background; only the latest one's outcome is shown."""

    def __init__(self, parent: QWidget, label: str | None):
        """``label``: what the progress dialog says if a read takes a while; None for no dialog
        (a redraw the user did not ask for, see ``Op.in_background``)."""
        self._parent, self._label = parent, label
        self._current: Op | None = None

    def run(self, call: Callable[[], Any], show: Callable[[Any], None], failed: Callable[[str], None]) -> Op:
        """``show(result)``, or ``failed(sentence)``, on the window's thread, unless asked again meanwhile."""
        op = self._current = Op(self._parent, call)
        op.success(lambda result: self._arrived(op, lambda: show(result)))
        op.failure(lambda text: self._arrived(op, lambda: failed(text)))
        return op.read_in_background(self._label)

    def is_running(self) -> bool:
        """The latest read has not come back yet: what is shown is not its answer."""
        return self._current is not None

    def wait(self, seconds: float = 120) -> None:
        """Block until the latest read is done (a screenshot); its answer is shown when the event
        loop next runs."""
        if self._current is not None:
            self._current.wait(seconds)

    def _arrived(self, op: Op, then: Callable[[], None]) -> None:
        if self._current is op:
            self._current = None
            then()
