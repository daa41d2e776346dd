"""The clinic's day in the appointment book: every clinician there that day side by side.

The grid (ui/book/clinic_day_model.py) lays out what services/appointments/clinic_day.py
reads. From the keyboard: arrows move between slots and clinicians, Enter books a free
slot (the review chosen from the to-book list, then the booking dialog) or opens a
booking's patient, Ctrl+X and Ctrl+V move a booking, Esc stops a move, Tab leaves the
grid. A booking can also be dragged to a free slot. Every move is confirmed and made by the
reschedule service (ui/book/move_booking_dialog.py). The chosen clinician's day list is
printed or saved as a PDF from here. The actions come from the one action table
(ui/shell/actions.py, place ``book:clinic_day``).
"""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from clinic_desktop.services.appointments.clinic_day import ClinicDay
from clinic_desktop.ui.book.booking_dialog import BookingDialog
from clinic_desktop.ui.book.clinic_day_model import ClinicDayModel, GridCell
from clinic_desktop.ui.book.day_list_window import open_day_list
from clinic_desktop.ui.book.move_booking_dialog import MoveBookingDialog
from clinic_desktop.ui.book.review_chooser import ReviewChooser
from clinic_desktop.ui.ops.op import Op
from clinic_desktop.ui.shell.actions import ActionSet
from clinic_desktop.ui.widgets.palette import attention_colour
from clinic_desktop.ui.widgets.text_size import lines
from clinic_desktop.ui.widgets.time_format import local_time, weekday_date
from clinic_desktop.ui.widgets.wrapping_tool_bar import FlowLayout

__all__ = ["GridChoice", "ClinicDayView", "slot_words"]

_ROW_PADDING = 8  # pixels above and below a slot's line of text


@dataclass(frozen=True)
class GridChoice:
    """What the clinic day's actions act on: the cell chosen, and the booking being moved, if any."""

    cell: GridCell | None
    moving: GridCell | None


class ClinicDayView(QWidget):
    open_requested = Signal()  # Enter on a booking: the book opens its patient
    selection_changed = Signal()

    def __init__(self, actor, settings, hub, parent=None):
        super().__init__(parent)
        self.setAccessibleName("Clinic day")
        self._actor, self._settings, self._hub = actor, settings, hub
        self._moving: GridCell | None = None
        self.dialog: QWidget | None = None  # the chooser, booking, move or day-list window last opened
        self.model = ClinicDayModel(settings.zone, self)
        self.model.move_requested.connect(self.confirm_move)
        self.table = _grid(self.model)
        self.table.activated.connect(lambda _index: self.activate())
        self.table.selectionModel().currentChanged.connect(lambda *_: self._update_actions())
        self.actions_set = ActionSet(actor.role, ("book:clinic_day",), self, self)
        self.note = QLabel()
        self.note.setAccessibleDescription("Moving a booking")
        self.note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        # The grid joins the view before its bar, so Tab reaches it first (a view's Tab order is the
        # order its widgets join it, kept when the view joins the book); the bar is shown above it.
        layout.addWidget(self.table, 1)
        layout.insertWidget(0, self.note)
        bar = QWidget()
        wrapping = FlowLayout(bar)  # the buttons wrap onto a second row at a large font
        self.buttons: list[QToolButton] = []  # the grid's actions: choose a slot, then act on it
        for action in self.actions_set.in_place("book:clinic_day"):
            self.table.addAction(action)
            if action.objectName() != "stop_moving":
                button = QToolButton()
                button.setDefaultAction(action)
                wrapping.addWidget(button)
                self.buttons.append(button)
        layout.insertWidget(0, bar)
        self.note.hide()

    # --- what is shown ---

    def set_day(self, clinic_day: ClinicDay | None) -> None:
        """Show the day, keeping the chosen clinician and time where they still are."""
        current = self.selected_cell()
        clinician_id = current.column.clinician.id if current else None
        moment = self.model.row_start(self.table.currentIndex().row()) if current else None
        self.table.clearSpans()
        self.model.set_day(clinic_day)
        for row, column, rows in self.model.spans():
            self.table.setSpan(row, column, rows, 1)
        column = self.model.column_of(clinician_id) if clinician_id is not None else 0
        row = self.model.row_of(moment) if moment is not None else self._first_open_row()
        if self.model.rowCount() and self.model.columnCount():
            self.table.setCurrentIndex(self.model.index(max(row, 0), max(column, 0)))
        self._update_actions()

    def _first_open_row(self) -> int:
        """Where the keyboard starts on a day first shown: the first slot not yet past."""
        return next((row for row in range(self.model.rowCount()) for column in range(self.model.columnCount())
                     if (cell := self.model.cell_at(row, column)).slot is not None and not cell.slot.past), 0)

    def selected_cell(self) -> GridCell | None:
        index = self.table.currentIndex()
        return self.model.cell_at(index.row(), index.column()) if index.isValid() else None

    def _update_actions(self) -> None:
        self.actions_set.update(GridChoice(self.selected_cell(), self._moving))
        self.selection_changed.emit()

    def activate(self) -> None:
        """Enter or a double click: book a free slot, open a booking's patient."""
        cell = self.selected_cell()
        if cell is not None and cell.bookable and "book_here" in self.actions_set.actions:
            self.book_here(GridChoice(cell, self._moving))
        elif cell is not None and cell.booked is not None:
            self.open_requested.emit()

    # --- booking a free slot ---

    def book_here(self, choice: GridChoice) -> None:
        """Which review (the to-book list), then the booking dialog on it with this slot chosen."""
        cell = choice.cell
        session = next((period for period in cell.column.book.working
                        if period.starts_at <= cell.slot.starts_at < period.ends_at), None)
        chooser = ReviewChooser(self._actor, slot_words(cell, self._settings.zone), session.kinds if session else (),
                                self)
        chooser.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        chooser.chosen.connect(lambda appointment_id: self._open_booking(appointment_id, cell))
        self.dialog = chooser
        chooser.open()

    def _open_booking(self, appointment_id: int, cell: GridCell) -> None:
        dialog = BookingDialog(self._actor, self._settings, appointment_id, self)
        dialog.choose_time(cell.column.clinician.id, cell.slot.wall_time, cell.slot.ambiguous)
        dialog.booked.connect(lambda _record: self._hub.after_change())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dialog
        dialog.open()

    # --- moving a booking ---

    def cut_booking(self, choice: GridChoice) -> None:
        """Pick the booking up; Ctrl+V on a free slot (this day or another) moves it there."""
        self._moving = choice.cell
        booked = choice.cell.booked
        self._say(f"Moving {booked.patient_name} — {booked.kind_title} ({slot_words(choice.cell, self._settings.zone)})"
                  ": choose a free slot and press Ctrl+V; Esc stops.")
        self._update_actions()

    def paste_booking(self, choice: GridChoice) -> None:
        self.confirm_move(self._moving.booked.appointment_id, choice.cell)

    def stop_moving(self, _choice: GridChoice | None = None) -> None:
        self._moving = None
        self.note.hide()
        self._update_actions()

    def confirm_move(self, appointment_id: int, target: GridCell) -> None:
        """Say what moves where and ask; the dialog reads the booking as it is now (a refusal if it is gone)."""
        (Op(self, lambda: MoveBookingDialog(self._actor, self._settings, appointment_id, target, self._hub, self))
         .success(self._open_move).run())

    def _open_move(self, dialog: MoveBookingDialog) -> None:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.moved.connect(lambda record: self._moved(record, dialog.to_words))
        self.dialog = dialog
        dialog.open()

    def _moved(self, record, to_words: str) -> None:
        self._moving = None
        self._say(f"Moved {record.patient_name} to {to_words}.", done=True)
        self._update_actions()

    def _say(self, text: str, done: bool = False) -> None:
        self.note.setText(text)
        self.note.setStyleSheet(f"color: {attention_colour('ok' if done else 'today').name()};")
        self.note.show()

    # --- the day list ---

    def print_day_list(self, choice: GridChoice) -> None:
        self.open_day_list(choice.cell, "print_letter")

    def save_day_list(self, choice: GridChoice) -> None:
        self.open_day_list(choice.cell, "save_as")

    def open_day_list(self, cell: GridCell, then: str) -> None:
        clinician = cell.column.clinician
        self.dialog = open_day_list(self, self._actor, self._settings, clinician.id, clinician.full_name,
                                    self.model.clinic_day.day, then)


def _grid(model: ClinicDayModel) -> QTableView:
    table = QTableView()
    table.setModel(model)
    table.setAccessibleName("Appointment book, clinic day")
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setTabKeyNavigation(False)  # Tab leaves the grid; the arrows move within it
    table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
    table.setWordWrap(True)
    table.setDragEnabled(True)
    table.setAcceptDrops(True)
    table.setDropIndicatorShown(True)
    table.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
    table.setDefaultDropAction(Qt.DropAction.MoveAction)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    table.horizontalHeader().setMinimumSectionSize(150)
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    table.verticalHeader().setDefaultSectionSize(lines(table, 1) + _ROW_PADDING)  # grows with the font
    return table


def slot_words(cell: GridCell, zone) -> str:
    """"Mon 30 Nov 10:10 with Dr Alys Jones"."""
    slot = cell.slot
    return (f"{weekday_date(slot.starts_at.astimezone(zone).date())} {local_time(slot.starts_at, zone)} with "
            f"{cell.column.clinician.full_name}")
