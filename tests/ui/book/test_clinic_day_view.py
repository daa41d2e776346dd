"""The clinic's day in the appointment book: every clinician side by side, booked from and moved by hand."""
from __future__ import annotations

import io
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

import pypdf
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLabel
from test_booking_dialog import slots_shown

from clinic_desktop.models import Appointment
from clinic_desktop.services.appointments import appointments, clinic_day
from clinic_desktop.services.appointments.appointment_book import Absence
from clinic_desktop.services.episodes import episodes
from clinic_desktop.services.patients import patients
from clinic_desktop.ui.book.booking_dialog import BookingDialog
from clinic_desktop.ui.book.clinic_day_model import APPOINTMENT_MIME
from clinic_desktop.ui.book.move_booking_dialog import MoveBookingDialog
from clinic_desktop.ui.book.review_chooser import ReviewChooser
from clinic_desktop.ui.letters.letter_window import LetterWindow
from clinic_desktop.ui.ops.op import Op

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)  # Mon 30 Nov 2026, 09:00 in London
CLINIC_TIME = NOW
JONES, PHYSIO = 0, 1


def review_of(staff, family="Smith") -> int:
    """The 2-week review of a new episode, due by Thu 10 Dec 2026."""
    patient = patients.register_patient(staff.receptionist, family_name=family, given_name="Ann",
                                        date_of_birth=date(1970, 5, 1), nhs_number=None)
    episode_id = episodes.open_episode(staff.clinician, patient.id, first_contact_on=date(2026, 11, 26),
                                       presentation="non_specific", severity="mild").episode_id
    return Appointment.get((Appointment.episode == episode_id) & (Appointment.kind == "two_week_review")).id


def book(staff, appointment_id, hour, minute, clinician=None, day=30):
    return appointments.book_appointment(staff.receptionist, appointment_id,
                                         clinician_id=(clinician or staff.clinician).user_id,
                                         starts_local=datetime(2026, 11, day, hour, minute))


def clinic_view(book_view):
    book_view.clinic_mode.click()
    shown(book_view)
    return book_view.clinic


def shown(book_view) -> None:
    """Wait for the clinic's day asked for to be read and drawn (it is read off the window's thread)."""
    Op.settle()
    assert not book_view.clinic_day_reading()


def row_of(view, label: str) -> int:
    model = view.model
    return next(row for row in range(model.rowCount()) if model.headerData(row, Qt.Orientation.Vertical) == label)


def text_at(view, label: str, column: int) -> str:
    return view.model.index(row_of(view, label), column).data()


def go_to(view, label: str, column: int) -> None:
    view.table.setFocus()
    view.table.setCurrentIndex(view.model.index(row_of(view, label), column))


def opened(qtbot, view, kind):
    qtbot.waitUntil(lambda: isinstance(view.dialog, kind) and view.dialog.isVisible(), timeout=5000)
    return view.dialog


def press_ok(dialog) -> None:
    QTest.mouseClick(dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok),
                     Qt.MouseButton.LeftButton)


# --- what the day shows ---


def test_each_working_clinician_is_a_column_headed_by_name_and_hours(book_view):
    view = clinic_view(book_view)
    headers = [view.model.headerData(column, Qt.Orientation.Horizontal) for column in range(view.model.columnCount())]
    assert headers == ["Dr Alys Jones\n08:30–17:30", "Sam Physio\n08:30–17:30"]
    assert not book_view.clinician.isEnabled()  # the clinic's day is everyone's
    assert view.model.headerData(0, Qt.Orientation.Vertical) == "08:30"


def test_a_booking_shows_its_patient_and_kind_and_a_free_slot_says_free_in_words_and_colour(book_view, sqlite_staff):
    book(sqlite_staff, review_of(sqlite_staff), 10, 10, clinician=sqlite_staff.other_clinician)
    view = clinic_view(book_view)
    assert text_at(view, "10:10", PHYSIO) == "SMITH, Ann · 2-week review"
    assert text_at(view, "10:10", JONES) == "Free"
    assert text_at(view, "08:30", JONES) == "Past"
    free = view.model.index(row_of(view, "10:30"), JONES)
    assert free.data(Qt.ItemDataRole.ForegroundRole) is not None and free.data(Qt.ItemDataRole.BackgroundRole)
    assert "Enter books a review here" in free.data(Qt.ItemDataRole.ToolTipRole)
    assert book_view.summary.text() == "1 appointment · 49 free slots"


def with_leave(day):
    """Sam Physio away from 12:30 (annual leave), and working only the morning: as sessions and leave will say."""
    physio = day.columns[PHYSIO]
    noon = datetime(2026, 11, 30, 12, 30, tzinfo=timezone.utc)
    morning = replace(physio.book.working[0], ends_at=noon, label="08:30–12:30")
    away = Absence(noon, noon + timedelta(hours=5), "annual_leave", "Annual leave", "back Tuesday")
    slots = tuple(slot for slot in physio.book.slots if slot.starts_at < noon or slot.appointment)
    book = replace(physio.book, working=(morning,), absences=(away,), slots=slots)
    return replace(day, columns=(day.columns[JONES], replace(physio, book=book)))


def test_leave_is_shown_with_its_reason_and_a_booking_left_in_it_is_marked(book_view, sqlite_staff):
    book(sqlite_staff, review_of(sqlite_staff), 14, 10, clinician=sqlite_staff.other_clinician)
    view = clinic_view(book_view)
    view.set_day(with_leave(clinic_day.clinic_day(sqlite_staff.receptionist, date(2026, 11, 30))))
    assert view.model.headerData(PHYSIO, Qt.Orientation.Horizontal) == "Sam Physio\n08:30–12:30\nAway 12:30–17:30"
    assert text_at(view, "12:30", PHYSIO) == "Away — Annual leave (back Tuesday)"
    assert text_at(view, "14:10", PHYSIO) == "SMITH, Ann · 2-week review\n⚠ CLINICIAN AWAY: move or cancel"
    away = view.model.index(row_of(view, "12:30"), PHYSIO)
    assert view.table.rowSpan(away.row(), PHYSIO) == 5  # 12:30 to the booking at 14:10, a row each 20 minutes
    assert not away.flags() & Qt.ItemFlag.ItemIsDropEnabled
    assert text_at(view, "12:30", JONES) == "Free"


# --- the keyboard ---


def test_arrow_keys_move_between_slots_and_clinicians_and_tab_leaves_the_grid(book_view):
    view = clinic_view(book_view)
    go_to(view, "10:10", JONES)
    QTest.keyClick(view.table, Qt.Key.Key_Right)
    QTest.keyClick(view.table, Qt.Key.Key_Down)
    index = view.table.currentIndex()
    assert (view.model.headerData(index.row(), Qt.Orientation.Vertical), index.column()) == ("10:30", PHYSIO)
    assert view.selected_cell().column.clinician.full_name == "Sam Physio"
    QTest.keyClick(view.table, Qt.Key.Key_Tab)
    assert not view.table.hasFocus()


def test_enter_on_a_free_slot_books_the_review_chosen_into_it(qtbot, book_view, sqlite_staff):
    review = review_of(sqlite_staff)
    view = clinic_view(book_view)
    go_to(view, "11:30", PHYSIO)
    QTest.keyClick(view.table, Qt.Key.Key_Return)
    chooser = opened(qtbot, view, ReviewChooser)
    qtbot.waitUntil(lambda: chooser.reviews.count() > 0 or bool(chooser.message.text()))
    assert chooser.message.text() == ""
    assert chooser.reviews.item(0).text().startswith("SMITH, Ann  ·  2-week review  ·  due by Thu 10 Dec")
    QTest.keyClick(chooser.reviews, Qt.Key.Key_Return)
    dialog = opened(qtbot, view, BookingDialog)
    slots_shown(qtbot, dialog)
    assert dialog.use_other.isChecked() and dialog.other_clinician.currentText() == "Sam Physio"
    assert dialog.other_time.time().toString("HH:mm") == "11:30"
    press_ok(dialog)
    shown(book_view)
    assert text_at(view, "11:30", PHYSIO) == "SMITH, Ann · 2-week review"
    assert Appointment.get_by_id(review).clinician_id == sqlite_staff.other_clinician.user_id


def test_enter_on_a_booking_opens_its_patient(qtbot, book_view, sqlite_staff):
    book(sqlite_staff, review_of(sqlite_staff), 10, 10)
    view = clinic_view(book_view)
    go_to(view, "10:10", JONES)
    with qtbot.waitSignal(book_view.patient_requested, timeout=1000):
        QTest.keyClick(view.table, Qt.Key.Key_Return)


# --- moving a booking ---


def test_cut_and_paste_moves_a_booking_to_another_clinician_once_confirmed(qtbot, book_view, sqlite_staff):
    review = review_of(sqlite_staff)
    book(sqlite_staff, review, 10, 10)
    view = clinic_view(book_view)
    go_to(view, "10:10", JONES)
    QTest.keyClick(view.table, Qt.Key.Key_X, Qt.KeyboardModifier.ControlModifier)
    assert view.note.text().startswith("Moving SMITH, Ann — 2-week review (Mon 30 Nov 10:10 with Dr Alys Jones)")
    go_to(view, "11:30", PHYSIO)
    QTest.keyClick(view.table, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    dialog = opened(qtbot, view, MoveBookingDialog)
    assert "to <b>Mon 30 Nov 11:30–11:50 with Sam Physio</b>" in dialog.intro.text()
    assert Appointment.get_by_id(review).clinician_id == sqlite_staff.clinician.user_id  # not before Move
    press_ok(dialog)
    shown(book_view)
    moved = Appointment.get_by_id(review)
    assert (moved.clinician_id, moved.starts_at) == (sqlite_staff.other_clinician.user_id,
                                                     datetime(2026, 11, 30, 11, 30, tzinfo=timezone.utc))
    assert text_at(view, "11:30", PHYSIO) == "SMITH, Ann · 2-week review"
    assert text_at(view, "10:10", JONES) == "Free"
    assert view.note.text() == "Moved SMITH, Ann to Mon 30 Nov 11:30–11:50 with Sam Physio."


def test_a_paste_onto_a_slot_taken_meanwhile_is_refused_in_one_sentence_and_nothing_moves(
        qtbot, book_view, sqlite_staff):
    review = review_of(sqlite_staff)
    book(sqlite_staff, review, 10, 10)
    view = clinic_view(book_view)
    go_to(view, "10:10", JONES)
    view.actions_set.actions["cut_booking"].trigger()
    go_to(view, "11:30", PHYSIO)
    book(sqlite_staff, review_of(sqlite_staff, "Wilson"), 11, 30, clinician=sqlite_staff.other_clinician)  # elsewhere
    view.actions_set.actions["paste_booking"].trigger()
    dialog = opened(qtbot, view, MoveBookingDialog)
    press_ok(dialog)
    shown(book_view)
    assert dialog.isVisible()
    assert dialog.message.text() == "Sam Physio already has WILSON, Ann 11:30–11:50 on Mon 30 Nov."
    assert Appointment.get_by_id(review).starts_at == datetime(2026, 11, 30, 10, 10, tzinfo=timezone.utc)


def test_a_move_after_the_due_by_date_asks_why_as_booking_does(qtbot, book_view, sqlite_staff):
    review = review_of(sqlite_staff)
    book(sqlite_staff, review, 10, 10)
    view = clinic_view(book_view)
    go_to(view, "10:10", JONES)
    view.actions_set.actions["cut_booking"].trigger()
    book_view.show_day(date(2026, 12, 14))  # after Thu 10 Dec: the move is still under way on another day
    shown(book_view)
    go_to(view, "10:10", JONES)
    view.actions_set.actions["paste_booking"].trigger()
    dialog = opened(qtbot, view, MoveBookingDialog)
    assert dialog.form.isRowVisible(dialog.late_reason)
    press_ok(dialog)
    shown(book_view)
    assert dialog.message.text() == ("The 2-week review for SMITH, Ann is due by Thu 10 Dec 2026: give a reason "
                                     "for booking it later.")
    QTest.keyClicks(dialog.late_reason, "patient away until then")
    press_ok(dialog)
    shown(book_view)
    moved = Appointment.get_by_id(review)
    assert (moved.starts_at.date(), moved.late_booking_reason) == (date(2026, 12, 14), "patient away until then")


def test_esc_stops_a_move(book_view, sqlite_staff):
    book(sqlite_staff, review_of(sqlite_staff), 10, 10)
    view = clinic_view(book_view)
    go_to(view, "10:10", JONES)
    view.actions_set.actions["cut_booking"].trigger()
    go_to(view, "11:30", JONES)
    QTest.keyClick(view.table, Qt.Key.Key_Escape)
    assert view.note.isHidden() and not view.actions_set.actions["paste_booking"].isEnabled()


def test_a_booking_dragged_onto_a_free_slot_asks_before_it_moves(qtbot, book_view, sqlite_staff):
    review = review_of(sqlite_staff)
    book(sqlite_staff, review, 10, 10)
    view = clinic_view(book_view)
    model = view.model
    source, target = model.index(row_of(view, "10:10"), JONES), model.index(row_of(view, "12:10"), PHYSIO)
    assert source.flags() & Qt.ItemFlag.ItemIsDragEnabled and target.flags() & Qt.ItemFlag.ItemIsDropEnabled
    data = model.mimeData([source])
    assert model.canDropMimeData(data, Qt.DropAction.MoveAction, -1, -1, target)
    assert not model.canDropMimeData(data, Qt.DropAction.MoveAction, -1, -1, source)  # onto a booking: no
    model.dropMimeData(data, Qt.DropAction.MoveAction, -1, -1, target)
    dialog = opened(qtbot, view, MoveBookingDialog)
    assert dialog.appointment_id == review
    press_ok(dialog)
    shown(book_view)
    assert text_at(view, "12:10", PHYSIO) == "SMITH, Ann · 2-week review"


def test_only_a_booking_carries_an_appointment_to_drag(book_view):
    view = clinic_view(book_view)
    assert view.model.mimeData([view.model.index(row_of(view, "10:10"), JONES)]) is None
    assert view.model.mimeTypes() == [APPOINTMENT_MIME]
    assert not view.model.flags(QModelIndex())


# --- the day list ---


def test_the_day_list_of_the_chosen_clinician_is_drawn_for_printing_or_saving(qtbot, book_view, sqlite_staff,
                                                                            tmp_path):
    book(sqlite_staff, review_of(sqlite_staff), 10, 10, clinician=sqlite_staff.other_clinician)
    view = clinic_view(book_view)
    go_to(view, "09:10", PHYSIO)
    view.actions_set.actions["save_day_list"].trigger()
    window = view.dialog
    assert isinstance(window, LetterWindow)
    assert window.windowTitle() == "Day list — Sam Physio, Mon 30 Nov 2026"
    qtbot.waitUntil(lambda: window.pdf_bytes() is not None, timeout=10_000)
    assert window.save_to(tmp_path / "day.pdf")
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO((tmp_path / "day.pdf").read_bytes()))
                   .pages)
    assert "Day list — Sam Physio" in text and "SMITH, Ann" in text
    window.close()
    QApplication.processEvents()


# --- the week of one clinician ---


def test_the_week_shades_the_sessions_and_says_where_the_clinician_is_away(book_view, sqlite_staff):
    book(sqlite_staff, review_of(sqlite_staff), 14, 10, clinician=sqlite_staff.other_clinician)
    book_view.show_day(date(2026, 11, 30), sqlite_staff.other_clinician.user_id)
    book_view.week_mode.click()
    model = book_view.week_model
    week = model._week
    monday = with_leave(clinic_day.clinic_day(sqlite_staff.receptionist, date(2026, 11, 30))).columns[PHYSIO].book
    model.set_week(replace(week, days=(monday, *week.days[1:])), date(2026, 11, 30))
    rows = {model.headerData(row, Qt.Orientation.Vertical): row for row in range(model.rowCount())}
    assert model.headerData(0, Qt.Orientation.Horizontal) == "Mon 30 Nov · today\nAway 12:30–17:30"
    assert model.index(rows["13:10"], 0).data() == "Away — Annual leave"
    assert model.index(rows["14:10"], 0).data() == "SMITH, Ann · 2-week review — ⚠ CLINICIAN AWAY"
    assert model.index(rows["10:10"], 0).data() == "Free"
    assert model.cover(rows["10:10"], 0).label == "08:30–12:30" and model.cover(rows["10:10"], 1) is not None
    session = model.index(rows["10:10"], 0).data(Qt.ItemDataRole.BackgroundRole)
    away = model.index(rows["13:10"], 0).data(Qt.ItemDataRole.BackgroundRole)
    assert session.style() == Qt.BrushStyle.SolidPattern and away.style() == Qt.BrushStyle.BDiagPattern


def test_one_clinicians_day_prints_their_day_list_too(qtbot, book_view, sqlite_staff):
    book(sqlite_staff, review_of(sqlite_staff), 10, 10)
    book_view.day_list_button.click()
    window = book_view.day_list_window
    assert window.windowTitle() == "Day list — Dr Alys Jones, Mon 30 Nov 2026"
    qtbot.waitUntil(lambda: window.pdf_bytes() is not None, timeout=10_000)
    assert "SMITH, Ann" in "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(window.pdf_bytes())).pages)
    book_view.clinic_mode.click()
    assert book_view.day_list_button.isHidden()  # the clinic's day prints the list of the column chosen
    window.close()
    QApplication.processEvents()


def test_leave_over_the_whole_day_or_from_a_time_is_said_so_in_the_header(book_view, sqlite_staff):
    view = clinic_view(book_view)
    day = clinic_day.clinic_day(sqlite_staff.receptionist, date(2026, 11, 30))
    physio = day.columns[PHYSIO]
    midnight = datetime(2026, 11, 30, tzinfo=timezone.utc)
    all_day = Absence(midnight, midnight + timedelta(days=1), "sickness", "Sickness", "")
    afternoon = Absence(midnight + timedelta(hours=13), midnight + timedelta(days=3), "training", "Training", "")
    for absence, words in ((all_day, "Away all day"), (afternoon, "Away from 13:00")):
        book = replace(physio.book, working=(), slots=(), absences=(absence,))
        view.set_day(replace(day, columns=(day.columns[JONES], replace(physio, book=book))))
        assert view.model.headerData(PHYSIO, Qt.Orientation.Horizontal) == f"Sam Physio\nNot working\n{words}"


def test_a_session_that_takes_some_kinds_only_offers_only_those_reviews(qtbot, book_view, sqlite_staff):
    review_of(sqlite_staff)  # its 2-week and 12-week reviews are to book
    view = clinic_view(book_view)
    day = clinic_day.clinic_day(sqlite_staff.receptionist, date(2026, 11, 30))
    physio = day.columns[PHYSIO]
    twelve_week_only = replace(physio.book.working[0], kinds=("twelve_week_review",))
    view.set_day(replace(day, columns=(day.columns[JONES], replace(
        physio, book=replace(physio.book, working=(twelve_week_only,))))))
    go_to(view, "11:30", PHYSIO)
    QTest.keyClick(view.table, Qt.Key.Key_Return)
    chooser = opened(qtbot, view, ReviewChooser)
    qtbot.waitUntil(lambda: chooser.reviews.count() > 0 or bool(chooser.message.text()))
    assert [chooser.reviews.item(row).text().split("  ·  ")[1] for row in range(chooser.reviews.count())] == [
        "12-week check"]
    assert "This session takes 12-week check appointments only." in chooser.findChild(QLabel).text()


def test_a_booking_from_another_workstation_appears_and_the_chosen_slot_stays_chosen(book_view, sqlite_staff):
    view = clinic_view(book_view)
    go_to(view, "11:30", PHYSIO)
    book(sqlite_staff, review_of(sqlite_staff), 10, 10, clinician=sqlite_staff.other_clinician)
    book_view._hub.poll()
    shown(book_view)
    assert text_at(view, "10:10", PHYSIO) == "SMITH, Ann · 2-week review"
    index = view.table.currentIndex()
    assert (view.model.headerData(index.row(), Qt.Orientation.Vertical), index.column()) == ("11:30", PHYSIO)


def test_the_keyboard_starts_at_the_first_slot_not_yet_past(book_view):
    view = clinic_view(book_view)
    index = view.table.currentIndex()
    assert (view.model.headerData(index.row(), Qt.Orientation.Vertical), index.column()) == ("09:10", JONES)
