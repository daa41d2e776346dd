"""A medicine as a form enters it: name, structured dose, indication, spasm, and its cautions before saving.

The medication form and the first contact's analgesia rows enter a medicine the same way,
so both are built from here (first_contact_form.py keeps the first contact's advice). The
dose is structured (amount, unit, how often) because the rules compare it: a relaxant
above 5 mg to start with mild hepatic impairment needs acknowledging. A muscle relaxant asks
"Muscle spasm present?" with neither answer chosen, since the source gives relaxants for
spasm only and a default would answer for the clinician. Every warning the medicine would
bring shows before saving, worded by the service exactly as the save will store it.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Sequence

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QCompleter,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from clinic_desktop.services.episodes import medications
from clinic_desktop.services.episodes.episode_records import MedicationRecord, PrescribingCaution
from clinic_desktop.services.episodes.episodes import MedicationInput
from clinic_desktop.ui.forms.pathway_form import check_box, stacked
from clinic_desktop.ui.widgets.palette import banner_style
from clinic_desktop.ui.widgets.time_format import short_date

CATEGORY_LABELS = medications.MEDICATION_CATEGORY_LABELS
# The analgesia first contact offers (reference: "Provide appropriate pain relief"; "Pharmacological
# Options" names the opioid and neuropathic classes): class, label, an example name.
ANALGESIA = (
    ("nsaid", "&NSAID", "e.g. naproxen"),
    ("topical", "&Topical analgesic", "e.g. ibuprofen gel"),
    ("muscle_relaxant", "&Muscle relaxant", "e.g. cyclobenzaprine"),
    ("opioid", "O&pioid", "e.g. codeine"),
    ("neuropathic", "Neuropat&hic pain medicine (radicular pain)", "e.g. pregabalin"),
)


def category_combo(accessible_name: str) -> QComboBox:
    combo = QComboBox()
    combo.setPlaceholderText("Choose…")
    for code, label in CATEGORY_LABELS.items():
        combo.addItem(label, code)
    combo.setCurrentIndex(-1)
    combo.setAccessibleName(accessible_name)
    return combo


def medicine_name_edit(accessible_name: str, hint: str) -> QLineEdit:
    """A medicine's name, completing from the clinic's list of medicines as it is typed."""
    edit = QLineEdit()
    edit.setAccessibleName(accessible_name)
    edit.setPlaceholderText(hint)
    completer = QCompleter(list(medications.listed_medicine_names()), edit)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    edit.setCompleter(completer)
    return edit


def medicine_text(medicine: MedicationRecord) -> str:
    """"cyclobenzaprine 5 mg at night — Muscle relaxant, since 26 Nov 2026": the dose as recorded."""
    dose = f" {medicine.dose}" if medicine.dose else ""
    return (f"{medicine.name}{dose} — {CATEGORY_LABELS[medicine.category]}, "
            f"since {short_date(medicine.started_on)}")


class AmountBox(QDoubleSpinBox):
    """A dose's amount as a prescriber writes it (5, 7.5, 0.25); blank until entered."""

    def __init__(self, accessible_name: str):
        super().__init__()
        self.setDecimals(3)
        self.setRange(0, float(medications.LARGEST_DOSE))
        self.setSpecialValueText(" ")  # 0: not entered yet, which the service refuses in words
        self.setAccessibleName(accessible_name)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("0000.25") + 30)

    def textFromValue(self, value: float) -> str:
        return f"{Decimal(f'{value:.3f}').normalize():f}"

    def amount(self) -> Decimal | None:
        return Decimal(f"{self.value():.3f}").normalize() if self.value() > 0 else None


def _choice_combo(choices: dict[str, str], placeholder: str, accessible_name: str) -> QComboBox:
    combo = QComboBox()
    combo.setPlaceholderText(placeholder)
    for code, label in choices.items():
        combo.addItem(label, code)
    combo.setCurrentIndex(-1)
    combo.setAccessibleName(accessible_name)
    return combo


class SpasmQuestion(QWidget):
    """"Muscle spasm present?" Yes or No, neither chosen until the clinician answers."""

    def __init__(self, accessible: str):
        super().__init__()
        self.group = QButtonGroup(self)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.yes, self.no = QRadioButton("Yes"), QRadioButton("No")
        for answer, button in ((True, self.yes), (False, self.no)):
            button.setAccessibleName(f"{accessible}: {button.text()}")
            button.setProperty("answer", answer)
            self.group.addButton(button)
            row.addWidget(button)
        row.addStretch(1)
        self.setFocusProxy(self.yes)

    def answer(self) -> bool | None:
        button = self.group.checkedButton()
        return button.property("answer") if button else None


class MedicineFields(QObject):
    """One medicine's name, dose, indication and (for a relaxant) spasm, laid into a form's rows.

    ``changed`` fires on any edit that can change its cautions. ``category`` is the class the
    form has chosen; a listed name decides its own (medications.category_of), as the save does.
    """

    changed = Signal()

    def __init__(self, plain: str, name_hint: str, parent: QObject | None = None):
        super().__init__(parent)
        self.name = medicine_name_edit(f"{plain} name", name_hint)
        self.amount = AmountBox(f"{plain} dose amount")
        self.unit = _choice_combo(medications.DOSE_UNITS, "unit", f"{plain} dose unit")
        self.frequency = _choice_combo(medications.DOSE_FREQUENCIES, "how often", f"{plain} dose frequency")
        self.dose = QWidget()
        row = QHBoxLayout(self.dose)
        row.setContentsMargins(0, 0, 0, 0)
        for widget, stretch in ((self.amount, 0), (self.unit, 0), (self.frequency, 1)):
            row.addWidget(widget, stretch)
        self.dose.setFocusProxy(self.amount)
        self.indication = QLineEdit()
        self.indication.setAccessibleName(f"{plain} indication")
        self.indication.setPlaceholderText("what it is for, e.g. muscle spasm")
        self.spasm = SpasmQuestion(f"{plain}: muscle spasm present")
        self._form: QFormLayout | None = None
        self.category: str | None = None
        self.name.textChanged.connect(self._refresh)
        self.amount.valueChanged.connect(lambda _: self.changed.emit())
        self.unit.currentIndexChanged.connect(lambda _: self.changed.emit())
        self.spasm.group.buttonToggled.connect(lambda _, checked: checked and self.changed.emit())

    def add_rows(self, form: QFormLayout, before_dose: Sequence[tuple[str, QWidget]] = (), *,
                 access_keys: bool = True) -> None:
        """The name, any rows the form puts next (its class), the dose, indication and spasm question.

        Without ``access_keys`` (several medicines on one form) the labels take none, so they
        do not compete with the form's own.
        """
        self._form = form
        labels = []
        for label, widget in (("&Name", self.name), *before_dose, ("&Dose", self.dose),
                              ("&Indication", self.indication), ("Muscle s&pasm present?", self.spasm)):
            labels.append(_buddy_label(label if access_keys else label.replace("&", ""), widget))
            form.addRow(labels[-1], widget)
        # As wide as the spasm question's label whether it shows or not: the fields do not jump
        # sideways when it appears, and each medicine's fields line up with the next one's.
        widest = max(label.sizeHint().width() for label in labels)
        for label in labels:
            label.setMinimumWidth(widest)
        self._show_spasm()

    def set_category(self, category: str | None) -> None:
        self.category = category
        self._refresh()

    @property
    def recorded_category(self) -> str | None:
        """The class the save will record it under."""
        return medications.category_of(self.name.text()) or self.category

    def caution_query(self) -> dict:
        """What prescribing_caution needs beyond the patient and class."""
        return {"name": self.name.text(), "dose_amount": self.amount.amount(), "dose_unit": self.unit.currentData(),
                "spasm_present": self.spasm.answer() if self._relaxant() else None}

    def medicine(self, category: str, started_on=None) -> MedicationInput:
        """The medicine to record; the service checks it and says what is missing."""
        return MedicationInput(
            self.name.text(), category, started_on=started_on, dose_amount=self.amount.amount(),
            dose_unit=self.unit.currentData(), dose_frequency=self.frequency.currentData(),
            indication=self.indication.text(), spasm_present=self.spasm.answer() if self._relaxant() else None)

    def _relaxant(self) -> bool:
        return self.recorded_category == "muscle_relaxant"

    def _refresh(self) -> None:
        self._show_spasm()
        self.changed.emit()

    def _show_spasm(self) -> None:
        if self._form is not None:
            self._form.setRowVisible(self.spasm, self._relaxant())


def _buddy_label(text: str, widget: QWidget) -> QLabel:
    label = QLabel(text)
    label.setBuddy(widget)
    return label


class PrescribingCautions(QWidget):
    """The warnings a medicine about to be recorded would bring, and the acknowledgement the save needs.

    A hepatic warning needing acknowledgement must be acknowledged here or the save is
    refused (DESIGN.md rule 2); any other needing acknowledgement is stored and waits on the
    responsible clinician's list, which the caution says, so nothing is a surprise after Save.
    """

    def __init__(self, parent=None):
        super().__init__(parent)
        self.text = QLabel()
        self.text.setObjectName("prescribingCaution")
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.text.setAccessibleDescription("Prescribing warnings")
        self.acknowledge = check_box("I have considered this warning and prescribe it any&way",
                                     "Hepatic warning")
        stacked(self, self.text, self.acknowledge)
        self._cautions: tuple[PrescribingCaution, ...] = ()
        self.show_cautions(())

    def show_cautions(self, cautions: Sequence[PrescribingCaution]) -> None:
        self._cautions = tuple(dict.fromkeys(cautions))
        if not self._cautions:
            self.acknowledge.setChecked(False)
            self.hide()
            return
        self.text.setText("\n".join(f"⚠ {caution.message}{_after(caution)}" for caution in self._cautions))
        urgent = any(caution.requires_acknowledgement for caution in self._cautions)
        self.text.setStyleSheet(banner_style("prescribingCaution", "urgent" if urgent else "info"))
        needed = self._needs_acknowledging()
        self.acknowledge.setVisible(needed)
        if not needed:
            self.acknowledge.setChecked(False)
        self.show()

    def _needs_acknowledging(self) -> bool:
        return any(caution.acknowledge_to_save for caution in self._cautions)

    @property
    def acknowledged(self) -> bool:
        return self._needs_acknowledging() and self.acknowledge.isChecked()


def _after(caution: PrescribingCaution) -> str:
    if caution.acknowledge_to_save:
        return " Acknowledge it to record this medicine."
    if caution.requires_acknowledgement:
        return " It stays on the clinician's list until acknowledged."
    return ""


class AnalgesiaRow:
    """One class of analgesia at first contact: ticked when given, then the medicine's details."""

    def __init__(self, column: QVBoxLayout, category: str, label: str, name_hint: str):
        self.category = category
        plain = label.replace("&", "")
        self.given = check_box(label, "Given")
        self.fields = MedicineFields(plain, name_hint, self.given)
        self.fields.set_category(category)
        self.details = QWidget()
        form = QFormLayout(self.details)
        form.setContentsMargins(24, 0, 0, 6)
        self.fields.add_rows(form, access_keys=False)
        column.addWidget(self.given)
        column.addWidget(self.details)
        self.given.toggled.connect(self.details.setVisible)
        self.details.setVisible(False)

    def medicine(self) -> MedicationInput | None:
        return self.fields.medicine(self.category) if self.given.isChecked() else None
