"""Finding a patient as the receptionist types: by name, NHS number, phone number, postcode or
date of birth.

Every keystroke makes at most one service call for a handful of rows (the search is
answered from indexes, so it stays quick at 100,000 patients); a number too short to
search yet, or a half-typed date, makes none and says "Keep typing…". Each row shows the
phone numbers and postcode, so the person on the line can be told apart from a namesake. The whole widget works from the keyboard:
type, Down into the results, Enter to open, Esc to clear.
"""
from __future__ import annotations

import re

from PySide6.QtCore import QAbstractTableModel, QEvent, QModelIndex, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.services.patients import patient_search
from clinic_desktop.services.patients.patients import PatientRecord
from clinic_desktop.ui.ops.op import Op
from clinic_desktop.ui.patients.contact_fields import phones_in_words
from clinic_desktop.ui.patients.patient_dialog import PatientDialog
from clinic_desktop.ui.widgets.time_format import short_date

SHOWN_AT_MOST = 20
HINT = ("Type a family name (smith, or smith ann), an NHS number, a phone number, a postcode (BS16 or BS16 2NA) "
        "or a date of birth (01/02/1970).")
_WHOLE_DATE = re.compile(r"\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{2}-\d{2}")
_PARTIAL_DATE = re.compile(r"\d{1,2}/(\d{0,2}(/\d{0,3})?)?|\d{4}-(\d{0,2}(-\d?)?)?|\d{4}-\d{2}-")


def incomplete_hint(text: str) -> str | None:
    """What to tell someone still typing an NHS number or a date (no search is worth making yet)."""
    if _WHOLE_DATE.fullmatch(text):
        return None
    digits = patient_search.phone_digits(text)
    if digits is not None and digits < patient_search.PHONE_DIGITS_TO_SEARCH:
        return (f"Keep typing… a phone number is searched from its first {patient_search.PHONE_DIGITS_TO_SEARCH} "
                "digits, an NHS number has 10; a date of birth reads 01/02/1970 or 1970-02-01.")
    if _PARTIAL_DATE.fullmatch(text):
        return "Keep typing… a date of birth as 01/02/1970 or 1970-02-01."
    return None


class PatientResultsModel(QAbstractTableModel):
    """The few patients a search found: name, date of birth with age, NHS number, phones, postcode."""

    HEADERS = ("Patient", "Date of birth", "NHS number", "Phone", "Postcode")

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: tuple[PatientRecord, ...] = ()

    def set_rows(self, rows) -> None:
        self.beginResetModel()
        self._rows = tuple(rows)
        self.endResetModel()

    def patient(self, row: int) -> PatientRecord:
        return self._rows[row]

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        record = self._rows[index.row()]
        if index.column() == 0:
            return record.display_name
        if index.column() == 1:
            return f"{short_date(record.date_of_birth)} ({record.age} y)"
        if index.column() == 2:
            return record.nhs_number_display or "no NHS number"
        if index.column() == 3:
            return phones_in_words(record)
        return record.postcode


class PatientSearch(QWidget):
    """A search box with its results under it; ``patient_chosen`` carries the patient to open.

    ``settings`` and ``hub`` serve the "Register new patient…" dialog: the new patient is
    announced on the hub and then chosen, so the caller opens them like any other.
    """

    patient_chosen = Signal(int)

    def __init__(self, actor, parent=None, *, settings=None, hub=None):
        super().__init__(parent)
        self._actor = actor
        self._settings = settings
        self._hub = hub
        self.box = QLineEdit()
        self.box.setPlaceholderText("Find a patient: name, NHS number, phone, postcode or date of birth")
        self.box.setAccessibleName("Find a patient")
        self.box.setClearButtonEnabled(True)
        self.status = QLabel(HINT)
        self.status.setWordWrap(True)
        self.status.setAccessibleDescription("Search status")
        self.model = PatientResultsModel(self)
        self.results = _results_table(self.model)
        self.register_button = QPushButton("&Register new patient…")
        self.register_button.setToolTip("Register a new patient (Alt+R)")

        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.register_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.addWidget(self.box)
        layout.addLayout(bottom)
        layout.addWidget(self.results, 1)
        self.setFocusProxy(self.box)

        self.box.textChanged.connect(self.search)
        self.box.installEventFilter(self)
        self.results.installEventFilter(self)
        self.results.activated.connect(lambda index: self._choose(index.row()))
        self.register_button.clicked.connect(self.register_new)
        self.results.hide()

    def search(self, text: str | None = None) -> None:
        """Show the patients matching what is typed; one service call at most."""
        text = " ".join((self.box.text() if text is None else text).split())
        hint = incomplete_hint(text) if text else HINT
        if hint is not None:
            self._show((), hint)
            return
        # The database busy or unreachable: say so, keep what was typed.
        (Op(self, lambda: patient_search.search_patients(self._actor, text, limit=SHOWN_AT_MOST + 1))
         .success(lambda rows: self._show(rows, _found(text, len(rows))))
         .failure(lambda error: self._show((), f"⚠ The search could not be made just now: {error}")).run())

    def _show(self, rows: tuple[PatientRecord, ...], hint: str) -> None:
        self.model.set_rows(rows[:SHOWN_AT_MOST])
        self.results.setVisible(bool(rows))
        self.status.setText(hint)

    def _choose(self, row: int) -> None:
        if 0 <= row < self.model.rowCount():
            self.patient_chosen.emit(self.model.patient(row).id)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress:
            return False
        key = event.key()
        if watched is self.box:
            return self._box_key(key)
        if watched is self.results:
            return self._results_key(key, event.text())
        return False

    def _box_key(self, key: int) -> bool:
        count = self.model.rowCount()
        if key == Qt.Key.Key_Down and count:
            self.results.setFocus()
            self.results.selectRow(0)
            return True
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and count:
            if count == 1:  # one match: open it; several: let the user pick (never open a guess)
                self._choose(0)
            else:
                self.results.setFocus()
                self.results.selectRow(0)
            return True
        if key == Qt.Key.Key_Escape and self.box.text():
            self.box.clear()
            return True
        return False

    def _results_key(self, key: int, text: str) -> bool:
        current = self.results.currentIndex()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and current.isValid():
            self._choose(current.row())
            return True
        if key == Qt.Key.Key_Escape or (key == Qt.Key.Key_Up and current.row() <= 0):
            self.box.setFocus()
            return True
        if text and text.isprintable() and key not in (Qt.Key.Key_Space, Qt.Key.Key_Tab):
            self.box.setFocus()  # typing goes on in the box, as if it had never left
            self.box.insert(text)
            return True
        return False

    def focus_search(self) -> None:
        """Put the cursor in the box with what was typed selected, ready to type over."""
        self.box.setFocus()
        self.box.selectAll()

    def register_new(self) -> None:
        """Open the registration dialog, with what was typed as the family name when it is a name."""
        dialog = PatientDialog(self._actor, self._settings or load_settings(), parent=self)
        typed = self.box.text().strip()
        if typed and not any(character.isdigit() for character in typed):
            family, _, given = typed.partition(",") if "," in typed else typed.partition(" ")
            dialog.family_name.setText(family.strip().title())
            dialog.given_name.setText(given.strip().title())
        dialog.saved.connect(self._registered)
        dialog.patient_requested.connect(self.patient_chosen)
        dialog.open()
        self.register_dialog = dialog

    def _registered(self, record: PatientRecord) -> None:
        if self._hub is not None:
            self._hub.after_change()
        self.patient_chosen.emit(record.id)


def _found(text: str, count: int) -> str:
    digits = patient_search.phone_digits(text)
    if count == 0 and digits is not None and digits < 11:
        return f"Keep typing… no phone number starts “{text}” and an NHS number has 10 digits."
    if count == 0:
        return f"No patient matches “{text}”. Check the spelling, or register a new patient."
    if count > SHOWN_AT_MOST:
        return f"More than {SHOWN_AT_MOST} patients match: keep typing to narrow the list (Down to choose)."
    return f"{count} patient{'s' if count > 1 else ''} found{' (Down to choose, Enter to open)' if count > 1 else ''}."


def _results_table(model: PatientResultsModel) -> QTableView:
    table = QTableView()
    table.setModel(model)
    table.setAccessibleName("Matching patients")
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setTabKeyNavigation(False)
    table.verticalHeader().setVisible(False)
    table.setAlternatingRowColors(True)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    return table


def for_screenshot(actor, settings, hub) -> QWidget:
    """The search with a family name half typed, so the picture shows its results."""
    search = PatientSearch(actor, settings=settings, hub=hub)
    fill_for_screenshot(search)
    search.resize(760, 420)
    return search


def fill_for_screenshot(search: PatientSearch) -> None:
    """Type the start of a family name the database holds, as a receptionist would."""
    for letter in "smbjwhrtcpgdlkn":
        found = patient_search.search_patients(search._actor, letter, limit=1)
        if found:
            search.box.setText(found[0].family_name[:3].lower())
            return
