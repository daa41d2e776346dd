"""The Sessions and leave page: the manager sees and changes when each clinician works, and is
asked before leave or an ended session takes bookings off."""
from __future__ import annotations

from datetime import date, datetime, time, timezone

import pytest
from admin_helpers import press_enter, shown
from PySide6.QtCore import QDate, QPoint, Qt, QTime

from clinic_desktop.models import Appointment
from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.services.appointments import appointments, sessions
from clinic_desktop.ui.admin.admin_sessions import EndSessionDialog, LeaveDialog, SessionDialog, SessionsPage
from clinic_desktop.ui.shell.change_hub import ChangeHub
from tests.services.appointments.test_appointment_book import review_of

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)  # Mon 30 Nov 2026
CLINIC_TIME = NOW


@pytest.fixture
def page(qtbot, sqlite_staff):
    return shown(qtbot, SessionsPage(sqlite_staff.manager, load_settings(), ChangeHub(sqlite_staff.manager)))


def column(table, number: int) -> list[str]:
    model = table.model()
    return [model.index(row, number).data() for row in range(model.rowCount())]


def opened(qtbot, page, button, kind):
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    dialog = page.findChild(kind)
    assert dialog is not None and dialog.isVisible()
    return dialog


def tick(qtbot, box) -> None:
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))


def click_row(qtbot, table, row: int) -> None:
    rect = table.visualRect(table.model().index(row, 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_the_page_lists_the_chosen_clinicians_sessions(page):
    assert page.clinician.currentText() == "Dr Alys Jones"
    assert column(page.sessions_table, 0) == ["Every Monday", "Every Tuesday", "Every Wednesday", "Every Thursday",
                                              "Every Friday"]
    assert column(page.sessions_table, 1)[0] == "Opening hours (08:30–17:30)"
    page.clinician.setCurrentIndex(1)
    assert page.clinician.currentText() == "Sam Physio"
    assert len(column(page.sessions_table, 0)) == 5
    assert not page.end_session_button.isEnabled()


def test_an_evening_session_for_some_reviews_is_added_from_the_form(qtbot, page):
    dialog = opened(qtbot, page, page.add_session_button, SessionDialog)
    dialog.weekday.setCurrentIndex(2)
    dialog.first_day.setDate(QDate(2026, 12, 2))
    tick(qtbot, dialog.opening_hours)
    dialog.starts.setTime(QTime(18, 0))
    dialog.ends.setTime(QTime(20, 0))
    dialog.slot_minutes.setValue(30)
    tick(qtbot, dialog.kinds["twelve_week_review"])
    press_enter(dialog.weekday)
    assert not dialog.isVisible()
    assert page.status.text() == "Added the session Every Wednesday, 18:00–20:00."
    assert ["Every Wednesday", "18:00–20:00", "30 min", "12-week checks", "From Wed 2 Dec 2026"] in [
        [page.sessions_model.index(row, number).data() for number in range(5)]
        for row in range(page.sessions_model.rowCount())]


def test_a_session_over_another_is_refused_in_the_form(qtbot, page):
    dialog = opened(qtbot, page, page.add_session_button, SessionDialog)
    dialog.weekday.setCurrentIndex(1)
    press_enter(dialog.weekday)
    assert dialog.isVisible()
    assert dialog.message.text().startswith("Dr Alys Jones already works 08:30–17:30 on Tue 1 Dec 2026")


def test_leave_over_a_booking_asks_then_puts_it_back_to_book(qtbot, page, sqlite_staff):
    review = review_of(sqlite_staff)
    appointments.book_appointment(sqlite_staff.receptionist, review, clinician_id=sqlite_staff.clinician.user_id,
                                  starts_local=datetime(2026, 12, 1, 10, 0))
    dialog = opened(qtbot, page, page.add_leave_button, LeaveDialog)
    dialog.reason.setCurrentIndex(dialog.reason.findData("sickness"))
    dialog.first_day.setDate(QDate(2026, 12, 1))
    dialog.last_day.setDate(QDate(2026, 12, 2))
    press_enter(dialog.note)
    box = dialog.confirmation
    assert box is not None and box.isVisible()
    assert box.informativeText() == "Tue 1 Dec 10:00: the 2-week review for SMITH, Ann (due by Thu 10 Dec)"
    assert Appointment.get_by_id(review).status == "booked"  # nothing yet
    put_back = next(button for button in box.buttons() if button.text() == "Put it back to book")
    qtbot.mouseClick(put_back, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert page.status.text() == "Entered sickness for Dr Alys Jones, Tue 1 Dec 2026 – Wed 2 Dec 2026."
    assert column(page.leave_table, 1) == ["Tue 1 Dec 2026 – Wed 2 Dec 2026"]
    row = Appointment.get_by_id(review)
    assert (row.status, row.due_by) == ("to_book", date(2026, 12, 10))


def test_leave_over_a_booking_cancelled_at_the_question_changes_nothing(qtbot, page, sqlite_staff):
    review = review_of(sqlite_staff)
    appointments.book_appointment(sqlite_staff.receptionist, review, clinician_id=sqlite_staff.clinician.user_id,
                                  starts_local=datetime(2026, 12, 1, 10, 0))
    dialog = opened(qtbot, page, page.add_leave_button, LeaveDialog)
    dialog.first_day.setDate(QDate(2026, 12, 1))
    dialog.last_day.setDate(QDate(2026, 12, 1))
    press_enter(dialog.note)
    dialog.confirmation.reject()
    assert dialog.isVisible()
    assert Appointment.get_by_id(review).status == "booked"
    assert column(page.leave_table, 0) == []


def test_a_part_day_of_leave_is_cancelled_from_the_list(qtbot, page, sqlite_staff):
    sessions.add_leave(sqlite_staff.manager, sqlite_staff.clinician.user_id, first_day=date(2026, 12, 3),
                       from_time=time(13, 0), to_time=time(17, 30), reason="training", note="Course")
    page.reload()
    assert [column(page.leave_table, number) for number in range(3)] == [
        ["Training"], ["Thu 3 Dec 2026 13:00–17:30"], ["Course"]]
    click_row(qtbot, page.leave_table, 0)
    qtbot.mouseClick(page.cancel_leave_button, Qt.MouseButton.LeftButton)
    assert page.status.text() == "Cancelled the training Thu 3 Dec 2026 13:00–17:30: those sessions are bookable again."
    assert column(page.leave_table, 0) == []


def test_a_session_is_ended_from_the_list(qtbot, page):
    click_row(qtbot, page.sessions_table, 4)
    dialog = opened(qtbot, page, page.end_session_button, EndSessionDialog)
    dialog.last_day.setDate(QDate(2026, 12, 11))
    press_enter(dialog.last_day)
    assert not dialog.isVisible()
    assert page.status.text() == "Ended the session Every Friday, Opening hours (08:30–17:30), after Fri 11 Dec 2026."
    assert column(page.sessions_table, 4)[-1] == "Until Fri 11 Dec 2026"
