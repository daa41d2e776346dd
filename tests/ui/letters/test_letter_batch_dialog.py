"""Printing or exporting every signed, unsent letter: each marked sent only once it has gone out."""
from __future__ import annotations

import contextlib
import errno
import gc
import threading
from datetime import date, datetime, timezone

import pytest
from database_fixtures import PASSWORD
from held_letters import lower_the_risk, signed_at_medium_risk, signed_then_superseded
from pypdf import PdfReader
from PySide6.QtCore import Qt, QTimer
from PySide6.QtPrintSupport import QPrintDialog, QPrinter

from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.services.episodes import episodes
from clinic_desktop.services.patients import patients
from clinic_desktop.services.referrals import letters_to_send, referrals
from clinic_desktop.ui.letters import letter_batch_dialog
from clinic_desktop.ui.letters.letter_batch_dialog import BatchOutcome, LetterBatchDialog
from clinic_desktop.ui.shell.change_hub import ChangeHub

MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)


CLINIC_TIME = MONDAY  # every test here runs at this moment (tests/conftest.py: clinic_clock)


@pytest.fixture(autouse=True)
def no_stray_hubs():
    """Hubs that earlier test modules left polling would redraw their deleted views (and fail this
    module's tests) while a batch run here spins the event loop; stop them first."""
    for hub in [thing for thing in gc.get_objects() if isinstance(thing, ChangeHub)]:
        with contextlib.suppress(RuntimeError):  # its C++ half already deleted: nothing polls
            hub.stop()


@pytest.fixture
def folder(tmp_path):
    """An empty folder to export into (the test database lives in tmp_path itself)."""
    made = tmp_path / "letters"
    made.mkdir()
    return made


def signed_letters(staff, *families: str) -> list[int]:
    """One signed spinal surgical referral letter for each family name, in that order of referral number."""
    made = []
    for family in families:
        patient = patients.register_patient(staff.receptionist, family_name=family, given_name="Ann",
                                            date_of_birth=date(1970, 1, 1))
        episode_id = episodes.open_episode(staff.clinician, patient.id, first_contact_on=date(2026, 11, 16),
                                           presentation="non_specific", severity="moderate").episode_id
        referral = referrals.raise_referral(staff.clinician, episode_id, kind="spinal_surgical", reason="Not improved")
        referrals.draft_referral(staff.clinician, referral.id, f"Dear colleague,\n\nPlease see {family}.")
        referrals.sign_referral(staff.clinician, referral.id, PASSWORD)
        made.append(referral.id)
    return made


def status(staff, referral_id: int) -> str:
    return referrals.get_referral(staff.receptionist, referral_id).status


def _dialog(qtbot, actor, chosen=None) -> LetterBatchDialog:
    hub = ChangeHub(actor, poll_seconds=3600)
    dialog = LetterBatchDialog(actor, load_settings(), hub, choose_folder=lambda parent: str(chosen) if chosen else "")
    hub.setParent(dialog)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _run(qtbot, dialog: LetterBatchDialog, start) -> BatchOutcome:
    with qtbot.waitSignal(dialog.run_finished, timeout=30000) as finished:
        start()
    return finished.args[0]


def _pdf_printer(path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


def test_the_dialog_lists_the_letters_and_their_count(qtbot, sqlite_staff):
    signed_letters(sqlite_staff, "Adams", "Baker")
    dialog = _dialog(qtbot, sqlite_staff.receptionist)
    assert dialog.heading.text().startswith("<b>2 signed letters are waiting to be sent</b>, urgent first.")
    assert [dialog.model.index(row, 3).data() for row in range(2)] == ["ADAMS, Ann", "BAKER, Ann"]
    assert dialog.print_button.isEnabled() and dialog.export_button.isEnabled()


def test_with_nothing_to_send_the_dialog_says_so_and_offers_nothing(qtbot, sqlite_staff):
    dialog = _dialog(qtbot, sqlite_staff.receptionist)
    assert dialog.heading.text() == "<b>No signed letters are waiting to be sent.</b>"
    assert not dialog.print_button.isEnabled() and not dialog.export_button.isEnabled()


def test_export_all_writes_each_letter_as_signed_and_marks_it_sent(qtbot, sqlite_staff, folder):
    ids = signed_letters(sqlite_staff, "Adams", "Baker", "Zoë")
    dialog = _dialog(qtbot, sqlite_staff.receptionist, chosen=folder)

    outcome = _run(qtbot, dialog, dialog.export_button.click)

    files = sorted(folder.iterdir())
    assert [path.name for path in files] == [f"ADAMS-Ann_referral-{ids[0]}_v1.pdf",
                                             f"BAKER-Ann_referral-{ids[1]}_v1.pdf", f"ZOË-Ann_referral-{ids[2]}_v1.pdf"]
    for path, referral_id in zip(files, ids):
        assert path.read_bytes() == referrals.letter_pdf(sqlite_staff.receptionist, referral_id)
        assert status(sqlite_staff, referral_id) == "sent"
    assert outcome.sent == 3
    assert dialog.summary.text() == f"Saved 3 letters to {folder} and marked them sent."
    assert dialog.model.total == 0 and not dialog.export_button.isEnabled()


def test_a_write_failing_part_way_leaves_the_first_two_sent_and_the_rest_to_send(qtbot, sqlite_staff, folder,
                                                                                 monkeypatch):
    ids = signed_letters(sqlite_staff, "Adams", "Baker", "Cole", "Dixon")
    writes = []
    real_write = letters_to_send.write_whole_file

    def disk_fills_up(target, data):
        writes.append(target)
        if len(writes) == 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_write(target, data)

    monkeypatch.setattr(letters_to_send, "write_whole_file", disk_fills_up)
    dialog = _dialog(qtbot, sqlite_staff.receptionist)

    _run(qtbot, dialog, lambda: dialog.export_to(folder))

    assert [status(sqlite_staff, referral_id) for referral_id in ids] == ["sent", "sent", "signed", "signed"]
    assert len(list(folder.iterdir())) == 2
    assert dialog.summary.text() == (
        f"Saved 2 letters to {folder} and marked them sent; stopped: COLE, Ann's letter could not be written to "
        f"{folder}: No space left on device. The letters not marked sent are still on the To send list.")
    assert [dialog.model.index(row, 3).data() for row in range(dialog.model.rowCount())] == ["COLE, Ann", "DIXON, Ann"]


def test_stopping_after_two_letters_leaves_exactly_two_sent(qtbot, sqlite_staff, folder):
    ids = signed_letters(sqlite_staff, "Adams", "Baker", "Cole", "Dixon", "Evans")
    dialog = _dialog(qtbot, sqlite_staff.receptionist)
    dialog.letter_sent.connect(lambda _letter: dialog.progress.cancel() if len(list(folder.iterdir())) == 2
                               else None)

    outcome = _run(qtbot, dialog, lambda: dialog.export_to(folder))

    assert [status(sqlite_staff, referral_id) for referral_id in ids] == ["sent"] * 2 + ["signed"] * 3
    assert (outcome.sent, outcome.cancelled) == (2, True)
    assert "cancelled after 2 of 5" in dialog.summary.text()
    assert dialog.model.total == 3


def test_print_all_prints_every_page_of_each_letter_as_its_own_job_and_marks_it_sent(qtbot, sqlite_staff, folder):
    ids = signed_letters(sqlite_staff, "Adams", "Baker")
    dialog = _dialog(qtbot, sqlite_staff.receptionist)

    _run(qtbot, dialog, lambda: dialog.print_to(_pdf_printer(folder / "batch.pdf")))

    for referral_id, family in zip(ids, ("ADAMS", "BAKER")):
        signed_pdf = referrals.letter_pdf(sqlite_staff.receptionist, referral_id)
        printed = PdfReader(folder / f"batch_{family}-Ann_referral-{referral_id}_v1.pdf")
        assert len(printed.pages) == len(PdfReader(__import__("io").BytesIO(signed_pdf)).pages)
        assert status(sqlite_staff, referral_id) == "sent"
    assert dialog.summary.text() == "Printed 2 letters and marked them sent."


def test_print_all_opens_the_print_dialog_without_blocking(qtbot, sqlite_staff):
    signed_letters(sqlite_staff, "Adams")
    dialog = _dialog(qtbot, sqlite_staff.receptionist)

    dialog.print_button.click()  # returns at once: the print dialog is opened, not exec'd

    chooser = dialog.findChild(QPrintDialog)
    assert chooser.isVisible() and chooser.windowModality() == Qt.WindowModality.WindowModal
    chooser.reject()
    assert dialog.model.total == 1  # nothing printed, nothing marked


def test_letters_sent_or_amended_elsewhere_during_the_run_are_skipped_and_reported(qtbot, sqlite_staff, folder):
    adams, baker, cole = signed_letters(sqlite_staff, "Adams", "Baker", "Cole")
    dialog = _dialog(qtbot, sqlite_staff.receptionist)

    def meanwhile(letter):
        if letter.referral_id == adams:  # another workstation, after the batch has listed its letters
            referrals.mark_referral_sent(sqlite_staff.manager, baker)
            referrals.amend_referral(sqlite_staff.clinician, cole, clinician_text="Amended", reason="New finding",
                                     password=PASSWORD)

    dialog.letter_sent.connect(meanwhile)
    outcome = _run(qtbot, dialog, lambda: dialog.export_to(folder))

    assert outcome.sent == 1
    assert dialog.summary.text() == (
        f"Saved 1 letter to {folder} and marked it sent; 2 skipped: BAKER, Ann (already sent on another "
        "workstation); COLE, Ann (amended to version 2 meanwhile; that version is still to send).")
    assert [path.name for path in folder.iterdir()] == [f"ADAMS-Ann_referral-{adams}_v1.pdf"]
    assert [(row.referral_id, row.version) for row in (dialog.model.row_at(0),)] == [(cole, 2)]


def test_a_letter_amended_while_it_was_saved_is_not_marked_sent_and_its_file_removed(qtbot, sqlite_staff, folder,
                                                                                     monkeypatch):
    (adams,) = signed_letters(sqlite_staff, "Adams")
    real_export = letter_batch_dialog.export_letter

    def amended_while_writing(into, letter, pdf):
        written = real_export(into, letter, pdf)
        referrals.amend_referral(sqlite_staff.clinician, adams, clinician_text="Amended", reason="Typo",
                                 password=PASSWORD)
        return written

    monkeypatch.setattr(letter_batch_dialog, "export_letter", amended_while_writing)
    dialog = _dialog(qtbot, sqlite_staff.receptionist)
    _run(qtbot, dialog, lambda: dialog.export_to(folder))

    assert status(sqlite_staff, adams) == "signed" and list(folder.iterdir()) == []
    assert "ADAMS, Ann (amended to version 2 meanwhile; that version is still to send; its file was removed)" in (
        dialog.summary.text())


def test_the_summary_counts_what_was_done_skipped_and_left(qtbot):
    outcome = BatchOutcome(printing=True, total=12, sent=7, skipped=["JONES, Ann (already sent on another "
                                                                     "workstation)"], cancelled=True)
    assert outcome.summary() == ("Printed 7 letters and marked them sent; 1 skipped: JONES, Ann (already sent on "
                                 "another workstation); cancelled after 7 of 12. The letters not marked sent are "
                                 "still on the To send list.")


def test_a_folder_that_is_not_there_is_refused_in_the_dialog(qtbot, sqlite_staff, folder):
    (adams,) = signed_letters(sqlite_staff, "Adams")
    dialog = _dialog(qtbot, sqlite_staff.receptionist, chosen=folder / "gone")
    dialog.export_button.click()
    assert dialog.summary.isVisible() and dialog.summary.text() == f"{folder / 'gone'} is not a folder; choose another."
    assert status(sqlite_staff, adams) == "signed"


def test_every_button_has_a_name_and_a_mnemonic(qtbot, sqlite_staff):
    dialog = _dialog(qtbot, sqlite_staff.receptionist)
    assert dialog.print_button.text() == "&Print all…" and dialog.export_button.text() == "&Export all to a folder…"
    assert dialog.print_button.accessibleName() and dialog.export_button.accessibleName()
    assert dialog.table.accessibleName() == "Signed letters to send"


def test_an_unexpected_error_ends_the_run_with_the_letter_still_to_send(qtbot, sqlite_staff, folder, monkeypatch):
    (adams,) = signed_letters(sqlite_staff, "Adams")

    def broken(*args):
        raise RuntimeError("a bug")

    monkeypatch.setattr(letter_batch_dialog, "letter_still_unsent", broken)
    dialog = _dialog(qtbot, sqlite_staff.receptionist)
    _run(qtbot, dialog, lambda: dialog.export_to(folder))  # saved off the window's thread: the bug is logged

    assert status(sqlite_staff, adams) == "signed" and not dialog.running and dialog.progress is None
    assert "stopped: an unexpected error stopped it (RuntimeError: a bug)" in dialog.summary.text()
    assert dialog.summary.text().endswith("The letters not marked sent are still on the To send list.")


def test_saving_runs_beside_the_window_naming_each_letter_as_it_goes(qtbot, sqlite_staff, folder, monkeypatch):
    signed_letters(sqlite_staff, "Adams", "Baker")
    real_export = letter_batch_dialog.export_letter
    labels, ticks = [], []

    def slow_export(*args):  # a slow disk: each letter takes a while to write and read back
        threading.Event().wait(0.3)
        return real_export(*args)

    monkeypatch.setattr(letter_batch_dialog, "export_letter", slow_export)
    dialog = _dialog(qtbot, sqlite_staff.receptionist)
    heartbeat = QTimer(dialog)
    heartbeat.timeout.connect(lambda: ticks.append(1))
    heartbeat.start(10)
    dialog.letter_sent.connect(lambda _letter: QTimer.singleShot(0, lambda: labels.append(
        dialog.progress.labelText() if dialog.progress else "")))
    outcome = _run(qtbot, dialog, lambda: dialog.export_to(folder))

    assert outcome.sent == 2
    assert labels[0] == "Saved letter 1 of 2:\nADAMS, Ann — Spinal surgical"
    assert len(ticks) > 30  # the window's event loop turned while the letters were written


HELD = ("JONES, Bryn's standard physiotherapy letter is held, not sent: the warning “The STarT Back risk changed to "
        "low on 23 Nov 2026, after the standard physiotherapy referral was signed but before it was sent: check "
        "whether it should still be sent.” is not acknowledged. Dr Alys Jones, the clinician responsible for the "
        "episode, must decide whether it should still go and acknowledge the warning before it can be sent")


def test_a_letter_held_for_a_clinicians_decision_is_not_saved_nor_marked_while_the_others_are_sent(
        qtbot, sqlite_staff, folder):
    adams, cole = signed_letters(sqlite_staff, "Adams", "Cole")
    held = signed_then_superseded(sqlite_staff, assessed_on=date(2026, 11, 23))
    dialog = _dialog(qtbot, sqlite_staff.receptionist)

    outcome = _run(qtbot, dialog, lambda: dialog.export_to(folder))

    assert (outcome.sent, status(sqlite_staff, adams), status(sqlite_staff, cole)) == (2, "sent", "sent")
    assert status(sqlite_staff, held) == "signed"
    assert sorted(path.name for path in folder.iterdir()) == [f"ADAMS-Ann_referral-{adams}_v1.pdf",
                                                               f"COLE-Ann_referral-{cole}_v1.pdf"]
    assert dialog.summary.text() == (
        f"Saved 2 letters to {folder} and marked them sent; 1 held for a clinician's decision, not sent: {HELD}. "
        "Held letters stay on the To send list until their warning is acknowledged.")
    assert dialog.model.total == 1


def test_a_letter_superseded_while_the_run_works_is_held_not_reported_as_amended(qtbot, sqlite_staff, folder):
    (adams,) = signed_letters(sqlite_staff, "Adams")
    jones, episode_id = signed_at_medium_risk(sqlite_staff, "Jones", date(2026, 11, 23))
    dialog = _dialog(qtbot, sqlite_staff.receptionist)
    dialog.letter_sent.connect(lambda letter: letter.referral_id == adams and lower_the_risk(
        sqlite_staff, episode_id, date(2026, 11, 23)))  # the clinician, on another workstation

    outcome = _run(qtbot, dialog, lambda: dialog.export_to(folder))

    assert (outcome.sent, outcome.skipped, outcome.held) == (1, [], [HELD + "."])
    assert status(sqlite_staff, jones) == "signed"
