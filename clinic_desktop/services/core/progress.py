"""How far a long service has got, and the user's wish to stop it.

A backup check, an audit verification or an export can run for seconds at clinic scale.
The window runs such a call on a thread of its own (ui/ops) and shows a progress dialog
with a Cancel button. The service reports its steps through ``step()`` and never learns
about Qt: the watcher rides along in a context variable (as the clock does), so a call
made from the command line or a test, with nobody watching, pays nothing.

Cancelling is cooperative: the next ``step()`` raises ``Cancelled``, which rolls the
service's transaction back like any other exception, so nothing half-done is kept.
"""
from __future__ import annotations

import threading
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Callable, Iterator

__all__ = ["Cancelled", "Watcher", "step", "watched_by"]


class Cancelled(Exception):
    """The user stopped the work; whatever it had done in its transaction is rolled back."""


class Watcher:
    """Receives a running call's steps and can ask it to stop; thread-safe."""

    def __init__(self, report: Callable[[int, int, str], None] | None = None):
        self._report = report
        self._stop = threading.Event()

    def cancel(self) -> None:
        self._stop.set()

    @property
    def cancelled(self) -> bool:
        return self._stop.is_set()

    def step(self, done: int, total: int, text: str) -> None:
        if self._stop.is_set():
            raise Cancelled()
        if self._report is not None:
            self._report(done, total, text)


_watcher: ContextVar[Watcher | None] = ContextVar("progress_watcher", default=None)


@contextmanager
def watched_by(watcher: Watcher) -> Iterator[Watcher]:
    """Run the block with ``watcher`` receiving its steps (and able to stop it)."""
    token = _watcher.set(watcher)
    try:
        yield watcher
    finally:
        _watcher.reset(token)


def step(done: int, total: int = 0, text: str = "") -> None:
    """Report ``done`` of ``total`` (0: unknown) with what is being done, in words.

    Raises ``Cancelled`` when the user has asked to stop. Cheap enough to call for every
    row: with nobody watching it returns at once.
    """
    watcher = _watcher.get()
    if watcher is not None:
        watcher.step(done, total, text)
