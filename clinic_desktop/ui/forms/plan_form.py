"""A patient-centred management plan, agreed with the patient: goals, treatments, lifestyle changes.

The source asks for one at medium risk and lists the options to choose from
(reference/back-pain-stepped-care.txt, "Non-Pharmacological Options" and "Lifestyle
Modifications"); the boxes follow its order, and the treatments done to the patient rather
than by them are marked "passive", since a plan of those alone is a listed pitfall. As the
treatments are ticked the form shows the warnings the plan would bring (passive treatments
only; high risk without a psychosocial approach), worded by the same pathway function as the
save will store them, so nothing is a surprise at Save. A new plan replaces the last, so the
form opens with the plan that stands, to be adjusted.
"""
from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from clinic_desktop.pathway.care_options import LIFESTYLE_CHANGES, PASSIVE_TREATMENTS, TREATMENTS
from clinic_desktop.services.admin.settings import ClinicSettings
from clinic_desktop.services.core.actor import Actor
from clinic_desktop.services.episodes import episode_records, plan_records, plans
from clinic_desktop.services.episodes.plans import PlanCaution
from clinic_desktop.ui.forms.findings_form import hint, notes_edit
from clinic_desktop.ui.forms.pathway_form import PathwayForm, check_box, demo_episode, qdate_to_date
from clinic_desktop.ui.ops.op import Op
from clinic_desktop.ui.widgets.form_dialog import keep_wide_enough
from clinic_desktop.ui.widgets.palette import banner_style
from clinic_desktop.ui.widgets.reflowing_columns import ReflowingColumns
from clinic_desktop.ui.widgets.time_format import short_date

BMI_HINT = "Needed with weight management (for an elevated BMI)."


class PlanForm(PathwayForm):
    """Agree a management plan for an episode; it replaces the plan that stands."""

    def __init__(self, actor: Actor, settings: ClinicSettings, episode_id: int, parent=None):
        super().__init__(actor, settings, "Management plan", parent)
        self.episode = episode_records.get_episode(actor, episode_id)
        standing = plan_records.current_plan(actor, episode_id)
        self.agreed_on = self.date_edit("Date the plan was agreed", earliest=self.episode.first_contact_on)
        self.goals = notes_edit("Patient's goals", lines=4)
        self.goals.setPlaceholderText("In the patient's words: e.g. walk the dog for 30 minutes; back to gardening")
        self.treatments = {key: check_box(label + (" — passive" if key in PASSIVE_TREATMENTS else ""),
                                          "Treatment") for key, label in TREATMENTS.items()}
        self.lifestyle = {key: check_box(label, "Lifestyle") for key, label in LIFESTYLE_CHANGES.items()}
        self.bmi = QDoubleSpinBox()
        self.bmi.setAccessibleName("BMI")
        self.bmi.setDecimals(1)
        self.bmi.setRange(0, 80)
        self.bmi.setSpecialValueText("not recorded")  # 0: no BMI given
        self.bmi.setSizePolicy(self.agreed_on.sizePolicy())
        self.notes = notes_edit("Plan notes", lines=2)
        self.caution = QLabel()
        self.caution.setObjectName("planCaution")
        self.caution.setWordWrap(True)
        self.caution.setTextFormat(Qt.TextFormat.PlainText)
        self.caution.setAccessibleDescription("Plan caution")
        self.caution.hide()

        form = QFormLayout()
        form.addRow("Ag&reed on", self.agreed_on)
        form.addRow("Patient's &goals", self.goals)
        form.addRow(_boxes("Treatments", self.treatments.values()))
        form.addRow(self.caution)
        form.addRow(_boxes("Lifestyle", self.lifestyle.values()))
        form.addRow("&BMI", self.bmi)
        form.addRow("", hint(BMI_HINT))
        form.addRow("N&otes", self.notes)
        self.lay_out(_intro(self.episode, standing), form, "&Agree plan")
        if standing is not None:
            self._fill(standing)
        for box in self.treatments.values():
            box.toggled.connect(self._show_cautions)
        self.agreed_on.dateChanged.connect(self._show_cautions)
        self._show_cautions()
        keep_wide_enough(self, 120)

    def _fill(self, plan: plan_records.PlanRecord) -> None:
        self.goals.setPlainText(plan.goals)
        for key in plan.treatments:
            self.treatments[key].setChecked(True)
        for key in plan.lifestyle:
            self.lifestyle[key].setChecked(True)
        self.bmi.setValue(float(plan.bmi or 0))
        self.notes.setPlainText(plan.notes)

    def chosen_treatments(self) -> list[str]:
        return [key for key, box in self.treatments.items() if box.isChecked()]

    def _show_cautions(self, *_) -> None:
        episode_id, treatments, agreed_on = self.episode.id, self.chosen_treatments(), qdate_to_date(self.agreed_on)
        (Op(self, lambda: plans.plan_cautions(self.actor, episode_id, treatments, agreed_on))
         .success(self._cautions_read).failure(self.refuse).run())

    def _cautions_read(self, cautions: tuple[PlanCaution, ...]) -> None:
        if not cautions:
            self.caution.hide()
            return
        lines = [f"⚠ {caution.message}" for caution in cautions]
        if any(caution.requires_acknowledgement for caution in cautions):
            lines.append("Saved as it is, the plan waits on your list of warnings until acknowledged.")
        self.caution.setText("\n".join(lines))
        self.caution.setStyleSheet(banner_style("planCaution", "urgent"))
        self.caution.show()

    def save(self) -> None:
        bmi = round(self.bmi.value(), 1) or None  # 0 reads "not recorded"
        self.run_save(lambda: plans.record_plan(
            self.actor, self.episode.id, agreed_on=qdate_to_date(self.agreed_on), goals=self.goals.toPlainText(),
            treatments=self.chosen_treatments(),
            lifestyle=[key for key, box in self.lifestyle.items() if box.isChecked()],
            bmi=bmi, notes=self.notes.toPlainText()))


def _boxes(title: str, boxes) -> QGroupBox:
    """Check boxes in two columns, in the source's order (down the first column, then the
    second); one column when the two would not fit side by side."""
    boxes = list(boxes)
    half = (len(boxes) + 1) // 2
    columns = (QVBoxLayout(), QVBoxLayout())
    for index, box in enumerate(boxes):
        columns[index // half].addWidget(box)
    columns[1].addStretch(1)  # the shorter column's boxes stay in line with the first's
    group = QGroupBox(title)
    QVBoxLayout(group).addWidget(ReflowingColumns(*columns))
    return group


def _intro(episode, standing) -> str:
    text = f"<b>{escape(episode.patient_name)}</b> — episode from {short_date(episode.first_contact_on)}."
    if episode.start_back is not None:
        text += (f" STarT Back: <b>{episode.start_back.risk} risk</b> "
                 f"({short_date(episode.start_back.assessed_on)}).")
    if standing is not None:
        text += (f"<br>The plan agreed on {short_date(standing.agreed_on)} is shown: agreeing this one "
                 "replaces it.")
    return text + "<br>Agree the goals with the patient, then the treatments and changes that serve them."


def for_screenshot(actor, settings, hub) -> QWidget:
    """A plan of passive treatments only being agreed for a patient at medium or high risk: its caution shows."""
    episode = demo_episode(actor, lambda record, patient: record.start_back is not None
                           and record.start_back.risk in ("medium", "high"))
    form = PlanForm(actor, settings, episode.id)
    form.goals.setPlainText("Walk the dog for 30 minutes every day\nBack to gardening by the spring")
    for key, box in form.treatments.items():
        box.setChecked(key in ("massage", "heat"))
    for key, box in form.lifestyle.items():
        box.setChecked(key in ("stay_active", "weight_management"))
    form.bmi.setValue(31.2)
    return form
