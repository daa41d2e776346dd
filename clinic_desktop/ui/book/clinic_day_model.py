"""The clinic's day as a table: a column per clinician, a row per stretch of time between two slot edges.

Why rows between edges rather than a time-scaled drawing: every slot, booking, session
and absence of every column starts and ends on a row edge, so a 15-minute slot beside a
20-minute one, or a booking off the grid, each take whole cells (spanning as many rows
as they last) and nothing is drawn part-way down a cell; across a row the receptionist
reads who is free at that time. It stays a QTableView, so arrow keys, the focus frame,
selection, screen readers and drag and drop all come from Qt. At 1366×768 with six
clinicians a column is about 200 px: a name and a review's kind fit on two lines of a
booking that spans rows, and on one line, elided with the whole in the tooltip, in a
single row.

A state is always said in words ("Free", "Away — Annual leave", "Not working",
"DID NOT ATTEND"); the background and the colour only repeat them, taken from the
system palette so the grid reads in light and dark.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QAbstractTableModel, QMimeData, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush

from clinic_desktop.services.appointments.appointment_book import Absence, BookSlot, WorkingPeriod
from clinic_desktop.services.appointments.clinic_day import ClinicDay, ClinicianDay
from clinic_desktop.ui.book.appointment_book_models import away_span, slot_status
from clinic_desktop.ui.book.book_shades import away_brush, booked_brush, off_brush, working_brush
from clinic_desktop.ui.widgets.palette import attention_colour
from clinic_desktop.ui.widgets.time_format import local_time

__all__ = ["APPOINTMENT_MIME", "ClinicDayModel", "GridCell"]

Index = QModelIndex | QPersistentModelIndex
APPOINTMENT_MIME = "application/x-clinic-desktop-appointment"  # a booking dragged to another slot
_HOLDING = ("booked", "attended")


@dataclass(frozen=True)
class GridCell:
    """What one cell of the grid shows, and the rows it spans (a long slot, an absence, time off)."""

    column: ClinicianDay
    first_row: int
    rows: int
    slot: BookSlot | None = None  # a free or booked slot
    absence: Absence | None = None  # the clinician is away
    working: WorkingPeriod | None = None  # at work, between slots
    away_too: Absence | None = None  # a booking standing in an absence: said, never hidden

    @property
    def booked(self):
        return self.slot.appointment if self.slot is not None else None

    @property
    def bookable(self) -> bool:
        return self.slot is not None and self.slot.bookable

    @property
    def movable(self) -> bool:
        """A booking that can still be moved (the reschedule service has the last word)."""
        return self.booked is not None and self.booked.status == "booked"


class ClinicDayModel(QAbstractTableModel):
    """Columns of clinicians, rows of time; ``cell_at`` says what is at a place, ``spans`` how far it reaches."""

    move_requested = Signal(int, object)  # the appointment dropped, the GridCell it was dropped on

    def __init__(self, zone, parent=None):
        super().__init__(parent)
        self._zone = zone
        self._day: ClinicDay | None = None
        self._edges: list[datetime] = []  # the rows' starts, then the last row's end
        self._labels: list[str] = []
        self._cells: list[list[GridCell]] = []  # [column][row]

    def set_day(self, clinic_day: ClinicDay | None) -> None:
        self.beginResetModel()
        self._day = clinic_day
        columns = clinic_day.columns if clinic_day else ()
        self._edges = _edges(columns)
        self._labels = _row_labels(self._edges[:-1], self._zone)
        self._cells = [_column_cells(column, self._edges) for column in columns]
        self.endResetModel()

    @property
    def clinic_day(self) -> ClinicDay | None:
        return self._day

    def patients_shown(self) -> frozenset[int]:
        """The patients of every clinician's appointments on the day (ui/shell/view_reads.py)."""
        columns = self._day.columns if self._day else ()
        return frozenset().union(*(column.book.patients for column in columns))

    def cell_at(self, row: int, column: int) -> GridCell | None:
        if 0 <= column < len(self._cells) and 0 <= row < len(self._cells[column]):
            return self._cells[column][row]
        return None

    def spans(self) -> list[tuple[int, int, int]]:
        """(row, column, rows) of every cell that reaches over more than one row."""
        return [(cell.first_row, number, cell.rows) for number, cells in enumerate(self._cells)
                for row, cell in enumerate(cells) if row == cell.first_row and cell.rows > 1]

    def column_of(self, clinician_id: int) -> int:
        columns = self._day.columns if self._day else ()
        return next((number for number, column in enumerate(columns) if column.clinician.id == clinician_id), -1)

    def row_of(self, moment: datetime | None) -> int:
        """The row holding ``moment`` (a reload keeps the selected time), -1 if none."""
        if moment is None:
            return -1
        return next((row for row in range(len(self._edges) - 1)
                     if self._edges[row] <= moment < self._edges[row + 1]), -1)

    def row_start(self, row: int) -> datetime | None:
        return self._edges[row] if 0 <= row < len(self._edges) - 1 else None

    # --- Qt's model interface ---

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else max(len(self._edges) - 1, 0)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._cells)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole) or self._day is None:
            return None
        if orientation == Qt.Orientation.Vertical:
            return self._labels[section] if 0 <= section < len(self._labels) else None
        column = self._day.columns[section]
        away = "".join(f"\nAway {away_span(absence, column.book.day, self._zone)}" for absence in column.book.absences)
        return f"{column.clinician.full_name}\n{column.hours}{away}"

    def flags(self, index: Index) -> Qt.ItemFlag:
        cell = self.cell_at(index.row(), index.column()) if index.isValid() else None
        if cell is None:
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if cell.movable:
            flags |= Qt.ItemFlag.ItemIsDragEnabled
        if cell.bookable:
            flags |= Qt.ItemFlag.ItemIsDropEnabled
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        cell = self.cell_at(index.row(), index.column()) if index.isValid() else None
        if cell is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return _words(cell) if index.row() == cell.first_row else ""
        if role == Qt.ItemDataRole.ToolTipRole:
            return _tooltip(cell, self._zone)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{cell.column.clinician.full_name}, {_tooltip(cell, self._zone)}"
        if role == Qt.ItemDataRole.ForegroundRole:
            colour = _attention(cell)
            return QBrush(attention_colour(colour)) if colour else None
        if role == Qt.ItemDataRole.BackgroundRole:
            return _background(cell)
        return None

    # --- dragging a booking to another slot ---

    def mimeTypes(self) -> list[str]:
        return [APPOINTMENT_MIME]

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeData(self, indexes) -> QMimeData | None:
        cells = [self.cell_at(index.row(), index.column()) for index in indexes]
        movable = [cell for cell in cells if cell is not None and cell.movable]
        if not movable:
            return None
        data = QMimeData()
        data.setData(APPOINTMENT_MIME, str(movable[0].booked.appointment_id).encode())
        data.setText(f"{movable[0].booked.patient_name} — {movable[0].booked.kind_title}")
        return data

    def canDropMimeData(self, data: QMimeData, action, row: int, column: int, parent: Index) -> bool:
        target = self._drop_target(row, column, parent)
        return data.hasFormat(APPOINTMENT_MIME) and target is not None and target.bookable

    def dropMimeData(self, data: QMimeData, action, row: int, column: int, parent: Index) -> bool:
        """A booking dropped on a free slot asks to be moved there (the view confirms first); the
        grid changes only once the move is made, so nothing here is removed or written."""
        if not self.canDropMimeData(data, action, row, column, parent):
            return False
        self.move_requested.emit(int(bytes(data.data(APPOINTMENT_MIME)).decode()),
                                 self._drop_target(row, column, parent))
        return False

    def _drop_target(self, row: int, column: int, parent: Index) -> GridCell | None:
        """Dropped on a cell, Qt gives the cell as ``parent`` (row and column -1); between cells, the row."""
        if parent.isValid():
            return self.cell_at(parent.row(), parent.column())
        return self.cell_at(row, column)


def _edges(columns: tuple[ClinicianDay, ...]) -> list[datetime]:
    """Every instant a slot, session or absence starts or ends, within the day's working and booked time.

    Absences are cut to that time: a whole day's leave does not add rows from midnight.
    """
    core = [(item.starts_at, item.ends_at) for column in columns
            for item in (*column.book.slots, *column.book.working)]
    away = [(absence.starts_at, absence.ends_at) for column in columns for absence in column.book.absences]
    if not core and not away:
        return []
    low = min(start for start, _end in core or away)
    high = max(end for _start, end in core or away)
    edges = {low, high}
    for start, end in (*core, *away):
        edges.update(moment for moment in (start, end) if low < moment < high)
    return sorted(edges)


def _row_labels(starts: list[datetime], zone) -> list[str]:
    """"10:20"; a wall time the clocks repeat in autumn is told apart by its zone ("01:20 BST")."""
    labels = [local_time(start, zone) for start in starts]
    return [label if labels.count(label) == 1 else f"{label} {start.astimezone(zone).tzname()}"
            for label, start in zip(labels, starts)]


def _column_cells(column: ClinicianDay, edges: list[datetime]) -> list[GridCell]:
    """Each row's cell: a booking holding the time first, then any other booking, a slot, an absence,
    the session itself, and otherwise time off; neighbouring rows of one thing make one spanned cell."""
    book = column.book
    slots = sorted(book.slots, key=lambda slot: (
        0 if slot.appointment and slot.appointment.status in _HOLDING else 1 if slot.appointment else 2))
    things = [*(("slot", slot) for slot in slots), *(("absence", absence) for absence in book.absences),
              *(("working", period) for period in book.working)]
    owners = []
    for row in range(len(edges) - 1):
        moment = edges[row]
        owners.append(next(((kind, thing) for kind, thing in things if thing.starts_at <= moment < thing.ends_at),
                           ("off", None)))
    cells: list[GridCell] = []
    row = 0
    while row < len(owners):
        end = row + 1
        while end < len(owners) and owners[end][1] is owners[row][1] and owners[row][0] != "off":
            end += 1
        while owners[row][0] == "off" and end < len(owners) and owners[end][0] == "off":
            end += 1
        kind, thing = owners[row]
        away_too = next((absence for absence in book.absences if kind == "slot" and thing.appointment
                         and absence.starts_at < thing.ends_at and thing.starts_at < absence.ends_at), None)
        cell = GridCell(column, row, end - row, slot=thing if kind == "slot" else None,
                        absence=thing if kind == "absence" else None, working=thing if kind == "working" else None,
                        away_too=away_too)
        cells += [cell] * (end - row)
        row = end
    return cells


def _span(starts_at: datetime, ends_at: datetime, zone) -> str:
    return f"{local_time(starts_at, zone)}–{local_time(ends_at, zone)}"


def _words(cell: GridCell) -> str:
    if cell.booked is not None:
        booked = cell.booked
        state = "" if booked.status == "booked" and not booked.late_booking_reason else f" — {slot_status(cell.slot)}"
        away = "\n⚠ CLINICIAN AWAY: move or cancel" if cell.away_too else ""
        joiner = "\n" if cell.rows > 1 else " · "
        return f"{booked.patient_name}{joiner}{booked.kind_title}{state}{away}"
    if cell.slot is not None:
        return slot_status(cell.slot)
    if cell.absence is not None:
        note = f" ({cell.absence.note})" if cell.absence.note else ""
        return f"Away — {cell.absence.reason_title}{note}"
    return "" if cell.working is not None else "Not working"


def _tooltip(cell: GridCell, zone) -> str:
    who = cell.column.clinician.full_name
    if cell.slot is not None:
        slot, booked = cell.slot, cell.booked
        when = f"{who}, {_span(slot.starts_at, slot.ends_at, zone)}"
        if booked is None:
            hint = ": Enter books a review here" if slot.bookable else ""
            return f"{when}: {slot_status(slot)}{hint}"
        late = f"\nBooked late: {booked.late_booking_reason}" if booked.late_booking_reason else ""
        away = (f"\n⚠ {who} is away then ({cell.away_too.reason_title}): move or cancel this booking"
                if cell.away_too else "")
        return f"{when}: {booked.patient_name} — {booked.kind_title} ({slot_status(slot)}){late}{away}"
    if cell.absence is not None:
        note = f" ({cell.absence.note})" if cell.absence.note else ""
        return (f"{who} is away {away_span(cell.absence, cell.column.book.day, zone)}: "
                f"{cell.absence.reason_title}{note}")
    if cell.working is not None:
        return f"{who} works {cell.working.label}: no slot starts here"
    return f"{who} is not working at this time"


def _attention(cell: GridCell) -> str | None:
    if cell.booked is not None:
        return "overdue" if cell.away_too or cell.booked.status == "did_not_attend" else (
            "ok" if cell.booked.status == "attended" else None)
    if cell.slot is not None:
        return "ok" if cell.slot.bookable else "quiet"
    if cell.absence is not None:
        return "overdue"
    return "quiet"


def _background(cell: GridCell) -> QBrush:
    if cell.absence is not None:
        return away_brush()
    if cell.booked is not None:
        return booked_brush()
    return working_brush() if cell.slot is not None or cell.working is not None else off_brush()
