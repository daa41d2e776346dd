"""The Letterhead page: choose, preview and remove the logo printed on new letters."""
from __future__ import annotations

import io

import pytest
from admin_helpers import shown
from PIL import Image
from PySide6.QtCore import Qt

from clinic_desktop.services.referrals import letter_content
from clinic_desktop.ui.admin.admin_letterhead import LetterheadPage
from clinic_desktop.ui.shell.change_hub import ChangeHub


def drawn(qtbot, page: LetterheadPage) -> LetterheadPage:
    """Wait for the letterhead to be drawn: it is drawn off the window's thread."""
    qtbot.waitUntil(lambda: not page.is_drawing(), timeout=10_000)
    return page


@pytest.fixture
def page(qtbot, sqlite_staff):
    return drawn(qtbot, shown(qtbot, LetterheadPage(sqlite_staff.manager, ChangeHub(sqlite_staff.manager))))


@pytest.fixture
def logo_file(tmp_path):
    buffer = io.BytesIO()
    Image.new("RGB", (600, 200), (20, 90, 160)).save(buffer, "PNG")
    path = tmp_path / "riverside-logo.png"
    path.write_bytes(buffer.getvalue())
    return path


def test_without_a_logo_the_preview_says_what_letters_print(page):
    assert page.logo_state.text() == "No logo: letters print the clinic's name and address only."
    assert not page.preview.pixmap().isNull()  # the letterhead with the clinic's details
    assert not page.remove_button.isEnabled()


def test_a_chosen_logo_is_stored_and_previewed(qtbot, page, logo_file):
    without_logo = page.preview.pixmap().toImage()
    qtbot.mouseClick(page.choose_button, Qt.MouseButton.LeftButton)
    assert page.file_dialog.isVisible()  # opened with open(), so the idle lock can hide it
    page.file_dialog.fileSelected.emit(str(logo_file))
    drawn(qtbot, page)
    assert letter_content.letterhead_logo() == logo_file.read_bytes()
    assert page.logo_state.text() == ""
    assert page.preview.pixmap().toImage() != without_logo  # the letterhead drawn again, with the logo
    assert page.message.text() == "The logo from riverside-logo.png is now printed on new letters."
    assert page.remove_button.isEnabled()
    page.file_dialog.close()


def test_a_file_that_is_not_an_image_is_refused_in_words(page, tmp_path):
    text = tmp_path / "notes.png"
    text.write_text("not really a picture")
    page.use_file(str(text))
    assert page.message.text() == "The logo is not a PNG or JPEG image that can be read."
    assert letter_content.letterhead_logo() is None


def test_the_logo_is_removed(qtbot, page, logo_file):
    page.use_file(str(logo_file))
    drawn(qtbot, page)
    qtbot.mouseClick(page.remove_button, Qt.MouseButton.LeftButton)
    drawn(qtbot, page)
    assert letter_content.letterhead_logo() is None
    assert page.logo_state.text().startswith("No logo")
    assert page.message.text() == "The logo was removed: new letters print the clinic's name and address only."


def test_the_signing_certificate_is_saved_for_recipients(page, tmp_path):
    from cryptography import x509

    page.certificate_button.click()
    assert page.file_dialog.isVisible() and page.file_dialog.selectedFiles()[0].endswith(
        "clinic-signing-certificate.pem")
    page.file_dialog.reject()
    target = tmp_path / "clinic.pem"
    page.save_certificate(target)
    assert x509.load_pem_x509_certificate(target.read_bytes()).extensions.get_extension_for_class(
        x509.BasicConstraints).value.ca
    assert page.certificate_message.text() == f"Saved the signing certificate to {target}: give it to the services " \
                                              "you refer to."


def test_a_certificate_that_cannot_be_written_is_refused_in_one_sentence(page, tmp_path):
    page.save_certificate(tmp_path / "no-such-folder" / "clinic.pem")
    assert page.certificate_message.text().startswith("The certificate was not saved: ")
    assert not (tmp_path / "no-such-folder").exists()
