"""A clinician's day list in a letter window, with Print… and Save as PDF… (or going straight on to one).

Opened from the clinic's day (the chosen column's clinician) and from one clinician's day
or week (the clinician and day shown); the letter window prints with QPrinter and saves
the bytes exactly, as every other printout does.
"""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from clinic_desktop.services.appointments import day_list
from clinic_desktop.services.core.clinic_time import format_day
from clinic_desktop.ui.letters.letter_window import LetterWindow

__all__ = ["DAY_LIST_DETAIL", "open_day_list"]

DAY_LIST_DETAIL = ("Each session's patients in time order, with NHS number, date of birth and phone, for the "
                   "clinic room. Printed with the time it was produced: a later booking is not on it.")


def open_day_list(parent: QWidget, actor, settings, clinician_id: int, clinician_name: str, day: date,
                  then: str | None = None) -> LetterWindow:
    """``then``: the window's method it goes on to once the list is drawn (print_letter, save_as), if any."""
    window = LetterWindow.for_patient_page(
        actor, settings, "Day list", f"{clinician_name}, {format_day(day)}", DAY_LIST_DETAIL,
        lambda: day_list.day_list_pdf(actor, clinician_id, day), parent)
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    window.show()
    if then is not None:
        window.when_ready(getattr(window, then))
    return window
