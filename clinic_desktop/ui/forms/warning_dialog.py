"""Acknowledging a pathway warning: the clinician reads it and confirms, by name and time.

A warning that must be acknowledged (a muscle relaxant against moderate or severe hepatic
impairment; a signed letter whose referral the risk has since superseded) stays on the
clinician's list until someone confirms they have read and considered it. The dialog asks
for that confirmation explicitly rather than taking one click as enough.
"""
from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QLabel, QWidget

from clinic_desktop.services.core.actor import Actor
from clinic_desktop.services.core.errors import ServiceError
from clinic_desktop.services.episodes import episodes
from clinic_desktop.services.episodes.episode_records import WarningRecord
from clinic_desktop.services.worklists import warnings_due
from clinic_desktop.services.worklists.warnings_due import WarningRow
from clinic_desktop.ui.forms.pathway_form import PathwayForm, check_box, demo_episode
from clinic_desktop.ui.widgets.form_dialog import keep_wide_enough
from clinic_desktop.ui.widgets.palette import banner_style


class AcknowledgeWarningDialog(PathwayForm):
    """Show a warning and record the clinician's acknowledgement of it.

    ``warning`` is a WarningRecord (an episode's open warnings); a row of the
    warnings-to-acknowledge worklist, which carries ``warning_id``, works as well.
    """

    def __init__(self, actor: Actor, warning: WarningRecord | WarningRow, parent=None):
        super().__init__(actor, None, "Acknowledge warning", parent)
        self.warning_id: int = getattr(warning, "warning_id", None) or warning.id
        self.warning_text = text = QLabel(f"⚠ {warning.message}")
        text.setTextFormat(Qt.TextFormat.PlainText)
        text.setObjectName("warningText")
        text.setWordWrap(True)
        text.setStyleSheet(banner_style("warningText", "urgent"))
        text.setAccessibleDescription("Warning")
        patient = getattr(warning, "patient_name", "")
        self.explanation = explanation = QLabel(
            (f"For <b>{escape(patient)}</b>. " if patient else "")
            + f"Acknowledging records that you, {escape(actor.full_name)}, have read and considered this "
            "warning, with the date and time. It changes nothing else in the record.")
        explanation.setWordWrap(True)
        self.confirm = check_box("I have &read and considered this warning")
        form = QFormLayout()
        form.addRow(explanation)
        form.addRow(self.confirm)
        self.lay_out(text, form, "Acknowledge")
        self.save_button.setEnabled(False)
        self.confirm.toggled.connect(self.save_button.setEnabled)
        keep_wide_enough(self, 80)

    def save(self) -> None:
        if not self.confirm.isChecked():  # Enter pressed before confirming
            self.refuse("Tick “I have read and considered this warning” to acknowledge it")
            return
        self.run_save(lambda: episodes.acknowledge_warning(self.actor, self.warning_id))


def for_screenshot(actor, settings, hub) -> QWidget:
    """The oldest warning waiting on the clinicians' list, or one an episode has open."""
    rows = warnings_due.warnings_to_acknowledge(actor)
    if rows:
        return AcknowledgeWarningDialog(actor, rows[0])
    episode = demo_episode(actor, lambda record, patient: bool(record.open_warnings))
    if not episode.open_warnings:
        raise ServiceError("the database has no warning waiting to be acknowledged; build a demo first")
    return AcknowledgeWarningDialog(actor, episode.open_warnings[0])
