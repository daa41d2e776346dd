"""Each user's main journey through the real main window (issue 3's "done when")."""
from __future__ import annotations

from datetime import date, datetime, timezone

from PySide6.QtCore import Qt

from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.services.appointments import appointments
from clinic_desktop.services.core.clock import frozen_at
from clinic_desktop.services.episodes import episodes
from clinic_desktop.services.patients import patients
from clinic_desktop.services.referrals import referrals
from clinic_desktop.services.worklists import worklists
from clinic_desktop.ui.book.booking_dialog import BookingDialog
from clinic_desktop.ui.forms.start_back_form import StartBackForm
from clinic_desktop.ui.patients.patient_view import PatientView

MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)


CLINIC_TIME = MONDAY  # every test here runs at this moment (tests/conftest.py: clinic_clock)


def _episode(staff, family_name: str, first_contact: date) -> int:
    patient = patients.register_patient(staff.receptionist, family_name=family_name, given_name="Ann",
                                        date_of_birth=date(1970, 1, 1))
    return episodes.open_episode(staff.clinician, patient.id, first_contact_on=first_contact,
                                 presentation="non_specific", severity="moderate").episode_id


def test_receptionist_books_a_2_week_review_from_the_to_book_list(qtbot, main_window, rows_shown, sqlite_staff):
    _episode(sqlite_staff, "Smith", date(2026, 11, 20))  # 2-week review due by Fri 4 Dec
    window = main_window(sqlite_staff.receptionist, shown=True)
    to_book = rows_shown(window.worklists.list_for("to_book"))
    assert to_book.model.index(0, 0).data() == "2-week review"
    to_book.table.selectRow(0)
    to_book.buttons["Book review"].click()
    dialog = window.findChild(BookingDialog)
    assert dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.slots.count() > 0, timeout=10_000)  # looked for off the window's thread
    offered = dialog.slots.currentItem().text()
    qtbot.keyClick(dialog.slots, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    rows_shown(to_book)  # redrawn
    assert window.tab_titles()[0] == "To book (1)"  # only the 12-week check is left to book
    booked = appointments.get_appointment(sqlite_staff.receptionist, to_book_row_id(sqlite_staff, "booked"))
    assert booked.status == "booked" and booked.due_by == date(2026, 12, 4)
    assert booked.starts_at.astimezone(load_settings().zone).strftime("%H:%M") in offered


def to_book_row_id(staff, status: str) -> int:
    episode_id = worklists.to_book(staff.receptionist).rows[0].episode_id
    return next(row.id for row in appointments.appointments_for_episode(staff.receptionist, episode_id)
                if row.status == status)


def _attended_two_week_review(staff) -> int:
    episode_id = _episode(staff, "Green", date(2026, 11, 9))
    review = next(row for row in appointments.appointments_for_episode(staff.receptionist, episode_id)
                  if row.kind == "two_week_review")
    with frozen_at(MONDAY.replace(hour=8)):
        appointments.book_appointment(staff.receptionist, review.id, clinician_id=staff.clinician.user_id,
                                      starts_local=datetime(2026, 11, 23, 8, 30))
    appointments.record_attended(staff.receptionist, review.id)
    return episode_id


def test_clinician_records_a_high_risk_start_back_and_sees_the_referral_raised(qtbot, main_window, rows_shown,
                                                                               sqlite_staff):
    episode_id = _attended_two_week_review(sqlite_staff)
    window = main_window(sqlite_staff.clinician, shown=True)
    qtbot.waitUntil(lambda: window.tab_titles()[1:3] == ["Referrals to write (0)", "Assessments due (1)"])
    due = rows_shown(window.worklists.list_for("assessments_due"))
    due.table.selectRow(0)
    due.buttons["Record finding"].click()
    form = window.findChild(StartBackForm)
    assert form.isVisible() and not form.save_button.isEnabled()
    for group in form.items[:8]:
        group.buttons()[0].click()  # agree with all eight statements
    form.items[8].buttons()[4].click()  # extremely bothersome
    assert "risk: <b>HIGH</b>" in form.score.text()
    form.improvement.pain.setValue(6)  # the review's measures, and the clinician's judgement of them
    form.improvement.function.setValue(4)
    form.improvement.global_change.setCurrentIndex(4)
    form.improvement.improving_no.click()
    form.save_button.click()
    assert not form.isVisible()
    assert any("Biopsychosocial" in line for line in window.notices.texts())
    # The referral the pathway raised is on the clinician's list, with its action (the tab
    # behind is counted off the window's thread, the list read when it is chosen).
    qtbot.waitUntil(lambda: window.tab_titles()[1:3] == ["Referrals to write (1)", "Assessments due (0)"])
    to_write = rows_shown(window.worklists.list_for("referrals_to_write"))
    assert to_write.model.index(0, 0).data() == "Biopsychosocial assessment / specialised physiotherapy referral"
    raised = referrals.referrals_for_episode(sqlite_staff.clinician, episode_id)
    assert [referral.kind for referral in raised] == ["biopsychosocial"]


def test_manager_opens_an_overdue_12_week_check_from_the_overdue_list(qtbot, main_window, rows_shown, sqlite_staff):
    _episode(sqlite_staff, "Early", date(2026, 8, 3))  # 12-week check due by 26 Oct
    _episode(sqlite_staff, "Later", date(2026, 10, 26))  # only its 2-week review is overdue
    window = main_window(sqlite_staff.manager, shown=True)
    overdue = rows_shown(window.worklists.list_for("overdue"))
    twelve_week = next(number for number in range(overdue.kinds.count())
                       if overdue.kinds.item(number).text().startswith("12-week check"))
    overdue.kinds.setCurrentRow(twelve_week)
    rows_shown(overdue)
    assert overdue.model.total == 1
    overdue.table.doubleClicked.emit(overdue.model.index(0, 0))
    view = window.tabs.currentWidget()
    assert isinstance(view, PatientView) and view.title() == "EARLY, Ann"
    reviews = [view.reviews_model.index(row, 0).data() for row in range(view.reviews_model.rowCount())]
    assert any("12-week" in text for text in reviews)
