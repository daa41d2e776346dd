"""Journey: a booking cancelled in the appointment book is offered at once to the waiting list.

The receptionist cancels SMITH, Ann's 10:10 (a click on the row, Delete, the reason, Enter);
without any search the freed slot is offered to the waiting patients, the review due
soonest first, and two clicks (the patient, Move into this slot) fill it.
"""
from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from test_appointment_book_view import (  # noqa: F401 (CLINIC_TIME: the clinic's clock)
    CLINIC_TIME,
    PATIENT,
    book,
    cells,
    opened,
    review_of,
    row_of,
)

from clinic_desktop.models import Appointment
from clinic_desktop.services.appointments import appointments, waiting_list
from clinic_desktop.services.episodes import episodes
from clinic_desktop.services.patients import patients
from clinic_desktop.ui.book.booking_dialog import CancelBookingDialog
from clinic_desktop.ui.book.freed_slot_dialog import FreedSlotDialog


class Clicks:
    def __init__(self):
        self.count = 0

    def on(self, widget) -> None:
        self.count += 1
        QTest.mouseClick(widget, Qt.MouseButton.LeftButton)

    def on_row(self, table, row: int) -> None:
        self.count += 1
        QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton,
                         pos=table.visualRect(table.model().index(row, 0)).center())


def waiting(staff, family, first_contact_on: date, booked_at: datetime | None = None):
    """FAMILY, Ann's 2-week review, due 14 days after ``first_contact_on``, on the waiting list."""
    patient = patients.register_patient(staff.receptionist, family_name=family, given_name="Ann",
                                        date_of_birth=date(1970, 5, 1))
    episode_id = episodes.open_episode(staff.clinician, patient.id, first_contact_on=first_contact_on,
                                       presentation="non_specific", severity="mild").episode_id
    review = Appointment.get((Appointment.episode == episode_id) & (Appointment.kind == "two_week_review")).id
    if booked_at:
        appointments.book_appointment(staff.receptionist, review, clinician_id=staff.other_clinician.user_id,
                                      starts_local=booked_at)
    return waiting_list.add_to_waiting_list(staff.receptionist, review)


def cancel_ten_past_ten(view, clicks: Clicks) -> None:
    """Click SMITH, Ann's 10:10, press Delete, give the reason, Enter."""
    clicks.on_row(view.day_table, row_of(view, "10:10"))
    QTest.keyClick(view.day_table, Qt.Key.Key_Delete)
    dialog = opened(view, CancelBookingDialog)
    QTest.keyClicks(dialog.reason, "patient phoned: away")
    QTest.keyClick(dialog.reason, Qt.Key.Key_Return)


def waiting_shown(view) -> list[str]:
    table = view.waiting.table
    return [table.item(row, 0).text() for row in range(table.rowCount())]


def test_a_cancelled_slot_is_offered_to_the_waiting_list_and_filled_in_two_clicks(qtbot, book_view, sqlite_staff):
    book(sqlite_staff, review_of(sqlite_staff))  # SMITH, Ann at 10:10 today
    waiting(sqlite_staff, "Evans", date(2026, 11, 26))  # due Thu 10 Dec, still to book
    jones = waiting(sqlite_staff, "Jones", date(2026, 11, 24), datetime(2026, 12, 7, 11, 0))  # due Tue 8 Dec
    book_view.reload()
    book_view.waiting.reload()
    assert waiting_shown(book_view) == ["JONES, Ann", "EVANS, Ann"]
    assert book_view.waiting.title.text() == "<b>Waiting for an earlier appointment</b> (2)"

    cancel_ten_past_ten(book_view, Clicks())
    dialog = book_view.freed_slot_dialog
    assert isinstance(dialog, FreedSlotDialog) and dialog.isVisible()  # offered without any search
    table = dialog.patients
    assert [table.item(row, 0).text() for row in range(table.rowCount())] == ["JONES, Ann", "EVANS, Ann"]
    assert [table.item(0, column).text() for column in range(1, 4)] == [
        "2-week review", "08 Dec 2026", "Mon 7 Dec 11:00 with Sam Physio"]

    clicks = Clicks()
    clicks.on_row(table, 0)
    clicks.on(dialog.move_button)
    assert clicks.count == 2
    assert not dialog.isVisible()
    assert cells(book_view, "10:10")[PATIENT] == "JONES, Ann"
    moved = appointments.get_appointment(sqlite_staff.receptionist, jones.appointment_id)
    assert moved.clinician_name == "Dr Alys Jones"
    assert waiting_shown(book_view) == ["EVANS, Ann"]


def test_a_slot_another_workstation_filled_first_is_refused_in_words(qtbot, book_view, sqlite_staff):
    book(sqlite_staff, review_of(sqlite_staff))
    jones = waiting(sqlite_staff, "Jones", date(2026, 11, 24))
    evans = waiting(sqlite_staff, "Evans", date(2026, 11, 26))
    book_view.reload()
    cancel_ten_past_ten(book_view, Clicks())
    dialog = book_view.freed_slot_dialog
    offer = dialog._offer
    waiting_list.fill_freed_slot(sqlite_staff.receptionist, evans.id, clinician_id=offer.clinician_id,
                                 starts_at=offer.starts_at, ends_at=offer.ends_at)  # the other workstation
    dialog.move_button.click()
    assert dialog.isVisible()
    assert dialog.message.text() == "Not moved: Dr Alys Jones already has EVANS, Ann 10:10–10:30 on Mon 30 Nov."
    assert not dialog.move_button.isEnabled()
    assert appointments.get_appointment(sqlite_staff.receptionist, jones.appointment_id).status == "to_book"
    dialog.reject()


def test_nobody_waiting_means_nothing_is_asked(qtbot, book_view, sqlite_staff):
    book(sqlite_staff, review_of(sqlite_staff))
    book_view.reload()
    cancel_ten_past_ten(book_view, Clicks())
    assert book_view.freed_slot_dialog is None
    assert cells(book_view, "10:10")[PATIENT] == ""


def test_the_waiting_list_filters_and_takes_a_patient_off(qtbot, book_view, sqlite_staff):
    for family, first_contact in (("Evans", date(2026, 11, 26)), ("Jones", date(2026, 11, 24))):
        waiting(sqlite_staff, family, first_contact)
    panel = book_view.waiting
    panel.reload()
    QTest.keyClicks(panel.filter, "evans")
    assert waiting_shown(book_view) == ["EVANS, Ann"]
    assert panel.title.text() == "<b>Waiting for an earlier appointment</b> (1 of 2)"
    panel.table.selectRow(0)
    panel.remove_action.trigger()
    panel.filter.clear()
    assert waiting_shown(book_view) == ["JONES, Ann"]
    assert panel.title.text() == "<b>Waiting for an earlier appointment</b> (1)"
