"""An ongoing evaluation: the visit a low-risk patient not improving at the 2-week review proceeds to.

The source's low-risk route is "continue current management if improving", otherwise
"proceed to ongoing evaluation"; this form records that visit's measures and the clinician's
judgement (services/episodes/measures.py record_measures). Not improving again puts the next
follow-up on the to-book list while the 12-week check is still ahead; improving ends the
round of follow-ups.
"""
from __future__ import annotations

from html import escape

from PySide6.QtWidgets import QFormLayout, QWidget

from clinic_desktop.services.admin.settings import ClinicSettings
from clinic_desktop.services.core.actor import Actor
from clinic_desktop.services.episodes import episode_records, measures
from clinic_desktop.ui.forms.findings_form import notes_edit
from clinic_desktop.ui.forms.measures_panel import MeasuresPanel
from clinic_desktop.ui.forms.pathway_form import PathwayForm, demo_episode, qdate_to_date
from clinic_desktop.ui.widgets.form_dialog import keep_wide_enough
from clinic_desktop.ui.widgets.time_format import short_date


class EvaluationForm(PathwayForm):
    """Record the measures of an ongoing evaluation and whether the patient is improving."""

    def __init__(self, actor: Actor, settings: ClinicSettings, episode_id: int, parent=None):
        super().__init__(actor, settings, "Ongoing evaluation", parent)
        self.episode = episode_records.get_episode(actor, episode_id)
        self.measured_on = self.date_edit("Evaluation date", earliest=self.episode.first_contact_on)
        self.improvement = MeasuresPanel(actor, episode_id)
        self.notes = notes_edit("Evaluation notes")
        form = QFormLayout()
        form.addRow("&Date", self.measured_on)
        form.addRow(self.improvement)
        form.addRow("No&tes", self.notes)
        self.lay_out(f"<b>{escape(self.episode.patient_name)}</b> — episode from "
                     f"{short_date(self.episode.first_contact_on)}. Measure pain, function and how the patient "
                     "feels things have changed since the pain began.", form, "Save evaluation")
        keep_wide_enough(self, 107)

    def save(self) -> None:
        if (refusal := self.improvement.refusal()) is not None:
            self.refuse(refusal)
            return
        self.run_save(lambda: measures.record_measures(
            self.actor, self.episode.id, measured_on=qdate_to_date(self.measured_on), occasion="ongoing_evaluation",
            measures=self.improvement.measures(notes=self.notes.toPlainText()),
            improving=self.improvement.improving_answer()))


def for_screenshot(actor, settings, hub) -> QWidget:
    """An evaluation on the Patient-Specific Functional Scale, entered and suggested, not yet judged."""
    episode = demo_episode(actor, lambda record, patient: record.start_back is not None
                           and record.start_back.risk == "low")
    form = EvaluationForm(actor, settings, episode.id)
    panel = form.improvement
    panel.pain.setValue(4)
    panel.on_psfs.setChecked(True)
    for (activity, score), (name, value) in zip(panel.activities, (("Walking 1 km", 6), ("Sitting through work", 7),
                                                                   ("Lifting a child", 5))):
        activity.setText(name)
        score.setValue(value)
    panel.global_change.setCurrentIndex(3)  # minimally improved
    return form
