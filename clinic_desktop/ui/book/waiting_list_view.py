"""The waiting list for earlier appointments, as reception sees it beside the appointment book.

Who is waiting, the review due soonest first, with a filter box (patient, review, when
booked, note) and the count shown as filtered of total. A row opens the patient; "Take
off the list" is for the patient who no longer wants an earlier slot. Entries leave by
themselves when their review is moved, attended or cancelled, and every workstation's
list follows within the hub's poll.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QToolButton, QVBoxLayout, QWidget

from clinic_desktop.services.appointments import waiting_list
from clinic_desktop.services.appointments.waiting_list import WaitingEntry
from clinic_desktop.services.core.change_reach import Record
from clinic_desktop.services.core.permissions import allowed
from clinic_desktop.ui.book.freed_slot_dialog import entry_cells, entry_table, fill_table
from clinic_desktop.ui.ops.messages import sentence
from clinic_desktop.ui.ops.op import Op
from clinic_desktop.ui.shell.view_reads import Reads
from clinic_desktop.ui.widgets.redraw_when_seen import READ_AGAIN, RedrawWhenSeen
from clinic_desktop.ui.widgets.tab_order import in_tab_order

TITLE = "Waiting for an earlier appointment"
# The entries, the reviews they wait for (due dates, bookings), the patients, the clinicians and the zone.
READS = Reads(Record.WAITING_LIST, Record.APPOINTMENT, Record.PATIENT, Record.STAFF, Record.SETTING)


class WaitingListView(QWidget):
    patient_requested = Signal(int)

    def __init__(self, actor, hub, parent=None):
        super().__init__(parent)
        self._actor, self._hub = actor, hub
        self._entries: tuple[WaitingEntry, ...] = ()
        self._shown: list[WaitingEntry] = []
        self.setAccessibleName("Waiting list")
        self.title = QLabel()
        self.title.setWordWrap(True)  # a warning may follow the title
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter: patient, review, booking or note")
        self.filter.setAccessibleName("Filter the waiting list")
        self.filter.setClearButtonEnabled(True)
        self.table = entry_table("Waiting list")
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        # No mnemonics: the book's own buttons and the main window's tabs hold the letters.
        self.open_action = QAction("Open patient", self)
        self.remove_action = QAction("Take off the list", self)
        self.remove_action.setToolTip("The patient no longer wants an earlier appointment")
        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addWidget(self.filter, 1)
        buttons = []
        for action, permitted in ((self.open_action, True),
                                  (self.remove_action, allowed(actor.role, "book_appointment"))):
            if permitted:
                button = QToolButton()
                button.setDefaultAction(action)
                top.addWidget(button)
                buttons.append(button)
                self.table.addAction(action)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        in_tab_order(self.filter, self.table, *buttons)  # filter, choose an entry, then act on it
        self.open_action.triggered.connect(self.open_patient)
        self.remove_action.triggered.connect(self.take_off)
        self.table.doubleClicked.connect(lambda _index: self.open_patient())
        self.table.itemSelectionChanged.connect(self._enable)
        self.filter.textChanged.connect(lambda _text: self._fill())
        self.redraws = RedrawWhenSeen(self, hub, lambda changes: READS.concerned(changes, self.patients_shown())
                                      and self.reload())
        self.reload()

    def patients_shown(self) -> frozenset[int]:
        """The patients of every entry read, those the filter hides too. The whole list is read and filtered
        here, and patients' details decide neither who waits nor in what order: a change to another patient's
        details cannot bring them onto the list, filtered or not."""
        return frozenset(entry.patient_id for entry in self._entries)

    def reload(self) -> None:
        Op(self, lambda: waiting_list.waiting_list(self._actor)).success(self._loaded).failure(self._unreadable).run()

    def _unreadable(self, reason: str) -> None:
        """The entries as they were stay, saying why they may be out of date; read again when the database answers."""
        self.title.setText(f"<b>{TITLE}</b> ⚠ could not be read again, so it may be out of date. {sentence(reason)} "
                           f"{READ_AGAIN}")
        self.redraws.read_failed()

    def _loaded(self, entries: tuple[WaitingEntry, ...]) -> None:
        chosen = self.selected()
        self._entries = entries
        self._fill(chosen.id if chosen else None)

    def _fill(self, keep: int | None = None) -> None:
        words = self.filter.text().casefold().split()
        self._shown = [entry for entry in self._entries
                       if all(word in " ".join(entry_cells(entry)).casefold() for word in words)]
        fill_table(self.table, [entry_cells(entry) for entry in self._shown])
        total, shown = len(self._entries), len(self._shown)
        self.title.setText(f"<b>{TITLE}</b> ({shown} of {total})" if shown != total else f"<b>{TITLE}</b> ({total})")
        for row, entry in enumerate(self._shown):
            if entry.id == keep:
                self.table.selectRow(row)
        self._enable()

    def selected(self) -> WaitingEntry | None:
        rows = self.table.selectionModel().selectedRows()
        return self._shown[rows[0].row()] if rows else None

    def _enable(self) -> None:
        for action in (self.open_action, self.remove_action):
            action.setEnabled(self.selected() is not None)

    def open_patient(self) -> None:
        entry = self.selected()
        if entry is not None:
            self.patient_requested.emit(entry.patient_id)

    def take_off(self) -> None:
        entry = self.selected()
        if entry is not None:
            Op(self, lambda: waiting_list.remove_from_waiting_list(self._actor, entry.id), hub=self._hub).run()
