"""The medicines list a form offers, and the class a typed name belongs to.

Read from pathway/medicines.py, the one place that knows each medicine's class, so a form
can complete a name and show the warnings for a relaxant, opioid or NSAID typed under any
category, exactly as the episodes service will record it. A fixed list: reading
it needs no permission and touches no database.
"""
from __future__ import annotations

from clinic_desktop.pathway.medicines import MEDICINES, named_class

__all__ = ["category_of", "listed_medicine_names"]


def listed_medicine_names() -> tuple[str, ...]:
    """Every listed medicine's name, for completing what is typed."""
    return tuple(medicine.name for medicine in MEDICINES)


def category_of(name: str) -> str | None:
    """The class a name is recorded under whatever category is chosen; None when the choice stands."""
    return named_class(name)
