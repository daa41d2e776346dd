"""Start to a painted window, in fresh interpreters: Clinic Desktop beside a bare PySide6 window.

What a user waits for after double-clicking is the interpreter starting, the imports, the
window built and painted. Only a new process pays the first imports, so each round starts
one; the bare window is shown and grabbed the same way as the app's own ``--screenshot``
does it, and the two alternate, round after round, so both see the same machine.
"""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time as timer
from pathlib import Path

_BARE = """
from PySide6.QtWidgets import QApplication, QWidget
app = QApplication([])
window = QWidget()
window.resize(1280, 800)
window.show()
for _ in range(3):
    app.processEvents()
window.grab().save({target!r}, "PNG")
"""


def bare_window(target: Path) -> list[str]:
    return [sys.executable, "-c", _BARE.format(target=str(target))]


def clinic_window(database: str, target: Path) -> list[str]:
    """The app's entry point (``clinic-desktop``), drawing the manager's main window to ``target``."""
    return [sys.executable, "-m", "clinic_desktop", "--database", database, "--screenshot", str(target)]


_PROJECT = Path(__file__).resolve().parents[1]


def medians(commands: dict[str, list[str]], rounds: int) -> dict[str, float]:
    """Each command run ``rounds`` times, alternating; the median wall time of each (ms).

    The app is this checkout's (first on PYTHONPATH), whatever the environment installed.
    """
    search_path = os.pathsep.join(filter(None, [str(_PROJECT), os.environ.get("PYTHONPATH")]))
    environment = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": search_path}
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(rounds):
        for name, command in commands.items():
            began = timer.perf_counter()
            subprocess.run(command, check=True, env=environment, capture_output=True)
            times[name].append((timer.perf_counter() - began) * 1000)
    return {name: round(statistics.median(each), 1) for name, each in times.items()}
