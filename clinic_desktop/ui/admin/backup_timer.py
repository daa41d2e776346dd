"""The daily automatic backup, run by the open app: at start, then again after midnight.

Every few minutes it asks the service whether today's copy exists (a look at one file
name); the first look after the clinic's midnight finds none and makes it, on a thread of
its own (an ``Op`` with no dialog, ui/ops/op.py) so that the window never freezes. It acts as the
workstation, not as whoever is signed in, so a receptionist's open window backs the clinic
up too.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from clinic_desktop.services.admin import backup_schedule
from clinic_desktop.ui.ops.messages import sentence
from clinic_desktop.ui.ops.op import Op

CHECK_MINUTES = 10


class DailyBackupTimer(QObject):
    backed_up = Signal(object)  # a DailyResult, when today's copy was made
    failed = Signal(str)  # why today's copy could not be made, as a sentence

    def __init__(self, parent=None, *, check_minutes: float = CHECK_MINUTES):
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setInterval(int(check_minutes * 60_000))
        self._timer.timeout.connect(self.run_now)
        self._op: Op | None = None

    def start(self) -> None:
        """Look now (the app just opened) and then every few minutes."""
        self._timer.start()
        self.run_now()

    def stop(self) -> None:
        self._timer.stop()

    def is_running(self) -> bool:
        return self._op is not None and self._op.is_running()

    def run_now(self) -> bool:
        """Make today's copy in the background unless there is one; False if one is already running."""
        if self.is_running():
            return False
        self._op = (Op(self, lambda: backup_schedule.run_daily(backup_schedule.daily_backup_actor()))
                    .success(self._made).failure(self._not_made).in_background(None))
        return True

    def wait(self, seconds: float = 120) -> None:
        """Block until a running copy is done (closing the app, tests)."""
        if self._op is not None:
            self._op.wait(seconds)

    def _made(self, result) -> None:
        if result.made is not None:
            self.backed_up.emit(result)

    def _not_made(self, why: str) -> None:
        self.failed.emit(sentence(f"The daily backup was not made: {why}"))
