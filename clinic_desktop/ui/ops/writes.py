"""How a write started in the window looks while it runs, and when it is refused.

Every write shows the wait cursor (restored whatever happens). A write started from a
list, a book or a menu shows a refusal in a box; either way the views redraw afterwards,
since what stopped it may be another workstation's change.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Callable, Iterator

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from clinic_desktop.services.core.errors import ServiceError
from clinic_desktop.ui.ops.messages import show_refusal


@contextmanager
def busy_cursor() -> Iterator[None]:
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        yield
    finally:
        QApplication.restoreOverrideCursor()


def write_and_redraw(parent: QWidget, hub, call: Callable[[], object]) -> bool:
    """Run ``call`` (a changing service); a refusal is shown over ``parent``. True when it went through."""
    try:
        with busy_cursor():
            call()
    except ServiceError as error:
        show_refusal(parent, str(error))
        return False
    finally:
        hub.after_change()
    return True
