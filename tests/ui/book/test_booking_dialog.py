"""Booking a review through the dialog: the earliest slots, other times, late bookings, clashes."""
from __future__ import annotations

from datetime import date, datetime, timezone

from PySide6.QtCore import QDate, Qt, QTime
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from clinic_desktop.models import Appointment
from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.services.appointments import appointments
from clinic_desktop.services.core.clock import frozen_at
from clinic_desktop.services.episodes import episodes
from clinic_desktop.services.patients import patients
from clinic_desktop.ui.book.booking_dialog import BookingDialog, CancelBookingDialog, for_screenshot

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)  # Mon 30 Nov 2026, 09:00 in London


CLINIC_TIME = NOW  # every test here runs at this moment (tests/conftest.py: clinic_clock)


def review_of(staff, family="Smith", first_contact=date(2026, 11, 26)) -> int:
    """The 2-week review of a new episode (first contact Thu 26 Nov: due by Thu 10 Dec 2026)."""
    patient = patients.register_patient(staff.receptionist, family_name=family, given_name="Ann",
                                        date_of_birth=date(1970, 5, 1))
    episode_id = episodes.open_episode(staff.clinician, patient.id, first_contact_on=first_contact,
                                       presentation="non_specific", severity="mild").episode_id
    return Appointment.get((Appointment.episode == episode_id) & (Appointment.kind == "two_week_review")).id


def dialog_for(qtbot, staff, appointment_id, **options) -> BookingDialog:
    dialog = BookingDialog(staff.receptionist, load_settings(), appointment_id, **options)
    qtbot.addWidget(dialog)
    dialog.open()
    slots_shown(qtbot, dialog)
    return dialog


def slots_shown(qtbot, dialog) -> None:
    """Wait for the free slots to be shown (they are looked for off the window's thread)."""
    qtbot.waitUntil(lambda: not dialog.finding_slots(), timeout=10_000)


def offered(dialog) -> list[str]:
    return [dialog.slots.item(row).text() for row in range(dialog.slots.count())]


def press_book(qtbot, dialog, button=None):
    with qtbot.waitSignal(dialog.booked, timeout=1000) as signal:
        QTest.keyClick(button or dialog.slots, Qt.Key.Key_Return)
    return signal.args[0]


def test_the_dialog_shows_the_patient_the_review_and_its_due_by_date(qtbot, sqlite_staff):
    dialog = dialog_for(qtbot, sqlite_staff, review_of(sqlite_staff))
    assert "SMITH, Ann" in dialog.heading.text() and "2-week review" in dialog.heading.text()
    assert "due by <b>Thu 10 Dec 2026</b>" in dialog.heading.text()
    assert offered(dialog)[:2] == ["Mon 30 Nov 09:10  —  Dr Alys Jones", "Mon 30 Nov 09:30  —  Dr Alys Jones"]


def test_enter_books_the_earliest_offered_slot(qtbot, sqlite_staff):
    review = review_of(sqlite_staff)
    dialog = dialog_for(qtbot, sqlite_staff, review)
    record = press_book(qtbot, dialog)
    assert (record.status, record.clinician_name, record.starts_at) == (
        "booked", "Dr Alys Jones", datetime(2026, 11, 30, 9, 10, tzinfo=timezone.utc))
    assert dialog.result() == dialog.DialogCode.Accepted


def test_down_then_enter_books_the_next_slot(qtbot, sqlite_staff):
    dialog = dialog_for(qtbot, sqlite_staff, review_of(sqlite_staff))
    QTest.keyClick(dialog.slots, Qt.Key.Key_Down)
    assert press_book(qtbot, dialog).starts_at == datetime(2026, 11, 30, 9, 30, tzinfo=timezone.utc)


def test_the_clinician_filter_offers_only_that_clinicians_slots(qtbot, sqlite_staff):
    dialog = dialog_for(qtbot, sqlite_staff, review_of(sqlite_staff))
    dialog.clinician_filter.setCurrentIndex(dialog.clinician_filter.findText("Sam Physio"))
    assert offered(dialog) == [] and dialog.note.text() == "Finding the earliest free slots…"
    slots_shown(qtbot, dialog)
    assert all(text.endswith("Sam Physio") for text in offered(dialog))
    assert press_book(qtbot, dialog).clinician_name == "Sam Physio"


def test_a_slot_after_the_due_by_date_asks_for_a_reason(qtbot, sqlite_staff):
    review = review_of(sqlite_staff)
    with frozen_at(datetime(2026, 12, 11, 9, 0, tzinfo=timezone.utc)):  # the day after the due-by date
        dialog = dialog_for(qtbot, sqlite_staff, review)
        assert offered(dialog)[0] == "Fri 11 Dec 09:10  —  Dr Alys Jones   ⚠ LATE"
        assert dialog.note.text().startswith("No free slot on or before the due-by date, Thu 10 Dec 2026")
        assert dialog.form.isRowVisible(dialog.late_reason)
        QTest.keyClick(dialog.slots, Qt.Key.Key_Return)
        assert dialog.message.text() == ("The 2-week review for SMITH, Ann is due by Thu 10 Dec 2026: "
                                         "give a reason for booking it later.")
        assert Appointment.get_by_id(review).status == "to_book"
        qtbot.keyClicks(dialog.late_reason, "patient away until then")
        record = press_book(qtbot, dialog, dialog.late_reason)
    assert record.late_booking_reason == "patient away until then"


def test_another_time_after_the_due_by_date_reveals_the_reason_field(qtbot, sqlite_staff):
    review = review_of(sqlite_staff)
    dialog = dialog_for(qtbot, sqlite_staff, review)
    assert not dialog.form.isRowVisible(dialog.late_reason)
    dialog.use_other.setChecked(True)
    dialog.other_date.setDate(QDate(2026, 12, 14))
    dialog.other_time.setTime(QTime(11, 10))
    QTest.keyClick(dialog.other_time, Qt.Key.Key_Return)
    assert "give a reason for booking it later" in dialog.message.text()
    assert dialog.form.isRowVisible(dialog.late_reason) and dialog.focusWidget() is dialog.late_reason
    qtbot.keyClicks(dialog.late_reason, "patient's choice")
    record = press_book(qtbot, dialog, dialog.late_reason)
    assert record.starts_at == datetime(2026, 12, 14, 11, 10, tzinfo=timezone.utc)


def test_a_clash_is_refused_with_a_clear_message_and_nothing_changes(qtbot, sqlite_staff):
    review = review_of(sqlite_staff)
    dialog = dialog_for(qtbot, sqlite_staff, review)
    # Meanwhile another workstation takes the slot the dialog offers first.
    appointments.book_appointment(sqlite_staff.receptionist, review_of(sqlite_staff, "Jones"),
                                  clinician_id=sqlite_staff.clinician.user_id,
                                  starts_local=datetime(2026, 11, 30, 9, 10))
    QTest.keyClick(dialog.slots, Qt.Key.Key_Return)
    assert dialog.message.text() == "Dr Alys Jones already has JONES, Ann 09:10–09:30 on Mon 30 Nov."
    assert Appointment.get_by_id(review).status == "to_book"
    assert dialog.isVisible()
    slots_shown(qtbot, dialog)
    assert offered(dialog)[0] == "Mon 30 Nov 09:10  —  Sam Physio"  # what is still free


def test_another_time_on_a_closed_day_is_refused_inline(qtbot, sqlite_staff):
    review = review_of(sqlite_staff)
    dialog = dialog_for(qtbot, sqlite_staff, review)
    dialog.use_other.setChecked(True)
    dialog.other_date.setDate(QDate(2026, 12, 5))
    QTest.keyClick(dialog.other_time, Qt.Key.Key_Return)
    assert dialog.message.text() == "The clinic is closed on Sat 5 Dec 2026."
    assert Appointment.get_by_id(review).status == "to_book"


def test_rescheduling_offers_the_same_clinicians_next_slots_first(qtbot, sqlite_staff):
    review = review_of(sqlite_staff)
    appointments.book_appointment(sqlite_staff.receptionist, review, clinician_id=sqlite_staff.clinician.user_id,
                                  starts_local=datetime(2026, 11, 30, 9, 10))
    dialog = dialog_for(qtbot, sqlite_staff, review, reschedule=True)
    assert "Now booked for Mon 30 Nov 09:10 with Dr Alys Jones." in dialog.heading.text()
    assert dialog.windowTitle() == "Reschedule appointment"
    assert dialog.clinician_filter.currentText() == "Dr Alys Jones"
    record = press_book(qtbot, dialog)
    assert (record.starts_at, record.clinician_name) == (datetime(2026, 11, 30, 9, 30, tzinfo=timezone.utc),
                                                         "Dr Alys Jones")


def test_a_review_no_longer_to_book_cannot_be_booked(qtbot, sqlite_staff):
    review = review_of(sqlite_staff)
    appointments.book_appointment(sqlite_staff.receptionist, review, clinician_id=sqlite_staff.clinician.user_id,
                                  starts_local=datetime(2026, 11, 30, 9, 10))
    dialog = dialog_for(qtbot, sqlite_staff, review)
    QTest.keyClick(dialog.slots, Qt.Key.Key_Return)
    assert dialog.message.text() == "The 2-week review for SMITH, Ann is already booked for Mon 30 Nov 09:10."


def test_cancelling_a_booking_needs_a_reason_and_puts_the_review_back_to_book(qtbot, sqlite_staff):
    review = review_of(sqlite_staff)
    appointments.book_appointment(sqlite_staff.receptionist, review, clinician_id=sqlite_staff.clinician.user_id,
                                  starts_local=datetime(2026, 11, 30, 9, 10))
    dialog = CancelBookingDialog(sqlite_staff.receptionist, load_settings(), review)
    qtbot.addWidget(dialog)
    dialog.open()
    QTest.keyClick(dialog.reason, Qt.Key.Key_Return)
    assert dialog.message.text() == "Give a reason."
    qtbot.keyClicks(dialog.reason, "patient unwell")
    with qtbot.waitSignal(dialog.cancelled, timeout=1000):
        QTest.keyClick(dialog.reason, Qt.Key.Key_Return)
    assert Appointment.get_by_id(review).status == "to_book"


def test_the_screenshot_shows_the_offered_slots(qtbot, sqlite_staff):
    review_of(sqlite_staff)
    dialog = for_screenshot(sqlite_staff.receptionist, load_settings(), None)
    qtbot.addWidget(dialog)
    QApplication.processEvents()  # the screenshot takes its picture after a few passes, without waiting
    assert offered(dialog)[0] == "Mon 30 Nov 09:10  —  Dr Alys Jones"
