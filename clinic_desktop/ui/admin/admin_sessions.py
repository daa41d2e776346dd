"""The Sessions and leave page: when each clinician works, and when they are away.

The manager chooses a clinician and sees their sessions (weekly, alternate weeks, one-off
extras, each with its hours, slot length and the kinds of visit it takes) and their leave
to come. Adding leave or ending a session over bookings is never silent: the service's
refusal lists the bookings, and a dialog asks whether to put each back on reception's
to-book list (with its due-by date) before anything changes.
"""
from __future__ import annotations

from PySide6.QtCore import QDate, Qt, QTime
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from clinic_desktop.services.admin.settings import ClinicSettings
from clinic_desktop.services.appointments import appointment_book, sessions
from clinic_desktop.services.appointments.sessions import (
    LEAVE_TITLES,
    SESSION_KINDS,
    WEEKDAY_NAMES,
    BookingsInTheWay,
    LeaveRecord,
    SessionRecord,
)
from clinic_desktop.services.core.actor import Actor
from clinic_desktop.services.core.change_reach import Record
from clinic_desktop.services.core.clock import today
from clinic_desktop.services.worklists.worklists import KIND_TITLES
from clinic_desktop.ui.admin.admin_form import AdminDialog, RecordTableModel, StatusLine
from clinic_desktop.ui.ops.messages import sentence
from clinic_desktop.ui.ops.op import Op
from clinic_desktop.ui.shell.view_reads import Reads
from clinic_desktop.ui.widgets.redraw_when_seen import RedrawWhenSeen
from clinic_desktop.ui.widgets.tables import read_only_table
from clinic_desktop.ui.widgets.text_size import at_least_characters_wide
from clinic_desktop.ui.worklists.column_fit import keep_fitted

_READS = Reads(Record.STAFF, Record.ROTA, Record.SETTING)  # the clinicians, their sessions and leave, the hours
_SESSION_COLUMNS = (
    ("When", lambda record: record.when),
    ("Hours", lambda record: record.hours),
    ("Slot", lambda record: f"{record.slot_minutes} min" + ("" if record.slot_minutes_own else " (clinic's)")),
    ("Takes", lambda record: record.kinds),
    ("Dates", lambda record: record.valid),
)
_LEAVE_COLUMNS = (
    ("Reason", lambda record: record.reason_title),
    ("When", lambda record: record.span),
    ("Note", lambda record: record.note),
)
# At a large font, first to narrow first (their tooltips have it all): when a session runs and when
# the clinician is away never narrow.
_SESSIONS_GIVE_WAY = ("Dates", "Takes", "Slot", "Hours")
_LEAVE_GIVES_WAY = ("Note", "Reason")
_EVERY = ("Every week", "Every 2nd week", "Every 3rd week", "Every 4th week")


def _day(edit: QDateEdit):
    return edit.date().toPython()


def _date_edit(name: str, day) -> QDateEdit:
    edit = QDateEdit(QDate(day))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("ddd d MMM yyyy")
    edit.setAccessibleName(name)
    return edit


def _time_edit(name: str, hour: int, minute: int = 0) -> QTimeEdit:
    edit = QTimeEdit(QTime(hour, minute))
    edit.setDisplayFormat("HH:mm")
    edit.setAccessibleName(name)
    return edit


class SessionsPage(QWidget):
    def __init__(self, actor: Actor, settings: ClinicSettings, hub, parent=None):
        super().__init__(parent)
        self.actor, self.hub, self.zone = actor, hub, settings.zone
        self.confirmation: QMessageBox | None = None  # the open "Put these bookings back to book?" box
        self.clinician = QComboBox()
        self.clinician.setAccessibleName("Clinician")
        self.sessions_model = RecordTableModel(_SESSION_COLUMNS, self)
        self.sessions_table = read_only_table(self.sessions_model, "Sessions", widest=360)
        self.leave_model = RecordTableModel(_LEAVE_COLUMNS, self)
        self.leave_table = read_only_table(self.leave_model, "Leave", widest=420)
        keep_fitted(self.sessions_table, _SESSIONS_GIVE_WAY)
        keep_fitted(self.leave_table, _LEAVE_GIVES_WAY)
        self.status = StatusLine()
        heading = QLabel("When each clinician works: only these sessions, and never their leave, are offered for "
                         "booking. A new clinician works the opening hours every weekday until you change it. "
                         "Leave or an ended session over bookings asks before putting them back to book.")
        heading.setWordWrap(True)
        chooser = QHBoxLayout()
        chooser.addWidget(QLabel("&Clinician"))
        chooser.itemAt(0).widget().setBuddy(self.clinician)
        chooser.addWidget(self.clinician)
        chooser.addStretch(1)
        session_buttons, leave_buttons = QHBoxLayout(), QHBoxLayout()
        self.add_session_button = self._button(session_buttons, "&Add session…", self.add_session)
        self.end_session_button = self._button(session_buttons, "&End session…", self.end_session)
        session_buttons.addStretch(1)
        self.add_leave_button = self._button(leave_buttons, "Add &leave…", self.add_leave)
        self.cancel_leave_button = self._button(leave_buttons, "Ca&ncel leave", self.cancel_leave)
        leave_buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(chooser)
        layout.addWidget(QLabel("<b>Sessions</b>"))
        layout.addWidget(self.sessions_table, 3)
        layout.addLayout(session_buttons)
        layout.addWidget(QLabel("<b>Leave to come</b>"))
        layout.addWidget(self.leave_table, 2)
        layout.addLayout(leave_buttons)
        layout.addWidget(self.status)
        for table in (self.sessions_table, self.leave_table):
            table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.clinician.currentIndexChanged.connect(lambda _index: self.reload())
        self.redraws = RedrawWhenSeen(self, hub, self._on_changes)
        self._load_clinicians()

    def _button(self, row: QHBoxLayout, text: str, slot) -> QPushButton:
        button = QPushButton(text)
        button.setAccessibleName(text.replace("&", "").rstrip("…"))
        button.clicked.connect(slot)
        row.addWidget(button)
        return button

    # --- reading ---

    def _load_clinicians(self) -> None:
        Op(self, lambda: appointment_book.clinicians(self.actor)).success(self._show_clinicians).failure(
            self.status.refuse).run()

    def _show_clinicians(self, clinicians) -> None:
        chosen = self.clinician.currentData()
        self.clinician.blockSignals(True)
        self.clinician.clear()
        for record in clinicians:
            self.clinician.addItem(record.full_name, record.id)
        found = self.clinician.findData(chosen)
        self.clinician.setCurrentIndex(max(found, 0))
        self.clinician.blockSignals(False)
        self.reload()

    def reload(self) -> None:
        clinician_id = self.clinician.currentData()
        if clinician_id is None:
            self._show(None)
            return
        Op(self, lambda: sessions.clinician_time(self.actor, clinician_id)).success(self._show).failure(
            self.status.refuse).run()

    def _show(self, time_of) -> None:
        chosen_session, chosen_leave = self.selected_session(), self.selected_leave()
        self.sessions_model.set_records(time_of.sessions if time_of else ())
        self.leave_model.set_records(time_of.leave if time_of else ())
        for table, model, chosen in ((self.sessions_table, self.sessions_model, chosen_session),
                                     (self.leave_table, self.leave_model, chosen_leave)):
            rows = [row for row, record in enumerate(model.records) if chosen and record.id == chosen.id]
            if rows:
                table.selectRow(rows[0])
        self._update_buttons()

    def _on_changes(self, changes) -> None:
        if _READS.concerned(changes):
            self._load_clinicians()

    def selected_session(self) -> SessionRecord | None:
        rows = self.sessions_table.selectionModel().selectedRows()
        return self.sessions_model.records[rows[0].row()] if rows else None

    def selected_leave(self) -> LeaveRecord | None:
        rows = self.leave_table.selectionModel().selectedRows()
        return self.leave_model.records[rows[0].row()] if rows else None

    def _update_buttons(self) -> None:
        has_clinician = self.clinician.currentData() is not None
        self.add_session_button.setEnabled(has_clinician)
        self.add_leave_button.setEnabled(has_clinician)
        self.end_session_button.setEnabled(self.selected_session() is not None)
        self.cancel_leave_button.setEnabled(self.selected_leave() is not None)

    # --- changing ---

    def add_session(self) -> None:
        self._open(SessionDialog(self.actor, self.clinician.currentData(), self.clinician.currentText(),
                                today(self.zone), self))

    def end_session(self) -> None:
        record = self.selected_session()
        if record is not None:
            self._open(EndSessionDialog(self.actor, record, today(self.zone), self))

    def add_leave(self) -> None:
        self._open(LeaveDialog(self.actor, self.clinician.currentData(), self.clinician.currentText(),
                              today(self.zone), self))

    def cancel_leave(self) -> None:
        record = self.selected_leave()
        if record is None:
            return
        Op(self, lambda: sessions.cancel_leave(self.actor, record.id), hub=self.hub).success(
            lambda done: self.status.tell(sentence(f"Cancelled the {done.reason_title.lower()} {done.span}: "
                                                   "those sessions are bookable again"))).run()
        self.reload()

    def _open(self, dialog: AdminDialog) -> None:
        dialog.saved.connect(self._done)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def _done(self, words: str) -> None:
        self.status.tell(sentence(words))
        self.hub.after_change()
        self.reload()


class _ConfirmingDialog(AdminDialog):
    """A dialog whose save may be refused with bookings in the way: it asks, then saves again confirmed."""

    confirmation: QMessageBox | None = None

    def save_with(self, call, words) -> None:
        self.message.clear()
        Op(self, lambda: call(False)).success(lambda result: self._saved(words(result))).refused(
            lambda error: self._ask(error, call, words) if isinstance(error, BookingsInTheWay)
            else self.refuse(str(error), getattr(error, "field", None))).run()

    def _ask(self, error: BookingsInTheWay, call, words) -> None:
        count = len(error.bookings)
        box = QMessageBox(QMessageBox.Icon.Warning, "Bookings in the way", sentence(str(error)),
                          QMessageBox.StandardButton.Cancel, self)
        box.setInformativeText("\n".join(error.bookings))
        box.setStyleSheet("#qt_msgbox_label, #qt_msgbox_informativelabel { min-width: 480px; }")  # a booking a line
        box.setObjectName("confirmTakingOffBookings")
        put_back = box.addButton(f"Put {'it' if count == 1 else 'both' if count == 2 else f'all {count}'} back to book",
                                 QMessageBox.ButtonRole.AcceptRole)
        put_back.clicked.connect(lambda: self.run(lambda: call(True), words))
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.confirmation = box
        box.open()


class SessionDialog(_ConfirmingDialog):
    """A new weekly session or a one-off extra for one clinician."""

    def __init__(self, actor: Actor, clinician_id: int, clinician_name: str, first, parent=None):
        super().__init__(f"New session for {clinician_name}", parent)
        self.actor, self.clinician_id = actor, clinician_id
        self.one_off = QCheckBox("One date only (an extra session)")
        self.weekday = QComboBox()
        self.weekday.setAccessibleName("Weekday")
        self.weekday.addItems(WEEKDAY_NAMES)
        self.every = QComboBox()
        self.every.setAccessibleName("How often")
        self.every.addItems(_EVERY)
        self.first_day = _date_edit("First day (or the date)", first)
        self.has_last_day = QCheckBox("Ends on")
        self.last_day = _date_edit("Last day", first)
        self.last_day.setEnabled(False)
        self.has_last_day.toggled.connect(self.last_day.setEnabled)
        self.opening_hours = QCheckBox("The clinic's opening hours")
        self.opening_hours.setChecked(True)
        self.starts, self.ends = _time_edit("Starts", 8, 30), _time_edit("Ends", 12, 30)
        for edit in (self.starts, self.ends):
            edit.setEnabled(False)
            self.opening_hours.toggled.connect(lambda on, edit=edit: edit.setEnabled(not on))
        self.slot_minutes = QSpinBox()
        self.slot_minutes.setAccessibleName("Slot length in minutes")
        self.slot_minutes.setRange(0, 240)
        self.slot_minutes.setSingleStep(5)
        self.slot_minutes.setSpecialValueText("The clinic's")
        self.slot_minutes.setSuffix(" min")
        self.kinds = {kind: QCheckBox(KIND_TITLES[kind]) for kind in SESSION_KINDS}
        kinds = QHBoxLayout()
        for box in self.kinds.values():
            kinds.addWidget(box)
        self.one_off.toggled.connect(lambda on: (self.weekday.setEnabled(not on), self.every.setEnabled(not on),
                                                 self.has_last_day.setEnabled(not on)))
        times = QHBoxLayout()
        times.addWidget(self.opening_hours)
        times.addWidget(self.starts)
        times.addWidget(QLabel("to"))
        times.addWidget(self.ends)
        times.addStretch(1)
        last = QHBoxLayout()
        last.addWidget(self.has_last_day)
        last.addWidget(self.last_day)
        last.addStretch(1)
        form = QFormLayout()
        form.addRow("", self.one_off)
        form.addRow("&Weekday", self.weekday)
        form.addRow("&How often", self.every)
        form.addRow("&First day", self.first_day)
        form.addRow("", last)
        form.addRow("&Hours", times)
        form.addRow("&Slot length", self.slot_minutes)
        form.addRow("Takes only", kinds)
        self.fields = {"weekday": self.weekday, "every_weeks": self.every, "first_day": self.first_day,
                       "on_date": self.first_day, "last_day": self.last_day, "starts": self.starts,
                       "ends": self.ends, "slot_minutes": self.slot_minutes}
        self.lay_out("Tick no kind to take every kind of visit. A session may run outside the opening hours "
                     "(an evening clinic), never over another of the clinician's sessions.", form, "Add session")
        at_least_characters_wide(self, 120)

    def save(self) -> None:
        own_hours = not self.opening_hours.isChecked()
        details = dict(starts=self.starts.time().toPython() if own_hours else None,
                       ends=self.ends.time().toPython() if own_hours else None,
                       slot_minutes=self.slot_minutes.value() or None,
                       kinds=[kind for kind, box in self.kinds.items() if box.isChecked()])
        if self.one_off.isChecked():
            details["on_date"] = _day(self.first_day)
        else:
            details.update(weekday=self.weekday.currentIndex(), every_weeks=self.every.currentIndex() + 1,
                           first_day=_day(self.first_day),
                           last_day=_day(self.last_day) if self.has_last_day.isChecked() else None)
        self.run(lambda: sessions.add_session(self.actor, self.clinician_id, **details),
                 lambda record: f"Added the session {record.when}, {record.hours}")


class EndSessionDialog(_ConfirmingDialog):
    """End a session after a last day; bookings it held after that are listed and asked about."""

    def __init__(self, actor: Actor, record: SessionRecord, first, parent=None):
        super().__init__(f"End the session {record.when}, {record.hours}", parent)
        self.actor, self.record = actor, record
        self.last_day = _date_edit("Last day it runs", first)
        form = QFormLayout()
        form.addRow("&Last day it runs", self.last_day)
        self.fields = {"last_day": self.last_day}
        self.lay_out("The session stays in the book up to this day and is kept on record. To change its hours, "
                     "end it and add the new one.", form, "End session")

    def save(self) -> None:
        last_day = _day(self.last_day)
        self.save_with(lambda confirm: sessions.end_session(self.actor, self.record.id, last_day=last_day,
                                                            confirm=confirm),
                       lambda record: f"Ended the session {record.when}, {record.hours}, after "
                                      f"{self.last_day.text()}")


class LeaveDialog(_ConfirmingDialog):
    """Whole days or part days away, with the reason."""

    def __init__(self, actor: Actor, clinician_id: int, clinician_name: str, first, parent=None):
        super().__init__(f"Leave for {clinician_name}", parent)
        self.actor, self.clinician_id, self.clinician_name = actor, clinician_id, clinician_name
        self.reason = QComboBox()
        self.reason.setAccessibleName("Reason")
        for key, title in LEAVE_TITLES.items():
            self.reason.addItem(title if key != "other" else "Other", key)
        self.first_day = _date_edit("First day", first)
        self.last_day = _date_edit("Last day", first)
        self.part_day = QCheckBox("Part of a day: from")
        self.from_time, self.to_time = _time_edit("From", 13), _time_edit("Until", 17, 30)
        for edit in (self.from_time, self.to_time):
            edit.setEnabled(False)
            self.part_day.toggled.connect(edit.setEnabled)
        self.note = QLineEdit()
        self.note.setAccessibleName("Note")
        self.note.setMaxLength(500)
        part = QHBoxLayout()
        part.addWidget(self.part_day)
        part.addWidget(self.from_time)
        part.addWidget(QLabel("on the first day, until"))
        part.addWidget(self.to_time)
        part.addWidget(QLabel("on the last"))
        part.addStretch(1)
        form = QFormLayout()
        form.addRow("&Reason", self.reason)
        form.addRow("&First day", self.first_day)
        form.addRow("&Last day", self.last_day)
        form.addRow("", part)
        form.addRow("&Note", self.note)
        self.fields = {"reason": self.reason, "first_day": self.first_day, "last_day": self.last_day,
                       "from_time": self.from_time, "to_time": self.to_time, "note": self.note}
        self.lay_out("Nobody can be booked with them while they are away. Bookings already made in that time "
                     "are listed before anything is saved.", form, "Add leave")
        at_least_characters_wide(self, 113)

    def save(self) -> None:
        part = self.part_day.isChecked()
        details = dict(first_day=_day(self.first_day), last_day=_day(self.last_day),
                       from_time=self.from_time.time().toPython() if part else None,
                       to_time=self.to_time.time().toPython() if part else None,
                       reason=self.reason.currentData(), note=self.note.text())
        self.save_with(lambda confirm: sessions.add_leave(self.actor, self.clinician_id, confirm=confirm, **details),
                       lambda record: f"Entered {record.reason_title.lower()} for {self.clinician_name}, "
                                      f"{record.span}")


def for_screenshot(actor, settings, hub) -> QWidget:
    page = SessionsPage(actor, settings, hub)
    page.resize(1180, 640)
    return page


def leave_for_screenshot(actor, settings, hub) -> QWidget:
    """The leave dialog for the demo's physiotherapist, a part day filled in."""
    (_doctor, physio) = appointment_book.clinicians(actor)
    dialog = LeaveDialog(actor, physio.id, physio.full_name, today(settings.zone), None)
    dialog.reason.setCurrentIndex(dialog.reason.findData("training"))
    dialog.part_day.setChecked(True)
    dialog.note.setText("Manual therapy course, afternoon")
    return dialog


def confirmation_for_screenshot(actor, settings, hub) -> tuple[QWidget, QMessageBox]:
    """The leave form and the question it asks over bookings: a clinician's first coming day with
    bookings, as sickness. Nothing is saved: the leave is refused until the question is answered."""
    first = today(settings.zone)
    clinician, booked = next((clinician, book_day.day) for clinician in appointment_book.clinicians(actor)
                             for book_day in appointment_book.clinician_book(actor, clinician.id, first,
                                                                             appointment_book.MAX_BOOK_DAYS)
                             if any(slot.appointment and slot.appointment.status == "booked"
                                    for slot in book_day.slots))
    dialog = LeaveDialog(actor, clinician.id, clinician.full_name, booked, None)
    dialog.reason.setCurrentIndex(dialog.reason.findData("sickness"))
    dialog.show()
    dialog.save()
    return dialog, dialog.confirmation
