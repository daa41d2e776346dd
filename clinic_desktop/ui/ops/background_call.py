"""Running one long database copy off the window's thread, its outcome reported back on it.

A copy of a large database, with its integrity check, takes seconds (15 s at a million
appointments): the window must not freeze meanwhile. The thread opens its own database
connection (peewee keeps one per thread) and closes it when done; the service lets one
copy or restore run at a time. The clock (frozen in tests) goes along with the call.
"""
from __future__ import annotations

import contextvars
import threading
from typing import Callable

from PySide6.QtCore import QObject, Signal

from clinic_desktop.services.core.errors import ServiceError
from clinic_desktop.services.core.transaction import close_thread_connection


class BackgroundCall(QObject):
    finished = Signal(object, str)  # (the call's result, or None; the refusal or failure in words, or "")
    _done = Signal(object, str)  # from the worker thread, delivered on the window's thread

    def __init__(self, parent=None):
        super().__init__(parent)
        self._thread: threading.Thread | None = None
        self._running = False  # from the start until the outcome has been reported here
        self._done.connect(self._report)

    def is_running(self) -> bool:
        return self._running

    def start(self, call: Callable[[], object], name: str) -> bool:
        """Run ``call`` on a thread of its own; False (and nothing run) while the last one runs."""
        if self._running:
            return False
        self._running = True
        context = contextvars.copy_context()
        self._thread = threading.Thread(target=context.run, args=(self._work, call), name=name)
        self._thread.start()
        return True

    def wait(self, seconds: float = 120) -> None:
        """Block until the call is done (closing the app, screenshots, tests); its outcome is
        reported when the window's event loop next runs."""
        if self._thread is not None:
            self._thread.join(seconds)

    def _work(self, call: Callable[[], object]) -> None:
        result, error = None, ""
        try:
            result = call()
        except ServiceError as refusal:
            error = str(refusal)
        except Exception as failure:  # noqa: BLE001 - a thread's failure must reach the window, not vanish
            error = f"an unexpected error: {failure}"
        finally:
            close_thread_connection()
        try:
            self._done.emit(result, error)
        except RuntimeError:
            pass  # the window closed meanwhile; the copy itself is complete

    def _report(self, result, error: str) -> None:
        self._running = False
        self.finished.emit(result, error)
