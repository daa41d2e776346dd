"""The Letterhead page: the logo printed at the top of every new letter, previewed here.

The preview is the letterhead drawn exactly as new letters draw it (logo, the clinic's
name, address and telephone), so a logo too wide or too faint shows before any letter
goes out. The logo is kept in the database so every workstation prints the same one;
letters already signed keep the letterhead they were signed with.

Below it, the clinic's signing certificate is saved for recipients: letters carry a digital
signature from the clinic's own authority, which a recipient's PDF reader trusts once
given that certificate.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QFileDialog, QFrame, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from clinic_desktop.services.audit import letters_verify
from clinic_desktop.services.core.change_reach import Record
from clinic_desktop.services.core.transaction import database_errors_in_words
from clinic_desktop.services.referrals import letter_content
from clinic_desktop.services.referrals.letter_content import LOGO_MAX_BYTES
from clinic_desktop.ui.admin.admin_form import StatusLine
from clinic_desktop.ui.letters.letter_preview import PdfPages
from clinic_desktop.ui.ops.latest import LatestOp
from clinic_desktop.ui.shell.view_reads import Reads
from clinic_desktop.ui.widgets.file_dialogs import open_file_dialog, save_file_dialog
from clinic_desktop.ui.widgets.redraw_when_seen import RedrawWhenSeen

PREVIEW_SCALE = 1.25  # pixels a point: an A4-wide letterhead about 740 pixels across


class LetterheadPage(QWidget):
    def __init__(self, actor, hub, parent=None):
        super().__init__(parent)
        self.actor, self.hub = actor, hub
        self.file_dialog: QFileDialog | None = None
        intro = QLabel(f"The logo is printed at the top of every new letter and leaflet: a PNG or JPEG image of "
                       f"at most {LOGO_MAX_BYTES // 1024} KB. Letters already signed keep the letterhead they "
                       "were signed with.")
        intro.setWordWrap(True)
        self.preview = QLabel()
        self.preview.setAccessibleName("Letterhead logo preview")
        self.preview.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.preview.setFrameShape(QFrame.Shape.StyledPanel)
        self.preview.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)  # as wide as the page
        self.logo_state = QLabel()
        self.logo_state.setWordWrap(True)
        self.message = StatusLine()
        self.certificate_message = StatusLine()
        self.choose_button = QPushButton("&Choose logo image…")
        self.choose_button.clicked.connect(self.choose_file)
        self.remove_button = QPushButton("&Remove logo")
        self.remove_button.clicked.connect(self.remove_logo)
        buttons = QHBoxLayout()
        buttons.addWidget(self.choose_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        signing = QLabel("<b>Signed letters</b><br/>Each letter carries its clinician's digital signature from the "
                         "clinic's own certificate authority. Give recipients the clinic's certificate: once their "
                         "PDF reader trusts it, its signature panel shows each letter as signed and unchanged.")
        signing.setWordWrap(True)
        self.certificate_button = QPushButton("&Save signing certificate…")
        self.certificate_button.setToolTip("Save the clinic's certificate (PEM) to give to the services you refer to")
        self.certificate_button.clicked.connect(self.choose_certificate_file)
        certificate_row = QHBoxLayout()
        certificate_row.addWidget(self.certificate_button)
        certificate_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(QLabel("<b>New letters begin like this:</b>"))
        layout.addWidget(self.preview)
        layout.addWidget(self.logo_state)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addSpacing(12)
        layout.addWidget(signing)
        layout.addLayout(certificate_row)
        layout.addWidget(self.certificate_message)
        layout.addStretch(1)
        self._drawing = LatestOp(self, None)
        self.reload()
        self.redraws = RedrawWhenSeen(self, hub, self._on_changes)

    def reload(self) -> None:
        """Draw the letterhead as stored now (after a change here or on another workstation), off
        the window's thread: reportlab takes a tenth of a second to load and as much to draw."""
        self._drawing.run(self._letterhead, self._show_letterhead, self.message.refuse)

    def is_drawing(self) -> bool:
        return self._drawing.is_running()

    def _letterhead(self) -> tuple[bool, bytes]:
        from clinic_desktop.services.referrals.letterhead_preview import letterhead_preview_pdf

        with database_errors_in_words():
            has_logo = letter_content.letterhead_logo() is not None
        return has_logo, letterhead_preview_pdf(self.actor)

    def _show_letterhead(self, drawn: tuple[bool, bytes]) -> None:
        has_logo, pdf = drawn
        self.remove_button.setEnabled(has_logo)
        self.logo_state.setText("" if has_logo else "No logo: letters print the clinic's name and address only.")
        self.logo_state.setVisible(not has_logo)
        pages = PdfPages(pdf)
        try:
            self.preview.setPixmap(QPixmap.fromImage(pages.image(0, PREVIEW_SCALE)))
        finally:
            pages.close()

    def choose_file(self) -> None:
        self.file_dialog = open_file_dialog(self, "Choose the letterhead logo", Path.home(),
                                            "Images (*.png *.jpg *.jpeg)", self.use_file)

    def use_file(self, path: str) -> None:
        try:
            image = Path(path).read_bytes()
        except OSError as error:
            self.message.refuse(f"The file {path} could not be read ({error.strerror or error}).")
            return
        if self._save(image):
            self.message.tell(f"The logo from {Path(path).name} is now printed on new letters.")

    def choose_certificate_file(self) -> None:
        self.file_dialog = save_file_dialog(self, "Save the clinic's signing certificate",
                                            Path.home() / "clinic-signing-certificate.pem", "Certificates (*.pem)",
                                            "pem", self.save_certificate)

    def save_certificate(self, path: Path) -> None:
        saved, _ = self.certificate_message.attempt(lambda: letters_verify.save_clinic_certificate(self.actor, path))
        if saved:
            self.certificate_message.tell(f"Saved the signing certificate to {path}: give it to the services you "
                                          "refer to.")

    def remove_logo(self) -> None:
        if self._save(None):
            self.message.tell("The logo was removed: new letters print the clinic's name and address only.")

    def _save(self, image: bytes | None) -> bool:
        saved, _ = self.message.attempt(lambda: letter_content.set_letterhead_logo(self.actor, image))
        if not saved:
            return False
        self.hub.after_change()
        self.reload()
        return True

    def _on_changes(self, changes) -> None:
        if Reads(Record.SETTING).concerned(changes):
            self.reload()


def for_screenshot(actor, settings, hub) -> QWidget:
    page = LetterheadPage(actor, hub)
    page.resize(860, 380)
    return page
