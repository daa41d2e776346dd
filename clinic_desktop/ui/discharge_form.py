"""Discharge: closing an episode, with its reason and a plain statement of what it does.

Discharge cancels the reviews nobody has booked yet but leaves every open referral open
(DESIGN.md rule 7): the form says so, and names the referrals that will stay, so nobody
discharges a patient believing their urgent referral went with the episode.
"""
from __future__ import annotations

from html import escape

from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QWidget

from clinic_desktop.services import episode_records, episodes, referrals
from clinic_desktop.services.actor import Actor
from clinic_desktop.services.settings import ClinicSettings
from clinic_desktop.ui.pathway_form import PathwayForm, demo_episode, qdate_to_date
from clinic_desktop.ui.time_format import short_date

COMMON_REASONS = (
    "Improved: self-managing",
    "Symptoms resolved",
    "Care continues with the specialist service referred to",
    "Did not attend and could not be contacted",
    "Moved away or registered elsewhere",
    "Patient's choice",
)
WHAT_DISCHARGE_DOES = (
    "Discharge closes this episode of back pain. Reviews still waiting to be booked are cancelled "
    "(reason “discharged”); reviews already booked stay in the appointment book. Open referrals stay "
    "open until they are sent, or cancelled with a reason. The pathway schedules nothing more for this "
    "episode; a new problem is a new first contact."
)
_FINISHED = ("closed", "cancelled")


class DischargeForm(PathwayForm):
    """Discharge an episode: the date and the reason, which is required."""

    def __init__(self, actor: Actor, settings: ClinicSettings, episode_id: int, parent=None):
        super().__init__(actor, settings, "Discharge", parent)
        self.episode = episode_records.get_episode(actor, episode_id)
        self.discharged_on = self.date_edit("Discharge date", earliest=self.episode.first_contact_on)
        self.reason = QComboBox()
        self.reason.setEditable(True)
        self.reason.addItems(COMMON_REASONS)
        self.reason.setCurrentIndex(-1)
        self.reason.lineEdit().setPlaceholderText("Choose a common reason, or type your own")
        self.reason.setAccessibleName("Reason for the discharge")
        self.reason.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.what = QLabel(WHAT_DISCHARGE_DOES)
        self.what.setWordWrap(True)
        self.what.setAccessibleName("What discharge does")
        staying = [referral for referral in referrals.referrals_for_episode(actor, episode_id)
                   if referral.status not in _FINISHED]
        self.staying = QLabel(_staying_text(staying))
        self.staying.setWordWrap(True)
        self.staying.setAccessibleName("Referrals that stay open")

        form = QFormLayout()
        form.addRow("&Date", self.discharged_on)
        form.addRow("&Reason", self.reason)
        form.addRow(self.what)
        form.addRow(self.staying)
        self.lay_out(f"<b>{escape(self.episode.patient_name)}</b> — episode from "
                     f"{short_date(self.episode.first_contact_on)}.", form, "Discharge")
        self.setMinimumWidth(560)

    def save(self) -> None:
        self.run_save(lambda: episodes.discharge_episode(
            self.actor, self.episode.id, discharged_on=qdate_to_date(self.discharged_on),
            reason=self.reason.currentText()))


def _staying_text(staying) -> str:
    if not staying:
        return "This episode has no open referrals."
    lines = "".join(f"<li>{escape(referral.kind_title)} referral — {referral.status}, due by {short_date(referral.due_by)}"
                    f"{' (URGENT)' if referral.urgent else ''}</li>" for referral in staying)
    return f"These referrals stay open after discharge:<ul style='margin: 0'>{lines}</ul>"


def for_screenshot(actor, settings, hub) -> QWidget:
    """Discharging a patient whose referral is still on its way, which the form says stays open."""
    episode = demo_episode(actor, lambda record, patient: any(
        referral.status not in _FINISHED for referral in referrals.referrals_for_episode(actor, record.id)))
    form = DischargeForm(actor, settings, episode.id)
    form.reason.setCurrentIndex(0)
    return form
