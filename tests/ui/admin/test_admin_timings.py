"""The Pathway timings page: a change says how many deadlines it moves, asks, then moves them."""
from __future__ import annotations

import threading
from datetime import date, datetime, timezone

import pytest
from admin_helpers import shown
from database_fixtures import PASSWORD
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox, QProgressDialog, QPushButton

from clinic_desktop.models import Appointment
from clinic_desktop.services.admin import pathway_settings, users
from clinic_desktop.services.admin.pathway_settings import current_timings, load_pathway_timings
from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.services.core import progress
from clinic_desktop.services.core.clock import frozen_at
from clinic_desktop.services.episodes import episodes
from clinic_desktop.services.patients import patients
from clinic_desktop.ui.admin.admin_timings import TimingsPage
from clinic_desktop.ui.ops.op import Op
from clinic_desktop.ui.shell.change_hub import ChangeHub

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=timezone.utc)  # Thu 26 Nov 2026: first contact


@pytest.fixture
def page(qtbot, sqlite_staff):
    with frozen_at(NOW):
        widget = shown(qtbot, TimingsPage(sqlite_staff.manager, load_settings(), ChangeHub(sqlite_staff.manager)))
        yield widget


@pytest.fixture
def waiting_review(sqlite_staff):
    """An episode first seen today whose 2-week review (due Thu 10 Dec) nobody has booked."""
    patient = patients.register_patient(sqlite_staff.receptionist, family_name="Khan", given_name="Aisha",
                                        date_of_birth=date(1980, 3, 4))
    episode_id = episodes.open_episode(sqlite_staff.clinician, patient.id, first_contact_on=NOW.date(),
                                       presentation="non_specific", severity="mild").episode_id
    return lambda: Appointment.get((Appointment.episode == episode_id)
                                   & (Appointment.kind == "two_week_review")).due_by


def settle(qtbot, page) -> None:
    """Wait for the work a click started (working out the moves, saving them) to be over."""
    qtbot.waitUntil(lambda: not any(op.is_running() for op in page.findChildren(Op)), timeout=10_000)


def save(qtbot, page) -> QMessageBox | None:
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    settle(qtbot, page)
    box = page.confirmation
    return box if box is not None and box.isVisible() else None


def test_the_packaged_defaults_are_shown_until_the_clinic_saves_its_own(page):
    assert page.days["two_week_review_days"].value() == 14
    assert page.days["twelve_week_check_days"].value() == 84
    assert page.source.text().startswith("These are the packaged defaults")


def test_a_change_that_moves_deadlines_asks_first_and_then_moves_them(qtbot, page, waiting_review):
    page.days["two_week_review_days"].setValue(10)
    box = save(qtbot, page)
    assert box.text().startswith("Saving moves 1 deadline of reviews still to book and referrals only raised.")
    assert waiting_review() == date(2026, 12, 10)  # nothing moved yet
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Save), Qt.MouseButton.LeftButton)
    settle(qtbot, page)
    assert waiting_review() == date(2026, 12, 4)  # Sun 6 Dec -> Fri 4 Dec
    assert page.message.text() == "Saved the new timings. 1 deadline of items nobody has acted on moved."
    assert page.source.text() == "These are the clinic's own timings."


def test_cancelling_the_question_saves_nothing(qtbot, page, waiting_review):
    page.days["two_week_review_days"].setValue(10)
    box = save(qtbot, page)
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Cancel), Qt.MouseButton.LeftButton)
    assert waiting_review() == date(2026, 12, 10)
    assert load_pathway_timings().two_week_review_days == 14
    assert page.days["two_week_review_days"].value() == 10  # still there to save or undo


def test_a_change_that_moves_nothing_is_saved_at_once(qtbot, page, sqlite_staff):
    page.days["medication_review_days"].setValue(14)
    assert save(qtbot, page) is None
    assert current_timings(sqlite_staff.manager).timings.medication_review_days == 14
    assert page.message.text() == "Saved the new timings. No deadline of an item nobody has acted on had to move."


def test_saving_with_nothing_changed_says_so(qtbot, page):
    assert save(qtbot, page) is None
    assert page.message.text() == "Nothing to save: no timing was changed."


def test_a_manager_re_roled_elsewhere_is_refused_in_words(qtbot, page, sqlite_staff):
    deputy = users.create_user(sqlite_staff.manager, "deputy", "Dee Deputy", "practice_manager", PASSWORD)
    users.edit_user(deputy, sqlite_staff.manager.user_id, role="receptionist")
    page.days["medication_review_days"].setValue(14)
    save(qtbot, page)
    assert page.message.text() == "The account manager is no longer active in this role: sign in again."
    assert load_pathway_timings().medication_review_days == 21


def test_the_red_flag_referral_timing_is_shown_fixed_at_the_same_day_with_the_reason(page):
    box = page.days["red_flag_referral_days"]
    assert (box.value(), box.isReadOnly(), box.minimum(), box.maximum()) == (0, True, 0, 0)
    assert page.fixed_reason.text() == (
        "after red flags are recorded: always the same day. An urgent red-flag referral is always due the same day "
        "the red flags are recorded (the stepped-care guidance), so this timing cannot be changed.")
    assert page.changes() == {}


def test_the_question_counts_only_deadlines_that_would_become_overdue_or_stop_being(qtbot, sqlite_staff):
    """Two reviews already overdue move earlier (still overdue, not counted); one due later becomes overdue."""
    for family_name, seen in (("Early", date(2026, 11, 2)), ("Earlier", date(2026, 11, 3)),
                              ("Later", date(2026, 11, 12))):
        with frozen_at(datetime.combine(seen, datetime.min.time(), tzinfo=timezone.utc)):
            patient = patients.register_patient(sqlite_staff.receptionist, family_name=family_name,
                                                given_name="Aisha", date_of_birth=date(1980, 3, 4))
            episodes.open_episode(sqlite_staff.clinician, patient.id, first_contact_on=seen,
                                  presentation="non_specific", severity="mild")
    with frozen_at(NOW):  # Thu 26 Nov: the reviews were due 16, 17 and 26 Nov
        page = shown(qtbot, TimingsPage(sqlite_staff.manager, load_settings(), ChangeHub(sqlite_staff.manager)))
        question, said = saved_after_asking(qtbot, page, 10)  # due 12, 13 and 20 Nov
        assert question == ("Saving moves 3 deadlines of reviews still to book and referrals only raised. 1 of them "
                            "would become overdue and show at once on the overdue lists.\n\nSave the change?")
        assert said == "Saved the new timings. 3 deadlines of items nobody has acted on moved; of them, 1 is now overdue."
        question, said = saved_after_asking(qtbot, page, 14)  # back to 16, 17 and 26 Nov (today)
        assert question == ("Saving moves 3 deadlines of reviews still to book and referrals only raised. 1 of them "
                            "would no longer be overdue and leave the overdue lists.\n\nSave the change?")
        assert said == ("Saved the new timings. 3 deadlines of items nobody has acted on moved; of them, 1 is no "
                        "longer overdue.")


def test_a_newer_preview_wins_over_one_still_running(qtbot, page, waiting_review, monkeypatch):
    release, answers = threading.Event(), iter(("old", "new"))
    real_preview = pathway_settings.preview_pathway_timings

    def preview_in_order(actor, **days):
        if next(answers) == "old":
            release.wait(10)  # the first preview is still working out its answer
        return real_preview(actor, **days)

    monkeypatch.setattr(pathway_settings, "preview_pathway_timings", preview_in_order)
    page.days["two_week_review_days"].setValue(13)
    first = page.save()
    page.days["two_week_review_days"].setValue(10)
    second = page.save()
    with qtbot.waitSignal(second.finished, timeout=10_000):
        pass
    release.set()
    with qtbot.waitSignal(first.finished, timeout=10_000):
        pass
    assert page.confirmation.text().startswith("Saving moves 1 deadline")
    qtbot.mouseClick(page.confirmation.button(QMessageBox.StandardButton.Save), Qt.MouseButton.LeftButton)
    settle(qtbot, page)
    assert load_pathway_timings().two_week_review_days == 10  # the newer request's timing, asked about once
    assert waiting_review() == date(2026, 12, 4)


def test_the_preview_runs_beside_the_window_counting_episodes_and_cancel_moves_nothing(
        qtbot, page, waiting_review, monkeypatch):
    original = progress.Watcher.step
    monkeypatch.setattr(progress.Watcher, "step", lambda self, *step: (original(self, *step),
                                                                        threading.Event().wait(0.6)))
    page.days["two_week_review_days"].setValue(10)
    op = page.save()
    qtbot.waitUntil(lambda: (shown := page.findChild(QProgressDialog, "progress")) is not None
                    and shown.isVisible() and shown.labelText().startswith("Working out"), timeout=5000)
    dialog = page.findChild(QProgressDialog, "progress")
    assert dialog.labelText() == "Working out the deadlines of episode 1 of 1…"
    with qtbot.waitSignal(op.finished, timeout=10_000):
        qtbot.mouseClick(dialog.findChild(QPushButton), Qt.MouseButton.LeftButton)
    assert page.confirmation is None
    assert waiting_review() == date(2026, 12, 10) and load_pathway_timings().two_week_review_days == 14


def test_each_timing_shows_its_limit_and_cannot_be_set_later(qtbot, page):
    limits = {"two_week_review_days": 14, "medication_review_days": 21, "early_radicular_referral_days": 14,
              "stratified_referral_days": 14, "twelve_week_check_days": 84, "escalation_referral_days": 14,
              "opioid_review_days": 14, "ongoing_evaluation_days": 28}
    for name, limit in limits.items():
        assert page.days[name].maximum() == limit
        assert page.findChild(QLabel, f"{name}_limit").text().endswith(f"; at most {limit} days")
    page.days["medication_review_days"].setValue(28)
    assert page.days["medication_review_days"].value() == 21


def saved_after_asking(qtbot, page, two_week_review_days: int) -> tuple[str, str]:
    """The question a new 2-week review timing asks, and what the page says once Save is clicked."""
    page.days["two_week_review_days"].setValue(two_week_review_days)
    box = save(qtbot, page)
    question = box.text()
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Save), Qt.MouseButton.LeftButton)
    settle(qtbot, page)
    return question, page.message.text()
