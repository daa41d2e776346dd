"""The appointment book without a mouse (issue 16): Tab goes from a chosen slot to what acts on it,
then on; the arrows choose the view; the book's lists never keep the Tab key."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from test_appointment_book_view import NOW, book, review_of, select
from test_clinic_day_view import clinic_view, go_to

from clinic_desktop.ui.ops.op import Op

CLINIC_TIME = NOW  # every test here runs at this moment (tests/conftest.py: clinic_clock)


def focused_after_tabs(qtbot, presses: int) -> list[str]:
    """What has the focus after each of ``presses`` Tab presses, by its text or accessible name."""
    seen = []
    for _ in range(presses):
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        Op.settle()
        widget = QApplication.focusWidget()
        seen.append(getattr(widget, "text", lambda: "")().replace("&", "") or widget.accessibleName())
    return seen


def shown_at_work(qtbot, view) -> None:
    view.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is view)


def test_tab_goes_from_a_chosen_booking_to_the_actions_on_it_then_on_to_the_waiting_list(qtbot, book_view,
                                                                                          sqlite_staff):
    book(sqlite_staff, review_of(sqlite_staff))
    book_view.reload()
    shown_at_work(qtbot, book_view)
    select(book_view, "10:10")
    assert focused_after_tabs(qtbot, 7) == ["Open patient", "Reschedule", "Cancel booking", "Arrived",
                                            "Did not attend", "Day list…", "Filter the waiting list"]


def test_the_arrows_move_between_the_days_slots_and_tab_leaves_the_day(qtbot, book_view, sqlite_staff):
    shown_at_work(qtbot, book_view)
    select(book_view, "10:10")
    QTest.keyClick(book_view.day_table, Qt.Key.Key_Down)
    assert book_view.selected_slot().label == "10:30"
    QTest.keyClick(book_view.day_table, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is not book_view.day_table


def test_the_arrow_keys_choose_between_day_week_and_clinic_day_one_tab_stop_for_the_three(qtbot, book_view):
    shown_at_work(qtbot, book_view)
    book_view.day_mode.setFocus()
    QTest.keyClick(book_view.day_mode, Qt.Key.Key_Right)
    assert book_view.week_mode.isChecked() and book_view.stack.currentWidget() is book_view.week_table
    QTest.keyClick(book_view.week_mode, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is book_view.week_table


def test_tab_goes_from_the_clinic_days_chosen_slot_to_the_actions_on_it(qtbot, book_view):
    view = clinic_view(book_view)
    shown_at_work(qtbot, book_view)
    go_to(view, "10:10", 0)
    assert focused_after_tabs(qtbot, 2) == ["Book a review here", "Print day list"]  # cut and paste: none chosen


def test_tab_goes_from_the_waiting_list_to_the_actions_on_the_entry_chosen(qtbot, book_view):
    shown_at_work(qtbot, book_view)
    book_view.waiting.filter.setFocus()
    assert focused_after_tabs(qtbot, 1) == ["Waiting list"]
    assert QApplication.focusWidget() is book_view.waiting.table
