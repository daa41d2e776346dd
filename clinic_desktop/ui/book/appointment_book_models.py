"""The appointment book's table models: a day as rows, a week as days × times.

Kept apart from the view so the tab's widget code (navigation, actions, dialogs) and
the models that only lay out what services/appointment_book returns can each be read
on their own. A state is always shown in words and colour together: slot_status gives
the words, the colour only repeats them.
"""
from __future__ import annotations

from datetime import date, datetime, time

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSize, Qt
from PySide6.QtGui import QBrush

from clinic_desktop.services.appointments.appointment_book import Absence, BookDay, BookSlot, BookWeek, WorkingPeriod
from clinic_desktop.ui.book.book_shades import away_brush, booked_brush, off_brush, working_brush
from clinic_desktop.ui.widgets.palette import attention_colour
from clinic_desktop.ui.widgets.time_format import local_time

Index = QModelIndex | QPersistentModelIndex
_STATUS_WORDS = {"booked": "Booked", "attended": "Attended ✓", "did_not_attend": "DID NOT ATTEND"}
_STATUS_COLOURS = {"attended": "ok", "did_not_attend": "overdue"}


def slot_status(slot: BookSlot) -> str:
    """What the slot is, in words (colour only ever repeats it)."""
    if slot.appointment is not None:
        words = _STATUS_WORDS[slot.appointment.status]
        return words + (" (late)" if slot.appointment.status == "booked" and slot.appointment.late_booking_reason
                        else "")
    if not slot.free:
        return "Taken (overlapping)"
    return "Past" if slot.past else "Free"


def _slot_colour(slot: BookSlot) -> str | None:
    if slot.appointment is not None:
        return _STATUS_COLOURS.get(slot.appointment.status)
    return "ok" if slot.bookable else "quiet"


def _slot_tooltip(slot: BookSlot) -> str:
    booked = slot.appointment
    if booked is None:
        return f"{slot.label}: {slot_status(slot)}"
    late = f"\nBooked late: {booked.late_booking_reason}" if booked.late_booking_reason else ""
    return f"{slot.label}: {booked.patient_name} — {booked.kind_title} ({slot_status(slot)}){late}"


class DayBookModel(QAbstractTableModel):
    """One day of one clinician: a row a slot (time, patient, review, status)."""

    HEADERS = ("Time", "Patient", "Review", "Status")

    def __init__(self, parent=None):
        super().__init__(parent)
        self._slots: tuple[BookSlot, ...] = ()
        self._patients: frozenset[int] = frozenset()

    def set_day(self, book_day: BookDay | None) -> None:
        self.beginResetModel()
        self._slots = book_day.slots if book_day else ()
        self._patients = book_day.patients if book_day else frozenset()
        self.endResetModel()

    def patients_shown(self) -> frozenset[int]:
        """The patients of the day's appointments (ui/shell/view_reads.py)."""
        return self._patients

    def slot_at(self, row: int) -> BookSlot | None:
        return self._slots[row] if 0 <= row < len(self._slots) else None

    def label_at(self, row: int) -> str | None:
        slot = self.slot_at(row)
        return slot.label if slot else None

    def row_of(self, label: str | None) -> int:
        return next((row for row, slot in enumerate(self._slots) if slot.label == label), -1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._slots)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        slot = self.slot_at(index.row()) if index.isValid() else None
        if slot is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            booked = slot.appointment
            return (slot.label, booked.patient_name if booked else "", booked.kind_title if booked else "",
                    slot_status(slot))[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return _slot_tooltip(slot)
        if role == Qt.ItemDataRole.ForegroundRole and index.column() in (0, 3):
            colour = _slot_colour(slot)
            return QBrush(attention_colour(colour)) if colour else None
        return None


class WeekBookModel(QAbstractTableModel):
    """A week of one clinician: a column a day, a row a slot time; a closed day says why, the
    sessions are shaded and an absence says where it is and why."""

    def __init__(self, zone, parent=None):
        super().__init__(parent)
        self._zone = zone
        self._week: BookWeek | None = None
        self._today: date | None = None
        self._times: dict[str, time] = {}  # a row's label: its wall time, to place sessions and absences

    def set_week(self, week: BookWeek | None, clinic_today: date | None = None) -> None:
        self.beginResetModel()
        self._week, self._today = week, clinic_today
        self._times = {slot.label: slot.wall_time.time() for day in self.days for slot in day.slots}
        self.endResetModel()

    def cover(self, row: int, column: int) -> Absence | WorkingPeriod | None:
        """The absence, else the session, the cell's time falls in (None: the clinician is off)."""
        moment = self._times.get(self.label_at(row) or "")
        if moment is None or not 0 <= column < len(self.days):
            return None
        day = self.days[column]
        return next((stretch for stretch in (*day.absences, *day.working)
                     if _on_wall_clock(stretch.starts_at, stretch.ends_at, day.day, moment, self._zone)), None)

    @property
    def days(self) -> tuple[BookDay, ...]:
        return self._week.days if self._week else ()

    def patients_shown(self) -> frozenset[int]:
        """The patients of the week's appointments (ui/shell/view_reads.py)."""
        return frozenset().union(*(day.patients for day in self.days))

    def slots_at(self, row: int, column: int) -> tuple[BookSlot, ...]:
        if not self._week or not 0 <= row < len(self._week.rows) or not 0 <= column < len(self.days):
            return ()
        return self.days[column].slots_labelled(self._week.rows[row])

    def label_at(self, row: int) -> str | None:
        return self._week.rows[row] if self._week and 0 <= row < len(self._week.rows) else None

    def row_of(self, label: str | None) -> int:
        return self._week.rows.index(label) if self._week and label in self._week.rows else -1

    def slot_at(self, row: int, column: int) -> BookSlot | None:
        """The slot an action acts on: the one holding an appointment, if any."""
        slots = sorted(self.slots_at(row, column), key=lambda slot: slot.appointment is None)
        return slots[0] if slots else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() or not self._week else len(self._week.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.days)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole or not self._week:
            return None
        if orientation == Qt.Orientation.Vertical:
            return self._week.rows[section]
        day = self.days[section]
        title = f"{day.title} · today" if day.day == self._today else day.title
        away = "".join(f"\nAway {away_span(absence, day.day, self._zone)}" for absence in day.absences)
        return f"{title}{away}" if day.open else f"{title}\nCLOSED"

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        day = self.days[index.column()]
        slots = self.slots_at(index.row(), index.column())
        closed_cell = not slots and not day.open and index.row() == 0
        cover = self.cover(index.row(), index.column()) if day.open else None
        away = cover if isinstance(cover, Absence) else None
        if role == Qt.ItemDataRole.DisplayRole:
            if not slots:
                return f"CLOSED\n{day.closed_reason}" if closed_cell else f"Away — {away.reason_title}" if away else ""
            booked_away = " — ⚠ CLINICIAN AWAY" if away and any(slot.appointment for slot in slots) else ""
            return "; ".join(_week_cell(slot) for slot in slots) + booked_away
        if role == Qt.ItemDataRole.BackgroundRole and day.open:
            if away:
                return away_brush()
            if any(slot.appointment for slot in slots):
                return booked_brush()
            return working_brush() if cover else off_brush()
        if role == Qt.ItemDataRole.SizeHintRole and closed_cell:
            return QSize(1, 1)  # the reason spans the whole column: it must not make the first row tall
        if role == Qt.ItemDataRole.ToolTipRole:
            words = "\n".join(_slot_tooltip(slot) for slot in slots) or day.closed_reason
            return f"{words}\nAway: {away.reason_title}" if away else words
        if role == Qt.ItemDataRole.ForegroundRole and away:
            return QBrush(attention_colour("overdue"))
        if role == Qt.ItemDataRole.ForegroundRole:
            slot = self.slot_at(index.row(), index.column())
            colour = _slot_colour(slot) if slot else ("overdue" if not day.open else None)
            return QBrush(attention_colour(colour)) if colour else None
        return None


def _week_cell(slot: BookSlot) -> str:
    booked = slot.appointment
    if booked is None:  # a past free slot stays blank: the week reads as what is booked and what is open
        return "" if slot.free and slot.past else slot_status(slot).split(" (")[0]
    state = "" if booked.status == "booked" else f" — {_STATUS_WORDS[booked.status]}"
    return f"{booked.patient_name} · {booked.kind_title}{state}"


def _on_wall_clock(starts_at: datetime, ends_at: datetime, day: date, moment: time, zone) -> bool:
    """Whether ``moment`` on ``day``'s clock falls in a stretch given in UTC (one that began the day
    before starts at midnight; one that runs past midnight covers the rest of the day)."""
    starts, ends = starts_at.astimezone(zone), ends_at.astimezone(zone)
    begin = time.min if starts.date() < day else starts.time()
    return begin <= moment and (ends.date() > day or moment < ends.time())


def away_span(absence: Absence, day: date, zone) -> str:
    """When on ``day`` the clinician is away, as a header says it: "12:30–17:30", "from 12:30",
    "until 12:30", or "all day" for leave that covers the day from midnight to midnight."""
    starts, ends = absence.starts_at.astimezone(zone), absence.ends_at.astimezone(zone)
    from_start = starts.date() < day or starts.time() == time.min
    to_end = ends.date() > day
    if from_start and to_end:
        return "all day"
    if to_end:
        return f"from {local_time(absence.starts_at, zone)}"
    if from_start:
        return f"until {local_time(absence.ends_at, zone)}"
    return f"{local_time(absence.starts_at, zone)}–{local_time(absence.ends_at, zone)}"
