"""The daily automatic backup, run by the open app: at start, then again after midnight.

Every few minutes it asks the service whether today's copy exists (a look at one file
name); the first look after the clinic's midnight finds none and makes it, on a thread of
its own (ui/ops/background_call.py) so that the window never freezes. It acts as the
workstation, not as whoever is signed in, so a receptionist's open window backs the clinic
up too.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from clinic_desktop.services.admin import backup_schedule
from clinic_desktop.ui.ops.background_call import BackgroundCall
from clinic_desktop.ui.ops.messages import sentence

CHECK_MINUTES = 10


class DailyBackupTimer(QObject):
    backed_up = Signal(object)  # a DailyResult, when today's copy was made
    failed = Signal(str)  # why today's copy could not be made, as a sentence

    def __init__(self, parent=None, *, check_minutes: float = CHECK_MINUTES):
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setInterval(int(check_minutes * 60_000))
        self._timer.timeout.connect(self.run_now)
        self._call = BackgroundCall(self)
        self._call.finished.connect(self._report)

    def start(self) -> None:
        """Look now (the app just opened) and then every few minutes."""
        self._timer.start()
        self.run_now()

    def stop(self) -> None:
        self._timer.stop()

    def is_running(self) -> bool:
        return self._call.is_running()

    def run_now(self) -> bool:
        """Make today's copy in the background unless there is one; False if one is already running."""
        return self._call.start(lambda: backup_schedule.run_daily(backup_schedule.daily_backup_actor()),
                                "daily-backup")

    def wait(self, seconds: float = 120) -> None:
        """Block until a running copy is done (closing the app, tests)."""
        self._call.wait(seconds)

    def _report(self, result, error: str) -> None:
        if error:
            self.failed.emit(sentence(f"The daily backup was not made: {error}"))
        elif result is not None and result.made is not None:
            self.backed_up.emit(result)
