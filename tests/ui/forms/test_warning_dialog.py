"""Acknowledging a pathway warning through the real dialog."""
from __future__ import annotations

from PySide6.QtCore import Qt
from relaxant_answers import FOR_SPASM
from test_pathway_notices import CLINIC_TIME, opened, shown, tick  # noqa: F401 (CLINIC_TIME: the clinic's clock)

from clinic_desktop.services.episodes import episode_records
from clinic_desktop.services.episodes.episodes import MedicationInput
from clinic_desktop.services.patients import patients
from clinic_desktop.services.worklists import warnings_due
from clinic_desktop.ui.forms.warning_dialog import AcknowledgeWarningDialog

RELAXANT = MedicationInput("cyclobenzaprine", "muscle_relaxant", "5 mg at night", **FOR_SPASM)


def test_a_warning_is_acknowledged_only_after_the_clinician_confirms(qtbot, sqlite_staff):
    episode_id = opened(sqlite_staff, hepatic="mild", medications=[RELAXANT])
    (warning,) = episode_records.get_episode(sqlite_staff.clinician, episode_id).open_warnings
    dialog = AcknowledgeWarningDialog(sqlite_staff.clinician, warning)
    announced = shown(qtbot, dialog)
    assert dialog.warning_text.text() == "⚠ Mild hepatic impairment: start at 5 mg."
    assert not dialog.save_button.isEnabled()
    tick(qtbot, dialog.confirm)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert len(announced) == 1
    assert episode_records.get_episode(sqlite_staff.clinician, episode_id).open_warnings == ()


def test_a_warning_found_later_is_acknowledged_from_the_clinicians_list(qtbot, sqlite_staff):
    episode_id = opened(sqlite_staff, medications=[RELAXANT])
    patient_id = episode_records.get_episode(sqlite_staff.clinician, episode_id).patient_id
    patients.edit_patient(sqlite_staff.receptionist, patient_id, hepatic_impairment="moderate")
    (row,) = warnings_due.warnings_to_acknowledge(sqlite_staff.clinician)
    dialog = AcknowledgeWarningDialog(sqlite_staff.clinician, row)
    shown(qtbot, dialog)
    assert dialog.explanation.text().startswith("For <b>SMITH, Ann</b>.")
    tick(qtbot, dialog.confirm)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert warnings_due.warnings_to_acknowledge(sqlite_staff.clinician) == ()
