"""The appointment book's backgrounds: sessions shaded, bookings a stronger shade, absences hatched.

Taken from the system palette at the moment a cell is drawn, so the book reads in the light
and the dark palette alike (and follows a switch between them). A background only repeats
what the cell says in words ("Free", "Away — Annual leave", "Not working"), never alone.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QGuiApplication, QPalette

from clinic_desktop.ui.widgets.palette import attention_colour

__all__ = ["away_brush", "booked_brush", "off_brush", "working_brush"]


def working_brush() -> QBrush:
    """Time the clinician works: the base colour tinted by the highlight."""
    return QBrush(_tint(0.10))


def booked_brush() -> QBrush:
    return QBrush(_tint(0.22))  # light enough that every attention colour reads on it at 4.5:1


def away_brush() -> QBrush:
    """Hatched in the attention colour, over whatever the view's base is."""
    hatch = attention_colour("overdue")
    hatch.setAlpha(41)  # faint enough that the cell's text reads over its lines at 4.5:1
    return QBrush(hatch, Qt.BrushStyle.BDiagPattern)


def off_brush() -> QBrush:
    """Time the clinician does not work: the window's own grey, outside the base the sessions are tinted from."""
    return QBrush(QGuiApplication.palette().color(QPalette.ColorRole.Window))


def _tint(share: float) -> QColor:
    """The highlight laid on the base at ``share``: light on light, dark on dark."""
    palette = QGuiApplication.palette()
    base, over = palette.color(QPalette.ColorRole.Base), palette.color(QPalette.ColorRole.Highlight)
    return QColor.fromRgbF(*(a * (1 - share) + b * share for a, b in zip(
        (base.redF(), base.greenF(), base.blueF()), (over.redF(), over.greenF(), over.blueF()))))
