"""Opening a worklist row lands on its item in the patient's tab: the review or referral selected in
its list, or the letter or form it is about open, not just the time line (issue 13 §2)."""
from __future__ import annotations

from datetime import date, datetime, timezone

from database_fixtures import PASSWORD
from relaxant_answers import FOR_SPASM

from clinic_desktop.services.appointments import appointments
from clinic_desktop.services.core.clock import frozen_at
from clinic_desktop.services.episodes import episodes
from clinic_desktop.services.episodes.episodes import MedicationInput
from clinic_desktop.services.patients import patients
from clinic_desktop.services.referrals import referrals
from clinic_desktop.ui.forms.medication_form import MedicationForm
from clinic_desktop.ui.forms.start_back_form import StartBackForm
from clinic_desktop.ui.forms.warning_dialog import AcknowledgeWarningDialog
from clinic_desktop.ui.letters.letter_window import LetterWindow
from clinic_desktop.ui.letters.referral_dialogs import DraftLetterDialog, SignLetterDialog

CLINIC_TIME = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)  # Mon 23 Nov 2026 (tests/conftest.py)


def _episode(staff, first_contact: date, **facts) -> int:
    patient = patients.register_patient(staff.receptionist, family_name="Smith", given_name="Ann",
                                        date_of_birth=date(1970, 1, 1))
    return episodes.open_episode(staff.clinician, patient.id, first_contact_on=first_contact,
                                 presentation="non_specific", severity="moderate", **facts).episode_id


def _review(staff, episode_id: int, kind: str = "two_week_review") -> int:
    return next(row.id for row in appointments.appointments_for_episode(staff.receptionist, episode_id)
                if row.kind == kind)


def _open_first_row(qtbot, main_window, rows_shown, actor, list_key: str):
    """Sign in, show the list, double-click its first row: the patient's tab it opened."""
    window = main_window(actor, shown=True)
    shown = rows_shown(window.worklists.list_for(list_key))
    assert shown.model.total == 1
    shown.table.doubleClicked.emit(shown.model.index(0, 0))
    view = window.tabs.currentWidget()
    assert view.title() == "SMITH, Ann"
    return view


def _selected(view, table, model) -> int:
    return model.row_at(table.currentIndex().row()).id


def test_a_review_to_book_is_selected_in_the_patients_reviews(qtbot, main_window, rows_shown, sqlite_staff):
    episode_id = _episode(sqlite_staff, date(2026, 11, 20))
    twelve_week = _review(sqlite_staff, episode_id, "twelve_week_review")
    window = main_window(sqlite_staff.receptionist, shown=True)
    to_book = rows_shown(window.worklists.list_for("to_book"))
    to_book.table.doubleClicked.emit(to_book.model.index(1, 0))  # the second row: the 12-week check
    view = window.tabs.currentWidget()
    assert view.tabs.currentWidget() is view.reviews_tab
    assert _selected(view, view.reviews_table, view.reviews_model) == twelve_week
    assert view.actions.dialog is None  # selected, not booked: booking is the list's own button


def test_todays_visit_is_selected_in_the_patients_reviews(qtbot, main_window, rows_shown, sqlite_staff):
    episode_id = _episode(sqlite_staff, date(2026, 11, 16))
    review = _review(sqlite_staff, episode_id)
    appointments.book_appointment(sqlite_staff.receptionist, review, clinician_id=sqlite_staff.clinician.user_id,
                                  starts_local=datetime(2026, 11, 23, 11, 0))
    view = _open_first_row(qtbot, main_window, rows_shown, sqlite_staff.receptionist, "today")
    assert view.tabs.currentWidget() is view.reviews_tab
    assert _selected(view, view.reviews_table, view.reviews_model) == review


def test_a_referral_to_write_opens_its_letter(qtbot, main_window, rows_shown, sqlite_staff):
    episode_id = _episode(sqlite_staff, date(2026, 11, 23), red_flags=["suspected cauda equina syndrome"])
    referral = referrals.referrals_for_episode(sqlite_staff.clinician, episode_id)[0]
    view = _open_first_row(qtbot, main_window, rows_shown, sqlite_staff.clinician, "referrals_to_write")
    assert isinstance(view.actions.dialog, DraftLetterDialog) and view.actions.dialog.isVisible()
    assert view.actions.dialog.referral.id == referral.id
    assert _selected(view, view.referrals_table, view.referrals_model) == referral.id
    view.actions.dialog.reject()


def test_a_letter_awaiting_signature_opens_for_signing(qtbot, main_window, rows_shown, sqlite_staff):
    episode_id = _episode(sqlite_staff, date(2026, 11, 16))
    referral = referrals.raise_referral(sqlite_staff.clinician, episode_id, kind="spinal_surgical", reason="Seen")
    referrals.draft_referral(sqlite_staff.clinician, referral.id, "Dear colleague,")
    view = _open_first_row(qtbot, main_window, rows_shown, sqlite_staff.clinician, "awaiting_signature")
    assert isinstance(view.actions.dialog, SignLetterDialog) and view.actions.dialog.referral.id == referral.id
    view.actions.dialog.reject()


def test_a_letter_to_send_opens_in_its_window(qtbot, main_window, rows_shown, sqlite_staff):
    episode_id = _episode(sqlite_staff, date(2026, 11, 16))
    referral = referrals.raise_referral(sqlite_staff.clinician, episode_id, kind="spinal_surgical", reason="Seen")
    referrals.draft_referral(sqlite_staff.clinician, referral.id, "Dear colleague,")
    referrals.sign_referral(sqlite_staff.clinician, referral.id, PASSWORD)
    view = _open_first_row(qtbot, main_window, rows_shown, sqlite_staff.receptionist, "to_send")
    assert isinstance(view.actions.dialog, LetterWindow) and view.actions.dialog.isVisible()
    assert _selected(view, view.referrals_table, view.referrals_model) == referral.id
    view.actions.dialog.close()


def test_an_attended_review_opens_the_form_of_its_finding(qtbot, main_window, rows_shown, sqlite_staff):
    episode_id = _episode(sqlite_staff, date(2026, 11, 16))
    review = _review(sqlite_staff, episode_id)
    appointments.book_appointment(sqlite_staff.receptionist, review, clinician_id=sqlite_staff.clinician.user_id,
                                  starts_local=datetime(2026, 11, 23, 9, 0))
    appointments.record_attended(sqlite_staff.receptionist, review)
    view = _open_first_row(qtbot, main_window, rows_shown, sqlite_staff.clinician, "assessments_due")
    assert isinstance(view.actions.dialog, StartBackForm) and view.actions.dialog.isVisible()
    view.actions.dialog.reject()


def test_a_warning_opens_its_acknowledgement(qtbot, main_window, rows_shown, sqlite_staff):
    patient = patients.register_patient(sqlite_staff.receptionist, family_name="Smith", given_name="Ann",
                                        date_of_birth=date(1960, 5, 1))
    episodes.open_episode(sqlite_staff.clinician, patient.id, first_contact_on=date(2026, 11, 20),
                          presentation="non_specific", severity="moderate",
                          medications=[MedicationInput("Cyclobenzaprine", "muscle_relaxant", "5 mg", **FOR_SPASM)])
    patients.edit_patient(sqlite_staff.receptionist, patient.id, hepatic_impairment="moderate")
    view = _open_first_row(qtbot, main_window, rows_shown, sqlite_staff.clinician, "warnings")
    assert isinstance(view.actions.dialog, AcknowledgeWarningDialog)
    assert "not recommended" in view.actions.dialog.warning_text.text()
    view.actions.dialog.reject()


def test_a_relaxant_past_its_review_opens_the_medicines_form(qtbot, main_window, rows_shown, sqlite_staff):
    _episode(sqlite_staff, date(2026, 10, 26),
             medications=[MedicationInput("Cyclobenzaprine", "muscle_relaxant", "5 mg", **FOR_SPASM)])
    view = _open_first_row(qtbot, main_window, rows_shown, sqlite_staff.clinician, "relaxants")
    assert isinstance(view.actions.dialog, MedicationForm) and view.actions.dialog.isVisible()
    view.actions.dialog.reject()


def test_an_overdue_review_is_selected_for_the_manager(qtbot, main_window, rows_shown, sqlite_staff):
    episode_id = _episode(sqlite_staff, date(2026, 10, 1))
    with frozen_at(datetime(2026, 10, 20, 9, 0, tzinfo=timezone.utc)):  # only the 2-week review is overdue
        window = main_window(sqlite_staff.manager, shown=True)
        overdue = rows_shown(window.worklists.list_for("overdue"))
        assert overdue.model.total == 1
        overdue.table.doubleClicked.emit(overdue.model.index(0, 0))
    view = window.tabs.currentWidget()
    assert view.tabs.currentWidget() is view.reviews_tab
    assert _selected(view, view.reviews_table, view.reviews_model) == _review(sqlite_staff, episode_id)


def test_a_referral_the_manager_cannot_write_is_selected_not_opened(qtbot, main_window, rows_shown, sqlite_staff):
    episode_id = _episode(sqlite_staff, date(2026, 11, 23), red_flags=["suspected spinal fracture"])
    window = main_window(sqlite_staff.manager, shown=True)
    work = rows_shown(window.worklists.list_for("open_work"))
    row = next(number for number in range(work.model.rowCount())
               if work.model.row_at(number).kind == "referral_to_write")
    work.table.doubleClicked.emit(work.model.index(row, 0))
    view = window.tabs.currentWidget()
    assert view.actions.dialog is None  # drafting is a clinician's
    assert view.tabs.currentWidget() is view.referrals_tab
    assert _selected(view, view.referrals_table, view.referrals_model) == \
        referrals.referrals_for_episode(sqlite_staff.clinician, episode_id)[0].id
