"""The STarT Back questionnaire at the 2-week review: nine items, a live score, the risk it gives,
and the review's measures of improvement (ui/forms/measures_panel.py).

The score and risk come from clinic_desktop.pathway.start_back as the clinician answers, so
the screen and the saved record can never disagree; an incomplete questionnaire has no
score and cannot be saved. Items are in the app's own words; the tool is Keele University's.
Keyboard: Tab moves item to item, the arrow keys choose within an item, Alt+1…9 jump to
an item, Enter saves once all nine are answered.
"""
from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QWidget,
)

from clinic_desktop.pathway.start_back import (
    BOTHERSOMENESS_CHOICES,
    CREDIT,
    ITEM_COUNT,
    ITEM_LABELS,
    score_start_back,
)
from clinic_desktop.services.admin.settings import ClinicSettings
from clinic_desktop.services.core.actor import Actor
from clinic_desktop.services.episodes import episode_records, episodes
from clinic_desktop.ui.forms.measures_panel import MeasuresPanel
from clinic_desktop.ui.forms.pathway_form import PathwayForm, demo_episode, qdate_to_date
from clinic_desktop.ui.widgets.form_dialog import keep_wide_enough
from clinic_desktop.ui.widgets.palette import attention_colour
from clinic_desktop.ui.widgets.time_format import short_date

AGREE, DISAGREE = 1, 0  # the scoring's values for items 1–8


class StartBackForm(PathwayForm):
    """Record a STarT Back stratification for an episode."""

    def __init__(self, actor: Actor, settings: ClinicSettings, episode_id: int, parent=None):
        super().__init__(actor, settings, "STarT Back", parent)
        self.episode = episode_records.get_episode(actor, episode_id)
        self.assessed_on = self.date_edit("Assessment date", earliest=self.episode.first_contact_on)
        self.items: list[QButtonGroup] = []
        grid = QGridLayout()
        grid.setHorizontalSpacing(14)
        grid.setColumnStretch(1, 1)
        for number, text in enumerate(ITEM_LABELS, 1):
            choices = ((("Agree", AGREE), ("Disagree", DISAGREE)) if number < ITEM_COUNT
                       else tuple((choice.capitalize(), value) for value, choice in enumerate(BOTHERSOMENESS_CHOICES)))
            self.items.append(self._add_item(grid, number, text, choices))
        questionnaire = QWidget()
        questionnaire.setLayout(grid)

        self.score = QLabel()
        self.score.setAccessibleDescription("STarT Back score")
        self.score.setTextFormat(Qt.TextFormat.RichText)
        credit = QLabel(CREDIT)
        credit.setWordWrap(True)
        credit.setStyleSheet(f"color: {attention_colour('quiet').name()};")
        credit.setAccessibleDescription("Credit")
        # The source's "review and assess improvement within 2 weeks": measured with the
        # stratification unless this is a later re-stratification (untick the box).
        self.improvement = MeasuresPanel(actor, episode_id, optional=True, title="Improvement at this review")

        form = QFormLayout()
        form.addRow("Assessment &date", self.assessed_on)
        form.addRow(questionnaire)
        form.addRow(self.score)
        form.addRow(credit)
        form.addRow(self.improvement)
        self.lay_out(f"<b>{escape(self.episode.patient_name)}</b> — episode from "
                     f"{short_date(self.episode.first_contact_on)}.<br>Read each statement to the patient; "
                     "they agree or disagree, thinking of the last two weeks.", form, "Save STarT Back")
        for group in self.items:
            group.idToggled.connect(self._show_score)
        self._show_score()
        keep_wide_enough(self, 137)

    def _add_item(self, grid: QGridLayout, number: int, text: str, choices) -> QButtonGroup:
        row = number - 1
        label = QLabel(f"&{number}. {text}")  # one line each: the answers line up beside them
        grid.addWidget(label, row, 0, 1, 2)
        group = QButtonGroup(self)
        buttons = QHBoxLayout()
        for caption, value in choices:
            button = QRadioButton(caption)
            button.setAccessibleName(f"Item {number}: {caption}")
            group.addButton(button, value)
            buttons.addWidget(button)
        label.setBuddy(group.buttons()[0])
        if number < ITEM_COUNT:
            grid.addLayout(buttons, row, 2)
        else:  # five choices: a row of their own under the question
            buttons.addStretch(1)
            grid.addLayout(buttons, row + 1, 0, 1, 3)
        return group

    def answers(self) -> list[int | None]:
        return [group.checkedId() if group.checkedButton() else None for group in self.items]

    def _show_score(self) -> None:
        answers = self.answers()
        missing = answers.count(None)
        self.save_button.setEnabled(missing == 0)
        if missing:
            items = "item" if missing == 1 else "items"
            self.score.setText(f"<b>Incomplete</b> — {missing} {items} unanswered. No score until all nine are.")
            return
        score = score_start_back(answers)
        self.score.setText(f"Total <b>{score.total}</b>/9 · psychosocial subscore <b>{score.psychosocial}</b>/5"
                           f" · risk: <b>{score.risk.upper()}</b>")

    def save(self) -> None:
        if None in self.answers():  # Enter pressed on an incomplete questionnaire
            self._show_score()
            return
        if (refusal := self.improvement.refusal()) is not None:
            self.refuse(refusal)
            return
        measured = self.improvement.measured()
        self.run_save(lambda: episodes.record_start_back(
            self.actor, self.episode.id, assessed_on=qdate_to_date(self.assessed_on), answers=self.answers(),
            measures=self.improvement.measures() if measured else None,
            improving=self.improvement.improving_answer() if measured else None))


def for_screenshot(actor, settings, hub) -> QWidget:
    """A low-risk questionnaire, complete, at a 2-week review whose STarT Back is due, with its measures."""
    episode = demo_episode(actor, lambda record, patient: record.start_back is None)
    form = StartBackForm(actor, settings, episode.id)
    for group, answer in zip(form.items, (0, 0, 1, 0, 0, 0, 0, 0, 1)):
        group.button(answer).setChecked(True)
    form.improvement.pain.setValue(6)
    form.improvement.function.setValue(4)
    form.improvement.global_change.setCurrentIndex(4)  # no change
    return form
