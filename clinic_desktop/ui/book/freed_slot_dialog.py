"""A cancelled booking's slot, offered at once to the patients on the waiting list.

Right after a cancellation the app asks the waiting list service who could take the
slot: the reviews due soonest first, only patients who said they can come then. If
anyone can, this dialog shows them with the first already chosen, so one click on
"Move into this slot" fills it. The move is a booking like any other: a slot after the
patient's due-by date asks for the reason, and a slot another workstation filled a
moment before is refused in words, never double-booked.
"""
from __future__ import annotations

from datetime import datetime
from html import escape
from typing import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from clinic_desktop.services.appointments import slot_offers, waiting_list
from clinic_desktop.services.appointments.waiting_list import FreedSlot, WaitingEntry
from clinic_desktop.services.core import clock
from clinic_desktop.services.core.errors import ServiceError
from clinic_desktop.services.worklists import worklists
from clinic_desktop.ui.ops.messages import sentence
from clinic_desktop.ui.ops.op import Op
from clinic_desktop.ui.widgets.form_dialog import lay_out_form_dialog
from clinic_desktop.ui.widgets.palette import attention_colour
from clinic_desktop.ui.widgets.text_size import at_least_characters_wide, lines
from clinic_desktop.ui.widgets.time_format import short_date

COLUMNS = ("Patient", "Review", "Due by", "Booked now", "Can come", "Note")


def entry_cells(entry: WaitingEntry) -> tuple[str, ...]:
    """A waiting patient as a row of the freed-slot dialog and of the waiting list."""
    return (entry.patient_name, entry.kind_title, short_date(entry.due_by) + ("  ⚠ LATE" if entry.late else ""),
            entry.booked_for or "not booked yet", entry.can_come, entry.note)


def fill_table(table: QTableWidget, rows: list[tuple[str, ...]]) -> None:
    """Rows of text, each cell's full text in its tooltip (a long note or name is elided, never lost)."""
    table.setRowCount(len(rows))
    for row, cells in enumerate(rows):
        for column, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            table.setItem(row, column, item)


def entry_table(name: str) -> QTableWidget:
    table = QTableWidget(0, len(COLUMNS))
    table.setHorizontalHeaderLabels(COLUMNS)
    table.setAccessibleName(name)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setTabKeyNavigation(False)  # Tab leaves the list; the arrows choose a row
    table.setWordWrap(False)
    table.verticalHeader().hide()
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    return table


class FreedSlotDialog(QDialog):
    filled = Signal(object)  # the AppointmentRecord moved into the slot

    def __init__(self, actor, offer: FreedSlot, hub=None, parent=None):
        super().__init__(parent)
        self._actor, self._offer, self._hub = actor, offer, hub
        self.setWindowTitle("Offer the freed slot")
        heading = QLabel(f"<b>Now free:</b> {escape(offer.label)}.<br>Patients on the waiting list who can come "
                         "then, the review due soonest first:")
        heading.setWordWrap(True)
        heading.setTextFormat(Qt.TextFormat.RichText)
        self.patients = entry_table("Waiting patients who can take the slot")
        self.patients.setMinimumHeight(lines(self.patients, 6))
        self.others = QLabel()
        self.others.setWordWrap(True)
        self.late_reason = QLineEdit()
        self.late_reason.setAccessibleName("Reason for booking late")
        self.late_reason.setPlaceholderText("e.g. earliest slot we could offer")
        self.form = QFormLayout()
        self.form.addRow(self.patients)
        self.form.addRow(self.others)
        self.form.addRow("&Reason for booking late", self.late_reason)
        self.message = lay_out_form_dialog(self, heading, self.form, "&Move into this slot", self.save)
        buttons = self.findChild(QDialogButtonBox)
        self.move_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("&Leave it free")
        self.patients.itemSelectionChanged.connect(self._show_needed_rows)
        self.patients.doubleClicked.connect(lambda _index: self.save())
        self._show(offer)
        at_least_characters_wide(self, 127)

    def _show(self, offer: FreedSlot) -> None:
        self._offer = offer
        fill_table(self.patients, [entry_cells(entry) for entry in offer.candidates])
        for row, entry in enumerate(offer.candidates):
            if entry.late:
                self.patients.item(row, 2).setForeground(attention_colour("overdue"))
        others = [f"{offer.cannot_come} more waiting cannot come then."] if offer.cannot_come else []
        self.others.setText(" ".join(others))
        self.others.setVisible(bool(others))
        if offer.taken:
            self.message.setText(offer.taken)
        self.move_button.setEnabled(bool(offer.candidates) and not offer.taken)
        if offer.candidates:
            self.patients.selectRow(0)
            self.patients.setFocus()
        self._show_needed_rows()

    def chosen(self) -> WaitingEntry | None:
        rows = self.patients.selectionModel().selectedRows()
        return self._offer.candidates[rows[0].row()] if rows and not self._offer.taken else None

    def _show_needed_rows(self) -> None:
        entry = self.chosen()
        self.form.setRowVisible(self.late_reason, bool(entry and entry.late))

    def save(self) -> None:
        entry, offer = self.chosen(), self._offer
        if entry is None:
            self.message.setText("Choose a patient to move into the slot, or leave it free.")
            return
        late_reason = self.late_reason.text() if entry.late else None
        (Op(self, lambda: waiting_list.fill_freed_slot(self._actor, entry.id, clinician_id=offer.clinician_id,
                                                       starts_at=offer.starts_at, ends_at=offer.ends_at,
                                                       late_reason=late_reason), hub=self._hub)
         .success(self._filled).refused(self._refused).run())

    def _filled(self, record) -> None:
        self.filled.emit(record)
        self.accept()

    def _refused(self, error: ServiceError) -> None:
        """Say why; a slot taken or a patient moved meanwhile shows the list as it is now."""
        text = sentence(str(error))
        if getattr(error, "field", None) == "late_reason":
            self.message.setText(text)
            self.late_reason.setFocus()
            return
        offer = self._offer
        (Op(self, lambda: waiting_list.freed_slot_offer(self._actor, offer.clinician_id, offer.starts_at,
                                                        offer.ends_at))
         .success(lambda fresh: (self._show(fresh), self.message.setText(f"Not moved: {text}")))
         .failure(lambda _reading: self.message.setText(f"Not moved: {text}")).run())


def offer_freed_slot(parent: QWidget, actor, hub, clinician_id: int, starts_at: datetime, ends_at: datetime,
                     opened: Callable[[FreedSlotDialog], None]) -> None:
    """Ask who could take a freed slot; open the dialog only if someone can (nobody waiting: nothing to ask)."""
    def show(offer: FreedSlot) -> None:
        if offer.candidates:
            dialog = FreedSlotDialog(actor, offer, hub, parent)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            opened(dialog)
            dialog.open()

    Op(parent, lambda: waiting_list.freed_slot_offer(actor, clinician_id, starts_at, ends_at)).success(show).failure(
        lambda _text: None).run()


def for_screenshot(actor, settings, hub) -> QWidget:
    """The dialog as a cancellation leaves it: the next free slot of the first clinician, offered to
    the first reviews on the to-book list as if they were waiting (a screenshot changes nothing,
    so nobody is put on the list for it)."""
    rows = worklists.to_book(actor, limit=3).rows
    slot = slot_offers.earliest_free_slots(actor, rows[0].appointment_id, limit=1).slots[0] if rows else None
    if slot is None:
        raise ServiceError("the to-book list is empty: there is nobody to offer a freed slot to")
    now = clock.now_utc()
    notes = ("can come at short notice", "", "mornings suit best: school run")
    candidates = tuple(WaitingEntry(
        id=0, appointment_id=row.appointment_id, patient_id=row.patient_id, patient_name=row.patient_name,
        kind_title=row.kind_title, due_by=row.due_by, booked_for=None, booked_at=None,
        can_come=waiting_list.can_come_wording("", "any"), note=note, added_at=now, added_by=actor.full_name,
        late=slot.wall_time.date() > row.due_by) for row, note in zip(rows, notes))
    zone = settings.zone
    label = f"{slot.label}–{slot.ends_at.astimezone(zone):%H:%M} with {slot.clinician_name}"
    return FreedSlotDialog(actor, FreedSlot(slot.clinician_id, slot.clinician_name, slot.starts_at, slot.ends_at,
                                            label, candidates, 1))
