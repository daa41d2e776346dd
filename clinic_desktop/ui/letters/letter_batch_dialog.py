"""Printing or exporting every signed, unsent letter in one go, each marked sent as it goes out.

A letter is marked sent (one transaction of its own) only right after its own output
succeeded: its file written whole and read back, or its print job accepted by the printer.
So a failure or a cancel part-way leaves every letter's state true: those that went out are
sent, the rest are still signed and still on the To send list, ready for the next run. A letter
held for a clinician's decision (its referral was superseded after it was signed) is neither
printed nor saved nor marked: the summary names it, the warning and who must decide.

Printing makes one print job per letter, not one for the batch. A job is the unit a
printer accepts or refuses, so marking each letter sent after its own job is the only way
the mark stays true; each letter also starts on a fresh sheet when printing two-sided, and
a printer that staples staples each letter. Printing to a PDF file therefore writes one file
per letter, named after the chosen file. The pages are drawn as the letter window prints
them (ui/letter_printing.print_pages). One letter is handled per pass of the event loop, so
the window stays responsive and Stop takes effect after the letter being printed; saving to
a folder handles each letter (read, write, read back, mark sent) on a thread of its own
(ui/ops), since the printer alone must be driven from the window's thread. Letters
are taken a page of listings and one PDF at a time from the service (never all at once), so
a thousand letters need no more memory than ten.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QPageSize
from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHeaderView,
    QLabel,
    QProgressDialog,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from clinic_desktop.services.admin.settings import ClinicSettings
from clinic_desktop.services.core.actor import Actor
from clinic_desktop.services.core.errors import Conflict, InvalidTransition, ServiceError
from clinic_desktop.services.referrals import referrals
from clinic_desktop.services.referrals.letter_batch import UnsentLetter, each_unsent_letter
from clinic_desktop.services.referrals.letters_to_send import export_letter, letter_still_unsent
from clinic_desktop.ui.letters.letter_preview import LetterNotReadable, PdfPages
from clinic_desktop.ui.letters.letter_printing import PrintFailed, prepare_printer, print_pages
from clinic_desktop.ui.ops.messages import sentence
from clinic_desktop.ui.ops.op import Op
from clinic_desktop.ui.shell.change_hub import ChangeHub
from clinic_desktop.ui.widgets.paged_table_model import PagedTableModel
from clinic_desktop.ui.widgets.palette import banner_style
from clinic_desktop.ui.widgets.redraw_when_seen import READ_AGAIN, RedrawWhenSeen
from clinic_desktop.ui.widgets.screen_fit import fit_on_screen
from clinic_desktop.ui.widgets.tables import read_only_table
from clinic_desktop.ui.worklists.worklist_views import TO_SEND_READS, to_send_view

MOST_NAMED = 5  # skipped letters named one by one in the summary; the rest are counted
# The To send list's columns that matter when sending (the patient's details are in each letter).
_COLUMNS = ("Referral", "Due by", "Days left", "Patient", "To", "Letter", "Signed")
# The long columns, which give way first when the room is short (a large font on a laptop); their
# tooltips tell all, and each letter says it again. The patient's name, the due date and OVERDUE stay whole.
_ELIDE_FIRST = ("Referral", "To", "Signed")


@dataclass
class BatchOutcome:
    """What a run did, for the summary line; counts only, so a thousand letters hold no memory."""

    printing: bool
    total: int  # signed, unsent letters when the run started
    sent: int = 0
    skipped: list[str] = field(default_factory=list)  # "JONES, Ann (amended meanwhile …)"
    held: list[str] = field(default_factory=list)  # each held letter's sentence: the warning, who decides
    failure: str | None = None
    cancelled: bool = False
    folder: Path | None = None

    @property
    def done(self) -> int:
        """Letters dealt with so far, whatever became of them."""
        return self.sent + len(self.skipped) + len(self.held)

    def summary(self) -> str:
        """"Printed 7 letters and marked them sent; 1 skipped: …; cancelled after 7 of 12."""
        letters = "letter" if self.sent == 1 else "letters"
        if self.sent:
            where = "" if self.printing else f" to {self.folder}"
            them = "it" if self.sent == 1 else "them"
            parts = [f"{'Printed' if self.printing else 'Saved'} {self.sent} {letters}{where} and marked {them} sent"]
        else:
            parts = [f"No letters were {'printed' if self.printing else 'saved'}"]
        if self.skipped:
            named = "; ".join(self.skipped[:MOST_NAMED])
            more = f"; and {len(self.skipped) - MOST_NAMED} more" if len(self.skipped) > MOST_NAMED else ""
            parts.append(f"{len(self.skipped)} skipped: {named}{more}")
        if self.held:
            named = " ".join(sentence(held) for held in self.held[:MOST_NAMED]).rstrip(".")
            more = f"; and {len(self.held) - MOST_NAMED} more" if len(self.held) > MOST_NAMED else ""
            parts.append(f"{len(self.held)} held for a clinician's decision, not sent: {named}{more}")
        if self.failure:
            parts.append(f"stopped: {self.failure.rstrip('.')}")
        if self.cancelled:
            parts.append(f"cancelled after {self.sent} of {self.total}")
        text = "; ".join(parts) + "."
        if self.failure or self.cancelled:
            text += " The letters not marked sent are still on the To send list."
        elif self.held:
            text += " Held letters stay on the To send list until their warning is acknowledged."
        return text


class LetterBatchDialog(QDialog):
    """The signed, unsent letters (urgent first), and Print all / Export all to a folder."""

    letter_sent = Signal(object)  # an UnsentLetter, once output and marked sent
    run_finished = Signal(object)  # a BatchOutcome

    def __init__(self, actor: Actor, settings: ClinicSettings, hub: ChangeHub, parent=None, *,
                 choose_folder: Callable[[QWidget], str] | None = None):
        super().__init__(parent)
        self._actor = actor
        self._hub = hub
        self._choose_folder = choose_folder or _ask_for_folder
        self._run: BatchOutcome | None = None
        self._letters: Iterator[tuple[UnsentLetter, bytes | None]] | None = None
        self._output: Callable[[UnsentLetter, bytes], Path | None] | None = None
        self.progress: QProgressDialog | None = None
        self._printer: QPrinter | None = None
        self.print_dialog: QPrintDialog | None = None
        self.setWindowTitle("Print or export signed letters")
        self.setObjectName("letterBatch")

        self.heading = QLabel()
        self.heading.setWordWrap(True)
        view = to_send_view(settings.zone)
        columns = [column for column in view.columns if column.header in _COLUMNS]
        self.model = PagedTableModel(columns, lambda offset, limit: view.fetch(actor, offset, limit, ""), self)
        self.table = read_only_table(self.model, "Signed letters to send", fit_contents=True)
        _elide_long_columns_first(self.table, [column.header for column in columns])
        self.summary = QLabel()
        self.summary.setObjectName("batchSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary.setAccessibleDescription("What the last run did")
        self.summary.hide()

        self.print_button = QPushButton("&Print all…")
        self.print_button.setAccessibleName("Print all signed letters and mark them sent")
        self.print_button.clicked.connect(self.print_all)
        self.export_button = QPushButton("&Export all to a folder…")
        self.export_button.setAccessibleName("Export all signed letters to a folder as PDF files and mark them sent")
        self.export_button.clicked.connect(self.export_all)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        for button in (self.print_button, self.export_button):
            button.setAutoDefault(False)  # Enter never starts a batch by accident
            buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        layout.addWidget(buttons)
        self.setTabOrder(self.table, self.print_button)
        self.setTabOrder(self.print_button, self.export_button)
        self.redraws = RedrawWhenSeen(self, hub, self._changed)  # a child: let go when the dialog is deleted
        self.reload()
        fit_on_screen(self)

    def sizeHint(self) -> QSize:
        """Room for the list's columns at the font in use (fit_on_screen keeps it within the screen)."""
        text = self.fontMetrics()
        return QSize(text.averageCharWidth() * 190, text.lineSpacing() * 26)

    @property
    def running(self) -> bool:
        return self._run is not None

    def _changed(self, changes) -> None:
        if TO_SEND_READS.concerned(changes, self.patients_shown()):
            self.reload()

    def patients_shown(self) -> frozenset[int] | None:
        """The patients on the letters read so far: the To send list, in its order (urgent, then due), with no
        filter by words, so a change to another patient's details cannot alter it (ui/shell/view_reads.py)."""
        return self.model.patients_shown()

    def reload(self) -> None:
        """Read the list again (not while a run is working through it)."""
        if self.running:
            return
        if not Op(self, self.model.reload).failure(self._unreadable).run():
            return
        total = self.model.total
        if total:
            letters = "letter is" if total == 1 else "letters are"
            self.heading.setText(f"<b>{total} signed {letters} waiting to be sent</b>, urgent first. Each letter "
                                 "is marked sent as soon as it has been printed or saved; if the run stops, "
                                 "the rest stay on this list.")
        else:
            self.heading.setText("<b>No signed letters are waiting to be sent.</b>")
        self.print_button.setEnabled(total > 0)
        self.export_button.setEnabled(total > 0)

    def _unreadable(self, reason: str) -> None:
        """The letters as they were stay, saying why they may be out of date; read again when the database answers."""
        self.heading.setText(f"<b>⚠ The letters to send could not be read again, so this list may be out of date.</b> "
                             f"{sentence(reason)} {READ_AGAIN}")
        self.redraws.read_failed()

    # --- starting a run ---

    def print_all(self) -> None:
        """Choose the printer (Qt's print dialog, opened window-modal), then print every letter.

        The one print dialog is kept and reused, so a second run offers the printer chosen
        for the first (and deleting a closed QPrintDialog crashed PySide6 6.11 offscreen).
        """
        if self.print_dialog is None:
            self._printer = QPrinter(QPrinter.PrinterMode.HighResolution)
            self._printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
            self.print_dialog = QPrintDialog(self._printer, self)
            self.print_dialog.setWindowTitle("Print all signed letters")
            self.print_dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintPageRange, False)  # whole letters
            self.print_dialog.accepted.connect(lambda: self.print_to(self._printer))
        QDialog.open(self.print_dialog)  # PySide6's QPrintDialog offers only open(receiver, member)

    def export_all(self) -> None:
        chosen = self._choose_folder(self)
        if chosen:
            self.export_to(Path(chosen))

    def print_to(self, printer: QPrinter) -> None:
        self._start(True, _PrintJobs(printer))

    def export_to(self, folder: Path) -> None:
        if not folder.is_dir():
            self._show_summary(f"{folder} is not a folder; choose another.", "urgent")
            return
        self._start(False, lambda letter, pdf: export_letter(folder, letter, pdf), folder)

    def _start(self, printing: bool, output: Callable[[UnsentLetter, bytes], Path | None],
               folder: Path | None = None) -> None:
        """Work through the letters; ``output`` raises ServiceError if a letter did not go out whole."""
        if self.running:
            return
        total = self.model.total
        self._run = BatchOutcome(printing=printing, total=total, folder=folder)
        self._output = output
        self._letters = each_unsent_letter(self._actor)
        self.summary.hide()
        self.print_button.setEnabled(False)
        self.export_button.setEnabled(False)
        self.progress = QProgressDialog("Starting…", "&Stop", 0, max(total, 1), self)
        self.progress.setWindowTitle("Printing letters" if printing else "Saving letters")
        self.progress.setAccessibleName("Progress of the letters run")
        self.progress.setMinimumDuration(0)
        self.progress.setAutoClose(False)
        self.progress.setAutoReset(False)
        self.progress.setMinimumWidth(460)
        self.progress.open()
        QTimer.singleShot(0, self, self._next_letter)

    # --- one letter per pass of the event loop ---

    def _next_letter(self) -> None:
        if self._run is None:
            return
        try:
            self._step(self._run)
        except Exception as error:  # a bug, not a refusal: end the run truthfully, then let it be reported
            if self._run is not None:
                self._run.failure = f"an unexpected error ({error})"
                self._finish()
            raise

    def _step(self, run: BatchOutcome) -> None:
        if self.progress.wasCanceled():
            run.cancelled = True
            return self._finish()
        if run.printing:  # a printer is driven from the window's thread
            return self._handled(run, self._one_letter(run))
        (Op(self, lambda: self._one_letter(run)).success(lambda handled: self._handled(run, handled))
         .failure(lambda why: self._stopped(run, why)).in_background(None))

    def _one_letter(self, run: BatchOutcome) -> tuple[UnsentLetter, bool] | None:
        """Take the next letter and deal with it: (the letter, whether it was sent), or None when
        the run is over (no letter left, or a failure recorded in ``run``). Touches no widget:
        when saving to a folder it runs on a thread of its own, so the window keeps painting."""
        try:
            letter, pdf = next(self._letters)
        except StopIteration:
            return None
        except ServiceError as error:
            run.failure = str(error)
            return None
        if letter.held is not None:
            run.held.append(letter.held)
            return letter, False
        if pdf is None:
            self._not_sent(run, letter)
            return letter, False
        sent = self._send(run, letter, pdf)
        return None if sent is None else (letter, sent)

    def _handled(self, run: BatchOutcome, handled: tuple[UnsentLetter, bool] | None) -> None:
        """Back on the window's thread after a letter: say so, then take the next one."""
        if handled is None:
            return self._finish()
        letter, sent = handled
        if sent:
            self.letter_sent.emit(letter)
        self.progress.setMaximum(max(run.total, run.done))  # a letter signed meanwhile may join the run
        self.progress.setLabelText(f"{'Printed' if run.printing else 'Saved'} letter {run.done} of "
                                   f"{self.progress.maximum()}:\n{letter.patient_name} — {letter.kind_title}")
        self.progress.setValue(run.done)
        QTimer.singleShot(0, self, self._next_letter)

    def _stopped(self, run: BatchOutcome, why: str) -> None:
        run.failure = why
        self._finish()

    def _send(self, run: BatchOutcome, letter: UnsentLetter, pdf: bytes) -> bool | None:
        """Output one letter, then mark it sent: True when sent, False when it did not go (counted),
        None when the run must stop."""
        done_with = "printed" if run.printing else "saved"
        try:
            written = self._output(letter, pdf)
        except ServiceError as error:
            run.failure = str(error)
            return None
        try:
            if not letter_still_unsent(self._actor, letter.referral_id, letter.version):
                raise Conflict("changed meanwhile")
            referrals.mark_referral_sent(self._actor, letter.referral_id, version=letter.version)
        except (Conflict, InvalidTransition):
            if isinstance(written, Path):
                written.unlink(missing_ok=True)  # the folder holds only letters this run marked sent
            self._not_sent(run, letter, "discard the printed copy" if run.printing else "its file was removed")
            return False
        except ServiceError as error:
            run.failure = (f"{letter.patient_name}'s letter was {done_with} but could not be marked sent "
                           f"({sentence(str(error)).rstrip('.')}); mark it sent from the To send list")
            return None
        run.sent += 1
        return True

    def _not_sent(self, run: BatchOutcome, letter: UnsentLetter, discard: str = "") -> None:
        """Count a letter that did not go: held for a decision (said in full), or changed meanwhile."""
        try:
            held = referrals.sending_held(self._actor, letter.referral_id)
        except ServiceError:
            held = None
        if held is not None:
            run.held.append(f"{held.rstrip('.')} ({discard})" if discard else held)
        else:
            then = f"; {discard}" if discard else ""
            run.skipped.append(f"{letter.patient_name} ({self._why_not_sent(letter)}{then})")

    def _why_not_sent(self, letter: UnsentLetter) -> str:
        try:
            record = referrals.get_referral(self._actor, letter.referral_id)
        except ServiceError:
            return "changed on another workstation"
        if record.status != "signed":
            return f"already {record.status.replace('_', ' ')} on another workstation"
        return f"amended to version {record.versions[-1].version} meanwhile; that version is still to send"

    def _finish(self) -> None:
        run, self._run = self._run, None
        self._letters = None
        self._output = None
        self.progress.close()
        self.progress.deleteLater()
        self.progress = None
        self.reload()
        self._show_summary(run.summary(), "urgent" if run.failure else "info" if run.cancelled else "done")
        self._hub.after_change()
        self.run_finished.emit(run)

    def _show_summary(self, text: str, kind: str) -> None:
        self.summary.setText(text)
        self.summary.setStyleSheet(banner_style("batchSummary", kind))
        self.summary.show()


class _PrintJobs:
    """Prints each letter as its own job on the one printer chosen (see the module docstring)."""

    def __init__(self, printer: QPrinter):
        self._printer = printer
        chosen = printer.outputFileName()
        self._to_file = Path(chosen) if chosen else None

    def __call__(self, letter: UnsentLetter, pdf: bytes) -> None:
        printer = self._printer
        target = None
        if self._to_file is not None:
            target = self._to_file.with_name(f"{self._to_file.stem}_{letter.file_name}")
            printer.setOutputFileName(str(target))
        printer.setDocName(letter.file_name.removesuffix(".pdf"))
        try:
            pages = PdfPages(pdf)
        except LetterNotReadable as error:
            raise ServiceError(f"{letter.patient_name}'s letter could not be read: {error}") from None
        try:
            prepare_printer(printer, pages)
            print_pages(pages, printer)
            count = len(pages)
        except PrintFailed as error:
            if target is not None:
                target.unlink(missing_ok=True)
            raise ServiceError(f"{letter.patient_name}'s letter was not printed: {error}") from None
        finally:
            pages.close()
            if self._to_file is not None:
                printer.setOutputFileName(str(self._to_file))  # as chosen, for the next run
        if printer.printerState() == QPrinter.PrinterState.Error:
            raise ServiceError(f"the printer did not accept {letter.patient_name}'s letter")
        if target is not None and _pages_in(target) < count:
            raise ServiceError(f"{target} did not read back with all {count} pages of {letter.patient_name}'s letter")


def _pages_in(path: Path) -> int:
    """How many pages a PDF printed to a file holds (0 if it is not there or not a PDF)."""
    from pypdf import PdfReader  # a quarter of a second to import: only once letters are printed to files
    from pypdf.errors import PyPdfError

    try:
        return len(PdfReader(path).pages)
    except (OSError, PyPdfError):
        return 0


def _elide_long_columns_first(table: QTableView, headers: list[str]) -> None:
    """The other columns fit their text; the long ones share the room left, each never narrower
    than the widest of their titles, so no title is cut."""
    header = table.horizontalHeader()
    header.setStretchLastSection(False)
    long_ones = [number for number, title in enumerate(headers) if title in _ELIDE_FIRST]
    for number in long_ones:
        header.setSectionResizeMode(number, QHeaderView.ResizeMode.Stretch)
    header.setMinimumSectionSize(max(header.sectionSizeHint(number) for number in long_ones))


def _ask_for_folder(parent: QWidget) -> str:
    return QFileDialog.getExistingDirectory(parent, "Save the signed letters in…", str(Path.home()))


def for_screenshot(actor, settings, hub) -> QWidget:
    """The dialog over the demo clinic's signed, unsent letters, the first one selected."""
    dialog = LetterBatchDialog(actor, settings, hub)
    if dialog.model.rowCount():
        dialog.table.selectRow(0)
    return dialog
