"""The first contact's advice, for an episode opened before the form asked every question.

Such an episode has only the three older ticks (stay active, no bed rest, self-care
education), which cannot say whether a box was left alone. The clinician records the
answers once (services/episodes/initial_management.py record_initial_management); the
patient view offers this only while they are missing.
"""
from __future__ import annotations

from html import escape

from PySide6.QtWidgets import QFormLayout

from clinic_desktop.services.admin.settings import ClinicSettings
from clinic_desktop.services.core.actor import Actor
from clinic_desktop.services.core.errors import ServiceError
from clinic_desktop.services.episodes import episode_records, initial_management
from clinic_desktop.ui.forms.advice_section import AdviceSection
from clinic_desktop.ui.forms.pathway_form import PathwayForm
from clinic_desktop.ui.widgets.form_dialog import keep_wide_enough
from clinic_desktop.ui.widgets.time_format import short_date


class AdviceForm(PathwayForm):
    """Record every answer of the first contact's initial management."""

    def __init__(self, actor: Actor, settings: ClinicSettings, episode_id: int, parent=None):
        super().__init__(actor, settings, "First-contact advice", parent)
        self.episode = episode_records.get_episode(actor, episode_id)
        self.advice = AdviceSection(actor, "Advice given at the first contact")
        form = QFormLayout()
        form.addRow(self.advice)
        self.lay_out(f"<b>{escape(self.episode.patient_name)}</b> — first contact on "
                     f"{short_date(self.episode.first_contact_on)}, recorded before every answer was asked. "
                     "Answer each question as it was at that visit.", form, "&Record advice")
        keep_wide_enough(self, 87)

    def save(self) -> None:
        self.run_save(lambda: initial_management.record_initial_management(self.actor, self.episode.id,
                                                                           self.advice.answers()))

    def on_refused(self, error: ServiceError) -> None:
        self.advice.point_to(getattr(error, "field", None))
        super().on_refused(error)
