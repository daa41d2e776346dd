"""The 12-week outcome: improved, or not improved and escalated (DESIGN.md rule 6).

Not improved raises the specialist pain / spinal centre referral by the pathway; the
clinician may add a spinal surgical referral, which the core records in the same
transaction as the outcome, so either both are saved or neither. The check's measures of
improvement are taken with it (ui/forms/measures_panel.py): the pathway's suggestion is shown
beside the choice, and the clinician still chooses improved or not themselves.
"""
from __future__ import annotations

from html import escape

from PySide6.QtWidgets import (
    QButtonGroup,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QRadioButton,
    QWidget,
)

from clinic_desktop.services.admin.settings import ClinicSettings
from clinic_desktop.services.core.actor import Actor
from clinic_desktop.services.episodes import episode_records, episodes
from clinic_desktop.ui.forms.findings_form import hint, notes_edit
from clinic_desktop.ui.forms.measures_panel import MeasuresPanel
from clinic_desktop.ui.forms.pathway_form import PathwayForm, check_box, demo_episode, qdate_to_date
from clinic_desktop.ui.widgets.form_dialog import keep_wide_enough
from clinic_desktop.ui.widgets.time_format import short_date

IMPROVED, NOT_IMPROVED = 1, 0
ESCALATION_HINT = ("Not improved raises a specialist pain / spinal centre referral. Tick below to add a spinal "
                   "surgical referral as well: it is saved together with the outcome.")


class TwelveWeekOutcomeForm(PathwayForm):
    """Record the outcome of the 12-week check."""

    def __init__(self, actor: Actor, settings: ClinicSettings, episode_id: int, parent=None):
        super().__init__(actor, settings, "12-week outcome", parent)
        self.episode = episode_records.get_episode(actor, episode_id)
        self.recorded_on = self.date_edit("Outcome date", earliest=self.episode.first_contact_on)
        self.improved = QRadioButton("&Improved — continue self-management or discharge")
        self.improved.setAccessibleDescription("Improved")
        self.not_improved = QRadioButton("&Not improved")
        self.not_improved.setAccessibleName("Not improved")
        self.outcome = QButtonGroup(self)
        self.outcome.addButton(self.improved, IMPROVED)
        self.outcome.addButton(self.not_improved, NOT_IMPROVED)
        choice = QWidget()
        choice_layout = QHBoxLayout(choice)
        choice_layout.setContentsMargins(0, 0, 0, 0)
        choice_layout.addWidget(self.improved)
        choice_layout.addWidget(self.not_improved)
        choice_layout.addStretch(1)
        self.notes = notes_edit("Outcome notes")
        self.surgical = check_box("Also refer to the specialist spinal &surgical service")
        self.surgical_reason = QLineEdit()
        self.surgical_reason.setAccessibleName("Reason for the spinal surgical referral")
        self.surgical_reason.setPlaceholderText("Why: e.g. persistent radiculopathy with imaging findings")
        self.escalation = hint(ESCALATION_HINT, wrap=True)
        self.improvement = MeasuresPanel(actor, episode_id, ask_improving=False, optional=True,
                                         title="Measured at this check")
        self.outcome.idToggled.connect(self._enable_escalation)
        self.surgical.toggled.connect(self._enable_escalation)

        form = QFormLayout()
        form.addRow("&Date", self.recorded_on)
        form.addRow(self.improvement)
        form.addRow("Outcome", choice)
        form.addRow("N&otes", self.notes)
        form.addRow(self.escalation)
        form.addRow(self.surgical)
        form.addRow("&Reason", self.surgical_reason)
        self.lay_out(f"<b>{escape(self.episode.patient_name)}</b> — episode from "
                     f"{short_date(self.episode.first_contact_on)}. How is the patient at the 12-week check?",
                     form, "Save outcome")
        self._enable_escalation()
        keep_wide_enough(self, 107)

    def _enable_escalation(self) -> None:
        escalating = self.not_improved.isChecked()
        self.surgical.setEnabled(escalating)
        self.escalation.setEnabled(escalating)
        self.surgical_reason.setEnabled(escalating and self.surgical.isChecked())

    def save(self) -> None:
        if (refusal := self.improvement.refusal()) is not None:
            self.refuse(refusal)
            return
        if self.outcome.checkedButton() is None:
            self.refuse("Choose improved or not improved")
            return
        improved = self.improved.isChecked()
        surgical = None if improved or not self.surgical.isChecked() else self.surgical_reason.text()
        measured = self.improvement.measures() if self.improvement.measured() else None
        self.run_save(lambda: episodes.record_twelve_week_outcome(
            self.actor, self.episode.id, recorded_on=qdate_to_date(self.recorded_on), improved=improved,
            notes=self.notes.toPlainText(), spinal_surgical_reason=surgical, measures=measured))


def for_screenshot(actor, settings, hub) -> QWidget:
    """Not improved at 12 weeks, with a spinal surgical referral added."""
    episode = demo_episode(actor, lambda record, patient: record.outcome is None and record.start_back is not None)
    form = TwelveWeekOutcomeForm(actor, settings, episode.id)
    form.improvement.pain.setValue(7)
    form.improvement.function.setValue(3)
    form.improvement.global_change.setCurrentIndex(5)  # minimally worse
    form.not_improved.setChecked(True)
    form.notes.setPlainText("Leg pain unchanged despite physiotherapy; walking limited to 200 m.")
    form.surgical.setChecked(True)
    form.surgical_reason.setText("Persistent L5 radiculopathy, disc extrusion on MRI")
    return form
