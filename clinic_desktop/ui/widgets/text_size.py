"""Sizes in characters and lines of the font in use, not in pixels, so that they grow with the
system's font setting (issue 16, WCAG 1.4.4 resize text).

A dialog given 600 pixels was roomy at 9 pt and too narrow at 18 pt; worse, a minimum width set
before a dialog is shown makes Qt open it at that width rather than at the width its fields ask
for, and at 18 pt they scrolled sideways.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from clinic_desktop.ui.widgets.screen_fit import room_on_screen

__all__ = ["at_least_characters_wide", "characters", "lines"]


def characters(widget: QWidget, count: int) -> int:
    """The width of ``count`` average characters in ``widget``'s font, in pixels."""
    return widget.fontMetrics().averageCharWidth() * count


def lines(widget: QWidget, count: int) -> int:
    """The height of ``count`` lines of text in ``widget``'s font, in pixels."""
    return widget.fontMetrics().lineSpacing() * count


def at_least_characters_wide(window: QWidget, count: int) -> None:
    """A window at least ``count`` characters wide, as far as its screen allows; it still opens
    at the width its layout asks for when that is wider."""
    window.setMinimumWidth(min(characters(window, count), room_on_screen(window).width()))
    window.setAttribute(Qt.WidgetAttribute.WA_Resized, False)  # not resized by hand: shown, it takes its hint
