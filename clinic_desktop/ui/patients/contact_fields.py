"""How to reach the patient, as the screens show it: the patient dialog's Contact tab, and the
phone numbers in words for the search results and the patient's header.

Kept beside patient_dialog.py, which arranges and saves every field, because a consent is
not a plain text field: it is ticked or not, with the day it was given, and unticking it
withdraws it (the service then clears the day). The rules that tie a consent to a number or
an address are the service's (services/patients/contact_details.py); the dialog shows its
refusal under the consent.
"""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QCheckBox, QDateEdit, QHBoxLayout, QWidget

from clinic_desktop.ui.widgets.time_format import short_date

PREFERRED_CONTACTS = (("", "Not recorded"), ("phone", "Phone call"), ("sms", "Text message (SMS)"),
                      ("email", "Email"), ("letter", "Letter"))
# (label, field) of the Contact tab, in the order it shows them; each field the service's name.
CONTACT_ROWS = (("&Mobile", "mobile"), ("&Other phone", "telephone"), ("&Email", "email"),
                ("Preferred &contact", "preferred_contact"), ("Reminders by SMS", "sms_reminders_consented_on"),
                ("Reminders by email", "email_reminders_consented_on"), ("GP prac&tice", "gp_practice_name"),
                ("Practice O&DS code", "gp_practice_ods"), ("Interpreter lang&uage", "interpreter_language"))
INTERPRETER_HINT = "Blank when no interpreter is needed; otherwise the language (Polish, British Sign Language…)."


class ConsentDate(QWidget):
    """A consent ticked with the day it was given (today unless changed); unticked means none."""

    def __init__(self, text: str, today: date, parent=None):
        super().__init__(parent)
        self.given = QCheckBox(text)
        self.on = QDateEdit(QDate(today))
        self.on.setCalendarPopup(True)
        self.on.setDisplayFormat("dd/MM/yyyy")
        self.on.setMaximumDate(QDate(today))
        self.on.setAccessibleName(f"{text.replace('&', '')} (day)")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.given)
        row.addWidget(self.on)
        row.addStretch(1)
        self._today = today
        self.given.toggled.connect(self.on.setEnabled)
        self.on.setEnabled(False)
        self.setFocusProxy(self.given)

    def value(self) -> date | None:
        return self.on.date().toPython() if self.given.isChecked() else None

    def set_value(self, given_on: date | None) -> None:
        self.given.setChecked(given_on is not None)
        self.on.setDate(QDate(given_on or self._today))


def consent_in_words(given_on: date | None) -> str:
    return f"agreed on {short_date(given_on)}" if given_on else "not given"


def phones_in_words(record) -> str:
    """A PatientRecord's mobile, then its other number: "07700 900123 (mobile), 0117 496 0001"."""
    mobile = f"{record.mobile} (mobile)" if record.mobile else ""
    return ", ".join(number for number in (mobile, record.telephone) if number)
