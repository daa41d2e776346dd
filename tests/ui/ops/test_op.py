"""The one way the window runs a service: refusals in words, long work off the UI thread."""
from __future__ import annotations

import threading
from datetime import date, datetime, timezone

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QProgressDialog, QPushButton, QWidget

from clinic_desktop.services.core import progress
from clinic_desktop.services.core.clock import frozen_at, now_utc
from clinic_desktop.services.core.entity import Entity
from clinic_desktop.services.core.errors import AcknowledgementRequired, ValidationError
from clinic_desktop.services.core.transaction import service
from clinic_desktop.services.patients import patient_search, patients
from clinic_desktop.ui.ops.op import SHOW_PROGRESS_AFTER_MS, Op

NOON = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)


@pytest.fixture
def window(qtbot):
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.show()
    return widget


class Hub:
    """Counts the announcements an op makes (the real hub re-reads the audit log)."""

    def __init__(self):
        self.announced = 0

    def after_change(self):
        self.announced += 1


def _register(actor, family_name="Okafor"):
    return patients.register_patient(actor, family_name=family_name, given_name="Ada",
                                      date_of_birth=date(1970, 1, 1), confirm_not_duplicate=True)


def _found(actor, text):
    return len(patient_search.search_patients(actor, text))


def test_a_quick_write_goes_through_and_the_views_hear_of_it(window, sqlite_staff):
    hub, results = Hub(), []
    ok = Op(window, lambda: _register(sqlite_staff.receptionist), hub=hub).success(results.append).run()
    assert ok and results[0].family_name == "Okafor"
    assert hub.announced == 1


def test_a_refusal_is_one_sentence_in_a_box_and_the_views_still_redraw(qtbot, window, sqlite_staff):
    hub = Hub()

    def refused():
        raise ValidationError("the date of birth is in the future")

    assert Op(window, refused, hub=hub).run() is False
    box = window.findChild(QMessageBox, "refusal")
    assert box.text() == "The date of birth is in the future."
    assert hub.announced == 1


def test_a_form_can_show_the_refusal_under_its_fields_instead(window):
    line = QLabel(window)

    def refused():
        raise ValidationError("the NHS number is not valid")

    Op(window, refused).failure(lambda text: line.setText(text)).run()
    assert line.text() == "the NHS number is not valid"
    assert window.findChild(QMessageBox, "refusal") is None


def test_a_form_can_answer_the_kind_of_refusal(window):
    seen = []

    def refused():
        raise AcknowledgementRequired("the muscle relaxant warning must be acknowledged")

    Op(window, refused).refused(seen.append).run()
    assert [type(error) for error in seen] == [AcknowledgementRequired]
    assert window.findChild(QMessageBox, "refusal") is None


def test_a_bug_on_the_window_thread_is_not_hidden(window):
    def broken():
        raise KeyError("oops")

    with pytest.raises(KeyError):
        Op(window, broken).run()


def test_background_work_keeps_the_window_answering_and_reports_back(qtbot, window, sqlite_staff):
    release, ticks, results = threading.Event(), [], []

    def slow():
        release.wait(10)
        return _register(sqlite_staff.receptionist)

    op = Op(window, slow).success(results.append).in_background("Registering…")
    qtbot.waitUntil(lambda: window.findChild(QProgressDialog, "progress").isVisible(),
                    timeout=SHOW_PROGRESS_AFTER_MS + 2000)
    for _ in range(3):  # the window's event loop turns while the worker waits
        qtbot.wait(20)
        ticks.append(op.is_running())
    release.set()
    with qtbot.waitSignal(op.finished, timeout=10_000):
        pass
    assert ticks == [True, True, True]
    assert results[0].family_name == "Okafor"
    assert _found(sqlite_staff.receptionist, "Okafor") == 1
    assert window.findChild(QProgressDialog, "progress") is None or not \
        window.findChild(QProgressDialog, "progress").isVisible()


def test_quick_background_work_shows_no_dialog(qtbot, window, sqlite_staff):
    op = Op(window, lambda: _register(sqlite_staff.receptionist)).in_background("Registering…")
    with qtbot.waitSignal(op.finished, timeout=10_000):
        pass
    qtbot.wait(SHOW_PROGRESS_AFTER_MS + 100)
    dialog = window.findChild(QProgressDialog, "progress")
    assert dialog is None or not dialog.isVisible()


def test_the_worker_runs_in_the_callers_time(qtbot, window):
    seen = []
    with frozen_at(NOON):
        op = Op(window, now_utc).success(seen.append).in_background("Reading the time…")
    with qtbot.waitSignal(op.finished, timeout=10_000):
        pass
    assert seen == [NOON]


def test_a_refusal_in_the_background_is_shown_over_the_window(qtbot, window):
    def refused():
        raise ValidationError("the backup file is not a Clinic Desktop database")

    op = Op(window, refused).in_background("Checking the backup…")
    with qtbot.waitSignal(op.finished, timeout=10_000):
        pass
    assert op.ok is False
    assert window.findChild(QMessageBox, "refusal").text() == "The backup file is not a Clinic Desktop database."


def test_a_bug_in_the_background_reaches_the_user(qtbot, window):
    def broken():
        raise KeyError("oops")

    op = Op(window, broken).in_background("Working…")
    with qtbot.waitSignal(op.finished, timeout=10_000):
        pass
    assert "unexpected error" in window.findChild(QMessageBox, "refusal").text()


@service("register_patient")
def _register_many(actor, count: int, stop_after: threading.Event):
    """A long write: patients one by one, reporting each step."""
    for number in range(count):
        _register(actor, family_name=f"Batch{number:03d}")
        if number == 2:
            stop_after.set()
        progress.step(number + 1, count, f"Patient {number + 1} of {count}")
    from clinic_desktop.services.audit import audit
    audit.record(actor, "create", Entity.PATIENT, None, f"{count} patients")


def test_progress_is_shown_and_cancel_keeps_nothing_of_the_work(qtbot, window, sqlite_staff, monkeypatch):
    import clinic_desktop.services.core.progress as progress_module

    reached, stopped = threading.Event(), []
    original_step = progress_module.Watcher.step

    def slow_step(self, done, total, text):  # slow enough for the user to press Cancel midway
        original_step(self, done, total, text)
        reached.wait(5)
        threading.Event().wait(0.05)

    monkeypatch.setattr(progress_module.Watcher, "step", slow_step)
    op = (Op(window, lambda: _register_many(sqlite_staff.receptionist, 200, reached))
          .cancelled(lambda: stopped.append(True))
          .in_background("Registering 200 patients…", cancellable=True))
    qtbot.waitUntil(lambda: window.findChild(QProgressDialog, "progress").isVisible(), timeout=5000)
    dialog = window.findChild(QProgressDialog, "progress")
    qtbot.waitUntil(lambda: dialog.labelText().startswith("Patient "), timeout=5000)
    assert dialog.maximum() == 200
    qtbot.mouseClick(dialog.findChild(QPushButton), Qt.MouseButton.LeftButton)
    assert dialog.labelText() == "Stopping…"
    with qtbot.waitSignal(op.finished, timeout=10_000):
        pass
    assert stopped == [True] and op.ok is False
    assert _found(sqlite_staff.receptionist, "Batch") == 0  # rolled back: no half-registered batch


def test_background_work_without_a_label_shows_no_dialog_however_long_it_takes(qtbot, window):
    release, results = threading.Event(), []
    op = Op(window, lambda: release.wait(10)).success(results.append).in_background(None)
    qtbot.wait(SHOW_PROGRESS_AFTER_MS + 100)
    assert op.is_running() and window.findChild(QProgressDialog) is None
    release.set()
    with qtbot.waitSignal(op.finished, timeout=10_000):
        pass
    assert results == [True]


def test_a_step_reported_at_once_does_not_bring_the_dialog_before_its_time(qtbot, window):
    release, shown_early = threading.Event(), []

    def stepped():
        progress.step(1, 10, "Step 1 of 10")
        release.wait(10)

    op = Op(window, stepped).in_background("Working…")
    qtbot.wait(SHOW_PROGRESS_AFTER_MS // 2)
    shown_early.append(window.findChild(QProgressDialog, "progress").isVisible())
    qtbot.waitUntil(lambda: window.findChild(QProgressDialog, "progress").isVisible(), timeout=5000)
    release.set()
    with qtbot.waitSignal(op.finished, timeout=10_000):
        pass
    assert shown_early == [False]


def test_a_form_learns_which_field_was_refused(window):
    said = []

    def refused():
        raise ValidationError("the NHS number is not valid", field="nhs_number")

    Op(window, refused).refused(lambda error: said.append((str(error), error.field))).run()
    assert said == [("the NHS number is not valid", "nhs_number")]
    assert window.findChild(QMessageBox, "refusal") is None


def test_an_op_whose_window_is_deleted_while_it_runs_reaches_nothing_and_is_over(qtbot):
    """Signing out deletes the window while its reads run: what comes back, and the progress
    dialog's moment to show, must reach no deleted widget (pytest-qt fails on an exception there)."""
    closing, release, heard = QWidget(), threading.Event(), []
    closing.show()

    def stepped():
        release.wait(10)
        progress.step(1, 2, "Step 1 of 2")
        return "read"

    Op(closing, stepped).success(heard.append).failure(heard.append).in_background("Reading…")
    closing.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    release.set()
    qtbot.waitUntil(lambda: not Op.any_running(), timeout=10_000)
    qtbot.wait(SHOW_PROGRESS_AFTER_MS + 100)  # the dialog's moment passes with nothing to show it over
    assert heard == []
