"""The medicines list a form offers, and the class a typed name belongs to.

Read from pathway/medicines.py, the one place that knows which medicines are muscle
relaxants, so a form can complete a name and show the hepatic warning for a relaxant typed
under any category, exactly as the episodes service will record it. A fixed list: reading
it needs no permission and touches no database.
"""
from __future__ import annotations

from clinic_desktop.pathway.medicines import MEDICINES, listed_medicine, medicine_category

__all__ = ["category_of", "listed_medicine_names"]


def listed_medicine_names() -> tuple[str, ...]:
    """Every listed medicine's name, for completing what is typed."""
    return tuple(medicine.name for medicine in MEDICINES)


def category_of(name: str) -> str | None:
    """The class a name is recorded under whatever category is chosen; None when the choice stands."""
    if medicine_category(name, "other") == "muscle_relaxant":
        return "muscle_relaxant"
    listed = listed_medicine(name)
    return listed.category if listed else None
