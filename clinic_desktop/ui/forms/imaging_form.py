"""An imaging request: what, when and why, with the pitfall said before saving.

"Ordering routine imaging without red flags" is a listed pitfall (reference,
"Common Pitfalls to Avoid"). The request is the clinician's to make; with no red flag on
record by its date the form shows, as soon as the imaging is chosen, the warning saving will
store (services/episodes/imaging.py imaging_caution), which then waits on the responsible
clinician's list until acknowledged.
"""
from __future__ import annotations

from html import escape

from PySide6.QtWidgets import QComboBox, QFormLayout, QLineEdit, QWidget

from clinic_desktop.pathway.care_options import IMAGING_MODALITIES
from clinic_desktop.services.admin.settings import ClinicSettings
from clinic_desktop.services.core.actor import Actor
from clinic_desktop.services.core.errors import ServiceError
from clinic_desktop.services.episodes import episode_records, imaging
from clinic_desktop.services.episodes.episode_records import EpisodeRecord
from clinic_desktop.ui.forms.caution_banner import CautionBanner
from clinic_desktop.ui.forms.pathway_form import PathwayForm, demo_episode, qdate_to_date
from clinic_desktop.ui.ops.op import Op
from clinic_desktop.ui.widgets.form_dialog import keep_wide_enough
from clinic_desktop.ui.widgets.time_format import short_date


class ImagingForm(PathwayForm):
    """Request imaging for the episode: modality, date requested and the reason."""

    def __init__(self, actor: Actor, settings: ClinicSettings, episode_id: int, parent=None):
        super().__init__(actor, settings, "Request imaging", parent)
        self.episode: EpisodeRecord = episode_records.get_episode(actor, episode_id)
        self.modality = QComboBox()
        self.modality.setAccessibleName("Imaging")
        self.modality.setPlaceholderText("Choose…")
        for code, label in IMAGING_MODALITIES.items():
            self.modality.addItem(label, code)
        self.modality.setCurrentIndex(-1)
        self.requested_on = self.date_edit("Date requested", earliest=self.episode.first_contact_on)
        self.reason = QLineEdit()
        self.reason.setAccessibleName("Reason for the imaging")
        self.reason.setPlaceholderText("e.g. suspected fracture after a fall")
        self.caution = CautionBanner("imagingCaution", "Imaging warning")
        self.modality.currentIndexChanged.connect(self._show_caution)
        self.requested_on.dateChanged.connect(self._show_caution)
        form = QFormLayout()
        form.addRow("&Imaging", self.modality)
        form.addRow("Re&quested on", self.requested_on)
        form.addRow("&Reason", self.reason)
        form.addRow(self.caution)
        self.lay_out(f"<b>{escape(self.episode.patient_name)}</b> — episode from "
                     f"{short_date(self.episode.first_contact_on)}.", form, "&Request imaging")
        keep_wide_enough(self, 93)

    def _show_caution(self) -> None:
        code = self.modality.currentData()
        if code is None:
            self.caution.show_cautions(())
            return
        (Op(self, lambda: imaging.imaging_caution(self.actor, self.episode.id,
                                                  requested_on=qdate_to_date(self.requested_on), modality=code))
         .success(lambda caution: self.caution.show_cautions([caution] if caution else []))
         .failure(self.refuse).run())

    def save(self) -> None:
        code = self.modality.currentData()
        if code is None:
            self.refuse("Choose the imaging: X-ray, MRI, CT or other")
            self.modality.setFocus()
            return
        self.run_save(lambda: imaging.request_imaging(self.actor, self.episode.id,
                                                      requested_on=qdate_to_date(self.requested_on),
                                                      modality=code, reason=self.reason.text()))

    def on_refused(self, error: ServiceError) -> None:
        if getattr(error, "field", None) == "reason":
            self.reason.setFocus()
        super().on_refused(error)


def for_screenshot(actor, settings, hub) -> QWidget:
    """An X-ray asked for a patient with no red flag on record: the pitfall shows before saving."""
    episode = demo_episode(actor, lambda record, patient: record.presentation == "non_specific")
    form = ImagingForm(actor, settings, episode.id)
    form.modality.setCurrentIndex(list(IMAGING_MODALITIES).index("x_ray"))
    form.reason.setText("Patient asks for an X-ray; pain for three weeks")
    return form
