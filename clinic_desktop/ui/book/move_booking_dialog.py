"""Moving a booking by hand (dragged or pasted on the clinic's day): said in full, confirmed, then made.

A drop or a paste is easily made on the wrong cell, so nothing moves until the
receptionist has read who moves, from when and with whom, to when and with whom, and
pressed Move. The move is the reschedule service's (services/appointments/appointments.py),
with every check a reschedule has: a clash is refused (by the database too), the clinic
must be open, and a time after the due-by date needs a reason, asked for here as the
booking dialog asks for it.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit

from clinic_desktop.services.appointments import appointments
from clinic_desktop.services.core.clinic_time import format_day
from clinic_desktop.services.core.errors import ServiceError
from clinic_desktop.services.worklists.worklists import KIND_TITLES
from clinic_desktop.ui.book.clinic_day_model import GridCell
from clinic_desktop.ui.ops.messages import sentence
from clinic_desktop.ui.ops.op import Op
from clinic_desktop.ui.widgets.form_dialog import lay_out_form_dialog
from clinic_desktop.ui.widgets.text_size import at_least_characters_wide
from clinic_desktop.ui.widgets.time_format import local_time, weekday_date

__all__ = ["MoveBookingDialog"]


class MoveBookingDialog(QDialog):
    moved = Signal(object)  # the AppointmentRecord as moved

    def __init__(self, actor, settings, appointment_id: int, target: GridCell, hub=None, parent=None):
        super().__init__(parent)
        self._actor, self._hub, self._target = actor, hub, target
        self.setWindowTitle("Move booking")
        record = appointments.get_appointment(actor, appointment_id)
        self._record = record
        zone, slot = settings.zone, target.slot
        was = (f"{weekday_date(record.starts_at.astimezone(zone).date())} {local_time(record.starts_at, zone)} "
               f"with {record.clinician_name}") if record.starts_at else "no time"
        self.to_words = (f"{weekday_date(slot.starts_at.astimezone(zone).date())} {local_time(slot.starts_at, zone)}"
                         f"–{local_time(slot.ends_at, zone)} with {target.column.clinician.full_name}")
        intro = QLabel(f"Move <b>{record.patient_name}</b> — {KIND_TITLES[record.kind]}, due by "
                       f"{format_day(record.due_by)}<br>from {was}<br>to <b>{self.to_words}</b>?")
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.RichText)
        self.intro = intro
        self.late_reason = QLineEdit()
        self.late_reason.setAccessibleName("Reason for booking late")
        self.late_reason.setPlaceholderText("e.g. patient away until then")
        self.form = QFormLayout()
        self.form.addRow("&Reason for booking late", self.late_reason)
        self.message = lay_out_form_dialog(self, intro, self.form, "&Move", self.save)
        self.message.setAccessibleDescription("Why it was not moved")
        self.form.setRowVisible(self.late_reason, slot.wall_time.date() > record.due_by)
        self.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Cancel).setText("&Keep where it is")
        at_least_characters_wide(self, 87)

    @property
    def appointment_id(self) -> int:
        return self._record.id

    def save(self) -> None:
        slot = self._target.slot
        minutes = round((slot.ends_at - slot.starts_at).total_seconds() / 60)
        late_reason = self.late_reason.text() if self.form.isRowVisible(self.late_reason) else None
        (Op(self, lambda: appointments.reschedule_appointment(
            self._actor, self._record.id, clinician_id=self._target.column.clinician.id, starts_local=slot.wall_time,
            ambiguous=slot.ambiguous, minutes=minutes, late_reason=late_reason), hub=self._hub)
         .success(self._moved).refused(self._refused).run())

    def _moved(self, record) -> None:
        self.moved.emit(record)
        self.accept()

    def _refused(self, error: ServiceError) -> None:
        self.message.setText(sentence(str(error)))
        if getattr(error, "field", None) == "late_reason":
            self.form.setRowVisible(self.late_reason, True)
            self.late_reason.setFocus()
