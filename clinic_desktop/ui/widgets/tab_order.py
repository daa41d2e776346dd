"""Tab order where the order things are laid out in is not the order they are used in.

A list's row actions sit above it, in a bar, but a person without a mouse chooses a row
first and then acts on it: the actions must come after their list in Tab order, or Tab
has to go round the whole window again to reach them (WCAG 2.4.3, issue 16).
"""
from __future__ import annotations

from PySide6.QtWidgets import QWidget

__all__ = ["in_tab_order"]


def in_tab_order(*widgets: QWidget) -> None:
    """Make Tab go from each widget to the next, in the order given; the rest of the window's
    order stays as it was around them. The widgets must already be in one window."""
    for before, after in zip(widgets, widgets[1:]):
        QWidget.setTabOrder(before, after)
