"""A letter in its own window: read it, print it, save it as a PDF, open it elsewhere.

A signed letter is shown, printed and saved from the stored bytes that
``referrals.letter_pdf`` checked against their SHA-256, never from a fresh rendering, so
every copy is the letter that was signed; saving writes those bytes exactly. A draft not
yet signed is rendered as signing it now would print it. The patient's self-management
leaflet uses the same window. The window is not modal: staff keep working beside it.
"""
from __future__ import annotations

import atexit
import re
import shutil
import tempfile
import unicodedata
from dataclasses import dataclass
from functools import cache
from html import escape
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QSize, QStandardPaths, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QKeySequence, QShortcut
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from clinic_desktop.services.appointments import appointments, confirmation
from clinic_desktop.services.core.change_reach import Record
from clinic_desktop.services.core.errors import NotFound
from clinic_desktop.services.core.export_files import write_whole_file
from clinic_desktop.services.episodes import episode_records, plan_printout
from clinic_desktop.services.patients import patient_search, patients
from clinic_desktop.services.patients.timeline import patient_timeline
from clinic_desktop.services.referrals import letter_content, referrals
from clinic_desktop.services.referrals.referrals import ReferralRecord
from clinic_desktop.ui.letters.letter_preview import LetterPreview
from clinic_desktop.ui.letters.letter_printing import prepare_printer, print_pages
from clinic_desktop.ui.letters.referral_dialogs import referral_summary
from clinic_desktop.ui.ops.messages import sentence
from clinic_desktop.ui.ops.op import Op
from clinic_desktop.ui.shell.view_reads import Reads
from clinic_desktop.ui.widgets.file_dialogs import save_file_dialog
from clinic_desktop.ui.widgets.form_dialog import show_as_refusal
from clinic_desktop.ui.widgets.palette import attention_colour
from clinic_desktop.ui.widgets.redraw_when_seen import RedrawWhenSeen
from clinic_desktop.ui.widgets.screen_fit import room_on_screen
from clinic_desktop.ui.widgets.time_format import local_time, short_date

_UNSAFE = re.compile(r"[^\w]+")  # as the batch export names its files: Zoë and 王芳 stay as they are
# A referral's letter: the referral and its versions, the patient, the pathway history (the episode's facts and
# visits), who signed, the letterhead, and the recipient's address.
LETTER_READS = Reads(Record.REFERRAL, Record.PATIENT, Record.EPISODE, Record.APPOINTMENT, Record.STAFF,
                     Record.SETTING, Record.DESTINATION)
_REASON_SHOWN = 60  # characters of an amendment reason in the version list (all of it below)
CONFIRMATION_TITLE = "Appointment confirmation"
CONFIRMATION_DETAIL = "When, where and with whom, what to bring and how to cancel: for the patient to take home."


@dataclass(frozen=True)
class LetterChoice:
    """One document the window can show: a signed version, or the draft (version None)."""

    label: str  # in the version list
    detail: str  # under it
    version: int | None
    file_stem: str  # "SMITH-Ann_referral-12_v2"


def file_stem(patient_name: str, what: str) -> str:
    """A file name safe on every file system, saying whose letter it is and which."""
    name = _UNSAFE.sub("-", unicodedata.normalize("NFC", patient_name)).strip("-_")[:60].strip("-_")
    return f"{name or 'patient'}_{what}"


def referral_choices(referral: ReferralRecord, zone) -> list[LetterChoice]:
    """The signed versions, oldest first; a referral not yet signed has only its draft."""
    choices = []
    for info in referral.versions:
        signed = f"{short_date(info.signed_at.astimezone(zone).date())} {local_time(info.signed_at, zone)}"
        detail = (f"Signed {signed} by {info.signer_name}. This is the stored copy, checked against its "
                  "fingerprint: printing or saving it gives exactly the letter that was signed.")
        if info.amendment_reason:
            reason = info.amendment_reason
            short = reason if len(reason) <= _REASON_SHOWN else reason[:_REASON_SHOWN - 1].rstrip() + "…"
            label = f"Version {info.version} — amendment: {short}"
            detail = f"Amends version {info.version - 1} because: {reason}\n{detail}"
        else:
            label = f"Version {info.version} — signed {short_date(info.signed_at.astimezone(zone).date())}"
        choices.append(LetterChoice(label, detail, info.version,
                                    file_stem(referral.patient_name, f"referral-{referral.id}_v{info.version}")))
    if not choices and referral.status in ("raised", "drafted"):
        choices.append(LetterChoice("Draft — not signed", "The draft as signing it now would print it. It must "
                                    "not be sent until the referring clinician has signed it.", None,
                                    file_stem(referral.patient_name, f"referral-{referral.id}_draft")))
    return choices


class LetterWindow(QDialog):
    """One letter (its versions, if a referral) beside Print…, Save as PDF… and Open in viewer.

    Build it with ``for_referral`` or ``for_leaflet`` and open it with ``show()``.
    ``dialog`` is the print or file dialog last opened from it (tests find it there).
    """

    def __init__(self, actor, settings, title: str, load: Callable[[LetterChoice], bytes], parent=None):
        super().__init__(parent)
        self._actor, self._settings = actor, settings
        self._load = load
        self._choices: list[LetterChoice] = []
        self._pdf: bytes | None = None
        self._printer: QPrinter | None = None
        self._print_dialog: QPrintDialog | None = None
        self.dialog: QDialog | None = None
        self._when_ready: Callable[[], None] | None = None
        self.referral: ReferralRecord | None = None  # None: the leaflet
        self.setWindowTitle(title)
        self.setModal(False)
        self.setWindowFlags(self.windowFlags() | Qt.WindowType.WindowMinMaxButtonsHint)
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        self.heading.setAccessibleDescription("Letter")
        self.versions = QComboBox()
        self.versions.setAccessibleName("Letter version")
        self.versions.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.versions.setMinimumContentsLength(36)
        self.version_label = QLabel("&Version")
        self.version_label.setBuddy(self.versions)
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setAccessibleDescription("About this version")
        self.preview = LetterPreview(keys_everywhere=True)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setAccessibleDescription("What was done")
        self.print_button = self._button("&Print…", "Print the letter (Ctrl+P)", "Ctrl+P", self.print_letter)
        self.save_button = self._button("&Save as PDF…", "Save the letter as a PDF file (Ctrl+S)", "Ctrl+S",
                                        self.save_as)
        self.open_button = self._button("&Open in viewer", "Open the letter in the computer's PDF viewer "
                                        "(Ctrl+Shift+O)", "Ctrl+Shift+O", self.open_in_viewer)
        self.close_button = self._button("&Close", "Close this window (Esc)", "", self.close)
        self._lay_out()
        self.versions.currentIndexChanged.connect(lambda _index: self._show_choice())

    def _button(self, text: str, tip: str, keys: str, slot) -> QPushButton:
        button = QPushButton(text)
        button.setToolTip(tip)
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        if keys:
            QShortcut(QKeySequence(keys), self, activated=lambda: button.isEnabled() and slot())
        return button

    def _lay_out(self) -> None:
        choice_row = QHBoxLayout()
        choice_row.addWidget(self.version_label)
        choice_row.addWidget(self.versions, 1)
        buttons = QHBoxLayout()
        for button in (self.print_button, self.save_button, self.open_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(choice_row)
        layout.addWidget(self.detail)
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.status)
        layout.addLayout(buttons)

    # --- the two kinds of letter -----------------------------------------------------------

    @classmethod
    def for_referral(cls, actor, settings, referral_id: int, *, version: int | None = None, hub=None,
                     parent: QWidget | None = None) -> "LetterWindow":
        """A referral's letter: the latest signed version (or ``version``), else the draft.

        With ``hub`` the window follows changes made meanwhile (a new amended version).
        """
        def load(choice: LetterChoice) -> bytes:
            if choice.version is None:
                return referrals.preview_letter(actor, referral_id)
            return referrals.letter_pdf(actor, referral_id, choice.version)

        record = referrals.get_referral(actor, referral_id)
        window = cls(actor, settings, f"{record.kind_title} referral letter — {record.patient_name}", load, parent)
        window.show_referral(record, version)
        if hub is not None:
            window.redraws = RedrawWhenSeen(window, hub, window._on_changed)
        return window

    @classmethod
    def for_leaflet(cls, actor, settings, patient_id: int, parent: QWidget | None = None) -> "LetterWindow":
        """The patient's one-page self-management leaflet (stay active, no bed rest, heat…)."""
        patient = patients.get_patient(actor, patient_id)
        return cls.for_patient_page(actor, settings, "Self-management leaflet", patient.display_name,
                                    "Printed with today's date, the clinic's details and the patient's name, for "
                                    "the patient to take home.",
                                    lambda: letter_content.patient_leaflet_pdf(actor, patient_id), parent)

    @classmethod
    def for_plan(cls, actor, settings, episode_id: int, parent: QWidget | None = None) -> "LetterWindow":
        """The management plan that stands, on one page for the patient to take home."""
        episode = episode_records.get_episode(actor, episode_id)
        return cls.for_patient_page(actor, settings, "Management plan", episode.patient_name,
                                    "The plan agreed with the patient: their goals, treatments and changes, in "
                                    "plain words, for them to take home.",
                                    lambda: plan_printout.management_plan_pdf(actor, episode_id), parent)

    @classmethod
    def for_confirmation(cls, actor, settings, appointment_id: int, parent: QWidget | None = None) -> "LetterWindow":
        """A booked appointment's confirmation, for the patient to take home or be sent."""
        record = appointments.get_appointment(actor, appointment_id)
        return cls.for_patient_page(actor, settings, CONFIRMATION_TITLE, record.patient_name, CONFIRMATION_DETAIL,
                                    lambda: confirmation.appointment_confirmation(actor, appointment_id), parent)

    @classmethod
    def for_patient_page(cls, actor, settings, title: str, patient_name: str, detail: str,
                         load: Callable[[], bytes], parent: QWidget | None = None) -> "LetterWindow":
        """A one-page document for the patient: a single choice, with no versions to choose from."""
        window = cls(actor, settings, f"{title} — {patient_name}", lambda choice: load(), parent)
        window.heading.setText(f"<b>{escape(title)}</b> for <b>{escape(patient_name)}</b>")
        stem = file_stem(patient_name, title.lower().replace(" ", "-"))
        window._set_choices([LetterChoice(title, detail, None, stem)], None)
        window.version_label.hide()
        window.versions.hide()
        return window

    def show_referral(self, record: ReferralRecord, version: int | None = None) -> None:
        """List ``record``'s versions, showing ``version`` (else the one shown, else the latest)."""
        self.referral = record
        self.heading.setText(referral_summary(record))
        choices = referral_choices(record, self._settings.zone)
        if version is None and self._choices:
            shown = self.choice()
            version = shown.version if shown and shown.version is not None else None
        if not choices:
            self._set_choices([], None)
            self.preview.show_message(f"Referral {record.id} has no letter yet: it is {record.status}.")
            return
        self._set_choices(choices, version)

    def _set_choices(self, choices: list[LetterChoice], version: int | None) -> None:
        previous = self.choice()
        self._choices = choices
        self.versions.blockSignals(True)
        self.versions.clear()
        for choice in choices:
            self.versions.addItem(choice.label)
        wanted = [index for index, choice in enumerate(choices) if choice.version == version]
        self.versions.setCurrentIndex(wanted[0] if wanted else len(choices) - 1)
        self.versions.blockSignals(False)
        chosen = self.choice()
        # A signed version never changes: keep it (and where the reader was) if it is still the one shown.
        if chosen is None or chosen != previous or chosen.version is None or self._pdf is None:
            self._show_choice()

    def choice(self) -> LetterChoice | None:
        index = self.versions.currentIndex()
        return self._choices[index] if 0 <= index < len(self._choices) else None

    def _show_choice(self) -> None:
        """Load the chosen letter off the window's thread; Print… and the rest wait for it."""
        choice = self.choice()
        shown, self._pdf = self._pdf, None
        self._enable_buttons()
        if choice is not None:
            self.detail.setText(choice.detail)
            load = self._load
            self.preview.draw(lambda: load(choice), lambda pdf: self._show_pdf(pdf, shown))

    def _show_pdf(self, pdf: bytes, shown: bytes | None) -> None:
        self._pdf = pdf
        if pdf != shown or self.preview.page_count() == 0:  # the same draft again: keep the place
            self.preview.set_pdf(pdf)
            self.status.clear()
        self._enable_buttons()
        if self._when_ready is not None:
            act, self._when_ready = self._when_ready, None
            act()

    def when_ready(self, act: Callable[[], None]) -> None:
        """Run ``act`` (Print…, Save as PDF…) once the document is drawn; at once if it is already.

        An offer such as "Print confirmation…" goes straight on to the print dialog this way,
        rather than leaving the user to find the button in a window still loading.
        """
        if self._pdf is not None:
            act()
        else:
            self._when_ready = act

    def _enable_buttons(self) -> None:
        for button in (self.print_button, self.save_button, self.open_button):
            button.setEnabled(self._pdf is not None)

    def _on_changed(self, changes) -> None:
        if self.referral is None or not LETTER_READS.concerned_with_patient(changes, self.referral.patient_id):
            return
        # Unreadable just now: kept as shown; the next change reported reads it again.
        Op(self, lambda: referrals.get_referral(self._actor, self.referral.id)).success(self.show_referral).failure(
            lambda _text: None).run()

    def pdf_bytes(self) -> bytes | None:
        """The bytes shown: what Print…, Save as PDF… and Open in viewer use."""
        return self._pdf

    # --- printing, saving, opening ---------------------------------------------------------

    def print_letter(self) -> None:
        """Qt's print dialog (opened, not exec'd); printing starts when it is accepted.

        One dialog and printer serve every print from this window (the choices made are
        kept), and the dialog is never deleted on close: that crashed PySide6 6.11.
        """
        pages = self.preview.current_pages()
        if pages is None:
            return
        if self._print_dialog is None:
            self._printer = QPrinter(QPrinter.PrinterMode.HighResolution)
            self._print_dialog = QPrintDialog(self._printer, self)
            self._print_dialog.setWindowTitle(f"Print — {self.windowTitle()}")
            self._print_dialog.setOptions(QPrintDialog.PrintDialogOption.PrintPageRange
                                          | QPrintDialog.PrintDialogOption.PrintCurrentPage
                                          | QPrintDialog.PrintDialogOption.PrintCollateCopies
                                          | QPrintDialog.PrintDialogOption.PrintToFile
                                          | QPrintDialog.PrintDialogOption.PrintShowPageSize)
            self._print_dialog.finished.connect(
                lambda result: result == QDialog.DialogCode.Accepted and self.print_to(self._printer))
        self._printer.setDocName(self.choice().file_stem)
        prepare_printer(self._printer, pages)
        self._print_dialog.setMinMax(1, len(pages))
        self.dialog = self._print_dialog
        QDialog.open(self._print_dialog)  # PySide offers QPrintDialog only its open(receiver, member)

    def print_to(self, printer: QPrinter) -> bool:
        """Draw the pages the printer asks for (range, copies, order) at its resolution."""
        pages = self.preview.current_pages()
        if pages is None:
            return False
        return (Op(self, lambda: print_pages(pages, printer, self.preview.current_page()))
                .success(lambda sheets: self._printed(sheets, printer))
                .failure(lambda text: self._tell(f"Not printed: {sentence(text)}", refused=True)).run())

    def _printed(self, sheets: int, printer: QPrinter) -> None:
        where = printer.outputFileName() or printer.printerName() or "the printer"
        self._tell(f"{sheets} page{'s' if sheets != 1 else ''} sent to {where}.")

    def save_as(self) -> None:
        """Ask where (a file dialog opened, not exec'd), then write the bytes exactly."""
        if self._pdf is None:
            return
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())
        self.dialog = save_file_dialog(self, "Save letter as PDF", Path(folder) / f"{self.choice().file_stem}.pdf",
                                       "PDF documents (*.pdf)", "pdf", self.save_to)

    def save_to(self, path: str | Path) -> bool:
        """Write the letter's bytes, exactly as stored, to ``path`` (whole or not at all)."""
        if self._pdf is None:
            return False
        path = Path(path)
        try:
            write_whole_file(path, self._pdf)
        except OSError as error:
            self._tell(f"The letter was not saved to {path}: {error.strerror or error}.", refused=True)
            return False
        self._tell(f"Saved to {path}.")
        return True

    def open_in_viewer(self) -> bool:
        """Hand a copy to the computer's PDF viewer; say so if none could be started."""
        if self._pdf is None:
            return False
        try:
            path = _viewer_folder() / f"{self.choice().file_stem}.pdf"
            write_whole_file(path, self._pdf)
        except OSError as error:
            self._tell(f"The letter could not be handed to a viewer: {error.strerror or error}.", refused=True)
            return False
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
            self._tell("No PDF viewer could be started on this computer; use Save as PDF… or Print… instead.",
                       refused=True)
            return False
        self._tell(f"Opened in the PDF viewer (a copy in {path.parent}, removed when Clinic Desktop closes).")
        return True

    def _tell(self, text: str, *, refused: bool = False) -> None:
        if refused:
            show_as_refusal(self.status)
        else:
            self.status.setStyleSheet(f"color: {attention_colour('ok').name()};")
        self.status.setText(text)

    def sizeHint(self) -> QSize:
        """Room for a page at about its real width; no larger than the screen."""
        return QSize(860, 980).boundedTo(room_on_screen(self))


@cache
def _viewer_folder() -> Path:
    """A private folder for the copies handed to a viewer, removed when the application exits."""
    folder = Path(tempfile.mkdtemp(prefix="clinic-letters-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def for_screenshot(actor, settings, hub) -> QWidget:
    """A signed demo letter (an amended one if there is one), its first page at a readable width."""
    best: ReferralRecord | None = None
    for letter in "abcdefghijklmnopqrstuvwxyz":
        for patient in patient_search.search_patients(actor, letter, limit=50):
            for referral in _referrals_of(actor, patient.id):
                if referral.versions and (best is None or len(referral.versions) > len(best.versions)):
                    best = referral
        if best is not None and len(best.versions) > 1:
            break
    if best is None:
        raise NotFound("The database has no signed referral letter to show")
    window = LetterWindow.for_referral(actor, settings, best.id, hub=hub)
    window.preview.wait_until_drawn()
    return window


def _referrals_of(actor, patient_id: int) -> list[ReferralRecord]:
    found = []
    for span in patient_timeline(actor, patient_id).episodes:
        found.extend(referrals.referrals_for_episode(actor, span.episode_id))
    return found
