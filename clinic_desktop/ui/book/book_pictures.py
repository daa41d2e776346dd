"""Pictures of the appointment book: the book turned to a day worth looking at.

For the screenshot views (ui/shell/screenshots.py): the demo's busiest clinician today;
when the clinic is closed today (a picture taken at a weekend), the next day it opens;
and the clinic day's dialogs (which review goes into a free slot, moving a booking) over
the first free slot and booking of that day.
"""
from __future__ import annotations

from datetime import timedelta

from PySide6.QtWidgets import QWidget

from clinic_desktop.services.admin.settings import ClinicSettings
from clinic_desktop.services.appointments import clinic_day, day_book
from clinic_desktop.services.core.actor import Actor
from clinic_desktop.services.core.clock import today
from clinic_desktop.services.core.errors import ServiceError
from clinic_desktop.ui.book.appointment_book import AppointmentBookView
from clinic_desktop.ui.book.clinic_day_model import ClinicDayModel, GridCell

__all__ = ["for_screenshot", "move_for_screenshot", "review_choice_for_screenshot", "show_busiest_day",
           "show_next_open_day"]


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


def review_choice_for_screenshot(actor: Actor, settings: ClinicSettings, hub) -> QWidget:
    """Which review goes into the first free slot of the next day the clinic opens."""
    from clinic_desktop.ui.book.clinic_day_view import slot_words
    from clinic_desktop.ui.book.review_chooser import ReviewChooser

    free = _first_cells(actor, settings, lambda cell: cell.bookable)[0]
    chooser = ReviewChooser(actor, slot_words(free, settings.zone))
    chooser.wait()  # the list is shown when the event loop next runs, before the picture is taken
    return chooser


def move_for_screenshot(actor: Actor, settings: ClinicSettings, hub) -> QWidget:
    """The first booking of the next day the clinic opens, asked to move to another clinician's free slot."""
    from clinic_desktop.ui.book.move_booking_dialog import MoveBookingDialog

    booked = _first_cells(actor, settings, lambda cell: cell.movable)[0]
    free = _first_cells(actor, settings, lambda cell: cell.bookable and cell.column != booked.column)[0]
    return MoveBookingDialog(actor, settings, booked.booked.appointment_id, free)


def _first_cells(actor: Actor, settings: ClinicSettings, wanted) -> list[GridCell]:
    day, calendar = today(settings.zone), settings.calendar()
    for _ in range(14):
        while calendar.closed_reason(day) is not None:
            day += timedelta(days=1)
        model = ClinicDayModel(settings.zone)
        model.set_day(clinic_day.clinic_day(actor, day))
        cells = [model.cell_at(row, column) for column in range(model.columnCount()) for row in range(model.rowCount())]
        found = [cell for cell in cells if cell is not None and wanted(cell)]
        if found:
            return found
        day += timedelta(days=1)
    raise ServiceError("the book has no day in the next fortnight to show this dialog for")
