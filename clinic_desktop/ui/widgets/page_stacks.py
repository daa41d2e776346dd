"""A name for every stack of pages, as a screen reader reads it (issue 16 leftover, WCAG 4.1.2).

A stack of pages (a QStackedWidget, and the one inside every tab widget) is a "layered pane"
to assistive technology. Without a name Orca said only "layered pane" as focus went into the
appointment book or a patient's lists, not what the pages are; named, it says "Appointment
book views, layered pane".
"""
from __future__ import annotations

from PySide6.QtWidgets import QStackedWidget, QTabWidget

__all__ = ["name_pages"]


def name_pages(holder: QStackedWidget | QTabWidget, name: str) -> None:
    """Give ``holder``'s stack of pages (the holder itself, or a tab widget's own stack) the ``name``
    that says what its pages are."""
    stack = holder if isinstance(holder, QStackedWidget) else holder.findChild(QStackedWidget)
    stack.setAccessibleName(name)
