"""The front desk's most common journey, driven as a receptionist does it, with clicks counted.

A patient rings: the receptionist types the number they call from into Find patient, Enter
opens the one match, and the patient's header offers the review that is due; one click opens
the booking on it with the earliest free slot chosen, one more books it. The goal (issue 13):
two clicks plus the typed number.
"""
from __future__ import annotations

from datetime import date, datetime, timezone

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialogButtonBox
from test_booking_dialog import slots_shown

from clinic_desktop.services.appointments import appointments
from clinic_desktop.services.episodes import episodes
from clinic_desktop.services.patients import patients
from clinic_desktop.ui.book.booking_dialog import BookingDialog
from clinic_desktop.ui.patients.patient_view import PatientView

CLINIC_TIME = datetime(2026, 6, 1, 9, 0, tzinfo=timezone.utc)  # Mon 1 Jun 2026, 10:00 in London


class Clicks:
    """Mouse clicks a journey takes, counted as they are made."""

    def __init__(self, qtbot):
        self.qtbot, self.count = qtbot, 0

    def on(self, widget) -> None:
        assert widget.isVisible() and widget.isEnabled(), f"{widget} cannot be clicked"
        self.qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)
        self.count += 1


def test_find_by_phone_and_book_the_due_review_in_two_clicks_plus_the_number(qtbot, sqlite_staff, main_window):
    patient = patients.register_patient(sqlite_staff.receptionist, family_name="Smith", given_name="Ann",
                                        date_of_birth=date(1961, 2, 9), mobile="07700 900123")
    episode_id = episodes.open_episode(sqlite_staff.clinician, patient.id, first_contact_on=date(2026, 6, 1),
                                       presentation="non_specific", severity="moderate").episode_id
    window = main_window(sqlite_staff.receptionist, shown=True)
    clicks = Clicks(qtbot)

    window.find_patient()  # Ctrl+F
    search = window.patient_search
    qtbot.keyClicks(search.box, "+44 7700 900123")  # as the caller reads it out
    qtbot.waitUntil(lambda: search.model.rowCount() == 1)
    QTest.keyClick(search.box, Qt.Key.Key_Return)  # the one match opens
    view = window.tabs.currentWidget()
    assert isinstance(view, PatientView) and view.patient_id == patient.id

    assert view.next_button.text() == "Book the 2-week review (due by Mon 15 Jun 2026)"
    clicks.on(view.next_button)
    dialog = view.actions.dialog
    assert isinstance(dialog, BookingDialog)
    slots_shown(qtbot, dialog)
    assert dialog.slots.currentRow() == 0  # the earliest free slot, chosen for the receptionist
    with qtbot.waitSignal(dialog.booked, timeout=5000):
        clicks.on(dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok))

    assert clicks.count == 2
    review = next(review for review in appointments.appointments_for_episode(sqlite_staff.receptionist, episode_id)
                  if review.kind == "two_week_review")
    assert review.status == "booked" and review.starts_at.date() <= date(2026, 6, 15)
