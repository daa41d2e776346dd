"""The Clinic page: details, hours, idle lock, holiday region and closure days, saved together."""
from __future__ import annotations

from datetime import date, datetime, time, timezone

import pytest
from admin_helpers import shown, type_into
from PySide6.QtCore import QDate, Qt, QTime
from PySide6.QtWidgets import QMessageBox

from clinic_desktop.models import Appointment
from clinic_desktop.services.admin.settings import load_settings, update_clinic_settings
from clinic_desktop.services.appointments import appointments
from clinic_desktop.services.core.clock import frozen_at
from clinic_desktop.services.episodes import episodes
from clinic_desktop.services.patients import patients
from clinic_desktop.ui.admin.admin_clinic import ClinicPage
from clinic_desktop.ui.shell.change_hub import ChangeHub

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=timezone.utc)  # Thu 26 Nov 2026


@pytest.fixture
def page(qtbot, sqlite_staff):
    with frozen_at(NOW):
        update_clinic_settings(sqlite_staff.manager, name="Riverside MSK", closure_days=[date(2026, 12, 24)])
        widget = shown(qtbot, ClinicPage(sqlite_staff.manager, load_settings(), ChangeHub(sqlite_staff.manager)))
        yield widget


def click(qtbot, button):
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def listed_closures(page) -> list[str]:
    return [page.closures.item(row).text() for row in range(page.closures.count())]


def test_the_page_shows_the_stored_settings(page):
    assert page.name.text() == "Riverside MSK"
    assert (page.opens_at.time(), page.slot_minutes.value(), page.lock_after.value()) == (QTime(8, 30), 20, 10)
    assert listed_closures(page) == ["Thursday 24 Dec 2026"]


def test_changed_details_are_saved_and_passed_on(qtbot, page):
    type_into(qtbot, page.name, "Riverside Back Pain Clinic")
    page.slot_minutes.setValue(30)
    with qtbot.waitSignal(page.settings_changed) as changed:
        click(qtbot, page.save_button)
    assert changed.args[0].name == "Riverside Back Pain Clinic"
    assert (load_settings().name, load_settings().slot_minutes) == ("Riverside Back Pain Clinic", 30)
    assert page.message.text() == "Saved: name, slot minutes."


def test_the_wait_before_chasing_a_referral_reply_is_saved(qtbot, page):
    assert page.chase_after.value() == 10
    page.chase_after.setValue(5)
    with qtbot.waitSignal(page.settings_changed):
        click(qtbot, page.save_button)
    assert load_settings().referral_acknowledgement_working_days == 5
    assert page.message.text() == "Saved: referral acknowledgement working days."


def test_a_new_closure_day_moves_a_waiting_deadline(qtbot, page, sqlite_staff):
    patient = patients.register_patient(sqlite_staff.receptionist, family_name="Khan", given_name="Aisha",
                                        date_of_birth=date(1980, 3, 4))
    episode_id = episodes.open_episode(sqlite_staff.clinician, patient.id, first_contact_on=date(2026, 11, 26),
                                       presentation="non_specific", severity="mild").episode_id
    page.new_closure.setDate(QDate(2026, 12, 10))  # the 2-week review's deadline
    click(qtbot, page.add_closure)
    assert listed_closures(page) == ["Thursday 10 Dec 2026", "Thursday 24 Dec 2026"]
    click(qtbot, page.save_button)
    box = page.confirmation
    assert box.text().startswith("Saving moves 1 deadline of reviews still to book and referrals only raised.")
    review = Appointment.get((Appointment.episode == episode_id) & (Appointment.kind == "two_week_review"))
    assert (review.due_by, load_settings().closure_days) == (date(2026, 12, 10), (date(2026, 12, 24),))
    click(qtbot, box.button(QMessageBox.StandardButton.Save))
    assert load_settings().closure_days == (date(2026, 12, 10), date(2026, 12, 24))
    review = Appointment.get((Appointment.episode == episode_id) & (Appointment.kind == "two_week_review"))
    assert review.due_by == date(2026, 12, 9)
    assert page.message.text() == "Saved: closure days. 1 deadline of items nobody has acted on moved."


def test_a_closure_day_change_is_not_saved_when_the_manager_cancels(qtbot, page, sqlite_staff):
    patient = patients.register_patient(sqlite_staff.receptionist, family_name="Khan", given_name="Aisha",
                                        date_of_birth=date(1980, 3, 4))
    episodes.open_episode(sqlite_staff.clinician, patient.id, first_contact_on=date(2026, 11, 26),
                          presentation="non_specific", severity="mild")
    page.new_closure.setDate(QDate(2026, 12, 10))
    click(qtbot, page.add_closure)
    click(qtbot, page.save_button)
    click(qtbot, page.confirmation.button(QMessageBox.StandardButton.Cancel))
    assert load_settings().closure_days == (date(2026, 12, 24),)
    assert listed_closures(page) == ["Thursday 10 Dec 2026", "Thursday 24 Dec 2026"]  # kept to save or undo


def test_a_closure_day_is_removed(qtbot, page):
    page.closures.setCurrentRow(0)
    click(qtbot, page.remove_closure)
    click(qtbot, page.save_button)
    assert load_settings().closure_days == ()
    assert page.message.text() == ("Saved: closure days. No deadline of an item nobody has acted on had to "
                                   "move.")


def test_the_same_closure_day_twice_is_refused(qtbot, page):
    page.new_closure.setDate(QDate(2026, 12, 24))
    click(qtbot, page.add_closure)
    assert page.message.text() == "24 Dec 2026 is already a closure day."
    assert listed_closures(page) == ["Thursday 24 Dec 2026"]


def test_closing_before_opening_is_refused_in_words_and_nothing_is_saved(qtbot, page):
    page.closes_at.setTime(QTime(8, 0))
    click(qtbot, page.save_button)
    assert page.message.text() == "The clinic must open before it closes."
    assert load_settings().closes_at == time(17, 30)
    assert page.closes_at.time() == QTime(8, 0)  # what was typed stays to be corrected


def test_an_unknown_holiday_region_is_refused(qtbot, page):
    page.region.setCurrentText("XX-YY")
    click(qtbot, page.save_button)
    assert page.message.text().startswith("Unknown holiday region 'XX-YY'")
    assert load_settings().holiday_region == "GB-ENG"


def test_saving_with_nothing_changed_says_so(qtbot, page):
    click(qtbot, page.save_button)
    assert page.message.text() == "Nothing to save: no setting was changed."


def test_undo_puts_back_the_stored_values(qtbot, page):
    type_into(qtbot, page.telephone, "0117 000 0000")
    click(qtbot, page.undo_button)
    assert page.telephone.text() == "" and page.changes() == {}


def test_a_change_made_on_another_workstation_shows_when_nothing_is_being_edited(page, sqlite_staff):
    update_clinic_settings(sqlite_staff.manager, telephone="0117 496 0999")
    page.hub.poll()
    assert page.telephone.text() == "0117 496 0999"


def test_a_change_made_elsewhere_does_not_overwrite_what_is_being_typed(qtbot, page, sqlite_staff):
    type_into(qtbot, page.name, "Riverside Spinal")
    update_clinic_settings(sqlite_staff.manager, telephone="0117 496 0999")
    page.hub.poll()
    assert page.name.text() == "Riverside Spinal"


def _booked_on_friday(sqlite_staff, family_name: str, at: time) -> None:
    """A 2-week review booked with Dr Jones on Fri 27 Nov 2026 at a clinic wall time."""
    patient = patients.register_patient(sqlite_staff.receptionist, family_name=family_name, given_name="Aisha",
                                        date_of_birth=date(1980, 3, 4))
    episode_id = episodes.open_episode(sqlite_staff.clinician, patient.id, first_contact_on=date(2026, 11, 26),
                                       presentation="non_specific", severity="mild").episode_id
    review = Appointment.get((Appointment.episode == episode_id) & (Appointment.kind == "two_week_review"))
    appointments.book_appointment(sqlite_staff.receptionist, review.id, clinician_id=sqlite_staff.clinician.user_id,
                                  starts_local=datetime.combine(date(2026, 11, 27), at))


def test_a_closure_day_with_booked_appointments_is_refused_in_words(qtbot, page, sqlite_staff):
    with frozen_at(NOW):
        _booked_on_friday(sqlite_staff, "Khan", time(9, 10))
        _booked_on_friday(sqlite_staff, "Lee", time(11, 0))
        page.new_closure.setDate(QDate(2026, 11, 27))
        click(qtbot, page.add_closure)
        click(qtbot, page.save_button)
    assert page.confirmation is None
    assert page.message.text() == ("2 appointments are booked on Fri 27 Nov 2026 (the first at 09:10): move them "
                                   "before closing that day.")
    assert load_settings().closure_days == (date(2026, 12, 24),)


def test_opening_hours_that_leave_out_a_booked_appointment_are_refused_in_words(qtbot, page, sqlite_staff):
    with frozen_at(NOW):
        _booked_on_friday(sqlite_staff, "Khan", time(9, 10))
        page.opens_at.setTime(QTime(9, 30))
        click(qtbot, page.save_button)
    assert page.message.text() == ("1 booked appointment falls outside the new opening hours 09:30–17:30, on Fri 27 "
                                   "Nov 2026 at 09:10: move it before changing the hours.")
    assert load_settings().opens_at == time(8, 30)
