"""What the patient form shows beside its fields: a note under each, and possible duplicates.

Kept apart from patient_dialog.py so the dialog reads as the form and its checks, while
how a problem, a confirmation or a matching record is shown lives here: a problem always
in words as well as colour, and "Register anyway" offered only where the service would
accept it.
"""
from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from clinic_desktop.services.patients.patients import PatientRecord
from clinic_desktop.ui.widgets.palette import attention_colour, banner_style
from clinic_desktop.ui.widgets.time_format import short_date

SHOWN_MATCHES = 3


class FieldNote(QLabel):
    """The line under a field: a problem in the urgent colour (with ⚠), or a quiet confirmation."""

    def __init__(self, name: str):
        super().__init__()
        self.setWordWrap(True)
        self.setAccessibleDescription(f"{name} message")
        self.is_error = False
        self.hide()

    def show_error(self, text: str) -> None:
        self._show(f"⚠ {text}", "urgent", True)

    def show_hint(self, text: str) -> None:
        self._show(text, "quiet", False)

    def show_notice(self, text: str) -> None:
        """Something to look at before saving that does not stop the save (amber, with ⚠)."""
        self._show(f"⚠ {text}", "overdue", False)

    def clear_note(self) -> None:
        self.is_error = False
        self.setText("")
        self.hide()

    def _show(self, text: str, kind: str, error: bool) -> None:
        self.is_error = error
        self.setStyleSheet(f"color: {attention_colour(kind).name()};")
        self.setText(text)
        self.show()


class DuplicatePanel(QFrame):
    """The records the patient may duplicate, each with a button to open it instead.

    "Register anyway" is offered only for a matching name and date of birth: the same NHS
    number is always refused by the service, so offering it there would only mislead.
    """

    open_requested = Signal(int)

    def __init__(self, register_mode: bool):
        super().__init__()
        self.setObjectName("duplicateWarning")
        self._register_mode = register_mode
        self.setAccessibleName("Possible duplicate")
        self._layout = QVBoxLayout(self)
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.heading.setObjectName("duplicateHeading")
        self.anyway = QCheckBox("Register &anyway: I have checked, this is a different person")
        self._rows: list[QWidget] = []
        self._layout.addWidget(self.heading)
        self._layout.addWidget(self.anyway)
        self.hide()

    def register_anyway(self) -> bool:
        return self.anyway.isVisible() and self.anyway.isChecked()

    def show_matches(self, matches, nhs_number: str | None, refusal: str = "") -> None:
        for row in self._rows:
            row.deleteLater()
        self._rows = []
        self.anyway.setChecked(False)  # a confirmation given for other matches does not carry over
        if not matches:
            self.hide()
            return
        same_number = bool(nhs_number) and any(match.nhs_number == nhs_number for match in matches)
        self.setStyleSheet(banner_style(self.objectName(), "urgent"))
        heading = ("⚠ This NHS number is already registered: open that record instead." if same_number else
                   "⚠ This patient may already be registered (same name and date of birth).")
        self.heading.setText(f"<b>{heading}</b>" + (f"<br>{escape(refusal)}." if refusal else ""))
        for match in matches[:SHOWN_MATCHES]:
            self._add_match(match)
        if len(matches) > SHOWN_MATCHES:
            self._add_widget(QLabel(f"… and {len(matches) - SHOWN_MATCHES} more"))
        self.anyway.setVisible(self._register_mode and not same_number)
        self.show()

    def _add_match(self, match: PatientRecord) -> None:
        nhs = f"NHS {match.nhs_number_display}" if match.nhs_number else "no NHS number"
        where = ", ".join(" ".join(part.split()) for part in (match.address.replace("\n", ", "), match.postcode)
                          if part.strip())
        text = QLabel(f"{match.display_name}, born {short_date(match.date_of_birth)} ({match.age} y), {nhs}"
                      + (f", {where}" if where else ""))
        text.setWordWrap(True)
        button = QPushButton(f"Open {match.display_name}")
        button.setAccessibleName(f"Open the record of {match.display_name}")
        button.clicked.connect(lambda _checked=False, patient_id=match.id: self.open_requested.emit(patient_id))
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(text, 1)
        line.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
        self._add_widget(row)

    def _add_widget(self, widget: QWidget) -> None:
        self._rows.append(widget)
        self._layout.insertWidget(self._layout.indexOf(self.anyway), widget)
