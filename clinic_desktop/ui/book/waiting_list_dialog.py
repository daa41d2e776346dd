"""Putting a review on the waiting list for an earlier slot: a note, and when the patient can come.

The days and part of the day are what a receptionist asks on the phone ("any weekday
morning"); a freed slot is then offered only to patients who said they can take it.
Nothing chosen means any day, any time.
"""
from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QWidget

from clinic_desktop.services.appointments import appointments, waiting_list
from clinic_desktop.services.appointments.waiting_list import DAY_NAMES
from clinic_desktop.services.core.errors import ServiceError
from clinic_desktop.services.worklists import worklists
from clinic_desktop.services.worklists.worklists import KIND_TITLES
from clinic_desktop.ui.ops.messages import sentence
from clinic_desktop.ui.ops.op import Op
from clinic_desktop.ui.widgets.form_dialog import lay_out_form_dialog
from clinic_desktop.ui.widgets.text_size import at_least_characters_wide
from clinic_desktop.ui.widgets.time_format import short_date

_TIMES = (("any", "Any time"), ("morning", "Mornings (before 12:00)"), ("afternoon", "Afternoons (from 12:00)"))


class AddToWaitingListDialog(QDialog):
    saved = Signal(object)  # the WaitingEntry

    def __init__(self, actor, appointment_id: int, parent=None):
        super().__init__(parent)
        self._actor, self._appointment_id = actor, appointment_id
        self.setWindowTitle("Add to waiting list")
        record = appointments.get_appointment(actor, appointment_id)
        intro = QLabel(f"<b>{escape(record.patient_name)}</b> — {KIND_TITLES[record.kind]}, due by "
                       f"{short_date(record.due_by)}. When a booking is cancelled, its slot is offered to the "
                       "waiting patients whose review is due soonest.")
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.RichText)
        self.days = [QCheckBox(name) for name in DAY_NAMES]
        day_row = QWidget()
        row = QHBoxLayout(day_row)
        row.setContentsMargins(0, 0, 0, 0)
        for box in self.days:
            box.setAccessibleName(f"Can come on {box.text()}")
            row.addWidget(box)
        row.addStretch(1)
        self.times = QComboBox()
        for code, text in _TIMES:
            self.times.addItem(text, code)
        self.times.setAccessibleName("Part of the day the patient can come")
        self.note = QLineEdit()
        self.note.setAccessibleName("Note")
        self.note.setPlaceholderText("e.g. can come at an hour's notice")
        form = QFormLayout()
        form.addRow("Can come on (none ticked: any day)", day_row)
        form.addRow("&Time of day", self.times)
        form.addRow("&Note", self.note)
        self.message = lay_out_form_dialog(self, intro, form, "&Add to waiting list", self.save)
        at_least_characters_wide(self, 87)

    def save(self) -> None:
        days = "".join(str(number) for number, box in enumerate(self.days) if box.isChecked())
        (Op(self, lambda: waiting_list.add_to_waiting_list(self._actor, self._appointment_id, note=self.note.text(),
                                                           days=days, times=self.times.currentData()))
         .success(self._added).failure(lambda text: self.message.setText(sentence(text))).run())

    def _added(self, entry) -> None:
        self.saved.emit(entry)
        self.accept()


def for_screenshot(actor, settings, hub) -> QWidget:
    """The dialog for the first review on the to-book list, Tuesdays and Thursdays, mornings, with a note."""
    page = worklists.to_book(actor, limit=1)
    if not page.rows:
        raise ServiceError("the to-book list is empty: there is no review to put on the waiting list")
    dialog = AddToWaitingListDialog(actor, page.rows[0].appointment_id)
    for day in (1, 3):
        dialog.days[day].setChecked(True)
    dialog.times.setCurrentIndex(1)
    dialog.note.setText("can come at an hour's notice; mobile best")
    return dialog
