"""The appointment book tab: one clinician's day or week, or the whole clinic's day side by side.

The slots, their times and whether they are free all come from services/appointment_book;
the table models (ui/book/appointment_book_models.py) only lay them out, in words and colour
together. The clinic's day, a column per clinician, is ui/book/clinic_day_view.py. Actions on the selected appointment (open the patient, reschedule, cancel the
booking, arrived, did not attend) are QActions shared by the buttons, the context menu
and their shortcuts; the book redraws on every change the hub reports that can touch it, this
workstation's or another's (a patient's details only when that patient is on the book shown).
"""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import QAbstractTableModel, QDate, Qt, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSplitter,
    QStackedWidget,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from clinic_desktop.services.admin.settings import ClinicSettings
from clinic_desktop.services.appointments import appointment_book, appointments, clinic_day
from clinic_desktop.services.appointments.appointment_book import BookSlot
from clinic_desktop.services.core.actor import Actor
from clinic_desktop.services.core.change_reach import Record
from clinic_desktop.services.core.clock import today
from clinic_desktop.services.core.permissions import allowed
from clinic_desktop.ui.book.appointment_book_models import DayBookModel, WeekBookModel
from clinic_desktop.ui.book.booking_dialog import BookingDialog, CancelBookingDialog
from clinic_desktop.ui.book.clinic_day_view import ClinicDayView
from clinic_desktop.ui.book.day_list_window import open_day_list
from clinic_desktop.ui.book.freed_slot_dialog import FreedSlotDialog, offer_freed_slot
from clinic_desktop.ui.book.waiting_list_view import WaitingListView
from clinic_desktop.ui.ops.latest import LatestOp
from clinic_desktop.ui.ops.messages import sentence
from clinic_desktop.ui.ops.op import Op
from clinic_desktop.ui.shell.view_reads import Reads
from clinic_desktop.ui.widgets.page_stacks import name_pages
from clinic_desktop.ui.widgets.palette import banner_style
from clinic_desktop.ui.widgets.redraw_when_seen import READ_AGAIN, RedrawWhenSeen
from clinic_desktop.ui.widgets.tab_order import in_tab_order
from clinic_desktop.ui.widgets.time_format import weekday_date
from clinic_desktop.ui.widgets.wrapping_tool_bar import FlowLayout

# The bookings and their patients, the clinicians (names, who is active), the sessions they work and their
# leave, and the clinic's hours and closure days.
READS = Reads(Record.APPOINTMENT, Record.PATIENT, Record.STAFF, Record.ROTA, Record.SETTING)

_ACTIONS = (  # text, shortcut, permission, method, enabled for the selected appointment's status
    ("&Open patient", "Ctrl+O", "view_patient", "open_patient", ("booked", "attended", "did_not_attend")),
    ("&Reschedule…", "Ctrl+Shift+R", "book_appointment", "reschedule", ("booked",)),
    ("&Cancel booking…", "Delete", "cancel_appointment", "cancel_booking", ("booked",)),
    ("&Arrived", "Ctrl+Shift+A", "record_attendance", "arrived", ("booked",)),
    ("Did &not attend", "Ctrl+Shift+D", "record_attendance", "did_not_attend", ("booked",)),
)


class AppointmentBookView(QWidget):
    patient_requested = Signal(int)

    def __init__(self, actor: Actor, settings: ClinicSettings, hub, parent=None):
        super().__init__(parent)
        self._actor, self._settings, self._hub = actor, settings, hub
        self.setAccessibleName("Appointment book")
        self.clinician = QComboBox()
        self.clinician.setAccessibleName("Clinician")
        self.clinician.setMinimumContentsLength(18)
        self.date = QDateEdit()
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("ddd dd MMM yyyy")
        self.date.setAccessibleName("Date")
        self.day_mode, self.week_mode = _toggle("&Day"), _toggle("W&eek")
        self.clinic_mode = _toggle("Clinic da&y")
        self.clinic_mode.setAccessibleName("Clinic day view: every clinician side by side")
        modes = QButtonGroup(self)
        for button in (self.day_mode, self.week_mode, self.clinic_mode):
            modes.addButton(button)
        self.day_mode.setChecked(True)
        clinician_label = QLabel("Cli&nician")
        clinician_label.setBuddy(self.clinician)
        self.navigate = {}
        for text, shortcut, step in (("◀ Pre&vious", "Alt+Left", -1), ("&Today", "Alt+Home", 0),
                                     ("Ne&xt ▶", "Alt+Right", 1)):
            action = QAction(text, self)
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(lambda _=False, step=step: self.step(step))
            self.addAction(action)
            self.navigate[step] = _button(action)
        # Who, when and how: one row, or more when a large font leaves no room (each group kept whole).
        navigation = QWidget()
        groups = FlowLayout(navigation, spacing=12)
        for group in ((clinician_label, self.clinician), (*self.navigate.values(), self.date),
                      (self.day_mode, self.week_mode, self.clinic_mode)):
            groups.addWidget(_side_by_side(group))

        self.banner = QLabel()
        self.banner.setObjectName("bookBanner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(banner_style("bookBanner", "info"))
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._apply_palette)
        self.summary = QLabel()
        self.day_model, self.week_model = DayBookModel(self), WeekBookModel(settings.zone, self)
        self.day_table, self.week_table = _table(self.day_model, "Day"), _table(self.week_model, "Week")
        self.day_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.day_table.verticalHeader().hide()
        header = self.day_table.horizontalHeader()
        for column, width in ((1, 280), (2, 240)):  # patient, review: room for long names, then the status
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, width)
        header.setStretchLastSection(True)
        self.week_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.week_table.setWordWrap(True)
        self.stack = QStackedWidget()
        name_pages(self.stack, "Appointment book views")
        self.stack.addWidget(self.day_table)
        self.stack.addWidget(self.week_table)
        self.clinic = ClinicDayView(actor, settings, hub)
        self._clinic_reads = LatestOp(self, None)
        self.clinic.open_requested.connect(lambda: self._run("open_patient"))
        self.clinic.selection_changed.connect(self._update_actions)
        self.stack.addWidget(self.clinic)

        self.actions_bar = QHBoxLayout()
        on_the_slot = QWidget()
        wrapping = FlowLayout(on_the_slot, spacing=6)  # the actions wrap onto a second row at a large font
        self.book_actions: dict[str, QAction] = {}
        buttons = []
        for text, shortcut, permission, method, _statuses in _ACTIONS:
            if not allowed(actor.role, permission):
                continue
            action = QAction(text, self)
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(lambda _=False, method=method: self._run(method))
            self.book_actions[method] = action
            buttons.append(_button(action))
            wrapping.addWidget(buttons[-1])
            for table in (self.day_table, self.week_table, self.clinic.table):
                table.addAction(action)
        # One clinician's day list, printed or saved from its window (the clinic's day has its own buttons).
        self.day_list_button = QToolButton()
        self.day_list_button.setText("Day list…")
        self.day_list_button.setToolTip("The day list of the clinician and day shown, to print or save as a PDF")
        self.day_list_button.clicked.connect(lambda _checked=False: self.open_day_list())
        wrapping.addWidget(self.day_list_button)
        self.actions_bar.addWidget(on_the_slot, 1)
        self.actions_bar.addWidget(self.summary)

        layout = QVBoxLayout(self)
        layout.addWidget(navigation)
        layout.addWidget(self.banner)
        layout.addLayout(self.actions_bar)
        # The waiting list under the book: a cancellation here is offered to it at once.
        self.waiting = WaitingListView(actor, hub)
        self.waiting.patient_requested.connect(self.patient_requested)
        self.freed_slot_dialog: FreedSlotDialog | None = None
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.stack)
        split.addWidget(self.waiting)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        split.setChildrenCollapsible(False)
        layout.addWidget(split, 1)
        # The actions above the book act on the slot chosen in it: Tab reaches them after the book.
        in_tab_order((self.clinic.table, *self.clinic.buttons)[-1], *buttons, self.day_list_button)

        for table in (self.day_table, self.week_table):
            table.doubleClicked.connect(lambda _index: self._run("open_patient"))
            table.activated.connect(lambda _index: self._run("open_patient"))
            table.selectionModel().selectionChanged.connect(lambda *_: self._update_actions())
        self._fill_clinicians()
        clinic_today = today(settings.zone)
        self.date.setDate(QDate(clinic_today.year, clinic_today.month, clinic_today.day))
        self.clinician.currentIndexChanged.connect(lambda _index: self.reload())
        self.date.dateChanged.connect(lambda _date: self.reload())
        self.day_mode.toggled.connect(lambda _checked: self.reload())
        self.clinic_mode.toggled.connect(lambda _checked: self.reload())
        self.redraws = RedrawWhenSeen(self, hub, self._changed)
        self._today = today(settings.zone)
        self.reload()

    def _changed(self, changes) -> None:
        """Redraw for a change to what the book shows; at midnight a book left on "today" moves on to the new day."""
        if changes.new_day:
            was_today, self._today = self._today, today(self._settings.zone)
            if self.shown_day() == was_today:
                self.step(0)  # the date change redraws the book
                return
        if READS.concerned(changes, self.patients_shown()):
            self.reload()

    def patients_shown(self) -> frozenset[int] | None:
        """The patients of the appointments on the book shown: the book lists appointments by time, whoever
        they are for, so a change to nobody's details but another patient's leaves it as it is. None while
        the clinic's day is being read: the day coming may hold other patients."""
        if self.clinic_mode.isChecked():
            return None if self.clinic_day_reading() else self.clinic.model.patients_shown()
        return (self.week_model if self.week_mode.isChecked() else self.day_model).patients_shown()

    def _apply_palette(self, _scheme=None) -> None:
        self.banner.setStyleSheet(banner_style("bookBanner", "info"))

    # --- what is shown ---

    def shown_day(self) -> date:
        return self.date.date().toPython()

    def show_day(self, day: date, clinician_id: int | None = None) -> None:
        if clinician_id is not None:
            self.clinician.setCurrentIndex(max(0, self.clinician.findData(clinician_id)))
        self.date.setDate(QDate(day.year, day.month, day.day))

    def set_week_mode(self, week: bool) -> None:
        (self.week_mode if week else self.day_mode).setChecked(True)

    def step(self, direction: int) -> None:
        """Previous or next day (a week in week mode); 0 goes back to today."""
        if direction == 0:
            clinic_today = today(self._settings.zone)
            self.date.setDate(QDate(clinic_today.year, clinic_today.month, clinic_today.day))
        else:
            self.date.setDate(self.date.date().addDays(direction * (7 if self.week_mode.isChecked() else 1)))

    def reload(self) -> None:
        """Read the shown day or week again, keeping the selected time (rows may come and go)."""
        self.clinician.setEnabled(not self.clinic_mode.isChecked())
        self.day_list_button.setVisible(not self.clinic_mode.isChecked())
        if self.clinic_mode.isChecked():
            self._reload_clinic_day()
            return
        clinician_id = self.clinician.currentData()
        table = self.week_table if self.week_mode.isChecked() else self.day_table
        kept = table.currentIndex()
        kept_label = table.model().label_at(kept.row()) if kept.isValid() else None
        self.stack.setCurrentWidget(table)
        if clinician_id is None:
            self._show_banner("No clinician is set up yet: a practice manager adds clinicians.")
            return
        day = self.shown_day()
        if table is self.day_table:
            op = Op(self, lambda: appointment_book.clinician_book(self._actor, clinician_id, day, 1)[0])
            op.success(self._show_day)
        else:
            op = Op(self, lambda: appointment_book.clinician_week(self._actor, clinician_id, day))
            op.success(self._show_week)
        if op.failure(self._unreadable).run():
            self._keep_selected(table, kept, kept_label)

    def open_day_list(self) -> None:
        """The shown clinician's day list in its window, with Print… and Save as PDF…"""
        if self.clinician.currentData() is not None:
            self.day_list_window = open_day_list(self, self._actor, self._settings, self.clinician.currentData(),
                                                 self.clinician.currentText(), self.shown_day())

    def _reload_clinic_day(self) -> None:
        """Read off the window's thread: a clinic of 50 clinicians takes 0.2–0.4 s at a million
        appointments (benchmarks/test_book_bench.py); the day shown stays until the new one comes."""
        self.stack.setCurrentWidget(self.clinic)
        actor, day = self._actor, self.shown_day()
        self._clinic_reads.run(lambda: clinic_day.clinic_day(actor, day), self._show_clinic_day,
                               self._unreadable)

    def clinic_day_reading(self) -> bool:
        """The clinic's day asked for is still being read (tests, pictures wait for it)."""
        return self._clinic_reads.is_running()

    def _show_clinic_day(self, shown) -> None:
        self.clinic.set_day(shown)
        nobody = f"Nobody works on {weekday_date(shown.day)}." if shown.open and not shown.columns else None
        self._show_banner(_closed_banner(shown) if not shown.open else nobody)
        self._summarise(tuple(slot for column in shown.columns for slot in column.book.slots))

    def _show_day(self, book_day) -> None:
        self.day_model.set_day(book_day)
        self._show_banner(None if book_day.open else _closed_banner(book_day))
        self._summarise(book_day.slots)

    def _show_week(self, week) -> None:
        self.week_model.set_week(week, today(self._settings.zone))
        self._span_closed_days()
        self._show_banner(None)
        self._summarise(tuple(slot for day in week.days for slot in day.slots))

    def _keep_selected(self, table, kept, kept_label) -> None:
        row = table.model().row_of(kept_label)
        if row >= 0:
            table.setCurrentIndex(table.model().index(row, kept.column()))
        self._update_actions()

    def _span_closed_days(self) -> None:
        self.week_table.clearSpans()
        rows = self.week_model.rowCount()
        for column, day in enumerate(self.week_model.days):
            if not day.open and not day.slots and rows > 1:
                self.week_table.setSpan(0, column, rows, 1)

    def _summarise(self, slots: tuple[BookSlot, ...]) -> None:
        booked = sum(1 for slot in slots if slot.appointment is not None)
        free = sum(1 for slot in slots if slot.bookable)
        self.summary.setText(f"{booked} appointment{'s' if booked != 1 else ''} · {free} free slot"
                             f"{'s' if free != 1 else ''}")

    def _unreadable(self, reason: str) -> None:
        """The book as it was stays, saying why it may be out of date; read again when the database answers."""
        self._show_banner(f"⚠ The book cannot be read. {sentence(reason)} {READ_AGAIN}")
        self.redraws.read_failed()

    def _show_banner(self, text: str | None) -> None:
        self.banner.setText(text or "")
        self.banner.setVisible(bool(text))

    def _fill_clinicians(self) -> None:
        people = appointment_book.clinicians(self._actor)
        for person in people:
            self.clinician.addItem(person.full_name, person.id)
        mine = self.clinician.findData(self._actor.user_id) if self._actor.role == "clinician" else -1
        self.clinician.setCurrentIndex(mine if mine >= 0 else 0 if people else -1)

    # --- acting on the selected appointment ---

    def selected_slot(self) -> BookSlot | None:
        if self.clinic_mode.isChecked():
            cell = self.clinic.selected_cell()
            return cell.slot if cell else None
        if self.week_mode.isChecked():
            index = self.week_table.currentIndex()
            return self.week_model.slot_at(index.row(), index.column()) if index.isValid() else None
        rows = self.day_table.selectionModel().selectedRows()
        return self.day_model.slot_at(rows[0].row()) if rows else None

    def _update_actions(self) -> None:
        slot = self.selected_slot()
        status = slot.appointment.status if slot and slot.appointment else None
        for text, _shortcut, _permission, method, statuses in _ACTIONS:
            if method in self.book_actions:
                self.book_actions[method].setEnabled(status in statuses)

    def _run(self, method: str) -> None:
        slot = self.selected_slot()
        action = self.book_actions.get(method)
        if slot is None or slot.appointment is None or action is None or not action.isEnabled():
            return
        getattr(self, method)(slot.appointment.appointment_id)

    def open_patient(self, appointment_id: int) -> None:
        self.patient_requested.emit(self.selected_slot().appointment.patient_id)

    def reschedule(self, appointment_id: int) -> None:
        dialog = BookingDialog(self._actor, self._settings, appointment_id, self, reschedule=True)
        dialog.booked.connect(lambda _record: self._hub.after_change())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def cancel_booking(self, appointment_id: int) -> None:
        """Ask why, in a dialog that shows the booking as it is now (a refusal if it is gone)."""
        Op(self, lambda: CancelBookingDialog(self._actor, self._settings, appointment_id, self)).success(
            self._open_cancel).run()

    def _open_cancel(self, dialog: CancelBookingDialog) -> None:
        dialog.cancelled.connect(lambda _record: self._hub.after_change())
        dialog.cancelled.connect(lambda _record: self._offer_freed_slot(*dialog.freed_slot))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def _offer_freed_slot(self, clinician_id: int, starts_at, ends_at) -> None:
        """The slot just given up, offered to the waiting list (nothing is asked if nobody can take it)."""
        offer_freed_slot(self, self._actor, self._hub, clinician_id, starts_at, ends_at, self._freed_slot_opened)

    def _freed_slot_opened(self, dialog: FreedSlotDialog) -> None:
        self.freed_slot_dialog = dialog

    def arrived(self, appointment_id: int) -> None:
        self._write(lambda: appointments.record_attended(self._actor, appointment_id))

    def did_not_attend(self, appointment_id: int) -> None:
        self._write(lambda: appointments.record_did_not_attend(self._actor, appointment_id))

    def _write(self, call) -> None:
        Op(self, call, hub=self._hub).run()


def _toggle(text: str) -> QToolButton:
    button = QToolButton()
    button.setText(text)
    button.setCheckable(True)
    button.setAccessibleName(text.replace("&", "") + " view")
    return button


def _side_by_side(widgets) -> QWidget:
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        layout.addWidget(widget)
    return row


def _button(action: QAction) -> QToolButton:
    button = QToolButton()
    button.setDefaultAction(action)
    button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    return button


def _table(model: QAbstractTableModel, name: str) -> QTableView:
    table = QTableView()
    table.setModel(model)
    table.setAccessibleName(f"Appointment book, {name.lower()}")
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setTabKeyNavigation(False)  # Tab leaves the book; the arrows move between its slots
    table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    return table


def _closed_banner(book_day) -> str:
    """"Closed on Sat 28 Nov — Weekend."; a closure day's reason is just "Closed", said once."""
    reason = "" if book_day.closed_reason == "Closed" else f" — {book_day.closed_reason}"
    return f"Closed on {weekday_date(book_day.day)}{reason}."
