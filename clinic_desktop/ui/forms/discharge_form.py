"""Discharge: closing an episode, with its reason and a decision for everything still open.

DESIGN.md, "The safety net": discharge closes nothing silently. The form lists each open item
(services/episodes/discharge.py): those needing a decision each get a choice, and a reason where the
choice needs one; "Hand remaining items to" names the colleague (or the unassigned list) that
handed-over items go to; the rest say what becomes of them. Discharge stays greyed until every
item has its decision, and a line says what is still missing.
"""
from __future__ import annotations

from html import escape

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QWidget,
)

from clinic_desktop.services.admin.settings import ClinicSettings
from clinic_desktop.services.appointments import appointment_book
from clinic_desktop.services.core.actor import Actor
from clinic_desktop.services.episodes import discharge, episode_records
from clinic_desktop.services.episodes.discharge import (
    CHOICE_LABELS,
    HAND_OVER,
    REASON_NEEDED,
    DischargeItem,
    ItemDecision,
)
from clinic_desktop.services.episodes.handover import UNASSIGNED
from clinic_desktop.ui.forms.pathway_form import PathwayForm, demo_episode, qdate_to_date
from clinic_desktop.ui.widgets.form_dialog import keep_wide_enough
from clinic_desktop.ui.widgets.time_format import short_date

COMMON_REASONS = (
    "Improved: self-managing",
    "Symptoms resolved",
    "Care continues with the specialist service referred to",
    "Did not attend and could not be contacted",
    "Moved away or registered elsewhere",
    "Patient's choice",
)
WHAT_DISCHARGE_DOES = (
    "Discharge closes this episode of back pain; the pathway schedules nothing more for it, and a new "
    "problem is a new first contact. Reviews still waiting to be booked are cancelled (reason "
    "“discharged”). Nothing else is closed silently: decide below what becomes of each item still open."
)
NO_CHOICE = "Choose…"


class DecisionRow:
    """One open item's choice and, when the choice needs one, its reason."""

    def __init__(self, item: DischargeItem, on_change):
        self.item = item
        self.title = QLabel(f"<b>{escape(item.title)}</b>{' <b>(URGENT)</b>' if item.urgent else ''}"
                            f"<br>{escape(item.detail)}")
        self.title.setWordWrap(True)
        self.choice = QComboBox()
        self.choice.addItem(NO_CHOICE, None)
        for choice in item.choices:
            self.choice.addItem(CHOICE_LABELS[choice], choice)
        self.choice.setAccessibleName(f"Decision for {item.title}")
        self.reason = QLineEdit()
        self.reason.setAccessibleName(f"Reason for {item.title}")
        self.reason.setPlaceholderText("the reason, in a few words")
        self.choice.currentIndexChanged.connect(lambda _index: (self._show_reason(), on_change()))
        self.reason.textChanged.connect(lambda _text: on_change())
        self._show_reason()

    @property
    def chosen(self) -> str | None:
        return self.choice.currentData()

    @property
    def missing(self) -> bool:
        return self.chosen is None or (self.chosen in REASON_NEEDED and not self.reason.text().strip())

    def decision(self) -> ItemDecision:
        reason = self.reason.text() if self.chosen in REASON_NEEDED else ""
        return ItemDecision(self.item.kind, self.item.item_id, self.chosen, reason)

    def _show_reason(self) -> None:
        self.reason.setEnabled(self.chosen in REASON_NEEDED)


class DischargeForm(PathwayForm):
    """Discharge an episode: the date, the reason, and a decision for each open item."""

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
        self.what.setAccessibleDescription("What discharge does")

        items = discharge.discharge_items(actor, episode_id)
        self.rows = [DecisionRow(item, self._update_save) for item in items if item.needs_decision]
        self.staying = QLabel(_staying_text([item for item in items if not item.needs_decision]))
        self.staying.setWordWrap(True)
        self.staying.setAccessibleDescription("What happens to the other open items")
        self.hand_to = QComboBox(self)  # owned by the form even when nothing is open to hand over
        self.hand_to.setAccessibleName("Hand remaining items to")
        self.hand_to.addItem(NO_CHOICE, None)
        for clinician in appointment_book.clinicians(actor):
            me = " (me)" if clinician.id == actor.user_id else ""
            self.hand_to.addItem(f"{clinician.full_name}{me}", clinician.id)
        self.hand_to.addItem("The unassigned list (every clinician sees it)", UNASSIGNED)
        self.hand_to.currentIndexChanged.connect(lambda _index: self._update_save())
        self.still_needed = QLabel()
        self.still_needed.setWordWrap(True)
        self.still_needed.setAccessibleDescription("What is still to decide")

        form = QFormLayout()
        form.addRow("&Date", self.discharged_on)
        form.addRow("&Reason", self.reason)
        form.addRow(self.what)
        if self.rows:
            form.addRow(QLabel(f"<b>Still open: {len(self.rows)} "
                               f"{'item needs' if len(self.rows) == 1 else 'items need'} your decision</b>"))
            form.addRow(self._decision_area())
            form.addRow("&Hand remaining items to", self.hand_to)
        else:
            self.hand_to.hide()
        form.addRow(self.staying)
        form.addRow(self.still_needed)
        self.lay_out(f"<b>{escape(self.episode.patient_name)}</b> — episode from "
                     f"{short_date(self.episode.first_contact_on)}.", form, "Discharge")
        self.reason.currentTextChanged.connect(lambda _text: self._update_save())
        keep_wide_enough(self, 120)
        self._update_save()

    def _decision_area(self) -> QWidget:
        inner = QWidget()
        grid = QGridLayout(inner)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(2, 2)
        for number, row in enumerate(self.rows):
            grid.addWidget(row.title, number, 0)
            grid.addWidget(row.choice, number, 1)
            grid.addWidget(row.reason, number, 2)
        if len(self.rows) <= 4:
            return inner
        area = QScrollArea()
        area.setWidgetResizable(True)
        area.setWidget(inner)
        area.setMinimumHeight(260)
        return area

    def missing(self) -> list[str]:
        """What still stops the discharge, in words (empty: it may be saved)."""
        needed = [f"a decision for “{row.item.title}”" if row.chosen is None else f"the reason for “{row.item.title}”"
                  for row in self.rows if row.missing]
        if self.hand_to.currentData() is None and any(row.chosen == HAND_OVER for row in self.rows):
            needed.append("who the handed-over items go to")
        return needed

    def _update_save(self) -> None:
        missing = self.missing()
        if self.save_button is not None:
            self.save_button.setEnabled(not missing)
        self.hand_to.setEnabled(any(row.chosen == HAND_OVER for row in self.rows))
        self.still_needed.setText("Still to decide before discharging: " + "; ".join(missing) + "." if missing else "")

    def save(self) -> None:
        if self.missing():
            return
        handing = any(row.chosen == HAND_OVER for row in self.rows)
        self.run_save(lambda: discharge.discharge_episode(
            self.actor, self.episode.id, discharged_on=qdate_to_date(self.discharged_on),
            reason=self.reason.currentText(), decisions=[row.decision() for row in self.rows],
            hand_over_to=self.hand_to.currentData() if handing else None))


def _staying_text(items: list[DischargeItem]) -> str:
    if not items:
        return ""
    lines = "".join(f"<li>{escape(item.title)}{' (URGENT)' if item.urgent else ''} — "
                    f"{escape(item.without_decision)}</li>" for item in items)
    return f"Needing no decision here:<ul style='margin: 0'>{lines}</ul>"


def for_screenshot(actor, settings, hub) -> QWidget:
    """Discharging a patient with items still open, the first decisions made, one still to make."""
    episode = demo_episode(actor, lambda record, patient: sum(
        item.needs_decision for item in discharge.discharge_items(actor, record.id)) >= 2)
    form = DischargeForm(actor, settings, episode.id)
    form.reason.setCurrentIndex(0)
    if form.rows:
        form.rows[0].choice.setCurrentIndex(form.rows[0].choice.count() - 1)  # hand over, or keep
        form.hand_to.setCurrentIndex(1)
    return form
