"""Loading the heavy libraries while the user reads the first list, not when first needed.

The holiday calendar (working-day deadlines), reportlab (letters, reports, the letterhead),
pypdfium2 (drawing a PDF) and QtCharts (the dashboard) each take a tenth of a second or more
to import the first time, and none is needed to paint the window, so none is imported
before it (tests/ui/shell/test_main_window.py). Left at that, the first tab or letter that
needs one would freeze while it loads. So, a moment after the window is shown, one quiet
background op imports them; an import gives the interpreter lock back in short turns, so
the window keeps answering meanwhile.
"""
from __future__ import annotations

import importlib

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWidget

from clinic_desktop.ui.ops.op import Op

__all__ = ["LIBRARIES", "WARM_UP_AFTER_MS", "warm_up_later"]

WARM_UP_AFTER_MS = 1500  # after the first list's rows have come back and been painted
LIBRARIES = ("holidays", "clinic_desktop.letters.layout", "pypdfium2", "PySide6.QtCharts")


def warm_up_later(window: QWidget) -> None:
    """Import the libraries on a thread of their own, once the window has been on screen a moment."""
    QTimer.singleShot(WARM_UP_AFTER_MS, window, lambda: Op(window, _import_all).failure(_ignore).in_background(None))


def _import_all() -> None:
    for name in LIBRARIES:
        importlib.import_module(name)


def _ignore(_reason: str) -> None:
    """A library that fails to load here fails again, in words, where it is used."""
