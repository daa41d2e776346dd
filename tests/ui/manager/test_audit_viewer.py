"""The practice manager's audit viewer: filters, the paged table, verifying the chain, exporting."""
from __future__ import annotations

import csv
import re
import threading
from datetime import date, datetime, timezone

import pytest
from audit_tampering import tamper
from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMenu, QMessageBox, QProgressDialog, QPushButton

from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.services.audit import audit_chain, audit_log
from clinic_desktop.services.core import progress
from clinic_desktop.services.core.errors import DatabaseUnavailable
from clinic_desktop.services.patients import patients
from clinic_desktop.ui.manager.audit_viewer import AuditViewer
from clinic_desktop.ui.shell.change_hub import ChangeHub

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc)


CLINIC_TIME = NOW  # every test here runs at this moment (tests/conftest.py: clinic_clock)


@pytest.fixture
def clinic(sqlite_staff):
    """Entries #1-#4: the staff accounts; #5-#7: SMITH Ann, SMITHSON Bob, JONES Cat registered."""
    for family, given, nhs in (("Smith", "Ann", "9434765919"), ("Smithson", "Bob", None), ("Jones", "Cat", None)):
        patients.register_patient(sqlite_staff.receptionist, family_name=family, given_name=given,
                                  date_of_birth=date(1970, 1, 1), nhs_number=nhs)
    return sqlite_staff


@pytest.fixture
def viewer(qtbot, clinic):
    hub = ChangeHub(clinic.manager)
    widget = AuditViewer(clinic.manager, load_settings(), hub)
    hub.setParent(widget)
    qtbot.addWidget(widget)
    widget.resize(1200, 600)
    widget.show()
    return widget


def verify(qtbot, viewer) -> str:
    """Press Verify chain and wait for the verdict."""
    qtbot.mouseClick(viewer.verify_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(viewer.verify_button.isEnabled, timeout=10_000)
    return viewer.verdict.text()


def export(qtbot, viewer, path):
    with qtbot.waitSignal(viewer.export_to(path).finished, timeout=10_000):
        pass


def cells(viewer, column: int) -> list[str]:
    model = viewer.model
    return [model.data(model.index(row, column)) for row in range(model.rowCount())]


def test_the_table_shows_every_entry_newest_first_in_clinic_time(viewer):
    assert cells(viewer, 3)[:3] == ["JONES, Cat", "SMITHSON, Bob", "SMITH, Ann"]
    assert cells(viewer, 0)[0] == "25 Nov 2026 09:00"
    assert cells(viewer, 1)[0] == "Rita Reception (reception)"
    assert cells(viewer, 2)[0] == "Register patient"
    assert viewer.count.text() == "7 entries, newest first"


def test_choosing_a_user_shows_only_what_they_did(viewer, clinic):
    viewer.user_box.setCurrentIndex(viewer.user_box.findText("Morag Manager (manager)"))
    assert set(cells(viewer, 1)) == {"Morag Manager (manager)"}
    assert viewer.count.text() == "4 entries, newest first"


def test_choosing_an_action_shows_only_that_action(viewer):
    viewer.action_box.setCurrentIndex(viewer.action_box.findText("Create user"))
    assert cells(viewer, 2) == ["Create user"] * 3


def test_typing_a_patients_name_and_enter_filters_to_that_patient(viewer, qtbot):
    qtbot.keyClicks(viewer.patient_box, "jones")
    QTest.keyClick(viewer.patient_box, Qt.Key.Key_Return)
    assert viewer.patient_chosen.text().startswith("JONES, Cat (#")
    assert cells(viewer, 3) == ["JONES, Cat"]


def test_an_nhs_number_finds_its_patient(viewer, qtbot):
    qtbot.keyClicks(viewer.patient_box, "943 476 5919")
    QTest.keyClick(viewer.patient_box, Qt.Key.Key_Return)
    assert cells(viewer, 3) == ["SMITH, Ann"]
    assert "NHS 943 476 5919" in viewer.patient_chosen.text()


def test_a_name_several_patients_share_offers_them_to_choose(viewer, qtbot):
    qtbot.keyClicks(viewer.patient_box, "smith")
    QTest.keyClick(viewer.patient_box, Qt.Key.Key_Return)
    menu = viewer.findChild(QMenu, "patientChoices")
    assert [action.text().split(" (")[0] for action in menu.actions()] == ["SMITH, Ann", "SMITHSON, Bob"]
    menu.actions()[1].trigger()
    assert cells(viewer, 3) == ["SMITHSON, Bob"]


def test_a_name_nobody_has_is_said_under_the_filters(viewer, qtbot):
    qtbot.keyClicks(viewer.patient_box, "zzz")
    QTest.keyClick(viewer.patient_box, Qt.Key.Key_Return)
    assert viewer.message.text() == ("No patient matches 'zzz': type a family name, an NHS number or a "
                                     "patient number.")
    assert viewer.count.text() == "7 entries, newest first"  # the list is as it was


def test_clear_shows_every_patient_again(viewer, qtbot):
    qtbot.keyClicks(viewer.patient_box, "jones")
    QTest.keyClick(viewer.patient_box, Qt.Key.Key_Return)
    qtbot.mouseClick(viewer.clear_patient, Qt.MouseButton.LeftButton)
    assert (viewer.patient_chosen.text(), viewer.model.rowCount()) == ("Any patient", 7)


def test_a_from_date_after_the_to_date_empties_the_list_and_says_why(viewer):
    viewer.from_check.setChecked(True)
    viewer.to_check.setChecked(True)
    viewer.from_date.setDate(QDate(2026, 11, 26))
    assert viewer.message.text() == "The 'from' date (26 Nov 2026) is after the 'to' date (25 Nov 2026)."
    assert viewer.model.rowCount() == 0


def test_a_date_range_before_any_entry_says_nothing_matches(viewer):
    viewer.to_check.setChecked(True)
    viewer.to_date.setDate(QDate(2026, 11, 24))
    assert (viewer.model.rowCount(), viewer.count.text()) == (0, "No entries match these filters.")


def test_opening_a_row_about_a_patient_asks_for_that_patient(viewer, qtbot):
    with qtbot.waitSignal(viewer.patient_requested) as asked:
        viewer.table.doubleClicked.emit(viewer.model.index(0, 0))
    assert patients.get_patient(viewer._actor, asked.args[0]).display_name == "JONES, Cat"


def test_verify_chain_says_the_trail_is_intact(viewer, qtbot):
    assert verify(qtbot, viewer) == "✔ Audit trail intact: 7 entries checked. Letters intact: no signed letters yet."


def test_verify_chain_names_a_tampered_entry(viewer, qtbot):
    tamper("UPDATE audit_event SET summary = ? WHERE id = ?", "nothing happened", 6)
    assert verify(qtbot, viewer) == ("⚠ Audit trail broken at entry #6 (25 Nov 2026 09:00): its contents were "
                                     "changed after it was written (5 entries before it intact).")


def test_export_writes_what_the_filters_show_and_says_where(viewer, qtbot, tmp_path):
    qtbot.keyClicks(viewer.patient_box, "jones")
    QTest.keyClick(viewer.patient_box, Qt.Key.Key_Return)
    target = tmp_path / "jones.csv"
    export(qtbot, viewer, target)
    assert viewer.export_result.text() == f"Wrote 1 entry to {target}."
    with target.open(encoding="utf-8", newline="") as file:
        assert [row["summary"].split(",")[0] for row in csv.DictReader(file)] == ["registered JONES"]
    assert cells(viewer, 2)[0] == "Export audit"  # the export is in the trail, and the list redrew


def test_an_export_leaves_the_chain_verdict_and_says_its_own_result_beside_it(viewer, qtbot, tmp_path):
    verify(qtbot, viewer)
    export(qtbot, viewer, tmp_path / "all.csv")
    assert viewer.verdict.text() == "✔ Audit trail intact: 7 entries checked. Letters intact: no signed letters yet."
    assert viewer.export_result.isVisible()
    assert viewer.export_result.text() == f"Wrote 7 entries to {tmp_path / 'all.csv'}."


def test_export_csv_opens_a_save_dialog_named_for_today(viewer):
    viewer.export_button.click()
    dialog = viewer._file_dialog
    assert dialog.isVisible() and dialog.selectedFiles()[0].endswith("audit-2026-11-25.csv")
    dialog.reject()


def test_an_export_refused_is_shown_in_a_box(viewer, qtbot, tmp_path):
    export(qtbot, viewer, tmp_path / "missing" / "out.csv")
    box = viewer.findChild(QMessageBox, "refusal")
    assert box.text().startswith("There is no folder")


def test_a_change_anywhere_redraws_the_list(viewer, clinic):
    patients.register_patient(clinic.receptionist, family_name="Hughes", given_name="Dai",
                              date_of_birth=date(1980, 1, 1))
    viewer._hub.after_change()
    assert cells(viewer, 3)[0] == "HUGHES, Dai"


def test_a_hidden_viewer_reads_changes_when_it_is_next_shown(viewer, clinic):
    viewer.hide()
    patients.register_patient(clinic.receptionist, family_name="Hughes", given_name="Dai",
                              date_of_birth=date(1980, 1, 1))
    viewer._hub.after_change()
    assert cells(viewer, 3)[0] == "JONES, Cat"  # not read while nobody can see it
    viewer.show()
    assert cells(viewer, 3)[0] == "HUGHES, Dai"


@pytest.fixture
def slow_steps(monkeypatch):
    """Each reported step takes a moment, as a batch of 5,000 entries does on a long trail."""
    original = progress.Watcher.step

    def slow(self, done, total, text):
        original(self, done, total, text)
        threading.Event().wait(0.1)

    monkeypatch.setattr(progress.Watcher, "step", slow)


def test_a_long_check_runs_beside_the_window_says_how_far_it_has_got_and_can_be_stopped(
        viewer, qtbot, monkeypatch, slow_steps):
    monkeypatch.setattr(audit_chain, "BATCH", 1)
    ticks = []
    heartbeat = QTimer(viewer)
    heartbeat.timeout.connect(lambda: ticks.append(1))
    heartbeat.start(10)
    qtbot.mouseClick(viewer.verify_button, Qt.MouseButton.LeftButton)
    assert viewer.verdict.text() == "Checking the chain…" and not viewer.verify_button.isEnabled()
    qtbot.waitUntil(lambda: progress_dialog(viewer) is not None and progress_dialog(viewer).isVisible()
                    and "intact so far" in progress_dialog(viewer).labelText(), timeout=5000)
    dialog = progress_dialog(viewer)
    assert re.fullmatch(r"Checking the audit trail: \d entr(y|ies) intact so far…", dialog.labelText())
    assert dialog.maximum() == 7 and 0 < dialog.value() < 7
    assert len(ticks) > 10  # the window's event loop kept turning
    qtbot.mouseClick(dialog.findChild(QPushButton), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(viewer.verify_button.isEnabled, timeout=10_000)
    assert viewer.verdict.text() == "Chain not checked: stopped."
    assert viewer.findChild(QMessageBox, "refusal") is None


def test_an_export_stopped_midway_leaves_no_file(viewer, qtbot, monkeypatch, tmp_path, slow_steps):
    monkeypatch.setattr(audit_log, "_EXPORT_BATCH", 1)
    folder = tmp_path / "exports"
    folder.mkdir()
    op = viewer.export_to(folder / "all.csv")
    qtbot.waitUntil(lambda: progress_dialog(viewer) is not None and progress_dialog(viewer).isVisible()
                    and "entries written" in progress_dialog(viewer).labelText(), timeout=5000)
    with qtbot.waitSignal(op.finished, timeout=10_000):
        qtbot.mouseClick(progress_dialog(viewer).findChild(QPushButton), Qt.MouseButton.LeftButton)
    assert list(folder.iterdir()) == []
    assert not viewer.export_result.isVisible()


def progress_dialog(viewer):
    return viewer.findChild(QProgressDialog, "progress")


def test_tab_goes_through_the_filters_in_reading_order_then_the_table(viewer, qtbot):
    viewer.activateWindow()
    qtbot.waitUntil(viewer.isActiveWindow)
    viewer.patient_box.setFocus()
    reached = [QApplication.focusWidget()]
    for _ in range(6):
        QTest.keyClick(reached[-1], Qt.Key.Key_Tab)
        reached.append(QApplication.focusWidget())
    assert reached == [viewer.patient_box, viewer.clear_patient, viewer.user_box, viewer.action_box,
                       viewer.from_check, viewer.to_check, viewer.verify_button]  # a disabled date is skipped


def unreachable(*args, **kwargs):
    raise DatabaseUnavailable("the database server could not be reached")


def test_entries_that_cannot_be_read_again_say_why_under_the_filters(viewer, monkeypatch):
    monkeypatch.setattr(audit_log, "search_events", unreachable)
    viewer.action_box.setCurrentIndex(1)
    assert viewer.message.text() == "The database server could not be reached."
    assert viewer.message.isVisible() and viewer.count.text() == "" and viewer.model.rowCount() == 0


def test_filter_choices_that_cannot_be_read_again_say_why_and_keep_the_list(viewer, monkeypatch):
    monkeypatch.setattr(audit_log, "audit_users", unreachable)
    viewer.reload()
    assert viewer.message.text() == "The database server could not be reached."
    assert viewer.model.rowCount() == 7 and viewer.user_box.count() > 1


def test_verify_chain_then_names_a_letter_changed_after_signing(viewer, qtbot, clinic):
    from clinic_desktop.models import LetterVersion, database_proxy
    from clinic_desktop.services.episodes import episodes
    from clinic_desktop.services.referrals import referrals

    episode = episodes.open_episode(clinic.clinician, 1, first_contact_on=date(2026, 11, 2),
                                    presentation="non_specific", severity="mild")
    raised = referrals.raise_referral(clinic.clinician, episode.episode_id, kind="spinal_surgical", reason="not improved")
    referrals.draft_referral(clinic.clinician, raised.id, "Please see.")
    referrals.sign_referral(clinic.clinician, raised.id, "correct horse battery")
    row = LetterVersion.get()
    database_proxy.execute_sql("DROP TRIGGER letter_version_write_once_update")
    LetterVersion.update(pdf=bytes(row.pdf) + b"\n% changed\n").execute()
    assert verify(qtbot, viewer).endswith(
        "Letters failing their check: 1 of 1 signed letter version.\n"
        f"Referral {raised.id}, letter version 1 (SMITH, Ann): This letter's PDF was changed after Dr Alys Jones "
        "signed it (something was added after the signature).")
    assert verify(qtbot, viewer).startswith("⚠ Audit trail intact")
