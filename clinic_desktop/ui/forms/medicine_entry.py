"""A medicine as a form enters it: the first contact's analgesia rows, one kind of analgesia a row.

Kept apart from first_contact_form.py so the medicine's entry (its name, class and dose)
changes in one place while the first contact's advice changes in another.
"""
from __future__ import annotations

from PySide6.QtWidgets import QGridLayout, QLineEdit

from clinic_desktop.services.episodes import medications
from clinic_desktop.services.episodes.episodes import MedicationInput
from clinic_desktop.ui.forms.medication_form import medicine_name_edit
from clinic_desktop.ui.forms.pathway_form import check_box

# The analgesia first contact offers (reference: "Provide appropriate pain relief").
ANALGESIA = (
    ("nsaid", "&NSAID", "e.g. naproxen", "e.g. 500 mg twice daily"),
    ("topical", "&Topical analgesic", "e.g. ibuprofen gel", "e.g. 3 times daily"),
    ("muscle_relaxant", "&Muscle relaxant", "e.g. cyclobenzaprine", "e.g. 5 mg at night"),
)


class AnalgesiaRow:
    """One kind of analgesia: ticked when given, with the medicine's name and dose."""

    def __init__(self, grid: QGridLayout, row: int, category: str, label: str, name_hint: str, dose_hint: str):
        self.category = category
        plain = label.replace("&", "")
        self.given = check_box(label, f"{plain} given")
        self.name = medicine_name_edit(f"{plain} name", name_hint)
        self.dose = QLineEdit()
        self.dose.setPlaceholderText(dose_hint)
        self.dose.setAccessibleName(f"{plain} dose")
        for column, widget in enumerate((self.given, self.name, self.dose)):
            grid.addWidget(widget, row, column)
        self.given.toggled.connect(self._enable)
        self._enable(False)

    def _enable(self, given: bool) -> None:
        self.name.setEnabled(given)
        self.dose.setEnabled(given)

    def medicine(self) -> MedicationInput | None:
        if not self.given.isChecked():
            return None
        return MedicationInput(self.name.text(), self.category, self.dose.text())

    @property
    def gives_relaxant(self) -> bool:
        """Ticked with a muscle relaxant: the relaxant row, or a relaxant named in another (recorded as one)."""
        return self.given.isChecked() and (
            self.category == "muscle_relaxant" or medications.category_of(self.name.text()) == "muscle_relaxant")
