"""Each shown list re-reads only when a change can touch it (issue 19), and always when one can.

Each view is told of one kind of change at a time, as the change hub tells it, and its reading
entry point counts the reads. The kinds each view must answer are written out here by hand from
what its service reads, not taken from the view's own declaration; that the writes behind each
kind reach no further than services/core/change_reach.py says is checked by the state machine
(tests/services/episodes/test_change_reach_machine.py). A change too big to list, and the clinic's
new day, re-read every view.
"""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from patient_story import build_story
from told_changes import counted, shown, told

from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.services.core.entity import Entity
from clinic_desktop.services.episodes import episodes
from clinic_desktop.services.patients import patients
from clinic_desktop.ui.admin import admin_clinic, admin_destinations, admin_sessions, admin_users, backup_page
from clinic_desktop.ui.book.appointment_book import AppointmentBookView
from clinic_desktop.ui.book.waiting_list_view import WaitingListView
from clinic_desktop.ui.letters import letter_window
from clinic_desktop.ui.letters.letter_batch_dialog import LetterBatchDialog
from clinic_desktop.ui.manager.audit_viewer import AuditViewer
from clinic_desktop.ui.manager.dashboard import DashboardView
from clinic_desktop.ui.patients.patient_view import PatientView
from clinic_desktop.ui.reminders.reminders_page import RemindersPage
from clinic_desktop.ui.shell.change_hub import ChangeHub

CLINIC_TIME = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)  # every test here (tests/conftest.py: clinic_clock)

# What the records of care are changed by: the kind itself, a clinical fact (which runs the pathway: it
# books reviews, raises referrals, discharges), a patient's details (which run it again), a hand-over or
# leave (USER), and a timing or closure day (CLINIC_SETTING), which move due dates. Names come from
# PATIENT, whose list it is from EPISODE and USER.
CARE = {Entity.EPISODE, Entity.PATIENT, Entity.USER, Entity.CLINIC_SETTING}
APPOINTMENTS = CARE | {Entity.APPOINTMENT}
REFERRALS = CARE | {Entity.REFERRAL}
BOTH = APPOINTMENTS | REFERRALS

WORKLISTS = {
    "to_book": APPOINTMENTS, "today": APPOINTMENTS, "outcome_to_record": APPOINTMENTS,
    "did_not_attend": APPOINTMENTS, "assessments_due": APPOINTMENTS,
    "referrals_to_write": REFERRALS, "awaiting_signature": REFERRALS, "acknowledgements": REFERRALS,
    "cancelled_red_flags": REFERRALS,
    "to_send": REFERRALS | {Entity.REFERRAL_DESTINATION},  # the recipient's name is on the row
    "overdue": BOTH, "open_work": BOTH,
    "warnings": CARE, "relaxants": CARE,  # warnings and medicines are recorded in the episode
}


def kinds_read(hub: ChangeHub, reads: list, **options) -> set[Entity]:
    """The kinds of change, told one at a time, after which the view read again."""
    answered = set()
    for kind in Entity:
        before = len(reads)
        told(hub, kind, **options)
        if len(reads) > before:
            answered.add(kind)
    return answered


@pytest.mark.parametrize("role", ["receptionist", "clinician", "manager"])
def test_each_worklist_on_screen_reads_again_for_the_changes_it_shows_only(qtbot, main_window, sqlite_staff,
                                                                          rows_shown, monkeypatch, role):
    window = main_window(getattr(sqlite_staff, role), shown=True)
    for worklist in window.worklists.lists:
        rows_shown(worklist)
        reads = counted(monkeypatch, worklist, "reload")
        assert kinds_read(window.hub, reads) == WORKLISTS[worklist.view.key], worklist.view.key
        qtbot.waitUntil(worklist.is_read)


def test_a_list_behind_another_tab_is_counted_again_only_for_changes_it_shows(qtbot, main_window, sqlite_staff,
                                                                             rows_shown, monkeypatch):
    window = main_window(sqlite_staff.clinician, shown=True)
    rows_shown(window.worklists.list_for("today"))
    warnings = window.worklists.list_for("warnings")
    counts = counted(monkeypatch, warnings, "count")
    told(window.hub, Entity.APPOINTMENT)  # a booking: no warning comes or goes
    qtbot.waitUntil(lambda: not window.worklists._recounting.is_running())
    assert counts == []
    told(window.hub, Entity.EPISODE)  # a fact recorded: a warning may be raised
    qtbot.waitUntil(lambda: len(counts) == 1)


def test_a_hidden_list_reads_again_when_shown_only_if_a_change_meanwhile_could_touch_it(
        qtbot, main_window, sqlite_staff, rows_shown, monkeypatch):
    window = main_window(sqlite_staff.clinician, shown=True)
    warnings = rows_shown(window.worklists.list_for("warnings"))
    rows_shown(window.worklists.list_for("today"))
    reads = counted(monkeypatch, warnings, "reload")
    told(window.hub, Entity.APPOINTMENT)
    told(window.hub, Entity.REMINDER)
    rows_shown(warnings)
    assert reads == []
    rows_shown(window.worklists.list_for("today"))
    told(window.hub, Entity.APPOINTMENT)
    told(window.hub, Entity.EPISODE)
    rows_shown(warnings)
    assert len(reads) == 1  # the two changes merged, read once


@pytest.mark.parametrize("flags", [{"everything": True}, {"everything": True, "new_day": True}])
def test_a_change_too_big_to_list_or_a_new_day_reads_every_list_again(qtbot, main_window, sqlite_staff,
                                                                       rows_shown, monkeypatch, flags):
    window = main_window(sqlite_staff.clinician, shown=True)
    warnings = rows_shown(window.worklists.list_for("warnings"))
    reads = counted(monkeypatch, warnings, "reload")
    told(window.hub, Entity.REPORT, **flags)
    assert len(reads) == 1


def test_the_dashboard_reads_again_for_what_it_counts_only(qtbot, sqlite_staff, hub, monkeypatch):
    reads = counted(monkeypatch, DashboardView, "reload_in_background")
    view = shown(qtbot, DashboardView(sqlite_staff.manager, load_settings(), hub))
    qtbot.waitUntil(lambda: not view.is_reading())
    reads.clear()
    assert kinds_read(hub, reads) == BOTH
    qtbot.waitUntil(lambda: not view.is_reading())


def test_the_appointment_book_reads_again_for_bookings_patients_clinicians_and_hours_only(
        qtbot, sqlite_staff, hub, monkeypatch):
    reads = counted(monkeypatch, AppointmentBookView, "reload")
    shown(qtbot, AppointmentBookView(sqlite_staff.receptionist, load_settings(), hub))
    reads.clear()
    # a discharge (EPISODE) cancels a booking; leave (USER) takes bookings off; hours are settings
    assert kinds_read(hub, reads) == APPOINTMENTS


def test_the_waiting_list_reads_again_for_what_moves_an_entry_only(qtbot, sqlite_staff, hub, monkeypatch):
    reads = counted(monkeypatch, WaitingListView, "reload")
    shown(qtbot, WaitingListView(sqlite_staff.receptionist, hub))
    reads.clear()
    assert kinds_read(hub, reads) == APPOINTMENTS


def test_the_reminders_page_reads_again_after_a_discharge_or_leave_took_a_booking_away(
        qtbot, sqlite_staff, hub, monkeypatch):
    reads = counted(monkeypatch, RemindersPage, "refresh")
    shown(qtbot, RemindersPage(sqlite_staff.receptionist, load_settings(), hub))
    reads.clear()
    assert kinds_read(hub, reads) == APPOINTMENTS | {Entity.REMINDER}


def test_the_audit_viewer_reads_again_for_every_change(qtbot, sqlite_staff, hub, monkeypatch):
    reads = counted(monkeypatch, AuditViewer, "reload")
    shown(qtbot, AuditViewer(sqlite_staff.manager, load_settings(), hub))
    reads.clear()
    assert kinds_read(hub, reads) == set(Entity)


@pytest.mark.parametrize(("page", "make", "entry", "kinds"), [
    ("users", lambda staff, hub: admin_users.UsersPage(staff.manager, hub), "reload", {Entity.USER}),
    ("destinations", lambda staff, hub: admin_destinations.DestinationsPage(staff.manager, hub), "reload",
     {Entity.REFERRAL_DESTINATION}),
    ("sessions", lambda staff, hub: admin_sessions.SessionsPage(staff.manager, load_settings(), hub),
     "_load_clinicians", {Entity.USER, Entity.CLINIC_SETTING}),
    ("clinic", lambda staff, hub: admin_clinic.ClinicPage(staff.manager, load_settings(), hub), "show_settings",
     {Entity.CLINIC_SETTING}),
    ("backups", lambda staff, hub: backup_page.BackupPage(staff.manager, load_settings(), hub), "refresh_copies",
     {Entity.DATABASE, Entity.CLINIC_SETTING}),
])
def test_each_administration_page_reads_again_for_its_own_records_only(qtbot, sqlite_staff, hub, monkeypatch,
                                                                      page, make, entry, kinds):
    view = shown(qtbot, make(sqlite_staff, hub))
    reads = counted(monkeypatch, view, entry)
    assert kinds_read(hub, reads) == kinds, page


@pytest.fixture
def two_patients(sqlite_staff):
    story = build_story(sqlite_staff)
    other = patients.register_patient(sqlite_staff.receptionist, family_name="Jones", given_name="Bob",
                                      date_of_birth=date(1961, 3, 4))
    return story, other.id


# For one patient: a change that names them, of a kind that changes their record; a hand-over, leave, a
# timing or a closure day (they name nobody) whoever it touched.
UNNAMED = {Entity.USER, Entity.CLINIC_SETTING}
NAMED = {Entity.APPOINTMENT, Entity.EPISODE, Entity.PATIENT, Entity.REFERRAL}


def test_a_patients_page_reads_again_for_changes_to_them_and_to_nobody_in_particular(
        qtbot, sqlite_staff, hub, monkeypatch, two_patients):
    story, other = two_patients
    reads = counted(monkeypatch, PatientView, "reload")
    shown(qtbot, PatientView(sqlite_staff.clinician, load_settings(), hub, story.patient_id))
    reads.clear()
    assert kinds_read(hub, reads, patient_id=story.patient_id) == NAMED | UNNAMED
    assert kinds_read(hub, reads, patient_id=other) == UNNAMED


def test_a_letters_window_reads_again_for_its_patient_and_for_the_letterhead_or_the_recipients(
        qtbot, sqlite_staff, hub, monkeypatch, two_patients):
    story, other = two_patients
    window = shown(qtbot, letter_window.LetterWindow.for_referral(sqlite_staff.clinician, load_settings(),
                                                                   story.referral_id, hub=hub))
    reads = counted(monkeypatch, letter_window.referrals, "get_referral")
    anyone = UNNAMED | {Entity.REFERRAL_DESTINATION}
    assert kinds_read(hub, reads, patient_id=story.patient_id) == NAMED | anyone
    assert kinds_read(hub, reads, patient_id=other) == anyone
    window.close()


def test_the_batch_of_letters_to_send_reads_again_for_what_its_rows_show(qtbot, sqlite_staff, hub, monkeypatch):
    reads = counted(monkeypatch, LetterBatchDialog, "reload")
    shown(qtbot, LetterBatchDialog(sqlite_staff.receptionist, load_settings(), hub, choose_folder=lambda _p: ""))
    reads.clear()
    assert kinds_read(hub, reads) == WORKLISTS["to_send"]


def test_the_urgent_banner_reads_again_for_a_red_flag_recorded_in_an_episode(qtbot, main_window, sqlite_staff,
                                                                            monkeypatch):
    window = main_window(sqlite_staff.receptionist, shown=True)
    reads = counted(monkeypatch, window, "_show_urgent")
    assert kinds_read(window.hub, reads) == REFERRALS


def test_a_red_flag_recorded_on_another_workstation_reaches_the_urgent_banner(qtbot, main_window, sqlite_staff):
    """The red flag is an episode's fact; the urgent referral it raises is not a change of its own."""
    window = main_window(sqlite_staff.receptionist, shown=True)
    assert window.urgent.isHidden()
    patient = patients.register_patient(sqlite_staff.receptionist, family_name="Evans", given_name="Cara",
                                        date_of_birth=date(1980, 5, 6))
    episodes.open_episode(sqlite_staff.clinician, patient.id, first_contact_on=date(2026, 11, 23),
                          presentation="non_specific", severity="moderate", red_flags=["suspected cauda equina"])
    window.hub.poll()
    qtbot.waitUntil(lambda: not window.urgent.isHidden())
    assert "EVANS" in window.urgent.summary.text().upper()
