"""The practice manager's audit viewer: who did what, when, to which patient.

Filters (patient, user, action, clinic dates) narrow a paged, read-only table that the
database fills a page at a time, newest first. "Verify chain" checks the trail's hash
chain and says the answer in words; "Export CSV…" writes what the filters select and
says so beside its button, leaving the chain's verdict as it was (an export is no
check, and the manager may export right after reading the verdict). A
row about a patient opens that patient. The table redraws on every change reported by
the hub, since every change writes an audit entry.
"""
from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QDate, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from clinic_desktop.services.audit import audit_log, letters_verify
from clinic_desktop.services.core import clock
from clinic_desktop.services.core.clinic_time import format_date, format_time
from clinic_desktop.services.patients import patient_search
from clinic_desktop.services.patients.patients import get_patient
from clinic_desktop.services.worklists.worklists import Page
from clinic_desktop.ui.ops.messages import sentence, show_refusal
from clinic_desktop.ui.ops.op import Op
from clinic_desktop.ui.widgets.file_dialogs import save_file_dialog
from clinic_desktop.ui.widgets.paged_table_model import Column, PagedTableModel
from clinic_desktop.ui.widgets.palette import attention_colour
from clinic_desktop.ui.widgets.redraw_when_seen import RedrawWhenSeen
from clinic_desktop.ui.widgets.tab_order import in_tab_order
from clinic_desktop.ui.widgets.tables import read_only_table
from clinic_desktop.ui.widgets.text_size import characters

_PATIENT_NUMBER = re.compile(r"#?\s*(\d{1,9})")
DATE_FORMAT = "dd MMM yyyy"
_LONGEST_WHEN = "30 Sep 2026 23:59"  # the widest "When" a row shows
_LETTERS_NAMED = 3  # failing letters named under the verdict; the command line lists every one


class AuditViewer(QWidget):
    """``AuditViewer(actor, settings, hub)``; emits ``patient_requested(patient_id)``."""

    patient_requested = Signal(int)

    def __init__(self, actor, settings, hub, parent=None):
        super().__init__(parent)
        self.setObjectName("auditViewer")
        self._actor, self._settings, self._hub = actor, settings, hub
        self._patient_id: int | None = None
        self._refused: str | None = None
        self._file_dialog: QFileDialog | None = None
        zone = settings.zone
        self.model = PagedTableModel([
            Column("When", lambda row: f"{format_date(row.at.astimezone(zone).date())} "
                                       f"{format_time(row.at.astimezone(zone))}"),
            Column("Who", lambda row: row.who),
            Column("Action", lambda row: row.action_title),
            Column("Patient", lambda row: row.patient_name),
            Column("Summary", lambda row: row.summary),
        ], self._fetch, self)
        self.table = read_only_table(self.model, "Audit entries", widest=520)
        self.table.doubleClicked.connect(lambda index: self._open(index.row()))
        self.table.activated.connect(lambda index: self._open(index.row()))

        layout = QVBoxLayout(self)
        layout.addLayout(self._filters())
        self.message = QLabel()
        self.message.setObjectName("filterMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(f"color: {attention_colour('urgent').name()}")
        self.message.hide()
        layout.addWidget(self.message)
        layout.addLayout(self._chain_bar())
        layout.addWidget(self.table, 1)
        self.count = QLabel()
        self.count.setObjectName("entryCount")
        layout.addWidget(self.count)
        self._size_columns()
        in_tab_order(self.patient_box, self.clear_patient, self.user_box, self.action_box, self.from_check,
                     self.from_date, self.to_check, self.to_date, self.verify_button, self.export_button, self.table)
        self.redraws = RedrawWhenSeen(self, hub, self.reload)  # every change is an entry here
        self.reload()

    # --- building ---

    def _size_columns(self) -> None:
        """Widths in characters, so that they grow with the font: the time and the patient's name stay
        whole, who and which action elide first (their tooltips have it all), the summary takes the rest."""
        padding = 2 * self.table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin) + 8
        header = self.table.horizontalHeader()
        header.resizeSection(0, self.table.fontMetrics().horizontalAdvance(_LONGEST_WHEN) + padding)
        for column, count in ((1, 24), (2, 22), (3, 26)):
            header.resizeSection(column, characters(self.table, count) + padding)

    def _filters(self) -> QGridLayout:
        grid = QGridLayout()
        self.patient_box = QLineEdit()
        self.patient_box.setAccessibleName("Patient filter")
        self.patient_box.setPlaceholderText("Name, NHS number or patient number; Enter to find")
        self.patient_box.returnPressed.connect(self.find_patient)
        patient_label = QLabel("Pat&ient:")
        patient_label.setBuddy(self.patient_box)
        self.patient_chosen = QLabel("Any patient")
        self.patient_chosen.setObjectName("patientChosen")
        self.clear_patient = QPushButton("Clea&r")
        self.clear_patient.setAccessibleName("Clear the patient filter")
        self.clear_patient.clicked.connect(lambda: self.choose_patient(None))
        grid.addWidget(patient_label, 0, 0)
        grid.addWidget(self.patient_box, 0, 1, 1, 3)
        grid.addWidget(self.clear_patient, 0, 4)
        grid.addWidget(self.patient_chosen, 0, 5, 1, 3)

        self.user_box = QComboBox()
        self.user_box.setAccessibleName("User filter")
        self.action_box = QComboBox()
        self.action_box.setAccessibleName("Action filter")
        for box in (self.user_box, self.action_box):  # as wide as the row allows, not as its longest choice
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            box.setMinimumContentsLength(12)
        self.user_box.currentIndexChanged.connect(self.reload)
        self.action_box.currentIndexChanged.connect(self.reload)
        self.from_check, self.from_date = self._date_filter("Fro&m:", "From date", -30)
        self.to_check, self.to_date = self._date_filter("T&o:", "To date", 0)
        user_label, action_label = QLabel("&User:"), QLabel("&Action:")
        user_label.setBuddy(self.user_box)
        action_label.setBuddy(self.action_box)
        for column, widget in enumerate((user_label, self.user_box, action_label, self.action_box,
                                         self.from_check, self.from_date, self.to_check, self.to_date)):
            grid.addWidget(widget, 1, column)
        grid.setColumnStretch(1, 2)
        grid.setColumnStretch(3, 2)
        return grid

    def _date_filter(self, text: str, name: str, days: int) -> tuple[QCheckBox, QDateEdit]:
        check = QCheckBox(text)
        check.setAccessibleName(f"{text.replace('&', '').rstrip(':')} (filter by {name.lower()})")
        edit = QDateEdit()
        edit.setAccessibleName(name)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat(DATE_FORMAT)
        today = clock.today(self._settings.zone) + timedelta(days=days)
        edit.setDate(QDate(today.year, today.month, today.day))
        edit.setEnabled(False)
        check.toggled.connect(edit.setEnabled)
        check.toggled.connect(self.reload)
        edit.dateChanged.connect(lambda _day: self.reload() if check.isChecked() else None)
        return check, edit

    def _chain_bar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        self.verify_button = QPushButton("&Verify chain")
        self.verify_button.setToolTip("Check that no entry was altered, deleted or moved since it was written, "
                                      "then that every signed letter is what its clinician signed")
        self.verify_button.clicked.connect(self.verify)
        self.export_button = QPushButton("&Export CSV…")
        self.export_button.setToolTip("Write the entries these filters select to a CSV file")
        self.export_button.clicked.connect(self.choose_export_file)
        self.verdict = QLabel("Chain not checked yet.")
        self.verdict.setObjectName("chainVerdict")
        self.verdict.setWordWrap(True)
        self.verdict.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.export_result = QLabel()
        self.export_result.setObjectName("exportResult")
        self.export_result.setWordWrap(True)
        self.export_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.export_result.hide()
        bar.addWidget(self.verify_button)
        bar.addWidget(self.verdict, 1)
        bar.addWidget(self.export_result, 1)
        bar.addWidget(self.export_button)
        return bar

    def _choices(self) -> tuple:
        """The users and actions the trail holds, for the filters to offer."""
        return audit_log.audit_users(self._actor), audit_log.audit_actions(self._actor)

    def _fill_choices(self, choices: tuple) -> None:
        """The users and actions the filters offer, keeping what was chosen."""
        users, actions = choices
        for box, everyone, items in ((self.user_box, "Anyone", [(user.label, user.id) for user in users]),
                                     (self.action_box, "Any action",
                                      [(audit_log.action_title(action), action) for action in actions])):
            chosen = box.currentData()
            box.blockSignals(True)
            box.clear()
            box.addItem(everyone, None)
            for label, value in items:
                box.addItem(label, value)
            box.setCurrentIndex(max(0, box.findData(chosen)) if chosen is not None else 0)
            box.blockSignals(False)

    # --- the list ---

    def filters(self) -> audit_log.AuditFilters:
        return audit_log.AuditFilters(
            patient_id=self._patient_id, user_id=self.user_box.currentData(), action=self.action_box.currentData(),
            start=_day(self.from_date) if self.from_check.isChecked() else None,
            end=_day(self.to_date) if self.to_check.isChecked() else None)

    def _fetch(self, offset: int, limit: int):
        """A page for the table; a refused filter gives an empty page and its reason under the filters."""
        chosen, pages = self.filters(), []
        (Op(self, lambda: audit_log.search_events(self._actor, patient_id=chosen.patient_id, user_id=chosen.user_id,
                                                  action=chosen.action, start=chosen.start, end=chosen.end,
                                                  offset=offset, limit=limit))
         .success(pages.append).failure(self._refuse).run())
        return pages[0] if pages else Page(rows=(), total=0, offset=offset, limit=limit)

    def reload(self, *_args) -> None:
        self._refused = None
        if Op(self, self._choices).success(self._fill_choices).failure(self._refuse).run():
            self.model.reload()  # each page is read through an Op of its own (``_fetch``)
        self._say(self._refused)
        total = self.model.total
        self.count.setText("" if self._refused else "No entries match these filters." if total == 0
                           else f"{total:,} {'entry' if total == 1 else 'entries'}, newest first")

    def _refuse(self, why: str) -> None:
        self._refused = why
        self._say(why)

    def _say(self, text: str | None) -> None:
        self.message.setText(sentence(text) if text else "")
        self.message.setVisible(bool(text))

    def _open(self, row_number: int) -> None:
        row = self.model.row_at(row_number)
        if row.patient_id is not None:
            self.patient_requested.emit(row.patient_id)

    # --- the patient filter ---

    def find_patient(self) -> None:
        """Enter in the patient box: a number picks that patient; a name or NHS number is searched."""
        text = self.patient_box.text().strip()
        if not text:
            self.choose_patient(None)
            return
        Op(self, lambda: self._look_up(text)).success(lambda found: self._found(text, found)).failure(self._say).run()

    def _look_up(self, text: str):
        number = _PATIENT_NUMBER.fullmatch(text)
        if number and len(number.group(1)) < 10:
            return (get_patient(self._actor, int(number.group(1))),)
        return patient_search.search_patients(self._actor, text, limit=20)

    def _found(self, text: str, found) -> None:
        if not found:
            self._say(f"No patient matches {text!r}: type a family name, an NHS number or a patient number.")
        elif len(found) == 1:
            self.choose_patient(found[0])
        else:
            self._offer(found)

    def _offer(self, records) -> None:
        menu = QMenu(self)
        menu.setObjectName("patientChoices")
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        for record in records:
            action = QAction(_patient_label(record), menu)
            action.triggered.connect(lambda _checked=False, chosen=record: self.choose_patient(chosen))
            menu.addAction(action)
        self.patient_menu = menu
        menu.popup(self.patient_box.mapToGlobal(self.patient_box.rect().bottomLeft()))

    def choose_patient(self, record) -> None:
        """Filter by ``record`` (a PatientRecord), or by no patient when None."""
        self._patient_id = record.id if record is not None else None
        self.patient_chosen.setText(_patient_label(record) if record is not None else "Any patient")
        if record is None:
            self.patient_box.clear()
        self.reload()

    # --- verify and export ---

    def verify(self) -> Op:
        """Check the chain off the window's thread (seconds on a long trail), with how far it
        has got and Cancel; the window stays usable behind the progress dialog."""
        self.verify_button.setEnabled(False)
        self.verdict.setStyleSheet("")
        self.verdict.setText("Checking the chain…")
        op = (Op(self, self._check_trail).success(self._show_verdict)
              .failure(self._not_checked).cancelled(lambda: self.verdict.setText("Chain not checked: stopped.")))
        op.finished.connect(lambda: self.verify_button.setEnabled(True))
        return op.in_background("Checking the audit trail…", cancellable=True)

    def _check_trail(self):
        """The chain, then (if it is intact, so their signing events can be trusted) every stored letter."""
        report = audit_log.verify_chain(self._actor)
        return report, letters_verify.verify_letters(self._actor) if report.intact else None

    def _show_verdict(self, found) -> None:
        report, letters = found
        intact = report.intact and letters.intact if letters is not None else report.intact
        text = f"{report.message(self._settings.zone)}."
        if letters is not None:
            text += f" {letters.message}."
            text += "".join(f"\n{failure.line}" for failure in letters.failures[:_LETTERS_NAMED])
            if len(letters.failures) > _LETTERS_NAMED:
                text += f"\n… and {len(letters.failures) - _LETTERS_NAMED} more: clinic-desktop letters verify lists all."
        self.verdict.setText(f"✔ {text}" if intact else f"⚠ {text}")
        self.verdict.setStyleSheet(f"color: {attention_colour('ok' if intact else 'urgent').name()}; "
                                   "font-weight: bold")

    def _not_checked(self, why: str) -> None:
        self.verdict.setText("Chain not checked.")
        show_refusal(self, why)

    def choose_export_file(self) -> None:
        self._file_dialog = save_file_dialog(self, "Export the audit entries shown",
                                             f"audit-{clock.today(self._settings.zone).isoformat()}.csv",
                                             "CSV files (*.csv)", "csv", self.export_to)

    def export_to(self, path: Path) -> Op:
        """Write the entries the filters select to ``path`` in the background; say how many and where.

        The export is itself an audit entry, so the list redraws afterwards."""
        return (Op(self, lambda: audit_log.export_events_csv(self._actor, path, self.filters()), hub=self._hub)
                .success(lambda count: self._exported(count, path))
                .in_background(f"Exporting audit entries to {path.name}…", cancellable=True))

    def _exported(self, count: int, path: Path) -> None:
        self.export_result.setText(f"Wrote {count:,} {'entry' if count == 1 else 'entries'} to {path}.")
        self.export_result.show()


def _day(edit: QDateEdit) -> date:
    return edit.date().toPython()


def _patient_label(record) -> str:
    nhs = f", NHS {record.nhs_number_display}" if record.nhs_number else ""
    return f"{record.display_name} (#{record.id}{nhs})"


def for_screenshot(actor, settings, hub) -> QWidget:
    """Every entry of the demo clinic, the chain just verified."""
    viewer = AuditViewer(actor, settings, hub)
    viewer.verify().wait()
    QCoreApplication.sendPostedEvents()
    viewer.resize(1280, 720)
    return viewer
