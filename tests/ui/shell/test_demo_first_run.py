"""``make run`` on an empty database: the demo clinic is built under a progress dialog, never silently."""
from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel, QProgressDialog

from clinic_desktop.services.admin import users
from clinic_desktop.ui.shell.demo_first_run import build_demo_if_empty, sign_in_notice
from clinic_desktop.ui.shell.sign_in_dialog import SignInDialog


def _watch_progress(seen: list[tuple[str, int, int]]) -> QTimer:
    """Every 20 ms: what a progress dialog on screen says (its label, value and maximum)."""
    timer = QTimer()
    timer.timeout.connect(lambda: seen.extend(
        (dialog.labelText(), dialog.value(), dialog.maximum()) for dialog in QApplication.topLevelWidgets()
        if isinstance(dialog, QProgressDialog) and dialog.isVisible()))
    timer.start(20)
    return timer


def test_the_first_run_shows_how_far_the_demo_clinic_has_got(qtbot, sqlite_database):
    seen: list[tuple[str, int, int]] = []
    timer = _watch_progress(seen)
    summary = build_demo_if_empty(patients=12)
    timer.stop()
    assert summary.patients == 12 and users.first_active_user("clinician") is not None
    labels = {label for label, _value, _maximum in seen}
    assert any(label.startswith("Playing the story of patient") for label in labels), labels
    counted = [value for _label, value, maximum in seen if maximum == 12]  # a busy bar until the first step
    assert counted and counted == sorted(counted)
    assert not any(dialog.isVisible() for dialog in QApplication.topLevelWidgets()
                   if isinstance(dialog, QProgressDialog))  # gone once built


def test_the_sign_in_after_the_demo_names_its_accounts(qtbot, sqlite_database):
    summary = build_demo_if_empty(patients=1)
    dialog = SignInDialog("Riverside", notice=sign_in_notice(summary))
    qtbot.addWidget(dialog)
    heading = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert "Demo clinic ready with 1 patients" in heading and "reception (demo-reception-2026)" in heading


def test_a_database_with_a_clinic_in_it_is_left_alone(qtbot, sqlite_staff):
    before = users.list_users(sqlite_staff.manager)
    assert build_demo_if_empty(patients=3) is None
    assert users.list_users(sqlite_staff.manager) == before
