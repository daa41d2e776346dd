"""A heartbeat on the UI thread: how long the window froze, and how long a key press waited.

Issue 11 measures responsiveness the way a user feels it, whatever the code underneath
does. A 10 ms QTimer ticks on the UI thread for the length of a scenario: a tick can only
run when the event loop does, so the longest gap between two ticks, less the 10 ms, is the
longest the window could neither repaint nor answer (its *stall*).

A window can also keep repainting while it ignores the keyboard and mouse: a long job
that calls ``processEvents(ExcludeUserInputEvents)`` between batches. Qt holds input back
in those passes, so a key pressed then waits for the next full pass of the event loop. The
heartbeat therefore also plays a synthetic key press every ``interval`` ms of the scenario
and records how long each waited for a pass that takes input; the longest wait is the
scenario's *input wait*. Which passes take input is seen by wrapping
``QCoreApplication.processEvents`` for the scenario's length (the benchmark's
instrument; the app is not changed).
"""
from __future__ import annotations

import time as timer
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QEventLoop, Qt, QTimer

INTERVAL_MS = 10
_EXCLUDED = QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents


@dataclass(frozen=True)
class Beat:
    """What one scenario did to the window (ms)."""

    stall_ms: float  # the longest gap between ticks, less the interval
    input_wait_ms: float  # the longest a key pressed during the scenario waited to be taken
    ticks: int


class Heartbeat:
    """``with Heartbeat() as beat: ...``; then ``beat.result()``. One scenario at a time."""

    def __init__(self, interval_ms: int = INTERVAL_MS):
        self._interval = interval_ms / 1000
        self._timer = QTimer()
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._tick)
        self._withholding = 0  # depth of processEvents calls that hold user input back
        self._real_process_events = None
        self._started = self._last = self._last_taking_input = 0.0
        self._longest_gap = self._longest_input_wait = 0.0
        self._ticks = 0
        self._result: Beat | None = None

    def __enter__(self) -> "Heartbeat":
        self._real_process_events = QCoreApplication.processEvents
        QCoreApplication.processEvents = self._watched_process_events
        self._started = self._last = self._last_taking_input = timer.perf_counter()
        self._timer.start()
        return self

    def __exit__(self, *_exception) -> None:
        self._timer.stop()
        QCoreApplication.processEvents = self._real_process_events
        self._tick()  # a freeze at the very end counts too
        self._result = Beat(stall_ms=round(max(0.0, self._longest_gap - self._interval) * 1000, 1),
                            input_wait_ms=round(self._longest_input_wait * 1000, 1), ticks=self._ticks)

    def result(self) -> Beat:
        assert self._result is not None, "the heartbeat is still running"
        return self._result

    def _tick(self) -> None:
        now = timer.perf_counter()
        self._ticks += 1
        self._longest_gap = max(self._longest_gap, now - self._last)
        self._last = now
        if self._withholding:
            return
        # Key presses fall every interval since the last pass that took input; the first of
        # them (one interval after it) has waited longest.
        self._longest_input_wait = max(self._longest_input_wait, now - self._last_taking_input - self._interval)
        self._last_taking_input = now

    def _watched_process_events(self, *arguments):
        withholds = bool(arguments) and bool(arguments[0] & _EXCLUDED)
        self._withholding += withholds
        try:
            return self._real_process_events(*arguments)
        finally:
            self._withholding -= withholds
