"""The appointment book tab: a clinician's day and week, and what can be done from it."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox
from test_booking_dialog import slots_shown

from clinic_desktop.models import Appointment
from clinic_desktop.services.admin import settings
from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.services.appointments import appointment_book, appointments
from clinic_desktop.services.core.clock import frozen_at
from clinic_desktop.services.core.errors import DatabaseUnavailable
from clinic_desktop.services.episodes import episodes
from clinic_desktop.services.patients import patients
from clinic_desktop.services.worklists import worklists
from clinic_desktop.ui.book.appointment_book import AppointmentBookView
from clinic_desktop.ui.book.booking_dialog import BookingDialog, CancelBookingDialog
from clinic_desktop.ui.shell.change_hub import ChangeHub

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)  # Mon 30 Nov 2026, 09:00 in London
TIME, PATIENT, REVIEW, STATUS = range(4)


CLINIC_TIME = NOW  # every test here runs at this moment (tests/conftest.py: clinic_clock)


def review_of(staff, family="Smith") -> int:
    """The 2-week review of a new episode, due by Thu 10 Dec 2026."""
    patient = patients.register_patient(staff.receptionist, family_name=family, given_name="Ann",
                                        date_of_birth=date(1970, 5, 1))
    episode_id = episodes.open_episode(staff.clinician, patient.id, first_contact_on=date(2026, 11, 26),
                                       presentation="non_specific", severity="mild").episode_id
    return Appointment.get((Appointment.episode == episode_id) & (Appointment.kind == "two_week_review")).id


def book(staff, appointment_id, starts_local=datetime(2026, 11, 30, 10, 10)):
    return appointments.book_appointment(staff.receptionist, appointment_id, clinician_id=staff.clinician.user_id,
                                         starts_local=starts_local)


def row_of(view, label) -> int:
    model = view.day_model
    return next(row for row in range(model.rowCount()) if model.index(row, TIME).data() == label)


def cells(view, label) -> list[str]:
    return [view.day_model.index(row_of(view, label), column).data() for column in range(4)]


def select(view, label) -> None:
    """Click the slot's row (which also puts the keyboard focus in the table)."""
    view.day_table.selectRow(row_of(view, label))
    view.day_table.setFocus()


def opened(view, kind):
    dialogs = [child for child in view.findChildren(kind) if child.isVisible()]
    assert len(dialogs) == 1
    return dialogs[0]


def test_the_receptionists_book_opens_on_today_for_the_first_clinician(book_view):
    assert (book_view.clinician.currentText(), book_view.shown_day()) == ("Dr Alys Jones", date(2026, 11, 30))


def test_a_clinicians_book_opens_on_their_own_day(qtbot, sqlite_staff):
    view = AppointmentBookView(sqlite_staff.other_clinician, load_settings(), ChangeHub(sqlite_staff.other_clinician))
    qtbot.addWidget(view)
    assert view.clinician.currentText() == "Sam Physio"


def test_the_day_shows_free_slots_as_free_and_booked_ones_with_the_patient(book_view, sqlite_staff):
    book(sqlite_staff, review_of(sqlite_staff))
    book_view.reload()
    assert cells(book_view, "10:10") == ["10:10", "SMITH, Ann", "2-week review", "Booked"]
    assert cells(book_view, "10:30") == ["10:30", "", "", "Free"]
    assert cells(book_view, "08:30")[STATUS] == "Past"
    free = book_view.day_model.index(row_of(book_view, "10:30"), STATUS)
    assert free.data(Qt.ItemDataRole.ForegroundRole) is not None  # colour as well as the word
    assert book_view.summary.text() == "1 appointment · 24 free slots"


def test_the_receptionist_books_a_review_from_the_offered_earliest_slot_and_the_book_shows_it(
        qtbot, book_view, sqlite_staff):
    review_of(sqlite_staff)
    (review,) = worklists.to_book(sqlite_staff.receptionist).rows[:1]  # its 2-week review, due first
    dialog = BookingDialog(sqlite_staff.receptionist, load_settings(), review.appointment_id, book_view)
    dialog.booked.connect(lambda _record: book_view._hub.after_change())
    dialog.open()
    slots_shown(qtbot, dialog)
    with qtbot.waitSignal(dialog.booked, timeout=1000):
        QTest.keyClick(dialog.slots, Qt.Key.Key_Return)
    assert cells(book_view, "09:10") == ["09:10", "SMITH, Ann", "2-week review", "Booked"]


def test_the_book_redraws_when_another_workstation_books(book_view, sqlite_staff):
    assert cells(book_view, "10:10")[STATUS] == "Free"
    book(sqlite_staff, review_of(sqlite_staff))
    book_view._hub.poll()
    assert cells(book_view, "10:10")[PATIENT] == "SMITH, Ann"


def test_next_and_previous_move_a_day_and_a_week_in_week_view(book_view):
    QTest.keyClick(book_view.day_table, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert book_view.shown_day() == date(2026, 12, 1)
    book_view.week_mode.click()
    book_view.navigate[-1].click()
    assert book_view.shown_day() == date(2026, 11, 24)
    book_view.navigate[0].click()
    assert book_view.shown_day() == date(2026, 11, 30)


def test_a_closed_day_says_why(book_view):
    book_view.show_day(date(2026, 12, 25))
    assert book_view.banner.isVisible()
    assert book_view.banner.text() == "Closed on Fri 25 Dec — Bank holiday: Christmas Day."
    assert book_view.day_model.rowCount() == 0


def test_a_closure_day_says_closed_once(book_view, sqlite_staff):
    settings.update_clinic_settings(sqlite_staff.manager, closure_days=(date(2026, 12, 2),))
    book_view.show_day(date(2026, 12, 2))
    assert book_view.banner.text() == "Closed on Wed 2 Dec."


def test_the_week_view_shows_a_bank_holiday_as_closed(book_view):
    book_view.show_day(date(2026, 12, 23))
    book_view.week_mode.click()
    model = book_view.week_model
    headers = [model.headerData(column, Qt.Orientation.Horizontal) for column in range(model.columnCount())]
    assert headers == ["Mon 21 Dec", "Tue 22 Dec", "Wed 23 Dec", "Thu 24 Dec", "Fri 25 Dec\nCLOSED"]
    assert model.index(0, 4).data() == "CLOSED\nBank holiday: Christmas Day"
    assert book_view.week_table.rowSpan(0, 4) == model.rowCount()
    assert model.index(0, 0).data() == "Free"
    assert model.headerData(0, Qt.Orientation.Vertical) == "08:30"


def test_the_week_view_shows_a_booking_in_its_day_and_time(book_view, sqlite_staff):
    book(sqlite_staff, review_of(sqlite_staff), datetime(2026, 12, 2, 10, 10))
    book_view.week_mode.click()
    model = book_view.week_model
    row = next(row for row in range(model.rowCount()) if model.headerData(row, Qt.Orientation.Vertical) == "10:10")
    assert model.index(row, 2).data() == "SMITH, Ann · 2-week review"


def test_actions_are_enabled_only_for_a_booked_slot(book_view, sqlite_staff):
    book(sqlite_staff, review_of(sqlite_staff))
    book_view.reload()
    select(book_view, "10:30")
    assert not any(action.isEnabled() for action in book_view.book_actions.values())
    select(book_view, "10:10")
    assert all(action.isEnabled() for action in book_view.book_actions.values())


def test_enter_on_a_booked_slot_opens_the_patient(qtbot, book_view, sqlite_staff):
    book(sqlite_staff, review_of(sqlite_staff))
    book_view.reload()
    select(book_view, "10:10")
    with qtbot.waitSignal(book_view.patient_requested, timeout=1000) as signal:
        QTest.keyClick(book_view.day_table, Qt.Key.Key_Return)
    assert signal.args == [Appointment.get_by_id(1).episode.patient_id]


def test_reschedule_from_the_book_moves_the_appointment(qtbot, book_view, sqlite_staff):
    book(sqlite_staff, review_of(sqlite_staff))
    book_view.reload()
    select(book_view, "10:10")
    book_view.book_actions["reschedule"].trigger()
    dialog = opened(book_view, BookingDialog)
    slots_shown(qtbot, dialog)
    assert "Now booked for Mon 30 Nov 10:10 with Dr Alys Jones." in dialog.heading.text()
    QTest.keyClick(dialog.slots, Qt.Key.Key_Return)
    assert cells(book_view, "09:10")[PATIENT] == "SMITH, Ann"
    assert cells(book_view, "10:10")[STATUS] == "Free"


def test_cancel_from_the_book_asks_for_a_reason_and_frees_the_slot(book_view, sqlite_staff):
    review = review_of(sqlite_staff)
    book(sqlite_staff, review)
    book_view.reload()
    select(book_view, "10:10")
    QTest.keyClick(book_view.day_table, Qt.Key.Key_Delete)
    dialog = opened(book_view, CancelBookingDialog)
    QTest.keyClicks(dialog.reason, "patient phoned: unwell")
    QTest.keyClick(dialog.reason, Qt.Key.Key_Return)
    assert cells(book_view, "10:10")[STATUS] == "Free"
    assert Appointment.get_by_id(review).status == "to_book"


def test_a_booking_that_cannot_be_read_is_refused_in_a_box_before_asking_why(book_view, sqlite_staff, monkeypatch):
    review = review_of(sqlite_staff)
    book(sqlite_staff, review)
    book_view.reload()
    select(book_view, "10:10")

    def unreachable(*args, **kwargs):
        raise DatabaseUnavailable("the database server could not be reached")

    monkeypatch.setattr(appointments, "get_appointment", unreachable)
    QTest.keyClick(book_view.day_table, Qt.Key.Key_Delete)
    assert opened(book_view, QMessageBox).text() == "The database server could not be reached."
    assert not [dialog for dialog in book_view.findChildren(CancelBookingDialog) if dialog.isVisible()]
    assert Appointment.get_by_id(review).status == "booked"


def test_a_day_that_cannot_be_read_says_so_and_is_read_again_once_the_database_answers(book_view, book_hub,
                                                                                        monkeypatch):
    def unreachable(*args, **kwargs):
        raise DatabaseUnavailable("the database server could not be reached")

    monkeypatch.setattr(appointment_book, "clinician_book", unreachable)
    book_view.step(1)
    assert book_view.banner.text() == ("⚠ The book cannot be read. The database server could not be reached. "
                                       "It is read again as soon as the database answers.")
    assert book_view.banner.isVisible()

    monkeypatch.undo()  # the server is back
    book_hub.poll()  # the hub's next read goes through: nothing new, but the database answers

    assert book_view.banner.isHidden() and book_view.day_model.rowCount() > 0


def test_did_not_attend_is_recorded_from_the_book(book_view, sqlite_staff):
    review = review_of(sqlite_staff)
    book(sqlite_staff, review)
    with frozen_at(NOW + timedelta(hours=1, minutes=15)):
        book_view.reload()
        select(book_view, "10:10")
        QTest.keyClick(book_view.day_table, Qt.Key.Key_D,
                       Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
        assert cells(book_view, "10:10")[STATUS] == "DID NOT ATTEND"
    assert Appointment.get_by_id(review).status == "did_not_attend"


def test_arrived_on_an_earlier_day_is_refused_with_a_message(book_view, sqlite_staff):
    review = review_of(sqlite_staff)
    book(sqlite_staff, review, datetime(2026, 12, 1, 10, 10))
    book_view.show_day(date(2026, 12, 1))
    select(book_view, "10:10")
    book_view.book_actions["arrived"].trigger()
    box = opened(book_view, QMessageBox)
    assert box.text() == ("The 2-week review for SMITH, Ann is on Tue 1 Dec 2026 10:10: "
                          "a patient can be checked in on the day of the appointment.")
    assert Appointment.get_by_id(review).status == "booked"


def test_arrived_is_offered_before_the_start_time_on_the_day(book_view, sqlite_staff):
    review = review_of(sqlite_staff)
    book(sqlite_staff, review)
    book_view.reload()
    select(book_view, "10:10")
    book_view.book_actions["arrived"].trigger()
    assert cells(book_view, "10:10")[STATUS] == "Attended ✓"
    assert Appointment.get_by_id(review).status == "attended"


def test_a_book_left_on_today_moves_on_at_midnight(qtbot, book_view):
    assert book_view.shown_day() == date(2026, 11, 30)
    with frozen_at(NOW.replace(hour=23, minute=59) + timedelta(minutes=2)):
        book_view._hub.poll()
        assert book_view.shown_day() == date(2026, 12, 1)
