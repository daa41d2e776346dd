"""One way for the window to run a service call (Anki's ``CollectionOp``/``QueryOp``).

An ``Op`` owns everything around the call, so no view writes it by hand:

- the busy state: the wait cursor for a quick call; for a long one, a window-modal
  progress dialog (after a short delay, so a quick finish shows nothing) that keeps the
  window painting, with Cancel when the work can stop;
- the refusal: a ``ServiceError`` becomes the one sentence the user sees, in a box over
  the window, or wherever ``failure()`` puts it (a form shows it under its fields);
- the announcement: with a ``hub``, the open views learn what changed once the call is
  over, whether it went through or not (what stopped it may be another workstation's
  change);
- the thread: ``in_background()`` runs the call on a thread of its own with its own
  database connection (peewee keeps one per thread) and the caller's context (the
  frozen clock of a test, the progress watcher); ``read_in_background()`` runs a read on
  one of the readers' kept server connections instead (ui/ops/readers.py). The call must
  not touch widgets; its result comes back to ``success()`` on the window's thread;
- the lifetime: an op belongs to the widget it was started for and goes with it. An outcome
  that comes back after the widget was deleted (signing out while the first lists are being
  read) reaches nothing: the worker hands it to ``_Outcomes``, which lives as long as the
  process, and only an op still there hears of it.

    Op(self, lambda: appointments.book(actor, ...), hub=hub).success(self.close).run()
    Op(self, lambda: audit_chain.verify(actor)).success(self.show_result).in_background("Checking the audit trail…", cancellable=True)
"""
from __future__ import annotations

import contextvars
import logging
import threading
import time
from typing import Any, Callable, ClassVar

import shiboken6
from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QProgressDialog

from clinic_desktop.services.core.errors import ServiceError
from clinic_desktop.services.core.kept_connection import keeps_connections
from clinic_desktop.services.core.progress import Cancelled, Watcher, watched_by
from clinic_desktop.services.core.transaction import close_thread_connection
from clinic_desktop.ui.ops.messages import show_refusal
from clinic_desktop.ui.ops.readers import Readers

__all__ = ["Op", "SHOW_PROGRESS_AFTER_MS"]

_log = logging.getLogger(__name__)

SHOW_PROGRESS_AFTER_MS = 300  # a call done sooner shows no dialog at all
_REPORT_EVERY_S = 0.05  # the worker's steps reach the dialog at most this often
_NEVER_BY_ITSELF_MS = 2**31 - 1  # QProgressDialog would otherwise show itself on its own timer or first value


class Op(QObject):
    """One service call from the window: chain ``success``/``failure``/``cancelled``, then ``run``."""

    finished = Signal()  # after the outcome's callbacks ran (tests wait on it; so may a caller)

    _live: ClassVar[set[Op]] = set()  # ops under way, kept from the garbage collector until they finish

    def __init__(self, parent: QObject, call: Callable[[], Any], *, hub=None, refusal_title: str = "Not done"):
        """``parent`` is the window the op shows itself over; a plain ``QObject`` does for an
        op without a dialog (``in_background(None)``) that handles its own ``failure``."""
        super().__init__(parent)
        self._parent = parent
        self._call = call
        self._hub = hub
        self._refusal_title = refusal_title
        self._on_success: Callable[[Any], None] = lambda _result: None
        self._on_failure: Callable[[str], None] = self._show_refusal
        self._on_refused: Callable[[ServiceError], None] | None = None
        self._on_cancelled: Callable[[], None] = lambda: None
        self._started = False
        self._over = threading.Event()  # the worker is done with the call
        self._watcher: Watcher | None = None
        self._dialog: QProgressDialog | None = None
        self._last_report = 0.0
        self.ok: bool | None = None  # None while running; then whether the call went through

    # -- what to do with the outcome ---------------------------------------------------------

    def success(self, callback: Callable[[Any], None]) -> Op:
        """``callback(result)`` on the window's thread when the call went through."""
        self._on_success = callback
        return self

    def failure(self, callback: Callable[[str], None]) -> Op:
        """``callback(sentence)`` instead of the refusal box (a form shows it under its fields)."""
        self._on_failure = callback
        return self

    def refused(self, callback: Callable[[ServiceError], None]) -> Op:
        """``callback(error)`` with the service's refusal itself, instead of ``failure`` (which then
        hears only of what was no refusal: a bug, in the background): for a form that answers its
        kind (a possible duplicate to confirm, a warning to acknowledge) or focuses the ``field``
        at fault. ``str(error)`` is the sentence."""
        self._on_refused = callback
        return self

    def cancelled(self, callback: Callable[[], None]) -> Op:
        """``callback()`` when the user stopped a background call (nothing of it was kept)."""
        self._on_cancelled = callback
        return self

    # -- running ----------------------------------------------------------------------------

    def run(self) -> bool:
        """Run now, on the window's thread, under the wait cursor: for calls that take
        milliseconds at clinic scale (one row written). True when it went through."""
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            result, problem = _outcome(self._call, catch_all=False)
        finally:
            QApplication.restoreOverrideCursor()
        self._conclude(result, problem)
        return self.ok

    def in_background(self, label: str | None = None, *, cancellable: bool = False) -> Op:
        """Run on a thread of its own; a progress dialog with ``label`` appears if it takes a while.

        ``label=None``: no dialog at all, for work the user carries on beside (a backup
        copy told on its page), that has no window to show one over (the daily backup), or
        whose caller shows the wait itself (a sign-in dialog says "Checking…" under its fields),
        and for what the user did not ask for and need not wait for (a redraw, the change poll).
        """
        self._run_on_own_thread(self._start(label, cancellable), label)
        return self

    def read_in_background(self, label: str | None = None) -> Op:
        """As ``in_background``, for a call that only reads (a list's reload, the change feed): on a
        server it runs on one of the readers' kept connections (ui/ops/readers.py), and is run once
        more if that connection turns out to have been dropped. Never for a call that writes.
        While the readers are stopped (the window closed), as ``in_background``."""
        if not keeps_connections():
            return self.in_background(label)
        context = self._start(label, cancellable=False)
        if not Readers.run(lambda read: context.run(self._work, read)):
            self._run_on_own_thread(context, label)
        return self

    def _start(self, label: str | None, cancellable: bool) -> contextvars.Context:
        """Get ready to hear from the worker; the context it is to run in (the caller's)."""
        Op._live.add(self)
        self._started = True
        self._watcher = Watcher(self._report)
        _Outcomes.ready()
        if label is not None:
            self._dialog = self._progress_dialog(label, cancellable)
            QTimer.singleShot(SHOW_PROGRESS_AFTER_MS, self, self._reveal_dialog)
        return contextvars.copy_context()

    def _run_on_own_thread(self, context: contextvars.Context, label: str | None) -> None:
        threading.Thread(target=context.run, args=(self._work,), name=f"op: {label or 'quiet'}", daemon=True).start()

    def is_running(self) -> bool:
        return self.ok is None and self._started

    def cancel(self) -> None:
        if self._watcher is not None:
            self._watcher.cancel()

    @classmethod
    def settle(cls, seconds: float = 30) -> None:
        """Wait for every op under way to finish and deliver its outcome (tests: a read started by
        one test must not run on into the next test's database)."""
        deadline = time.monotonic() + seconds
        for op in list(cls._live):
            op.wait(max(0.0, deadline - time.monotonic()))
        QApplication.processEvents()  # the outcomes, queued by the finished threads

    @classmethod
    def any_running(cls) -> bool:
        """Whether an op is still under way (a screenshot waits until the window is quiet)."""
        return bool(cls._live)

    def wait(self, seconds: float = 120) -> None:
        """Block until the thread is done (closing the app, screenshots); the outcome is
        delivered when the event loop next runs."""
        if self._started:
            self._over.wait(seconds)

    # -- inside ------------------------------------------------------------------------------

    def _work(self, read: Callable[[Callable[[], Any]], Any] | None = None) -> None:
        """On the worker: the call, through ``read`` (a reader's kept connection) or on this
        thread's own connection, closed after it."""
        with watched_by(self._watcher):
            try:
                result, problem = _outcome(lambda: read(self._call) if read else self._call(), catch_all=True)
            finally:
                if read is None:
                    close_thread_connection()
        try:
            _Outcomes.instance.done.emit(self, result, problem)
        finally:
            self._over.set()  # after the outcome is on its way: a waiter then finds it queued

    def _report(self, done: int, total: int, text: str) -> None:
        """From the worker thread: pass a step on, at most every 50 ms (and the last one)."""
        moment = time.monotonic()
        if moment - self._last_report >= _REPORT_EVERY_S or (total and done >= total):
            self._last_report = moment
            _Outcomes.instance.progressed.emit(self, done, total, text)

    def _progress_dialog(self, label: str, cancellable: bool) -> QProgressDialog:
        dialog = QProgressDialog(label, "Cancel" if cancellable else None, 0, 0, self._parent)
        dialog.setObjectName("progress")
        dialog.setWindowTitle("Working")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(_NEVER_BY_ITSELF_MS)  # shown by _reveal_dialog, not by Qt at the first step
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setMinimumWidth(420)
        dialog.canceled.disconnect()  # QProgressDialog would hide itself; stopping is the worker's to do
        if cancellable:
            dialog.canceled.connect(self._ask_to_stop)
        dialog.hide()
        return dialog

    def _reveal_dialog(self) -> None:
        if self.ok is None and self._dialog is not None:
            self._dialog.show()

    def _ask_to_stop(self) -> None:
        self.cancel()
        if self._dialog is not None:
            self._dialog.setLabelText("Stopping…")
            self._dialog.setCancelButtonText("Stopping…")

    def _show_progress(self, done: int, total: int, text: str) -> None:
        if self._dialog is None or self.ok is not None:
            return
        if total:
            self._dialog.setMaximum(total)
            self._dialog.setValue(min(done, total))
        if text and not (self._watcher and self._watcher.cancelled):
            self._dialog.setLabelText(text)

    def _conclude(self, result, problem) -> None:
        if self._dialog is not None:
            self._dialog.close()
            self._dialog.deleteLater()
            self._dialog = None
        self.ok = problem is None
        try:
            if isinstance(problem, Cancelled):
                self._on_cancelled()
            elif isinstance(problem, ServiceError) and self._on_refused is not None:
                self._on_refused(problem)
            elif problem is not None:
                self._on_failure(str(problem))
            else:
                self._on_success(result)
        finally:
            if self._hub is not None:
                self._hub.after_change()
            Op._live.discard(self)
            self.finished.emit()
            self.setParent(None)  # let go by its widget: an op per keystroke of a search must not pile up there

    def _show_refusal(self, text: str) -> None:
        show_refusal(self._parent, text, self._refusal_title)


class _Outcomes(QObject):
    """Carries each worker's outcome and steps to the window's thread, to the op if it is still there.

    The worker cannot signal on the op itself: the op may be deleted with its widget on the window's
    thread at that very moment (a signal emitted on an object being deleted on another thread is a
    crash waiting to happen). This one object lives as long as the process, so the worker always
    has something whole to signal on; on the window's thread, an op deleted meanwhile is only taken
    off the ops under way (nobody is left to tell, and a screenshot must not wait for it forever).
    """

    done = Signal(object, object, object)  # (op, result, None or the refusal, a failure in words, a Cancelled)
    progressed = Signal(object, int, int, str)  # (op, done, total, text)

    instance: ClassVar[_Outcomes | None] = None

    @classmethod
    def ready(cls) -> None:
        """Made on the window's thread (where the first op starts), so its signals are delivered there."""
        if cls.instance is None:
            cls.instance = cls()
            cls.instance.done.connect(cls.instance._deliver)
            cls.instance.progressed.connect(cls.instance._step)

    def _deliver(self, op: Op, result, problem) -> None:
        if shiboken6.isValid(op):
            op._conclude(result, problem)
        else:
            Op._live.discard(op)

    def _step(self, op: Op, done: int, total: int, text: str) -> None:
        if shiboken6.isValid(op):
            op._show_progress(done, total, text)


def _outcome(call: Callable[[], Any], catch_all: bool) -> tuple[Any, ServiceError | str | Cancelled | None]:
    """(result, None), or (None, the refusal), or (None, a failure in words), or (None, Cancelled).

    ``catch_all``: a bug's exception too becomes a message (a worker thread's exception
    would otherwise vanish with it); on the window's thread it propagates, as any bug does.
    """
    try:
        return call(), None
    except ServiceError as refusal:
        return None, refusal
    except Cancelled as stop:
        return None, stop
    except Exception as failure:
        if not catch_all:
            raise
        _log.exception("an operation failed")
        return None, f"an unexpected error stopped it ({type(failure).__name__}: {failure}); nothing was saved"
