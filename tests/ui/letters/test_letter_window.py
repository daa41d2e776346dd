"""A letter's window: its versions, the stored bytes saved exactly, printing, the viewer, the leaflet."""
from __future__ import annotations

import hashlib
import io
import threading
from datetime import datetime, timezone
from pathlib import Path

import pypdf
import pytest
from database_fixtures import PASSWORD
from letter_drawing import drawn
from patient_story import at, build_story
from PySide6.QtGui import QDesktopServices, QPageRanges
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QApplication, QFileDialog

from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.services.core.clock import frozen_at
from clinic_desktop.services.referrals import referrals
from clinic_desktop.ui.letters.letter_window import LetterWindow, for_screenshot
from clinic_desktop.ui.shell.change_hub import ChangeHub

CLINIC_TIME = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)  # every test here (tests/conftest.py: clinic_clock)

LONG_TEXT = "\n\n".join(f"Paragraph {number}: the pain began after lifting at work and has not settled with "
                        "advice, simple analgesia and staying active; sleep is poor and mood is low."
                        for number in range(1, 41))


def page_count(pdf: bytes) -> int:
    return len(pypdf.PdfReader(io.BytesIO(pdf)).pages)


def opened(qtbot, window: LetterWindow) -> LetterWindow:
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    drawn(qtbot, window.preview)
    return window


def referral_window(qtbot, actor, referral_id: int, **options) -> LetterWindow:
    return opened(qtbot, LetterWindow.for_referral(actor, load_settings(), referral_id, **options))


@pytest.fixture
def signed(sqlite_staff):
    """SMITH, Ann's letter, signed as version 1 on Thu 12 Nov 2026 and sent."""
    return build_story(sqlite_staff).referral_id


@pytest.fixture
def long_letter(sqlite_staff):
    """A letter long enough for several pages, signed."""
    story = build_story(sqlite_staff, sign=False)
    with frozen_at(at(11, 12, 12)):
        referrals.draft_referral(sqlite_staff.clinician, story.referral_id, LONG_TEXT)
        referrals.sign_referral(sqlite_staff.clinician, story.referral_id, PASSWORD)
    return story.referral_id


def amend(staff, referral_id: int, reason: str = "Added the MRI result") -> None:
    with frozen_at(at(11, 16, 10)):
        referrals.amend_referral(staff.clinician, referral_id, clinician_text="Persistent pain; MRI: L4/5 bulge.",
                                 reason=reason, password=PASSWORD)


def test_a_signed_letter_shows_its_stored_bytes_and_who_signed_it(qtbot, sqlite_staff, signed):
    window = referral_window(qtbot, sqlite_staff.receptionist, signed)
    assert window.windowTitle() == ("Biopsychosocial assessment / specialised physiotherapy referral letter — "
                                    "SMITH, Ann")
    assert [window.versions.itemText(row) for row in range(window.versions.count())] == [
        "Version 1 — signed 12 Nov 2026"]
    assert window.detail.text().startswith("Signed 12 Nov 2026 12:00 by Dr Alys Jones.")
    assert window.pdf_bytes() == referrals.letter_pdf(sqlite_staff.receptionist, signed, 1)
    assert not window.isModal()


def test_the_versions_list_the_amendment_with_its_reason_and_show_the_latest(qtbot, sqlite_staff, signed):
    amend(sqlite_staff, signed)
    window = referral_window(qtbot, sqlite_staff.clinician, signed)
    assert [window.versions.itemText(row) for row in range(window.versions.count())] == [
        "Version 1 — signed 12 Nov 2026", "Version 2 — amendment: Added the MRI result"]
    assert window.choice().version == 2
    assert window.pdf_bytes() == referrals.letter_pdf(sqlite_staff.clinician, signed, 2)
    window.versions.setCurrentIndex(0)
    drawn(qtbot, window.preview)
    assert window.pdf_bytes() == referrals.letter_pdf(sqlite_staff.clinician, signed, 1)


def test_every_page_of_a_long_letter_is_shown_with_the_page_indicator(qtbot, sqlite_staff, long_letter):
    pages = page_count(referrals.letter_pdf(sqlite_staff.clinician, long_letter))
    window = referral_window(qtbot, sqlite_staff.clinician, long_letter)
    assert pages >= 2
    assert window.preview.page_count() == pages and window.preview.page_label.text() == f"Page 1 of {pages}"
    window.preview.next_page()
    assert window.preview.page_label.text() == f"Page 2 of {pages}"


def test_a_draft_is_previewed_before_it_is_signed(qtbot, sqlite_staff):
    story = build_story(sqlite_staff, sign=False)
    window = referral_window(qtbot, sqlite_staff.clinician, story.referral_id)
    assert [window.versions.itemText(row) for row in range(window.versions.count())] == ["Draft — not signed"]
    assert window.preview.page_count() >= 1
    assert "DRAFT – not signed" in window.preview.scroll.accessibleDescription()


def test_save_as_pdf_writes_the_stored_bytes_exactly_every_time(qtbot, sqlite_staff, signed, tmp_path):
    window = referral_window(qtbot, sqlite_staff.receptionist, signed)
    stored = referrals.letter_pdf(sqlite_staff.receptionist, signed, 1)
    for name in ("first.pdf", "reprint.pdf"):
        window.save_as()
        dialog = window.dialog
        assert isinstance(dialog, QFileDialog) and dialog.isVisible() and dialog.isModal()  # open(), not exec()
        assert dialog.selectedFiles()[0].endswith(f"SMITH-Ann_referral-{signed}_v1.pdf")
        dialog.selectFile(str(tmp_path / name))
        dialog.accept()
        assert (tmp_path / name).read_bytes() == stored
    assert hashlib.sha256(stored).hexdigest() == referrals.get_referral(sqlite_staff.receptionist,
                                                                        signed).versions[0].sha256
    assert window.status.text() == f"Saved to {tmp_path / 'reprint.pdf'}."


def test_a_letter_that_cannot_be_saved_says_why_in_the_window(qtbot, sqlite_staff, signed, tmp_path):
    window = referral_window(qtbot, sqlite_staff.receptionist, signed)
    assert not window.save_to(tmp_path / "no such folder" / "letter.pdf")
    assert window.status.text().startswith(f"The letter was not saved to {tmp_path / 'no such folder'}")


def pdf_printer(path: Path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


def test_printing_gives_as_many_pages_as_the_letter(qtbot, sqlite_staff, long_letter, tmp_path):
    window = referral_window(qtbot, sqlite_staff.receptionist, long_letter)
    assert window.print_to(pdf_printer(tmp_path / "printed.pdf"))
    printed = pypdf.PdfReader(tmp_path / "printed.pdf")
    assert len(printed.pages) == window.preview.page_count() >= 2
    width, height = printed.pages[0].mediabox.width, printed.pages[0].mediabox.height
    assert (round(width), round(height)) == (595, 842)  # A4, as the letter
    assert window.status.text() == f"{len(printed.pages)} pages sent to {tmp_path / 'printed.pdf'}."


def test_printing_follows_the_page_range_and_copies_chosen(qtbot, sqlite_staff, long_letter, tmp_path):
    window = referral_window(qtbot, sqlite_staff.receptionist, long_letter)
    printer = pdf_printer(tmp_path / "printed.pdf")
    printer.setPrintRange(QPrinter.PrintRange.PageRange)
    printer.setPageRanges(QPageRanges.fromString("2"))
    printer.setCopyCount(2)  # a PDF file cannot make copies itself: the pages are drawn twice
    assert window.print_to(printer)
    assert len(pypdf.PdfReader(tmp_path / "printed.pdf").pages) == 2


def test_print_opens_qts_print_dialog_without_blocking(qtbot, sqlite_staff, signed):
    window = referral_window(qtbot, sqlite_staff.receptionist, signed)
    window.print_button.click()
    dialog = window.dialog
    assert isinstance(dialog, QPrintDialog) and dialog.isVisible() and dialog.isModal()
    assert (dialog.minPage(), dialog.maxPage()) == (1, window.preview.page_count())
    dialog.reject()
    window.print_button.click()
    assert window.dialog is dialog and dialog.isVisible()  # one dialog, kept with the choices made
    dialog.reject()


def test_open_in_viewer_hands_over_a_copy_named_for_the_letter(qtbot, sqlite_staff, signed, monkeypatch):
    opened_urls = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened_urls.append(url) or True)
    window = referral_window(qtbot, sqlite_staff.clinician, signed)
    assert window.open_in_viewer()
    copy = Path(opened_urls[0].toLocalFile())
    assert copy.name == f"SMITH-Ann_referral-{signed}_v1.pdf"
    assert copy.read_bytes() == referrals.letter_pdf(sqlite_staff.clinician, signed, 1)


def test_no_viewer_on_the_computer_is_said_in_the_window(qtbot, sqlite_staff, signed, monkeypatch):
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: False)
    window = referral_window(qtbot, sqlite_staff.clinician, signed)
    assert not window.open_in_viewer()
    assert window.status.text() == ("No PDF viewer could be started on this computer; use Save as PDF… or "
                                    "Print… instead.")


def test_a_letter_changed_after_signing_is_not_shown_printed_or_saved(qtbot, sqlite_staff, signed):
    from clinic_desktop.models import LetterVersion, database_proxy

    pdf = bytes(LetterVersion.get().pdf) + b"\n% changed by someone with the file\n"
    database_proxy.execute_sql("DROP TRIGGER letter_version_write_once_update")
    LetterVersion.update(pdf=pdf, sha256=hashlib.sha256(pdf).hexdigest()).execute()
    window = referral_window(qtbot, sqlite_staff.clinician, signed)
    assert window.preview.message.text() == ("⚠ This letter's PDF was changed after Dr Alys Jones signed it "
                                             "(something was added after the signature).")
    assert window.pdf_bytes() is None
    assert not any(button.isEnabled() for button in (window.print_button, window.save_button, window.open_button))


def test_a_version_signed_meanwhile_joins_the_list_and_the_reader_keeps_their_place(qtbot, sqlite_staff, signed):
    hub = ChangeHub(sqlite_staff.clinician)
    hub.stop()
    window = referral_window(qtbot, sqlite_staff.clinician, signed, hub=hub)
    amend(sqlite_staff, signed)  # another workstation
    hub.after_change()
    drawn(qtbot, window.preview)
    assert window.versions.count() == 2 and window.choice().version == 1
    assert "Letter version 2 signed by Dr Alys Jones" in window.heading.text()


def test_a_draft_rewritten_meanwhile_is_shown_anew_and_otherwise_keeps_the_readers_place(qtbot, sqlite_staff):
    story = build_story(sqlite_staff, sign=False)
    referrals.draft_referral(sqlite_staff.clinician, story.referral_id, LONG_TEXT)
    hub = ChangeHub(sqlite_staff.clinician)
    hub.stop()
    window = referral_window(qtbot, sqlite_staff.clinician, story.referral_id, hub=hub)
    window.preview.go_to_page(2)
    referrals.raise_referral(sqlite_staff.clinician, story.episode_id, kind="spinal_surgical", reason="Not improved")
    hub.after_change()  # the same patient, not this letter
    drawn(qtbot, window.preview)
    assert window.preview.current_page() == 2
    referrals.draft_referral(sqlite_staff.clinician, story.referral_id, "Short again.")
    hub.after_change()
    drawn(qtbot, window.preview)
    assert window.preview.current_page() == 1
    assert "Short again." in window.preview.scroll.accessibleDescription()


def test_the_leaflet_opens_for_a_receptionist(qtbot, sqlite_staff, signed):
    patient_id = referrals.get_referral(sqlite_staff.receptionist, signed).patient_id
    window = opened(qtbot, LetterWindow.for_leaflet(sqlite_staff.receptionist, load_settings(), patient_id))
    assert window.windowTitle() == "Self-management leaflet — SMITH, Ann"
    assert window.preview.page_count() == 1 and window.preview.page_label.text() == "Page 1 of 1"
    assert window.versions.isHidden() and window.print_button.isEnabled()
    assert window.choice().file_stem == "SMITH-Ann_self-management-leaflet"


def test_screenshot_shows_a_signed_letter(qtbot, sqlite_staff, signed):
    window = for_screenshot(sqlite_staff.clinician, load_settings(), None)
    qtbot.addWidget(window)
    QApplication.processEvents()  # the screenshot takes its picture after a few passes, without waiting
    assert window.referral.id == signed and window.preview.page_count() >= 1


def test_the_window_answers_while_the_letter_is_drawn_and_offers_nothing_to_print_until_then(
        qtbot, sqlite_staff, signed, monkeypatch):
    release, stored = threading.Event(), referrals.letter_pdf

    def slow(actor, referral_id, version=None):
        release.wait(10)
        return stored(actor, referral_id, version)

    monkeypatch.setattr(referrals, "letter_pdf", slow)
    window = LetterWindow.for_referral(sqlite_staff.clinician, load_settings(), signed)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)  # painted while the letter is still being built
    assert window.preview.message.text() == "Drawing the letter…"
    assert not any(button.isEnabled() for button in (window.print_button, window.save_button, window.open_button))
    release.set()
    qtbot.waitUntil(lambda: window.preview.page_count() == 1, timeout=10_000)
    assert window.print_button.isEnabled() and window.pdf_bytes() == stored(sqlite_staff.clinician, signed, 1)
