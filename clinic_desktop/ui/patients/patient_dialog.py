"""Registering a patient, or correcting their details, with the mistakes shown as they happen.

A mistyped NHS number is caught by its check digit under the field, before saving; the
same person registered twice splits their pathway across two records, so a possible
duplicate is shown inline with the records it matches. The service decides what may
go ahead: the same NHS number never, the same name and date of birth only after an
explicit "Register anyway". How to reach the patient is on a Contact tab of its own
(contact_fields.py), so the dialog still fits a 1366×768 laptop screen.
"""
from __future__ import annotations

import re
from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from clinic_desktop.services.core import clock
from clinic_desktop.services.core.clinic_time import format_day
from clinic_desktop.services.core.errors import ServiceError, ValidationError
from clinic_desktop.services.patients import patient_search, patients
from clinic_desktop.services.patients.nhs_number import format_nhs_number, normalise_nhs_number
from clinic_desktop.services.patients.patients import (
    HEPATIC_IMPAIRMENT,
    NSAID_CONTRAINDICATIONS,
    ChangedSinceRead,
    PatientRecord,
    PossibleDuplicate,
)
from clinic_desktop.ui.ops.op import Op
from clinic_desktop.ui.patients.contact_fields import (
    CONTACT_ROWS,
    INTERPRETER_HINT,
    PREFERRED_CONTACTS,
    ConsentDate,
    consent_in_words,
)
from clinic_desktop.ui.patients.patient_form_notices import DuplicatePanel, FieldNote
from clinic_desktop.ui.widgets.form_dialog import keep_wide_enough, lay_out_form_dialog
from clinic_desktop.ui.widgets.page_stacks import name_pages
from clinic_desktop.ui.widgets.time_format import short_date

SEXES = (("", "Not recorded"), ("female", "Female"), ("male", "Male"), ("other", "Other"))
HEPATIC_LABELS = {"none": "None known", "mild": "Mild", "moderate": "Moderate", "severe": "Severe"}
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_NUMERIC_DATE = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{2,4})")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_WORDED_DATE = re.compile(r"(\d{1,2})\s*([a-z]{3,9})\s*(\d{2,4})")
DUPLICATE_CHECK_FAILED = "Could not check whether this patient is already registered: "


def parse_date_of_birth(text: str) -> date:
    """A birth date typed UK style (01/02/1970, 1 Feb 1970) or as 1970-02-01; ValueError says what is wrong."""
    typed = " ".join(text.split()).lower()
    if not typed:
        raise ValueError("Enter the date of birth")
    if match := _ISO_DATE.fullmatch(typed):
        year, month, day = (int(part) for part in match.groups())
    elif match := _NUMERIC_DATE.fullmatch(typed):
        day, month, year = (int(part) for part in match.groups())
    elif (match := _WORDED_DATE.fullmatch(typed)) and match.group(2)[:3] in _MONTHS:
        day, month, year = int(match.group(1)), _MONTHS.index(match.group(2)[:3]) + 1, int(match.group(3))
    else:
        raise ValueError(f"'{text.strip()}' is not a date: type it as 01/02/1970 or 1 Feb 1970")
    if year < 1000:
        raise ValueError("Type the year in full (1970, not 70)")
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"'{text.strip()}' is not a date that exists") from None


class PatientDialog(QDialog):
    """Register (``patient_id`` None) or edit a patient; ``saved`` carries the PatientRecord.

    ``patient_requested`` carries a matching record the user chose to open instead.
    """

    saved = Signal(object)
    patient_requested = Signal(int)

    def __init__(self, actor, settings, patient_id: int | None = None, parent=None):
        super().__init__(parent)
        self._actor = actor
        self._settings = settings
        self._existing = patients.get_patient(actor, patient_id) if patient_id is not None else None
        self._matches: tuple[PatientRecord, ...] = ()
        editing = self._existing is not None
        self.setWindowTitle(f"Edit {self._existing.display_name}" if editing else "Register a new patient")
        intro = QLabel("Correct the patient's details; every change is kept in the audit log." if editing else
                       "Register a new patient. The NHS number is checked as you type; "
                       "a patient who may already be registered is shown before saving.")
        intro.setWordWrap(True)
        self.family_name = QLineEdit()
        self.given_name = QLineEdit()
        self.date_of_birth = QLineEdit()
        self.date_of_birth.setPlaceholderText("01/02/1970 or 1 Feb 1970")
        self.nhs_number = QLineEdit()
        self.nhs_number.setPlaceholderText("943 476 5919 (if known)")
        self.sex = _combo(SEXES)
        self.address = QPlainTextEdit()
        self.address.setTabChangesFocus(True)
        self.address.setFixedHeight(self.address.fontMetrics().lineSpacing() * 3 + 12)
        self.postcode = QLineEdit()
        self.hepatic_impairment = _combo(tuple((value, HEPATIC_LABELS.get(value, value.capitalize()))
                                               for value in HEPATIC_IMPAIRMENT))
        self.nsaid_contraindications = ContraindicationChecks()
        today = clock.today(settings.zone)
        self.mobile = QLineEdit()
        self.mobile.setPlaceholderText("07700 900123 (where SMS reminders go)")
        self.telephone = QLineEdit()
        self.email = QLineEdit()
        self.email.setPlaceholderText("name@example.org")
        self.preferred_contact = _combo(PREFERRED_CONTACTS)
        self.sms_reminders_consented_on = ConsentDate("Agreed to te&xt reminders on", today)
        self.email_reminders_consented_on = ConsentDate("Agreed to emai&l reminders on", today)
        self.gp_practice_name = QLineEdit()
        self.gp_practice_ods = QLineEdit()
        self.gp_practice_ods.setPlaceholderText("A81001")
        self.interpreter_language = QLineEdit()
        self.interpreter_language.setPlaceholderText("Not needed")
        self.notes: dict[str, FieldNote] = {}
        form = QFormLayout()
        for label, field, name in (("&Family name", self.family_name, "family_name"),
                                   ("&Given name", self.given_name, "given_name"),
                                   ("Date of &birth", self.date_of_birth, "date_of_birth"),
                                   ("&NHS number", self.nhs_number, "nhs_number"), ("&Sex", self.sex, "sex"),
                                   ("&Address", self.address, "address"), ("&Postcode", self.postcode, "postcode"),
                                   ("&Hepatic impairment", self.hepatic_impairment, "hepatic_impairment"),
                                   ("NSAID contra&indications", self.nsaid_contraindications,
                                    "nsaid_contraindications")):
            self._add_row(form, label, field, name)
        contact = QFormLayout()
        for label, name in CONTACT_ROWS:
            self._add_row(contact, label, self._field(name), name)
        self.notes["interpreter_language"].show_hint(INTERPRETER_HINT)
        self.tabs = QTabWidget()
        name_pages(self.tabs, "Patient and contact details")
        for title, fields in (("Patient", form), ("Contact", contact)):
            page = QWidget()
            page.setLayout(fields)
            self.tabs.addTab(page, title)
        tabs_holder = QVBoxLayout()
        tabs_holder.addWidget(self.tabs)
        self.notes["hepatic_impairment"].show_hint("Changes the warnings given when a muscle relaxant is started.")
        self.notes["nsaid_contraindications"].show_hint("An NSAID for a patient with any of these needs a "
                                                        "warning acknowledged, also one already taken.")
        self.duplicates = DuplicatePanel(register_mode=not editing)
        self.duplicates.open_requested.connect(self._open_match)
        self.message = lay_out_form_dialog(self, intro, tabs_holder, "Save changes" if editing else "&Register", self.save)
        self.layout().insertWidget(self.layout().indexOf(self.message), self.duplicates)
        self.layout().insertStretch(self.layout().indexOf(self.message), 1)
        keep_wide_enough(self, 93)
        if editing:
            self._fill(self._existing)
        self._as_opened = self._form_state()  # what the fields showed before the user typed
        self._connect_checks()

    def _add_row(self, form: QFormLayout, label_text: str, field: QWidget, name: str) -> None:
        note = FieldNote(label_text.replace("&", ""))
        self.notes[name] = note
        field.setAccessibleName(label_text.replace("&", ""))
        holder = QWidget()
        holder.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(field)
        column.addWidget(note)
        label = QLabel(label_text)
        label.setBuddy(field)
        form.addRow(label, holder)

    def _fill(self, record: PatientRecord) -> None:
        self.family_name.setText(record.family_name)
        self.given_name.setText(record.given_name)
        self.date_of_birth.setText(short_date(record.date_of_birth))
        self.nhs_number.setText(record.nhs_number_display)
        _choose(self.sex, record.sex or "")
        self.address.setPlainText(record.address)
        self.postcode.setText(record.postcode)
        _choose(self.hepatic_impairment, record.hepatic_impairment)
        self.nsaid_contraindications.set_keys(record.nsaid_contraindications)
        for _label, name in CONTACT_ROWS:
            self._show_in_field(name, getattr(record, name))

    def _form_state(self) -> dict:
        """What each field shows, to tell the details the user changed from those left as opened."""
        return dict(family_name=self.family_name.text(), given_name=self.given_name.text(),
                    date_of_birth=self.date_of_birth.text(), nhs_number=self.nhs_number.text(),
                    sex=self.sex.currentData(), address=self.address.toPlainText(), postcode=self.postcode.text(),
                    hepatic_impairment=self.hepatic_impairment.currentData(),
                    nsaid_contraindications=self.nsaid_contraindications.keys(),
                    **{name: self._shown(name) for _label, name in CONTACT_ROWS})

    def _shown(self, name: str):
        """What a contact field shows: its text, choice or consent day."""
        field = self._field(name)
        if isinstance(field, ConsentDate):
            return field.value()
        return field.currentData() if isinstance(field, QComboBox) else field.text()

    def _connect_checks(self) -> None:
        for name, field in (("family_name", self.family_name), ("given_name", self.given_name)):
            field.textEdited.connect(self.notes[name].clear_note)
            field.editingFinished.connect(lambda name=name: self._check_name(name))
            field.editingFinished.connect(self.check_duplicates)
        self.date_of_birth.textEdited.connect(lambda: self._check_date_of_birth(finished=False))
        self.date_of_birth.editingFinished.connect(lambda: self._check_date_of_birth(finished=True))
        self.date_of_birth.editingFinished.connect(self.check_duplicates)
        self.nhs_number.textEdited.connect(lambda: self._check_nhs_number(finished=False))
        self.nhs_number.editingFinished.connect(lambda: self._check_nhs_number(finished=True))
        self.nhs_number.editingFinished.connect(self.check_duplicates)

    # --- checks as the user types or leaves a field ---------------------------------------

    def _check_name(self, name: str) -> str | None:
        field = self.family_name if name == "family_name" else self.given_name
        if not field.text().strip():
            self.notes[name].show_error(f"Enter the patient's {name.replace('_', ' ')}")
            return None
        self.notes[name].clear_note()
        return field.text()

    def _check_date_of_birth(self, finished: bool) -> date | None:
        note = self.notes["date_of_birth"]
        try:
            born = parse_date_of_birth(self.date_of_birth.text())
        except ValueError as error:
            if finished:
                note.show_error(str(error))
            else:
                note.clear_note()
            return None
        today = clock.today(self._settings.zone)
        if born > today:
            note.show_error(f"The date of birth {format_day(born)} is in the future")
            return None
        age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
        note.show_hint(f"{format_day(born)} — {age} year{'' if age == 1 else 's'} old")
        return born

    def _check_nhs_number(self, finished: bool) -> str | None | bool:
        """The ten digits, None when left blank (it is optional), False when wrong."""
        text = self.nhs_number.text()
        note = self.notes["nhs_number"]
        if not text.strip():
            note.clear_note()
            return None
        digits = re.sub(r"[\s-]", "", text)
        try:
            number = normalise_nhs_number(text)
        except ValueError as error:
            # While typing, a number still too short is not yet wrong; letters, or ten bad digits, are.
            if finished or len(digits) >= 10 or not digits.isdigit():
                note.show_error(str(error))
            else:
                note.clear_note()
            return False
        note.show_hint(f"NHS number {format_nhs_number(number)} — check digit correct")
        if not finished:
            self.check_duplicates()
        return number

    def check_duplicates(self) -> None:
        """Ask the service who this might already be, and show them inline."""
        try:
            number = normalise_nhs_number(self.nhs_number.text()) if self.nhs_number.text().strip() else None
        except ValueError:
            number = None
        (Op(self, lambda: patients.find_possible_duplicates(
            self._actor, self.family_name.text(), self.given_name.text(), self._quiet_date_of_birth(), number))
         .success(lambda matches: self._show_duplicates(matches, number))
         .failure(lambda text: self.message.setText(DUPLICATE_CHECK_FAILED + text)).run())

    def _show_duplicates(self, matches: tuple[PatientRecord, ...], number: str | None) -> None:
        if self.message.text().startswith(DUPLICATE_CHECK_FAILED):
            self.message.setText("")
        own_id = self._existing.id if self._existing else None
        matches = tuple(match for match in matches if match.id != own_id)
        if {match.id for match in matches} != {match.id for match in self._matches}:
            self._matches = matches
            self.duplicates.show_matches(matches, number)

    def _quiet_date_of_birth(self) -> date | None:
        try:
            return parse_date_of_birth(self.date_of_birth.text())
        except ValueError:
            return None

    # --- saving ---------------------------------------------------------------------------

    def _values(self) -> dict | None:
        """The form's values, or None after marking every field that is wrong."""
        for name in ("sex", "address", "postcode", *(name for _label, name in CONTACT_ROWS)):  # only the service
            # checks these: ask it again
            if self.notes[name].is_error:
                self.notes[name].clear_note()
        family = self._check_name("family_name")
        given = self._check_name("given_name")
        born = self._check_date_of_birth(finished=True)
        number = self._check_nhs_number(finished=True)
        wrong = [name for name, note in self.notes.items() if note.is_error]
        if wrong or family is None or given is None or born is None or number is False:
            self.message.setText("Correct the details marked ⚠ before saving.")
            self._reveal(wrong[0] if wrong else "family_name")
            return None
        return dict(family_name=family, given_name=given, date_of_birth=born, nhs_number=number,
                    sex=self.sex.currentData() or None, address=self.address.toPlainText(), postcode=self.postcode.text(),
                    hepatic_impairment=self.hepatic_impairment.currentData(),
                    nsaid_contraindications=self.nsaid_contraindications.keys(),
                    **{name: self._shown(name) for _label, name in CONTACT_ROWS})

    def save(self) -> None:
        values = self._values()
        if values is None:
            return
        self.message.setText("")
        Op(self, lambda: self._write(values)).success(self._saved).refused(
            lambda error: self._refused(error, values)).run()

    def _write(self, values: dict) -> PatientRecord:
        """Register the patient, or save the corrections made to their details."""
        if self._existing is not None:
            return patients.edit_patient(self._actor, self._existing.id, as_read=self._existing.updated_at,
                                         **self._changed(values))
        return patients.register_patient(self._actor, **values, confirm_not_duplicate=self.duplicates.register_anyway())

    def _saved(self, record: PatientRecord) -> None:
        self.saved.emit(record)
        self.accept()

    def _refused(self, error: ServiceError, values: dict) -> None:
        """Say why under the field it concerns, or beside the records it may duplicate."""
        if isinstance(error, ChangedSinceRead):
            self._take_new_details(error.current)
        elif isinstance(error, PossibleDuplicate):
            self._matches = error.matches
            self.duplicates.show_matches(error.matches, values["nhs_number"], refusal=str(error))
            return
        elif isinstance(error, ValidationError) and error.field in self.notes:
            self.notes[error.field].show_error(str(error))
            self._reveal(error.field)
        self.message.setText(str(error))

    def _changed(self, values: dict) -> dict:
        """Only the details the user changed: sending the others back would revert a correction
        saved meanwhile on another workstation."""
        shown = self._form_state()
        return {name: value for name, value in values.items() if shown[name] != self._as_opened[name]}

    def _take_new_details(self, current: PatientRecord) -> None:
        """The patient was changed since the form was opened: keep what the user typed, show the
        rest as now stored, and say beside each field the other workstation changed what it holds now."""
        opened, typed = self._as_opened, self._form_state()
        self._existing = current
        self.setWindowTitle(f"Edit {current.display_name}")
        self._fill(current)
        self._as_opened = now = self._form_state()
        for name in now:
            if typed[name] != opened[name]:
                self._show_in_field(name, typed[name])
            if now[name] == opened[name]:
                continue
            stored = self._stored_text(name, now[name])
            if typed[name] in (opened[name], now[name]):
                self.notes[name].show_notice(f"Changed on another workstation: now {stored}")
            else:
                self.notes[name].show_notice(f"Changed on another workstation to {stored}; "
                                             "saving replaces it with what you typed")

    def _show_in_field(self, name: str, shown) -> None:
        field = self._field(name)
        if isinstance(field, ContraindicationChecks):
            field.set_keys(shown)
        elif isinstance(field, ConsentDate):
            field.set_value(shown)
        elif isinstance(field, QComboBox):
            _choose(field, shown or "")  # None: not recorded
        elif isinstance(field, QPlainTextEdit):
            field.setPlainText(shown)
        else:
            field.setText(shown or "")  # None: an interpreter not needed

    def _stored_text(self, name: str, shown) -> str:
        field = self._field(name)
        if isinstance(field, ContraindicationChecks):
            return f"'{', '.join(NSAID_CONTRAINDICATIONS[key] for key in shown)}'" if shown else "(none)"
        if isinstance(field, ConsentDate):
            return consent_in_words(shown)
        if isinstance(field, QComboBox):
            return field.itemText(field.findData(shown))
        return f"'{', '.join(shown.splitlines())}'" if shown else "(blank)"

    def _field(self, name: str) -> QWidget:
        return getattr(self, name)

    def _reveal(self, name: str) -> None:
        """Put the cursor in the field, on whichever tab holds it."""
        field = self._field(name)
        contact = self.tabs.widget(1)
        self.tabs.setCurrentWidget(contact if contact.isAncestorOf(field) else self.tabs.widget(0))
        field.setFocus()

    def _open_match(self, patient_id: int) -> None:
        self.patient_requested.emit(patient_id)
        self.reject()


class ContraindicationChecks(QWidget):
    """The NSAID contraindications, each ticked or not; nothing ticked means none is known."""

    def __init__(self, parent=None):
        super().__init__(parent)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        self.boxes: dict[str, QCheckBox] = {}
        for key, label in NSAID_CONTRAINDICATIONS.items():
            box = QCheckBox(label)
            box.setAccessibleName(f"NSAID contraindication: {label}")
            column.addWidget(box)
            self.boxes[key] = box
        self.setFocusProxy(self.boxes[next(iter(self.boxes))])

    def keys(self) -> tuple[str, ...]:
        return tuple(key for key, box in self.boxes.items() if box.isChecked())

    def set_keys(self, keys) -> None:
        for key, box in self.boxes.items():
            box.setChecked(key in keys)


def _combo(choices) -> QComboBox:
    combo = QComboBox()
    for value, label in choices:
        combo.addItem(label, value)
    return combo


def _choose(combo: QComboBox, value: str) -> None:
    index = combo.findData(value)
    if index < 0:  # a value stored before the list had it: keep it, do not lose it on save
        combo.addItem(value, value)
        index = combo.count() - 1
    combo.setCurrentIndex(index)


def for_screenshot(actor, settings, hub) -> QWidget:
    """Registering someone with the name and birth date of a registered patient: the warning shows;
    an NSAID contraindication is ticked."""
    dialog = PatientDialog(actor, settings)
    for letter in "smbjwhrtcpgdlkn":
        found = patient_search.search_patients(actor, letter, limit=1)
        if found:
            match = found[0]
            dialog.family_name.setText(match.family_name)
            dialog.given_name.setText(match.given_name)
            dialog.date_of_birth.setText(match.date_of_birth.strftime("%d/%m/%Y"))
            dialog._check_date_of_birth(finished=True)
            dialog.check_duplicates()
            break
    dialog.nsaid_contraindications.set_keys(("gi_bleed_or_ulcer",))
    dialog.resize(600, dialog.sizeHint().height())
    return dialog


def contact_for_screenshot(actor, settings, hub) -> QWidget:
    """The Contact tab of a patient who agreed to SMS reminders and needs an interpreter, or of
    the first patient found when the clinic has none such."""
    found = ()
    for letter in "smbjwhrtcpgdlkn":
        found += patient_search.search_patients(actor, letter, limit=50)
    chosen = next((record for record in found if record.sms_reminders_consented_on and record.interpreter_language),
                  found[0])
    dialog = PatientDialog(actor, settings, patient_id=chosen.id)
    dialog.tabs.setCurrentIndex(1)
    dialog.resize(600, dialog.sizeHint().height())
    return dialog
