"""Radicular status and red flags found later in an episode (and the checklists first contact shares).

Either finding can call for a referral at any time (DESIGN.md rules 3 and 4), so it is
recorded the day it is found, not only at first contact. Red flags and radicular status
are two saves (two transactions), red flags first as the more urgent: if the second were
refused, the first stands and the form says exactly what was and was not saved.
"""
from __future__ import annotations

from html import escape

from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from clinic_desktop.pathway.facts import RECOGNISED_RED_FLAGS
from clinic_desktop.services.admin.settings import ClinicSettings
from clinic_desktop.services.core.actor import Actor
from clinic_desktop.services.episodes import episode_records, episodes
from clinic_desktop.services.episodes.episodes import EpisodeUpdate
from clinic_desktop.ui.forms.pathway_form import PathwayForm, check_box, demo_episode, qdate_to_date, stacked
from clinic_desktop.ui.widgets.form_dialog import keep_wide_enough
from clinic_desktop.ui.widgets.time_format import short_date

RED_FLAG_HINT = "Any red flag raises an urgent referral."
RADICULAR_HINT = "Either raises an early radicular referral."


def hint(text: str, wrap: bool = False) -> QLabel:
    """A line saying what the pathway will do with an answer; short ones stay on one line."""
    label = QLabel(text)
    label.setWordWrap(wrap)
    font = label.font()
    font.setItalic(True)
    label.setFont(font)
    return label


class RedFlagChecklist(QWidget):
    """The recognised red flags as tick boxes, and any other in the clinician's words."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.boxes = {flag: check_box(flag[:1].upper() + flag[1:], "Red flag")
                      for flag in RECOGNISED_RED_FLAGS}
        self.other = QLineEdit()
        self.other.setAccessibleName("Other red flag")
        self.other.setPlaceholderText("Other red flag, in your words")
        stacked(self, *self.boxes.values(), self.other, hint(RED_FLAG_HINT))

    def flags(self) -> list[str]:
        ticked = [flag for flag, box in self.boxes.items() if box.isChecked()]
        return ticked + ([self.other.text()] if self.other.text().strip() else [])

    def clear(self) -> None:
        for box in self.boxes.values():
            box.setChecked(False)
        self.other.clear()


class RadicularFindings(QWidget):
    """Severe radicular pain and neurological deficit, the findings that call for early referral."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.severe_pain = check_box("Severe radicular &pain")
        self.deficit = check_box("Neurolo&gical deficit")
        stacked(self, self.severe_pain, self.deficit, hint(RADICULAR_HINT))


def notes_edit(accessible_name: str, lines: int = 3) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setAccessibleName(accessible_name)
    edit.setTabChangesFocus(True)
    edit.setFixedHeight(edit.fontMetrics().lineSpacing() * lines + 12)
    return edit


class FindingsForm(PathwayForm):
    """Record radicular status and/or red flags found during the episode."""

    def __init__(self, actor: Actor, settings: ClinicSettings, episode_id: int, parent=None):
        super().__init__(actor, settings, "Findings", parent)
        self.episode = episode_records.get_episode(actor, episode_id)
        self.recorded_on = self.date_edit("Date found", earliest=self.episode.first_contact_on)

        self.radicular_group = QGroupBox("Record &radicular status")
        self.radicular_group.setCheckable(True)
        self.radicular_group.setChecked(False)
        self.radicular_group.setAccessibleName("Record radicular status")
        self.radicular = RadicularFindings()
        self.radicular_notes = notes_edit("Radicular status notes", lines=2)
        radicular_layout = QFormLayout(self.radicular_group)
        radicular_layout.addRow(self.radicular)
        radicular_layout.addRow("Notes", self.radicular_notes)

        self.red_flag_group = QGroupBox("Red flags")
        self.red_flags = RedFlagChecklist()
        self.red_flag_notes = notes_edit("Red flag notes", lines=2)
        red_flag_layout = QFormLayout(self.red_flag_group)
        red_flag_layout.addRow(self.red_flags)
        red_flag_layout.addRow("Notes", self.red_flag_notes)

        form = QFormLayout()
        form.addRow("&Date found", self.recorded_on)
        form.addRow(self.radicular_group)
        form.addRow(self.red_flag_group)
        self.lay_out(f"<b>{escape(self.episode.patient_name)}</b> — episode from "
                     f"{short_date(self.episode.first_contact_on)}. Record what was found, and when.", form,
                     "&Save findings")
        keep_wide_enough(self, 90)

    def save(self) -> None:
        flags = self.red_flags.flags()
        radicular = self.radicular_group.isChecked()
        if not flags and not radicular:
            self.refuse("Tick a red flag, or tick “Record radicular status”, before saving")
            return
        recorded_on = qdate_to_date(self.recorded_on)
        steps = []
        if flags:  # first: the more urgent finding must not wait on the other
            steps.append(("red flags", lambda: self._save_red_flags(recorded_on, flags)))
        if radicular:
            steps.append(("radicular status", lambda: self._save_radicular(recorded_on)))
        saved = self.run_saves(steps)
        if saved and len(saved) < len(steps):
            # The red flags stand; the form stays for the radicular status, and must not save them twice.
            self.red_flags.clear()
            self.red_flag_notes.clear()
            self.red_flag_group.setEnabled(False)

    def _save_red_flags(self, recorded_on, flags) -> EpisodeUpdate:
        return episodes.record_red_flags(self.actor, self.episode.id, recorded_on=recorded_on, flags=flags,
                                         notes=self.red_flag_notes.toPlainText())

    def _save_radicular(self, recorded_on) -> EpisodeUpdate:
        return episodes.record_radicular_status(
            self.actor, self.episode.id, recorded_on=recorded_on,
            severe_radicular_pain=self.radicular.severe_pain.isChecked(),
            neurological_deficit=self.radicular.deficit.isChecked(), notes=self.radicular_notes.toPlainText())


def for_screenshot(actor, settings, hub) -> QWidget:
    """A suspected cauda equina found at a later visit, with the radicular status recorded too."""
    episode = demo_episode(actor, lambda record, patient: record.presentation == "radicular")
    form = FindingsForm(actor, settings, episode.id)
    form.radicular_group.setChecked(True)
    form.radicular.deficit.setChecked(True)
    form.red_flags.boxes[RECOGNISED_RED_FLAGS[0]].setChecked(True)
    form.red_flag_notes.setPlainText("Saddle numbness since yesterday; urinary retention.")
    return form
