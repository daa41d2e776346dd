"""Entering a medicine through its fields as a clinician does: name, dose, indication, spasm."""
from __future__ import annotations

from test_pathway_notices import tick


def enter_medicine(qtbot, fields, name: str, amount: str = "", unit: str | None = None,
                   frequency: str | None = None, indication: str = "", spasm: bool | None = None) -> None:
    """Type the name, amount and indication; choose the unit, how often and the spasm answer."""
    qtbot.keyClicks(fields.name, name)
    if amount:
        fields.amount.lineEdit().selectAll()
        qtbot.keyClicks(fields.amount, amount)
    for combo, code in ((fields.unit, unit), (fields.frequency, frequency)):
        if code is not None:
            combo.setCurrentIndex(combo.findData(code))
    if indication:
        qtbot.keyClicks(fields.indication, indication)
    if spasm is not None:
        tick(qtbot, fields.spasm.yes if spasm else fields.spasm.no)
