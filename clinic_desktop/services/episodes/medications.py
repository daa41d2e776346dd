"""The medicines list a form offers, the class a typed name belongs to, and a dose checked and worded.

Read from pathway/medicines.py, the one place that knows each medicine's class, so a form
can complete a name and show the warnings for a relaxant, opioid or NSAID typed under any
category, exactly as the episodes service will record it. A dose is structured (amount,
unit, how often) so the rules can compare it (a relaxant above 5 mg to start with mild
hepatic impairment); its words ("5 mg three times a day") are composed here, the one place
the record, the screens and the letters take them from. Nothing here needs a permission or
touches the database.
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from clinic_desktop.pathway.care_options import DOSE_FREQUENCIES, DOSE_UNITS, MEDICATION_CATEGORY_LABELS
from clinic_desktop.pathway.medicines import MEDICINES, named_class
from clinic_desktop.services.core import validation
from clinic_desktop.services.core.errors import ValidationError

__all__ = ["DOSE_FREQUENCIES", "DOSE_UNITS", "LARGEST_DOSE", "MEDICATION_CATEGORY_LABELS", "category_of",
           "category_words",
           "checked_amount", "checked_dose", "dose_wording", "listed_medicine_names"]

# The stored amount's limits (models/episodes.py Medication.dose_amount: 10 digits, 3 after the point).
LARGEST_DOSE = Decimal("9999999.999")
_DOSE_PLACES = Decimal("0.001")


def listed_medicine_names() -> tuple[str, ...]:
    """Every listed medicine's name, for completing what is typed."""
    return tuple(medicine.name for medicine in MEDICINES)


def category_of(name: str) -> str | None:
    """The class a name is recorded under whatever category is chosen; None when the choice stands."""
    return named_class(name)


def category_words(category: str) -> str:
    """A class as it reads within a sentence ("NSAID", "muscle relaxant"), from care_options' labels."""
    label = MEDICATION_CATEGORY_LABELS[category]
    return label if label.split()[0].isupper() else label[0].lower() + label[1:]


def checked_dose(amount, unit, frequency) -> tuple[Decimal, str, str] | None:
    """The structured dose to store, or None when none was given; a part given alone is refused."""
    if amount is None and unit is None and frequency is None:
        return None
    amount = checked_amount(amount)
    unit = validation.choice(unit, DOSE_UNITS, "dose_unit", label="dose unit")
    frequency = validation.choice(frequency, DOSE_FREQUENCIES, "dose_frequency", label="dose frequency")
    return amount, unit, frequency


def checked_amount(amount) -> Decimal:
    """A dose's amount: a Decimal (or a whole number) above zero with at most three decimal places,
    because a float would store 0.1 as 0.1000000000000000055 and the 5 mg rule compares it."""
    if amount is None:
        raise ValidationError("Enter the dose's amount, e.g. 5 (with its unit and how often)", field="dose_amount")
    if isinstance(amount, bool) or not isinstance(amount, (Decimal, int)):
        raise ValidationError(f"The dose's amount is a number such as 5 or 7.5, not {amount!r}", field="dose_amount")
    try:
        amount = Decimal(amount)
        exact = amount.is_finite() and amount == amount.quantize(_DOSE_PLACES)
    except InvalidOperation:
        exact = False
    if not exact or not Decimal(0) < amount <= LARGEST_DOSE:
        raise ValidationError(f"The dose's amount is above 0 and at most {LARGEST_DOSE:,}, with at most three "
                              f"decimal places, not {amount}", field="dose_amount")
    return amount


def dose_wording(amount: Decimal, unit: str, frequency: str) -> str:
    """"5 mg three times a day", "7.5 mg at night": the dose as it is written in the record and letters."""
    return f"{Decimal(amount).normalize():f} {DOSE_UNITS[unit]} {DOSE_FREQUENCIES[frequency]}"
