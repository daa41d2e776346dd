"""Journey: book a review from the patient's view, then hand the patient the confirmation.

Clicks are counted as a receptionist makes them: Book review…, Book (the earliest slot is
already chosen), Save as PDF… (or Print confirmation…), then the file or print dialog.
"""
from __future__ import annotations

from datetime import datetime, timezone

import pypdf
from letter_drawing import drawn
from patient_story import build_story
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrintDialog
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog, QToolButton
from test_booking_dialog import slots_shown

from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.services.appointments import waiting_list
from clinic_desktop.services.worklists import worklists
from clinic_desktop.ui.book.booking_dialog import BookingDialog
from clinic_desktop.ui.book.waiting_list_dialog import AddToWaitingListDialog
from clinic_desktop.ui.letters.letter_window import LetterWindow
from clinic_desktop.ui.patients.patient_view import PatientView
from clinic_desktop.ui.shell.change_hub import ChangeHub

CLINIC_TIME = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)  # Mon 23 Nov 2026, as the patient's story has it


def open_view(qtbot, actor, patient_id: int) -> PatientView:
    hub = ChangeHub(actor)
    hub.stop()  # no polling: the views are told of changes by the actions themselves
    view = PatientView(actor, load_settings(), hub, patient_id)
    qtbot.addWidget(view)
    view.resize(1366, 768)
    view.show()
    return view


def choose(view, column: int, text: str) -> None:
    """Select the review whose cell in ``column`` starts with ``text``, as a click would."""
    model = view.reviews_model
    row = next(row for row in range(model.rowCount()) if model.index(row, column).data().startswith(text))
    view.reviews_table.setCurrentIndex(model.index(row, 0))


class Clicks:
    def __init__(self):
        self.count = 0

    def on(self, widget) -> None:
        self.count += 1
        QTest.mouseClick(widget, Qt.MouseButton.LeftButton)


def button_for(view, action_id: str) -> QToolButton:
    action = view.actions.actions[action_id]
    return next(button for button in view.findChildren(QToolButton) if button.defaultAction() is action)


def booked_from_the_view(qtbot, staff, clicks: Clicks):
    """The receptionist books the missed follow-up's rebooking into the earliest slot offered."""
    story = build_story(staff)
    view = open_view(qtbot, staff.receptionist, story.patient_id)
    choose(view, 1, "to book")
    clicks.on(button_for(view, "book"))
    dialog = view.actions.dialog
    assert isinstance(dialog, BookingDialog)
    slots_shown(qtbot, dialog)
    earliest = dialog.selected_slot()
    assert earliest.late  # the follow-up was missed: it is overdue, and booking it late says why
    QTest.keyClicks(dialog.late_reason, "missed on 12 Nov")
    clicks.on(dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok))
    return view, earliest


def test_book_then_save_the_confirmation_with_the_booked_time(qtbot, sqlite_staff, tmp_path):
    clicks = Clicks()
    view, slot = booked_from_the_view(qtbot, sqlite_staff, clicks)
    notice = f"Follow-up booked for {slot.label.split(' ', 1)[0]}"
    assert view.notices.texts()[0].startswith(f"• {notice}")
    assert [offer.text() for offer in view.notices.offers] == ["Print confirmation…", "Save as PDF…",
                                                             "E-mail confirmation"]
    qtbot.waitUntil(view.notices.offers[1].isVisible)
    clicks.on(view.notices.offers[1])

    window = view.actions.dialog
    assert isinstance(window, LetterWindow) and window.windowTitle() == "Appointment confirmation — SMITH, Ann"
    qtbot.waitUntil(lambda: isinstance(window.dialog, QFileDialog) and window.dialog.isVisible(), timeout=10_000)
    window.dialog.setDirectory(str(tmp_path))  # the name it suggests is kept
    clicks.count += 1  # Save in the file dialog
    window.dialog.accept()

    saved = tmp_path / "SMITH-Ann_appointment-confirmation.pdf"
    assert window.status.text() == f"Saved to {saved}."
    [page] = pypdf.PdfReader(saved).pages
    text = " ".join(page.extract_text().split())
    hour = slot.wall_time.strftime("%H:%M")
    assert f"{slot.wall_time.day} {slot.wall_time:%B} 2026 at {hour}" in text
    assert "For Ann Smith" in text and slot.clinician_name in text
    assert clicks.count == 4  # Book review…, Book, Save as PDF…, Save
    window.close()


def test_print_confirmation_goes_straight_to_the_print_dialog(qtbot, sqlite_staff):
    view, _slot = booked_from_the_view(qtbot, sqlite_staff, Clicks())
    qtbot.waitUntil(view.notices.offers[0].isVisible)
    view.notices.offers[0].click()
    window = view.actions.dialog
    qtbot.waitUntil(lambda: isinstance(window.dialog, QPrintDialog) and window.dialog.isVisible(), timeout=10_000)
    assert window.preview.page_count() == 1
    window.dialog.reject()
    window.close()


def test_a_booked_reviews_menu_offers_its_confirmation_and_the_waiting_list(qtbot, sqlite_staff):
    story = build_story(sqlite_staff)
    view = open_view(qtbot, sqlite_staff.receptionist, story.patient_id)
    actions = view.actions.actions
    choose(view, 0, "12-week check")
    assert {actions["print_confirmation"], actions["add_to_waiting_list"]} <= set(view.reviews_table.actions())
    assert actions["print_confirmation"].isEnabled() and actions["add_to_waiting_list"].isEnabled()
    actions["print_confirmation"].trigger()
    window = view.actions.dialog
    drawn(qtbot, window.preview)
    assert window.windowTitle() == "Appointment confirmation — SMITH, Ann" and window.pdf_bytes()
    window.close()

    actions["add_to_waiting_list"].trigger()
    dialog = view.actions.dialog
    assert isinstance(dialog, AddToWaitingListDialog)
    dialog.days[1].setChecked(True)
    dialog.times.setCurrentIndex(1)
    QTest.keyClicks(dialog.note, "can come at short notice")
    QTest.keyClick(dialog.note, Qt.Key.Key_Return)
    assert view.notices.texts() == ["• 12-week check on the waiting list for an earlier slot: a cancellation will be "
                                    "offered for it (tue mornings)."]
    [entry] = waiting_list.waiting_list(sqlite_staff.receptionist)
    assert (entry.patient_name, entry.can_come, entry.note) == ("SMITH, Ann", "Tue mornings",
                                                                "can come at short notice")


def test_the_booking_dialog_can_put_the_review_on_the_waiting_list_too(qtbot, sqlite_staff):
    story = build_story(sqlite_staff)
    view = open_view(qtbot, sqlite_staff.receptionist, story.patient_id)
    choose(view, 1, "to book")
    view.actions.actions["book"].trigger()
    dialog = view.actions.dialog
    slots_shown(qtbot, dialog)
    dialog.wait_for_earlier.setChecked(True)
    dialog.late_reason.setText("missed on 12 Nov")
    dialog.save()
    [entry] = waiting_list.waiting_list(sqlite_staff.receptionist)
    assert entry.kind_title == "Follow-up" and entry.booked_for.startswith(dialog.selected_slot().label)


def test_booking_from_the_to_book_list_offers_the_confirmation_above_the_worklists(qtbot, sqlite_staff, main_window):
    build_story(sqlite_staff)
    window = main_window(sqlite_staff.receptionist, shown=True)
    [row] = [row for row in worklists.to_book(sqlite_staff.receptionist).rows if row.kind_title == "Follow-up"]
    window.worklists.row_actions.book_from_list(row)
    dialog = next(child for child in window.findChildren(BookingDialog) if child.isVisible())
    slots_shown(qtbot, dialog)
    dialog.late_reason.setText("missed on 12 Nov")
    dialog.save()
    assert window.notices.texts()[0].startswith("• Follow-up booked for ")
    assert [offer.text() for offer in window.notices.offers] == ["Print confirmation…", "Save as PDF…",
                                                             "E-mail confirmation"]
    window.notices.offers[0].click()
    confirmation = window.confirmations.window
    qtbot.waitUntil(lambda: isinstance(confirmation.dialog, QPrintDialog) and confirmation.dialog.isVisible(),
                    timeout=10_000)
    confirmation.dialog.reject()
    confirmation.close()
