"""Pictures of the appointment book: the book turned to a day worth looking at.

For the screenshot views (ui/shell/screenshots.py): the demo's busiest clinician today,
and, when the clinic is closed today (a picture taken at a weekend), the next day it opens.
"""
from __future__ import annotations

from datetime import timedelta

from PySide6.QtWidgets import QWidget

from clinic_desktop.services.admin.settings import ClinicSettings
from clinic_desktop.services.appointments import day_book
from clinic_desktop.services.core.actor import Actor
from clinic_desktop.services.core.clock import today
from clinic_desktop.ui.book.appointment_book import AppointmentBookView

__all__ = ["for_screenshot", "show_busiest_day", "show_next_open_day"]


def for_screenshot(actor: Actor, settings: ClinicSettings, hub) -> QWidget:
    """Today's book of the clinician with the most appointments today (the demo's busiest)."""
    view = AppointmentBookView(actor, settings, hub)
    show_busiest_day(view, actor, settings)
    return view


def show_busiest_day(view: AppointmentBookView, actor: Actor, settings: ClinicSettings) -> None:
    """Turn the book to today's busiest clinician (for pictures of the book)."""
    rows = day_book.todays_appointments(actor)
    if rows:
        counts: dict[int, int] = {}
        for row in rows:
            counts[row.clinician_id] = counts.get(row.clinician_id, 0) + 1
        view.show_day(today(settings.zone), max(counts, key=counts.get))


def show_next_open_day(view: AppointmentBookView, settings: ClinicSettings) -> None:
    """Turn the book to the first day from the one shown that the clinic opens (pictures taken at a weekend)."""
    day, calendar = view.shown_day(), settings.calendar()
    while calendar.closed_reason(day) is not None:
        day += timedelta(days=1)
    view.show_day(day)
