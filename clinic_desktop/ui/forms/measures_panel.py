"""The measures of improvement a review takes, as one panel the 2-week review, an ongoing
evaluation and the 12-week check share.

Pain now (0-10), function (a 0-10 rating or the Patient-Specific Functional Scale with up to
three activities) and the patient's global impression of change. Every number starts blank,
so nothing is stored that nobody asked. As soon as all are entered the panel shows what the
pathway suggests, with why, read from the services against the episode's baseline; the
clinician still answers "Improving?" themselves, and nothing is chosen for them.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QSizePolicy,
    QSpinBox,
    QWidget,
)

from clinic_desktop.pathway.care_options import GLOBAL_CHANGE
from clinic_desktop.services.core.actor import Actor
from clinic_desktop.services.episodes import measures
from clinic_desktop.services.episodes.measures import PSFS_ACTIVITY_LENGTH, PSFS_MOST_ACTIVITIES, MeasuresInput
from clinic_desktop.ui.forms.findings_form import hint
from clinic_desktop.ui.ops.op import Op

NOT_ENTERED = -1  # a score's spin box below 0 shows blank: not asked yet
WAITING = "Suggested once pain, function and the patient's impression of change are entered."


class MeasuresPanel(QGroupBox):
    """Pain, function and impression of change; the pathway's suggestion; the clinician's "Improving?".

    ``ask_improving=False`` leaves the judgement to the form (the 12-week outcome asks it as
    "improved"); ``optional=True`` makes the panel a box the clinician may untick to record none.
    ``baseline=True`` is first contact's: pain and function only, the numbers later visits are
    compared with, so there is no impression of change, suggestion nor judgement to ask.
    """

    suggested = Signal(object)  # the pathway's Suggestion, or None while incomplete

    def __init__(self, actor: Actor, episode_id: int | None, *, ask_improving: bool = True, optional: bool = False,
                 baseline: bool = False, title: str = "Improvement", parent=None):
        super().__init__(title, parent)
        self.actor, self.episode_id, self.baseline = actor, episode_id, baseline
        ask_improving = ask_improving and not baseline
        self.suggestion = None
        self.setCheckable(optional)
        self.pain = _score_box("Pain now, 0 to 10")
        self.function = _score_box("Function, 0 to 10")
        self.on_rating = QRadioButton("0–10 &rating")
        self.on_rating.setAccessibleName("Function as a 0 to 10 rating")
        self.on_psfs = QRadioButton("&PSFS")
        self.on_psfs.setToolTip("Patient-Specific Functional Scale: up to three activities the pain limits, "
                                "each scored 0 (unable) to 10 (as before)")
        self.on_psfs.setAccessibleDescription("Function on the Patient-Specific Functional Scale")
        self.on_rating.setChecked(True)
        scales = QButtonGroup(self)
        scales.addButton(self.on_rating)
        scales.addButton(self.on_psfs)
        self.activities = [_activity_row(number) for number in range(1, PSFS_MOST_ACTIVITIES + 1)]
        self.psfs = QWidget()
        grid = QGridLayout(self.psfs)
        grid.setContentsMargins(0, 0, 0, 0)
        for row, (activity, score) in enumerate(self.activities):
            grid.addWidget(activity, row, 0)
            grid.addWidget(score, row, 1)
        grid.setColumnStretch(0, 1)
        self.global_change = QComboBox()
        self.global_change.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.global_change.setAccessibleName("Patient's global impression of change")
        self.global_change.addItem("Choose…", None)
        for value, label in GLOBAL_CHANGE.items():
            self.global_change.addItem(f"{value} — {label}", value)
        self.suggestion_line = QLabel(WAITING)
        self.suggestion_line.setWordWrap(True)
        self.suggestion_line.setTextFormat(Qt.TextFormat.PlainText)
        self.suggestion_line.setAccessibleDescription("Suggested by the pathway")
        self.improving_yes = QRadioButton("&Yes")
        self.improving_yes.setAccessibleName("Improving: yes")
        self.improving_no = QRadioButton("N&o")
        self.improving_no.setAccessibleName("Improving: no")
        self.improving = QButtonGroup(self)
        self.improving.addButton(self.improving_yes)
        self.improving.addButton(self.improving_no)

        form = self.form = QFormLayout(self)
        form.addRow("Pain &now (0 none – 10 worst)", self.pain)
        form.addRow("Function scale", _row(self.on_rating, self.on_psfs))
        form.addRow("&Function (0 unable – 10 as before)", self.function)
        form.addRow(self.psfs)
        form.addRow("Impression of &change", self.global_change)
        form.addRow(self.suggestion_line)
        form.setRowVisible(self.global_change, not baseline)
        form.setRowVisible(self.suggestion_line, not baseline)
        self.improving_row = _row(self.improving_yes, self.improving_no)
        if ask_improving:
            form.addRow("Improving?", self.improving_row)
            form.addRow(hint("The suggestion is the pathway's; the judgement is yours.", wrap=True))
        else:
            self.improving_row.hide()

        for box in (self.pain, self.function, *(score for _, score in self.activities)):
            box.valueChanged.connect(self.refresh)
        for activity, _ in self.activities:
            activity.textChanged.connect(self.refresh)
        self.on_psfs.toggled.connect(self._show_scale)
        self.global_change.currentIndexChanged.connect(self.refresh)
        self.toggled.connect(self.refresh)
        self._show_scale()

    def psfs_chosen(self) -> bool:
        return self.on_psfs.isChecked()

    def measured(self) -> bool:
        """Whether the clinician is recording measures (an optional panel may be unticked)."""
        return not self.isCheckable() or self.isChecked()

    def missing(self) -> str | None:
        """What is still to enter before the measures can be saved, in words; None when complete."""
        if self.pain.value() == NOT_ENTERED:
            return "Enter the patient's pain now, 0 to 10"
        if self.psfs_chosen():
            named = [(activity.text().strip(), score.value()) for activity, score in self.activities]
            if any(bool(name) != (score != NOT_ENTERED) for name, score in named):
                return "Give each activity of the Patient-Specific Functional Scale both a name and a score"
            if not any(name for name, _ in named):
                return "Name at least one activity the pain limits, with its score"
        elif self.function.value() == NOT_ENTERED:
            return "Enter the function score, 0 to 10"
        if self.global_change.currentData() is None and not self.baseline:
            return "Choose the patient's impression of change"
        return None

    def measures(self, notes: str = "") -> MeasuresInput | None:
        """The measures as the services take them; None while something is missing."""
        if self.missing() is not None:
            return None
        if self.psfs_chosen():
            activities = [(activity.text().strip(), score.value()) for activity, score in self.activities
                          if activity.text().strip()]
            return MeasuresInput(self.pain.value(), "psfs", psfs_activities=activities,
                                 global_change=self.global_change.currentData(), notes=notes)
        return MeasuresInput(self.pain.value(), "nrs", self.function.value(),
                             global_change=self.global_change.currentData(), notes=notes)

    def improving_answer(self) -> bool | None:
        """The clinician's "Improving?"; None until they choose."""
        if self.improving_yes.isChecked():
            return True
        return False if self.improving_no.isChecked() else None

    def refusal(self) -> str | None:
        """Why the form may not save the measures yet, in words; None when it may."""
        if not self.measured():
            return None
        if (missing := self.missing()) is not None:
            return missing
        if self.improving_row.isVisibleTo(self) and self.improving_answer() is None:
            return "Say whether the patient is improving: yes or no"
        return None

    def refresh(self) -> None:
        """Ask the pathway for its suggestion once everything is entered (one keyed read)."""
        given = self.measures() if self.measured() else None
        if self.baseline:
            return  # nothing earlier to compare a baseline with
        if given is None:
            self._show(None, WAITING)
            return
        Op(self, lambda: measures.suggested_improvement(self.actor, self.episode_id, given)).success(
            lambda suggestion: self._show(suggestion, _in_words(suggestion))).failure(
            lambda why: self._show(None, f"No suggestion: {why}")).run()

    def _show(self, suggestion, text: str) -> None:
        self.suggestion = suggestion
        self.suggestion_line.setText(text)
        self.suggested.emit(suggestion)

    def _show_scale(self) -> None:
        psfs = self.psfs_chosen()
        self.form.setRowVisible(self.psfs, psfs)
        self.form.setRowVisible(self.function, not psfs)
        self.refresh()


def _in_words(suggestion) -> str:
    return f"Suggested: {'improved' if suggestion.improved else 'not improved'} — {suggestion.why}"


def _score_box(accessible_name: str) -> QSpinBox:
    box = QSpinBox()
    box.setRange(NOT_ENTERED, 10)
    box.setValue(NOT_ENTERED)
    box.setSpecialValueText("—")  # blank until entered
    box.setAccessibleName(accessible_name)
    box.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
    return box


def _activity_row(number: int) -> tuple[QLineEdit, QSpinBox]:
    activity = QLineEdit()
    activity.setPlaceholderText(f"Activity {number} the pain limits, e.g. walking 1 km")
    activity.setAccessibleName(f"Activity {number}")
    activity.setMaxLength(PSFS_ACTIVITY_LENGTH)
    return activity, _score_box(f"Activity {number}: score 0 to 10")


def _row(*widgets: QWidget) -> QWidget:
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        layout.addWidget(widget)
    layout.addStretch(1)
    return row
