"""The practice manager's patient import: choose a CSV file, read the preview, then import.

Reading the file and importing it run off the window's thread (a file of thousands of
patients takes seconds), with a progress dialog and Cancel; a cancelled import keeps no
patient. Nothing is written until "Import N patients" is pressed, and N is the number the preview
showed: the service refuses the import if the file or the stored patients changed since.
Each bad row says in words what is wrong (line, column, problem); the dialog stays open
afterwards to show what was imported and what was left out. A date of birth shows as read,
with the month in words (02/03/1980 is "02 Mar 1980"), so month-first dates are caught here.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, QSize, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from clinic_desktop.services.exchange import patient_import
from clinic_desktop.services.exchange.patient_csv import COLUMN_LABELS, COLUMNS, CsvRow
from clinic_desktop.services.exchange.patient_import import ImportPreview, ImportResult
from clinic_desktop.services.patients import patient_search
from clinic_desktop.ui.ops.messages import sentence
from clinic_desktop.ui.ops.op import Op
from clinic_desktop.ui.widgets.file_dialogs import open_file_dialog
from clinic_desktop.ui.widgets.form_dialog import show_as_refusal
from clinic_desktop.ui.widgets.palette import attention_colour, banner_style
from clinic_desktop.ui.widgets.screen_fit import room_on_screen
from clinic_desktop.ui.widgets.text_size import characters, lines
from clinic_desktop.ui.widgets.time_format import short_date

_SHOWN = ("nhs_number", "family_name", "given_name", "date_of_birth", "postcode")
HEADERS = ("Line", "Status", "NHS number", "Family name", "Given name", "Date of birth", "Postcode", "Problem")
STATUS_COLUMN, PROBLEM_COLUMN = 1, len(HEADERS) - 1
_WRAP_ROWS_UP_TO = 300  # growing rows to fit wrapped text is slow for a very long file
INTRO = ("Register patients from a CSV file saved as UTF-8. Its first line names the columns: "
         f"{', '.join(COLUMNS)} (family_name, given_name and date_of_birth are required). Dates are read as "
         "1980-02-29 or 29/02/1980, day first. Nothing is saved until you press Import; a row with a problem "
         "is left out whole.")


class ImportPreviewModel(QAbstractTableModel):
    """The preview's rows (or only those with problems); bad rows say so in words and in colour."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.preview: ImportPreview | None = None
        self.rows: tuple[CsvRow, ...] = ()

    def show(self, preview: ImportPreview | None, only_problems: bool) -> None:
        self.beginResetModel()
        self.preview = preview
        self.rows = () if preview is None else (preview.bad_rows if only_problems else preview.rows)
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 (Qt's name)
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return HEADERS[section]
        return None

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        row = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return str(row.line)
            if column == STATUS_COLUMN:
                return "⚠ Left out" if row.problems else "To import"
            if column == PROBLEM_COLUMN:
                return row.problem_text()
            shown = _SHOWN[column - 2]
            return short_date(row.birth_date) if shown == "date_of_birth" and row.birth_date else row.value(shown)
        if role == Qt.ItemDataRole.ToolTipRole:
            details = "\n".join(f"{COLUMN_LABELS[name]}: {_as_read(row, name, value)}"
                                for name, value in zip(COLUMNS, row.values) if value)
            problem = f"\n\nProblem: {row.problem_text()}" if row.problems else ""
            return f"Line {row.line}\n{details}{problem}"
        if role == Qt.ItemDataRole.ForegroundRole and row.problems and column in (STATUS_COLUMN, PROBLEM_COLUMN):
            return attention_colour("urgent")
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        return None


class PatientImportDialog(QDialog):
    """Choose a file, preview it, import its good rows; ``imported`` carries the ImportResult."""

    imported = Signal(object)

    def __init__(self, actor, settings, parent: QWidget | None = None):
        super().__init__(parent)
        self.actor, self.settings = actor, settings
        self.preview: ImportPreview | None = None
        self.result: ImportResult | None = None
        self.file_dialog: QFileDialog | None = None
        self.setWindowTitle("Import patients")
        intro = QLabel(INTRO)
        intro.setWordWrap(True)

        self.file_label = QLabel("No file chosen yet.")
        self.file_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.choose_button = QPushButton("&Choose file…")
        self.choose_button.setAccessibleName("Choose the CSV file to import")
        self.choose_button.clicked.connect(self.choose_file)
        self.reload_button = QPushButton("&Preview again")
        self.reload_button.setAccessibleName("Read the file again and show a new preview")
        self.reload_button.setEnabled(False)
        self.reload_button.clicked.connect(lambda: self.load(self.preview.path if self.preview else None))
        file_row = QHBoxLayout()
        file_row.addWidget(self.file_label, 1)
        file_row.addWidget(self.choose_button)
        file_row.addWidget(self.reload_button)

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet("font-weight: bold;")
        self.only_problems = QCheckBox("Show only rows with p&roblems")
        self.only_problems.toggled.connect(self._show_rows)

        self.model = ImportPreviewModel(self)
        self.table = QTableView()
        self.table.setAccessibleName("Preview of the rows in the file")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)  # Tab leaves the preview for Import; the arrows move between rows
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(PROBLEM_COLUMN, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().currentRowChanged.connect(self._show_detail)

        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setAccessibleDescription("The selected row in full")
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleDescription("Why nothing was imported")
        show_as_refusal(self.message)
        self.message.hide()
        self.result_banner = QLabel()
        self.result_banner.setObjectName("importResult")
        self.result_banner.setWordWrap(True)
        self.result_banner.setStyleSheet(banner_style("importResult", "done"))
        self.result_banner.hide()

        self.buttons = QDialogButtonBox()
        self.import_button = self.buttons.addButton("Import", QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setEnabled(False)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.import_rows)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(file_row)
        layout.addWidget(self.summary)
        layout.addWidget(self.only_problems)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.detail)
        layout.addWidget(self.message)
        layout.addWidget(self.result_banner)
        layout.addWidget(self.buttons)
        self.setTabOrder(self.choose_button, self.reload_button)
        self.setTabOrder(self.reload_button, self.only_problems)
        self.setTabOrder(self.only_problems, self.table)
        self.resize(self.sizeHint())  # Qt would open a window at no more than two thirds of the screen

    def sizeHint(self) -> QSize:
        """Room for every column and a readable problem, in characters so that it grows with the font,
        within the screen (the size it opens at)."""
        return QSize(characters(self, 180), lines(self, 50)).boundedTo(room_on_screen(self))

    def choose_file(self) -> None:
        folder = str(self.preview.path.parent) if self.preview else str(Path.home())
        self.file_dialog = open_file_dialog(self, "Choose the patients CSV file", folder,
                                            "CSV files (*.csv *.txt);;All files (*)", self.load)

    def load(self, path) -> Op | None:
        """Preview the file in the background (a large file takes seconds to check); nothing is written."""
        if not path:
            return None
        self.result = None
        self.result_banner.hide()
        self.file_label.setText(str(path))
        return (Op(self, lambda: patient_import.preview_patient_import(self.actor, Path(path)))
                .success(self._previewed).failure(self._not_previewed)
                .in_background(f"Checking {Path(path).name}…", cancellable=True))

    def _previewed(self, preview: ImportPreview) -> None:
        self.message.hide()
        self._set_preview(preview)

    def _not_previewed(self, why: str) -> None:
        self._set_preview(None)
        self._refuse(why)

    def import_rows(self) -> Op | None:
        """Register the good rows in the background, all or none (Cancel keeps none)."""
        if not self.import_button.isEnabled():  # no good rows, already imported, or importing now
            return None
        good = len(self.preview.good_rows)
        self.import_button.setEnabled(False)  # pressed twice, it imports once
        op = (Op(self, lambda: patient_import.import_patients(self.actor, self.preview))
              .success(self._imported).failure(self._refuse)
              .in_background(f"Importing {good:,} patient{'' if good == 1 else 's'}…", cancellable=True))
        op.finished.connect(lambda: self.import_button.setEnabled(self.result is None))
        return op

    def _imported(self, result) -> None:
        self.result = result
        self.message.hide()
        self.result_banner.setText(f"✔ {result.summary()}")
        self.result_banner.show()
        self.import_button.setEnabled(False)
        self.import_button.setText("Imported")
        self.close_button.setText("Close")
        self.close_button.setDefault(True)
        self.imported.emit(result)

    def _set_preview(self, preview: ImportPreview | None) -> None:
        self.preview = preview
        self.reload_button.setEnabled(preview is not None)
        good = len(preview.good_rows) if preview else 0
        self.summary.setText(preview.summary() if preview else "")
        self.import_button.setText(f"Import {good:,} patient{'' if good == 1 else 's'}" if preview else "Import")
        self.import_button.setEnabled(good > 0)
        self.import_button.setDefault(good > 0)
        self.close_button.setText("Cancel")
        self._show_rows()

    def _show_rows(self) -> None:
        self.model.show(self.preview, self.only_problems.isChecked())
        self._fit_rows()
        self.detail.setText("Select a row to read it in full." if self.model.rowCount() else "")

    def _fit_rows(self) -> None:
        """Rows grow to show a wrapped problem in full (following the column's width), unless there are
        so many that measuring each would make the dialog slow; then the tooltip and the line below show it."""
        mode = (QHeaderView.ResizeMode.ResizeToContents if self.model.rowCount() <= _WRAP_ROWS_UP_TO
                else QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setSectionResizeMode(mode)

    def _show_detail(self, current: QModelIndex, _previous=None) -> None:
        if not current.isValid():
            return
        row = self.model.rows[current.row()]
        values = ", ".join(f"{COLUMN_LABELS[name]} {_as_read(row, name, ' '.join(value.split()))}"
                           for name, value in zip(COLUMNS, row.values) if value)
        verdict = f"left out: {row.problem_text()}" if row.problems else "will be imported"
        self.detail.setText(f"Line {row.line} ({values}) {verdict}.")

    def _refuse(self, text: str) -> None:
        self.message.setText(sentence(text))
        self.message.show()


def _as_read(row: CsvRow, column: str, written: str) -> str:
    """A value as the file has it; a date of birth as read, then as written: '02 Mar 1980 (written 02/03/1980)'."""
    if column == "date_of_birth" and row.birth_date:
        return f"{short_date(row.birth_date)} (written {written.strip()})"
    return written


def for_screenshot(actor, settings, hub) -> QWidget:
    """The dialog previewing a small file with good rows and three kinds of bad row, one of them selected."""
    existing = patient_search.search_patients(actor, "a", limit=1)
    taken = existing[0] if existing else None
    rows = [
        "4857773457,Okafor,Chidi,1984-03-12,male,\"4 Mill Lane\nBristol\",BS3 1AA,0117 496 0101,none",
        "7123456785,Hughes,Megan,23/07/1990,female,,BS7 8QT,,mild",
        "9434765918,Price,Gareth,1958-11-30,male,,BS16 2HU,,none",
        ",Ahmed,Eva,31/02/1979,female,,BS5 6XR,,none",
        "4010232137,Nowak,Zoë,1975-02-09,female,,BS1 4DJ,,none",
        ",Byrne,Siobhán,1969-05-04,female,,BS2 0JE,,severe",
    ]
    if taken is not None:
        rows.insert(3, f"{taken.nhs_number or ''},{taken.family_name},{taken.given_name},"
                       f"{taken.date_of_birth.isoformat()},,,,,none")
    folder = Path(tempfile.mkdtemp(prefix="clinic-import-"))
    path = folder / "new-patients.csv"
    path.write_text(",".join(COLUMNS) + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    dialog = PatientImportDialog(actor, settings)
    dialog.load(path).wait()
    QCoreApplication.sendPostedEvents()
    bad = next((number for number, row in enumerate(dialog.model.rows) if row.problems), None)
    if bad is not None:
        dialog.table.selectRow(bad)
    return dialog
