"""The patient header's next-action button: what each role is offered, and that pressing it does it."""
from __future__ import annotations

from datetime import date, datetime, timezone

from PySide6.QtCore import Qt
from relaxant_answers import FOR_SPASM

from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.services.appointments import appointments
from clinic_desktop.services.core.clock import frozen_at
from clinic_desktop.services.episodes import episodes
from clinic_desktop.services.episodes.episodes import MedicationInput
from clinic_desktop.services.patients import patients
from clinic_desktop.services.referrals import referrals
from clinic_desktop.ui.book.booking_dialog import BookingDialog
from clinic_desktop.ui.forms.start_back_form import StartBackForm
from clinic_desktop.ui.forms.warning_dialog import AcknowledgeWarningDialog
from clinic_desktop.ui.letters.referral_dialogs import DraftLetterDialog
from clinic_desktop.ui.patients.patient_view import PatientView
from clinic_desktop.ui.shell.change_hub import ChangeHub

CLINIC_TIME = datetime(2026, 6, 1, 9, 0, tzinfo=timezone.utc)  # Mon 1 Jun 2026, 10:00 in London


def _patient(staff, **facts) -> tuple[int, int]:
    patient = patients.register_patient(staff.receptionist, family_name="Smith", given_name="Ann",
                                        date_of_birth=date(1961, 2, 9))
    episode_id = episodes.open_episode(staff.clinician, patient.id, first_contact_on=date(2026, 6, 1),
                                       presentation="non_specific", severity="moderate", **facts).episode_id
    return patient.id, episode_id


def _view(qtbot, actor, patient_id: int) -> PatientView:
    view = PatientView(actor, load_settings(), ChangeHub(actor, poll_seconds=3600), patient_id)
    qtbot.addWidget(view)
    view.show()
    return view


def _press(qtbot, view: PatientView):
    qtbot.mouseClick(view.next_button, Qt.MouseButton.LeftButton)
    opened = view.actions.dialog
    assert opened is not None and opened.isVisible()
    return opened


def test_reception_books_the_due_review_from_the_header_in_one_click(qtbot, sqlite_staff):
    patient_id, episode_id = _patient(sqlite_staff)
    view = _view(qtbot, sqlite_staff.receptionist, patient_id)
    assert view.next_button.isVisible()
    assert view.next_button.text() == "Book the 2-week review (due by Mon 15 Jun 2026)"
    dialog = _press(qtbot, view)
    two_week = next(review for review in appointments.appointments_for_episode(sqlite_staff.receptionist, episode_id)
                    if review.kind == "two_week_review")
    assert isinstance(dialog, BookingDialog) and dialog.appointment_id == two_week.id
    assert view.tabs.currentWidget() is view.reviews_tab  # and the review is the one selected in its list
    assert view.reviews_model.row_at(view.reviews_table.currentIndex().row()).id == two_week.id
    dialog.reject()


def test_a_clinician_writes_the_urgent_letter_from_the_header(qtbot, sqlite_staff):
    patient_id, episode_id = _patient(sqlite_staff, red_flags=["suspected cauda equina syndrome"])
    referral = referrals.referrals_for_episode(sqlite_staff.clinician, episode_id)[0]
    view = _view(qtbot, sqlite_staff.clinician, patient_id)
    assert view.next_button.text().startswith("⚠ URGENT · Write the letter: urgent red-flag referral")
    dialog = _press(qtbot, view)
    assert isinstance(dialog, DraftLetterDialog) and dialog.referral.id == referral.id
    dialog.reject()


def test_a_clinician_records_the_outcome_of_an_attended_review_from_the_header(qtbot, sqlite_staff):
    patient_id, episode_id = _patient(sqlite_staff)
    review = next(review for review in appointments.appointments_for_episode(sqlite_staff.receptionist, episode_id)
                  if review.kind == "two_week_review")
    appointments.book_appointment(sqlite_staff.receptionist, review.id, clinician_id=sqlite_staff.clinician.user_id,
                                  starts_local=datetime(2026, 6, 2, 9, 0))
    with frozen_at(datetime(2026, 6, 2, 8, 30, tzinfo=timezone.utc)):
        appointments.record_attended(sqlite_staff.receptionist, review.id)
        view = _view(qtbot, sqlite_staff.clinician, patient_id)
        assert view.next_button.text().startswith("Record the outcome: STarT Back of the 2-week review")
        dialog = _press(qtbot, view)
    assert isinstance(dialog, StartBackForm)
    dialog.reject()


def test_a_clinician_acknowledges_the_warning_from_the_header(qtbot, sqlite_staff):
    patient = patients.register_patient(sqlite_staff.receptionist, family_name="Liver", given_name="Ann",
                                        date_of_birth=date(1960, 5, 1))
    episodes.open_episode(sqlite_staff.clinician, patient.id, first_contact_on=date(2026, 6, 1),
                          presentation="non_specific", severity="moderate",
                          medications=[MedicationInput("Cyclobenzaprine", "muscle_relaxant", "5 mg", **FOR_SPASM)])
    patients.edit_patient(sqlite_staff.receptionist, patient.id, hepatic_impairment="moderate")
    view = _view(qtbot, sqlite_staff.clinician, patient.id)
    assert view.next_button.text() == "Acknowledge the warning (due by Mon 1 Jun 2026)"
    dialog = _press(qtbot, view)
    assert isinstance(dialog, AcknowledgeWarningDialog) and "not recommended" in dialog.warning_text.text()
    dialog.reject()


def test_the_manager_is_offered_what_is_overdue_and_nothing_else(qtbot, sqlite_staff):
    patient_id, _ = _patient(sqlite_staff)
    assert not _view(qtbot, sqlite_staff.manager, patient_id).next_button.isVisible()
    with frozen_at(datetime(2026, 6, 20, 9, 0, tzinfo=timezone.utc)):
        view = _view(qtbot, sqlite_staff.manager, patient_id)
        assert view.next_button.text() == "OVERDUE 5 d · Book the 2-week review (reviews to book)"
        assert isinstance(_press(qtbot, view), BookingDialog)


def test_the_button_moves_on_once_its_thing_is_done(qtbot, sqlite_staff):
    patient_id, episode_id = _patient(sqlite_staff)
    view = _view(qtbot, sqlite_staff.receptionist, patient_id)
    dialog = _press(qtbot, view)
    appointments.book_appointment(sqlite_staff.receptionist, dialog.appointment_id,
                                  clinician_id=sqlite_staff.clinician.user_id, starts_local=datetime(2026, 6, 2, 9, 0))
    dialog.reject()
    view.reload()
    assert view.next_button.text() == "Book the 12-week check (due by Mon 24 Aug 2026)"


def test_the_patients_lists_filter_as_typed_and_esc_clears(qtbot, sqlite_staff):
    patient_id, _ = _patient(sqlite_staff)
    view = _view(qtbot, sqlite_staff.receptionist, patient_id)
    view.tabs.setCurrentWidget(view.reviews_tab)
    assert view.reviews_model.rowCount() == 2
    qtbot.keyClicks(view.list_filter, "12-WEEK")
    assert [view.reviews_model.index(row, 0).data() for row in range(view.reviews_model.rowCount())] == [
        "12-week check"]
    assert view.reviews_model.row_at(view.reviews_table.currentIndex().row()).kind == "twelve_week_review"
    qtbot.keyClick(view.list_filter, Qt.Key.Key_Escape)
    assert view.list_filter.text() == "" and view.reviews_model.rowCount() == 2
