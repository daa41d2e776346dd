"""Booking (or moving) a review: the earliest free slots first, any other time if need be.

The slots come from the appointment book service, so the dialog does no time arithmetic
of its own; the booking service has the last word, and whatever it refuses (a clash, a
closed day, a late booking without a reason) is said in red under the fields, with the
field that needs attention shown and focused.
"""
from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QDate, Qt, QTime, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QTimeEdit,
    QWidget,
)

from clinic_desktop.services.admin.settings import ClinicSettings
from clinic_desktop.services.appointments import appointment_book, appointments, slot_offers, waiting_list
from clinic_desktop.services.appointments.slot_offers import OfferedSlot, SlotOffer
from clinic_desktop.services.core.actor import Actor
from clinic_desktop.services.core.clock import today
from clinic_desktop.services.core.errors import Conflict, ServiceError
from clinic_desktop.services.worklists import worklists
from clinic_desktop.ui.ops.latest import LatestOp
from clinic_desktop.ui.ops.messages import sentence, show_refusal
from clinic_desktop.ui.ops.op import Op
from clinic_desktop.ui.widgets.form_dialog import lay_out_form_dialog
from clinic_desktop.ui.widgets.palette import attention_colour
from clinic_desktop.ui.widgets.text_size import at_least_characters_wide, lines
from clinic_desktop.ui.widgets.time_format import local_time, weekday_date

_WHICH = (("earlier", "the earlier one (before the clocks go back)"),
          ("later", "the later one (after the clocks go back)"))


def _day_with_year(day) -> str:
    return f"{weekday_date(day)} {day.year}"


class BookingDialog(QDialog):
    booked = Signal(object)  # the AppointmentRecord as booked

    @property
    def appointment_id(self) -> int:
        """The review this dialog books (a worklist row or the patient header opened it on)."""
        return self._appointment_id

    def __init__(self, actor: Actor, settings: ClinicSettings, appointment_id: int, parent=None, *,
                 reschedule: bool = False):
        super().__init__(parent)
        self._actor, self._settings = actor, settings
        self._appointment_id, self._reschedule = appointment_id, reschedule
        self._offered: tuple[OfferedSlot, ...] = ()
        self._booked_with: int | None = None
        self._offers = LatestOp(self, "Finding the earliest free slots…")
        self._first_offer = True
        self.setWindowTitle("Reschedule appointment" if reschedule else "Book appointment")
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.RichText)

        self.clinician_filter = QComboBox()
        self.clinician_filter.addItem("Any clinician", None)
        self.other_clinician = QComboBox()
        for person in appointment_book.clinicians(actor):
            self.clinician_filter.addItem(person.full_name, person.id)
            self.other_clinician.addItem(person.full_name, person.id)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.slots = QListWidget()
        self.slots.setMinimumHeight(lines(self.slots, 7))
        self.use_other = QCheckBox("Book an&other time instead")
        self.other_date = QDateEdit()
        self.other_date.setCalendarPopup(True)
        self.other_date.setDisplayFormat("dd MMM yyyy")
        self.other_time = QTimeEdit()
        self.other_time.setDisplayFormat("HH:mm")
        self.which = QComboBox()
        for code, text in _WHICH:
            self.which.addItem(text, code)
        self.late_reason = QLineEdit()
        self.late_reason.setPlaceholderText("e.g. patient away until then")
        self.wait_for_earlier = QCheckBox("Also put on the waiting &list for an earlier slot")
        self.wait_for_earlier.setToolTip("If a booking before this one is cancelled, its slot is offered to the "
                                         "patient (Add to waiting list… on the review sets days and times)")
        other = QWidget()
        other_row = QHBoxLayout(other)
        other_row.setContentsMargins(0, 0, 0, 0)
        for widget in (self.other_clinician, self.other_date, self.other_time):
            other_row.addWidget(widget)

        self.form = QFormLayout()
        for label, widget, name in (("Show &clinician", self.clinician_filter, "Show the free slots of"),
                                    (None, self.note, None),  # a note's words are its name
                                    ("&Free slots", self.slots, "Earliest free slots"),
                                    (None, self.use_other, "Book another time instead"),
                                    ("Other &time", other, "Other time"),
                                    ("&Which", self.which, "Which of the two times"),
                                    ("&Reason for booking late", self.late_reason, "Reason for booking late"),
                                    (None, self.wait_for_earlier, None)):  # named by the words it shows
            if name:
                widget.setAccessibleName(name)
            if label:
                self.form.addRow(label, widget)
            else:
                self.form.addRow(widget)
        for widget, name in ((self.other_clinician, "Clinician for another time"),
                             (self.other_date, "Date for another time"), (self.other_time, "Time for another time")):
            widget.setAccessibleName(name)
        self.message = lay_out_form_dialog(self, self.heading, self.form, "Reschedule" if reschedule else "Book",
                                           self.save)
        self.message.setAccessibleDescription("Why it was not booked")
        self._ok = self.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
        at_least_characters_wide(self, 100)

        self.clinician_filter.currentIndexChanged.connect(lambda _index: self.load_offer())
        self.slots.currentRowChanged.connect(lambda _row: self._show_needed_rows())
        self.slots.itemDoubleClicked.connect(lambda _item: self.save())
        self.use_other.toggled.connect(self._other_toggled)
        self._set_row(self.which, False)
        self._set_row(self.late_reason, False)
        self._other_toggled(False)
        self.setTabOrder(self.clinician_filter, self.slots)
        self.load_offer()
        self.slots.setFocus()

    # --- what is offered ---

    def load_offer(self) -> None:
        """Ask for the earliest free slots again (another clinician chosen, or a slot just taken).

        At clinic scale the search takes 0.1–0.3 s: it runs off the window's thread, and
        nothing can be booked from the list until its answer is shown.
        """
        self._offered = ()
        self.slots.clear()
        self._ok.setEnabled(self.use_other.isChecked())
        self.note.setText("Finding the earliest free slots…")
        self.note.setStyleSheet("")
        actor, appointment_id, clinician_id = self._actor, self._appointment_id, self.clinician_filter.currentData()
        self._offers.run(lambda: slot_offers.earliest_free_slots(actor, appointment_id, clinician_id=clinician_id),
                         self._show_offer, self._no_offer)

    def finding_slots(self) -> bool:
        """The free slots asked for are still being looked for."""
        return self._offers.is_running()

    def _no_offer(self, text: str) -> None:
        self.note.clear()
        self.message.setText(sentence(text))
        self._ok.setEnabled(False)

    def _show_offer(self, offer: SlotOffer) -> None:
        self._ok.setEnabled(True)
        self._show_heading(offer)
        self._booked_with = offer.booked_with
        self.note.setText(offer.note)
        self.note.setStyleSheet("" if offer.on_time else f"color: {attention_colour('overdue').name()};")
        self._offered = offer.slots
        self.slots.clear()
        for slot in offer.slots:
            item = QListWidgetItem(f"{slot.label}  —  {slot.clinician_name}" + ("   ⚠ LATE" if slot.late else ""))
            item.setToolTip("After the due-by date: booking it needs a reason" if slot.late else "")
            if slot.late:
                item.setForeground(attention_colour("overdue"))
            self.slots.addItem(item)
        if not self.use_other.isChecked():
            self._default_other_time()  # "another time" starts from the earliest slot shown
        if offer.slots:
            self.slots.setCurrentRow(0)
        elif not self.use_other.isChecked():
            self.use_other.setChecked(True)
        self._show_needed_rows()
        if self._first_offer:
            self._first_offer = False
            if self._reschedule and self._booked_with is not None:  # the same clinician first, for continuity
                self.clinician_filter.setCurrentIndex(max(0, self.clinician_filter.findData(self._booked_with)))

    def _show_heading(self, offer: SlotOffer) -> None:
        lines = [f"<b>{offer.patient_name}</b> — {offer.kind_title}, due by <b>{_day_with_year(offer.due_by)}</b>"]
        if offer.booked_for:
            lines.append(f"Now booked for {offer.booked_for}.")
        self.heading.setText("<br>".join(lines))

    def _default_other_time(self) -> None:
        slot = self._offered[0] if self._offered else None
        day = slot.wall_time.date() if slot else today(self._settings.zone)
        self.other_date.setDate(QDate(day.year, day.month, day.day))
        start = slot.wall_time.time() if slot else self._settings.opens_at
        self.other_time.setTime(QTime(start.hour, start.minute))
        if slot:
            self.other_clinician.setCurrentIndex(max(0, self.other_clinician.findData(slot.clinician_id)))

    def choose_time(self, clinician_id: int, wall_time: datetime, ambiguous: str | None = None) -> None:
        """Start on a time already chosen (a free slot picked on the clinic's day): booked as "another
        time", by the same rules, the earliest free slots still listed to pick from instead."""
        self.use_other.setChecked(True)
        self.other_clinician.setCurrentIndex(max(0, self.other_clinician.findData(clinician_id)))
        self.other_date.setDate(QDate(wall_time.year, wall_time.month, wall_time.day))
        self.other_time.setTime(QTime(wall_time.hour, wall_time.minute))
        if ambiguous is not None:
            self.which.setCurrentIndex(max(0, self.which.findData(ambiguous)))
            self._set_row(self.which, True)
        self._ok.setFocus()

    def selected_slot(self) -> OfferedSlot | None:
        row = self.slots.currentRow()
        return self._offered[row] if 0 <= row < len(self._offered) else None

    def _other_toggled(self, checked: bool) -> None:
        self.slots.setEnabled(not checked)
        for widget in (self.other_clinician, self.other_date, self.other_time):
            widget.setEnabled(checked)
        if checked:
            self.other_date.setFocus()
        self._show_needed_rows()

    def _show_needed_rows(self) -> None:
        slot = self.selected_slot()
        if not self.use_other.isChecked():
            self._set_row(self.late_reason, bool(slot and slot.late))
            self._set_row(self.which, False)

    def _set_row(self, widget: QWidget, visible: bool) -> None:
        self.form.setRowVisible(widget, visible)

    # --- booking ---

    def save(self) -> None:
        if self.use_other.isChecked():
            day, clock = self.other_date.date(), self.other_time.time()
            chosen = dict(clinician_id=self.other_clinician.currentData(),
                          starts_local=datetime(day.year(), day.month(), day.day(), clock.hour(), clock.minute()),
                          ambiguous=self.which.currentData() if self.form.isRowVisible(self.which) else None)
        else:
            slot = self.selected_slot()
            if slot is None:
                self.message.setText("Choose one of the free slots, or book another time.")
                return
            chosen = dict(clinician_id=slot.clinician_id, starts_local=slot.wall_time, ambiguous=slot.ambiguous)
        late_reason = self.late_reason.text() if self.form.isRowVisible(self.late_reason) else None
        verb = appointments.reschedule_appointment if self._reschedule else appointments.book_appointment
        (Op(self, lambda: verb(self._actor, self._appointment_id, late_reason=late_reason, **chosen))
         .success(self._booked).refused(self._refused).run())

    def _booked(self, record) -> None:
        if self.wait_for_earlier.isChecked():
            # Booked either way; a refusal to list it (already waiting) is said without undoing the booking.
            parent = self.parentWidget() or self
            (Op(parent, lambda: waiting_list.add_to_waiting_list(self._actor, record.id))
             .failure(lambda text: show_refusal(parent, text)).run())
        self.booked.emit(record)
        self.accept()

    def _refused(self, error: ServiceError) -> None:
        self.message.setText(sentence(str(error)))
        field = getattr(error, "field", None)
        if field == "late_reason":
            self._set_row(self.late_reason, True)
            self.late_reason.setFocus()
        elif field == "ambiguous":
            self._set_row(self.which, True)
            self.which.setFocus()
        elif isinstance(error, Conflict):
            self.load_offer()  # the slot went: offer what is still free


class CancelBookingDialog(QDialog):
    """Giving up a booked time, with the reason; a required review goes back on the to-book list."""

    cancelled = Signal(object)  # the AppointmentRecord after cancelling

    def __init__(self, actor: Actor, settings: ClinicSettings, appointment_id: int, parent=None):
        super().__init__(parent)
        self._actor, self._appointment_id = actor, appointment_id
        self.setWindowTitle("Cancel booking")
        record = appointments.get_appointment(actor, appointment_id)
        self.freed_slot = (record.clinician_id, record.starts_at, record.ends_at)  # offered to the waiting list
        title = worklists.KIND_TITLES[record.kind]
        when = (f"{weekday_date(record.starts_at.astimezone(settings.zone).date())} "
                f"{local_time(record.starts_at, settings.zone)}") if record.starts_at else "no time"
        intro = QLabel(f"Cancel the booking of <b>{record.patient_name}</b> — {title}, {when} with "
                       f"{record.clinician_name or 'nobody'}.<br>A pathway review goes back on the to-book list, "
                       f"still due by {_day_with_year(record.due_by)}.")
        intro.setWordWrap(True)
        self.reason = QLineEdit()
        self.reason.setAccessibleName("Reason for cancelling")
        self.reason.setPlaceholderText("e.g. patient phoned: unwell")
        form = QFormLayout()
        form.addRow("&Reason", self.reason)
        self.message = lay_out_form_dialog(self, intro, form, "Cancel booking", self.save)
        buttons = self.findChild(QDialogButtonBox)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("&Keep booking")
        at_least_characters_wide(self, 77)

    def save(self) -> None:
        (Op(self, lambda: appointments.cancel_booking(self._actor, self._appointment_id, self.reason.text()))
         .success(self._cancelled).failure(self._refused).run())

    def _cancelled(self, record) -> None:
        self.cancelled.emit(record)
        self.accept()

    def _refused(self, text: str) -> None:
        self.message.setText(sentence(text))
        self.reason.setFocus()


def for_screenshot(actor: Actor, settings: ClinicSettings, hub) -> QWidget:
    """The booking dialog for the first review on the to-book list, its earliest slots offered."""
    page = worklists.to_book(actor, limit=1)
    if not page.rows:
        raise ServiceError("the to-book list is empty: there is nothing to show the booking dialog for")
    dialog = BookingDialog(actor, settings, page.rows[0].appointment_id)
    dialog._offers.wait()  # the slots are shown when the event loop next runs, before the picture is taken
    return dialog
