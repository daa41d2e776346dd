"""A change to nothing but a patient's details (a registration) re-reads a list of care only when that
patient is on its rows (issue 19: at 200 workstations a whole-clinic list re-read after every
registration anywhere cost five times the poll), and always while the list is filtered by words or
being read, or where patients' details decide its rows (the reminders page).
"""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from database_fixtures import PASSWORD
from patient_story import build_story
from told_changes import counted, shown, told

from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.services.appointments import appointments, waiting_list
from clinic_desktop.services.core.change_reach import Reached, Record
from clinic_desktop.services.core.entity import Entity
from clinic_desktop.services.patients import patients
from clinic_desktop.services.referrals import referrals
from clinic_desktop.ui.book.appointment_book import AppointmentBookView
from clinic_desktop.ui.book.waiting_list_view import WaitingListView
from clinic_desktop.ui.letters.letter_batch_dialog import LetterBatchDialog
from clinic_desktop.ui.manager.dashboard import DashboardView
from clinic_desktop.ui.reminders.reminders_page import RemindersPage
from clinic_desktop.ui.shell.change_hub import Changes

CLINIC_TIME = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)  # every test here (tests/conftest.py: clinic_clock)



def _register_elsewhere(staff) -> int:
    """A patient registered on another workstation: nobody's care yet."""
    return patients.register_patient(staff.receptionist, family_name="Newcomer", given_name="Nia",
                                     date_of_birth=date(1990, 7, 8)).id


def test_a_registration_reads_no_list_of_care_again_unless_its_patient_is_on_the_rows(
        qtbot, main_window, sqlite_staff, rows_shown, monkeypatch):
    """At 200 workstations a whole-clinic list re-read after every registration anywhere cost five times the
    poll (issue 19); a patient just registered is on nobody's list, and a change to a patient's details
    alone matters to a list only where that patient is on its rows."""
    story = build_story(sqlite_staff)
    window = main_window(sqlite_staff.manager, shown=True)
    overdue = rows_shown(window.worklists.list_for("overdue"))
    assert story.patient_id in overdue.patients_shown()
    reads = counted(monkeypatch, overdue, "reload")
    _register_elsewhere(sqlite_staff)
    window.hub.poll()
    assert reads == []
    window.hub.changed.emit(Changes(frozenset({Reached(Record.PATIENT, story.patient_id)})))  # her details alone
    assert len(reads) == 1
    qtbot.waitUntil(overdue.is_read)


def test_while_a_list_is_filtered_by_words_a_registration_reads_it_again(qtbot, main_window, sqlite_staff,
                                                                          rows_shown, monkeypatch):
    """The words match patients' names: whose details changed decides what the filter keeps."""
    build_story(sqlite_staff)
    window = main_window(sqlite_staff.manager, shown=True)
    overdue = rows_shown(window.worklists.list_for("overdue"))
    overdue.list.filter.setText("Smi")
    qtbot.waitUntil(overdue.is_read)
    reads = counted(monkeypatch, overdue, "reload")
    _register_elsewhere(sqlite_staff)
    window.hub.poll()
    assert len(reads) == 1
    qtbot.waitUntil(overdue.is_read)


def test_while_a_list_of_care_is_being_read_a_registration_reads_it_again(qtbot, main_window, sqlite_staff,
                                                                          rows_shown, monkeypatch):
    """The rows on their way were read before the change was announced and may be that patient's."""
    window = main_window(sqlite_staff.receptionist, shown=True)
    to_book = rows_shown(window.worklists.list_for("to_book"))
    reads = counted(monkeypatch, to_book, "reload")
    to_book.reload()
    assert not to_book.is_read()
    told(window.hub, Entity.PATIENT, patient_id=_register_elsewhere(sqlite_staff), action="register_patient")
    assert len(reads) == 2
    qtbot.waitUntil(to_book.is_read)


def test_the_dashboard_does_not_read_again_for_a_registration(qtbot, sqlite_staff, hub, monkeypatch):
    story = build_story(sqlite_staff)
    reads = counted(monkeypatch, DashboardView, "reload_in_background")
    view = shown(qtbot, DashboardView(sqlite_staff.manager, load_settings(), hub))
    hub.poll()  # the story, written after the hub started
    qtbot.waitUntil(lambda: not view.is_reading())
    reads.clear()
    _register_elsewhere(sqlite_staff)
    hub.poll()
    assert reads == []
    told(hub, Entity.APPOINTMENT, patient_id=story.patient_id)  # a booking: it counts those
    assert len(reads) == 1
    qtbot.waitUntil(lambda: not view.is_reading())


def test_the_urgent_banner_on_every_window_is_not_read_again_for_a_registration(qtbot, main_window, sqlite_staff,
                                                                               monkeypatch):
    window = main_window(sqlite_staff.receptionist, shown=True)
    reads = counted(monkeypatch, window, "_show_urgent")
    _register_elsewhere(sqlite_staff)
    window.hub.poll()
    assert reads == []
    told(window.hub, Entity.EPISODE, patient_id=1)  # a clinical fact, about anyone: a red flag, maybe
    assert len(reads) == 1


def _book(mode: str):
    """The appointment book in ``mode`` (``day_mode``, ``week_mode``, ``clinic_mode``) on Wed 11 Nov, when
    SMITH, Ann came to her 2-week review."""
    def opened(staff, hub):
        view = AppointmentBookView(staff.receptionist, load_settings(), hub)
        getattr(view, mode).setChecked(True)
        view.show_day(date(2026, 11, 11), staff.clinician.user_id)
        return view
    return opened


# The other views that list items of care, each on its patient's row, in an order their details do not decide.
CARE_VIEWS = {
    "book-day": _book("day_mode"),
    "book-week": _book("week_mode"),
    "clinic-day": _book("clinic_mode"),
    "waiting-list": lambda staff, hub: WaitingListView(staff.receptionist, hub),
    "letters-to-send": lambda staff, hub: LetterBatchDialog(staff.receptionist, load_settings(), hub,
                                                            choose_folder=lambda _parent: ""),
}


@pytest.fixture
def ann_on_every_list(sqlite_staff):
    """SMITH, Ann's story with her letter signed and not yet sent, and her 12-week check on the waiting list."""
    story = build_story(sqlite_staff, sign=False)
    referrals.sign_referral(sqlite_staff.clinician, story.referral_id, PASSWORD)
    check = next(row for row in appointments.appointments_for_episode(sqlite_staff.receptionist, story.episode_id)
                 if row.kind == "twelve_week_review")
    waiting_list.add_to_waiting_list(sqlite_staff.receptionist, check.id)
    return story


@pytest.mark.parametrize("name", sorted(CARE_VIEWS))
def test_a_registration_reads_no_book_waiting_list_or_letters_to_send_again_unless_its_patient_is_on_them(
        qtbot, sqlite_staff, hub, monkeypatch, ann_on_every_list, name):
    """At 200 workstations every registration anywhere re-read every receptionist's book."""
    ann = ann_on_every_list.patient_id
    view = shown(qtbot, CARE_VIEWS[name](sqlite_staff, hub))
    hub.poll()  # the story, written after the hub started
    qtbot.waitUntil(lambda: ann in (view.patients_shown() or ()))
    reads = counted(monkeypatch, view, "reload")
    _register_elsewhere(sqlite_staff)
    hub.poll()
    assert reads == []
    hub.changed.emit(Changes(frozenset({Reached(Record.PATIENT, ann)})))  # her details alone
    assert len(reads) == 1
    qtbot.waitUntil(lambda: view.patients_shown() is not None)  # the clinic's day read in the background


def test_while_the_clinic_day_is_being_read_a_registration_reads_it_again(qtbot, sqlite_staff, hub, monkeypatch):
    """The day on its way may hold patients the day still shown does not."""
    view = shown(qtbot, _book("clinic_mode")(sqlite_staff, hub))
    qtbot.waitUntil(lambda: not view.clinic_day_reading())
    reads = counted(monkeypatch, view, "reload")
    view.step(1)
    assert view.clinic_day_reading() and len(reads) == 1
    told(hub, Entity.PATIENT, patient_id=_register_elsewhere(sqlite_staff), action="register_patient")
    assert len(reads) == 2
    qtbot.waitUntil(lambda: not view.clinic_day_reading())


def test_the_reminders_page_reads_again_for_a_change_to_anyones_details(qtbot, sqlite_staff, hub, monkeypatch):
    """Consent and a mobile number or address decide which reminders are due: a patient not listed may
    be owed one once their details change, so no patient is ruled out."""
    reads = counted(monkeypatch, RemindersPage, "refresh")
    shown(qtbot, RemindersPage(sqlite_staff.receptionist, load_settings(), hub))
    reads.clear()
    told(hub, Entity.PATIENT, patient_id=_register_elsewhere(sqlite_staff), action="register_patient")
    assert len(reads) == 1
