"""First contact: day 0 of an episode of back pain, its initial management and presentation.

Everything the pathway reads from first contact is on one form (DESIGN.md rule 1): the
advice and analgesia given, the presentation and severity, and the findings that call for
an early or urgent referral, so saving it once schedules the 2-week review and raises
whatever the findings need. A muscle relaxant for a patient with hepatic impairment shows
its warning before saving and, where the core requires it, needs an explicit acknowledgement.
"""
from __future__ import annotations

from html import escape

from PySide6.QtWidgets import (
    QButtonGroup,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from clinic_desktop.services.admin.settings import ClinicSettings
from clinic_desktop.services.core.actor import Actor
from clinic_desktop.services.core.errors import AcknowledgementRequired, ServiceError
from clinic_desktop.services.episodes import episode_records, episodes
from clinic_desktop.services.episodes.episodes import PRESENTATIONS, SEVERITIES
from clinic_desktop.services.patients import patients
from clinic_desktop.ui.forms.advice_section import AdviceSection
from clinic_desktop.ui.forms.findings_form import RadicularFindings, RedFlagChecklist, notes_edit
from clinic_desktop.ui.forms.measures_panel import MeasuresPanel
from clinic_desktop.ui.forms.medicine_entry import ANALGESIA, AnalgesiaRow, PrescribingCautions
from clinic_desktop.ui.forms.pathway_form import PathwayForm, demo_episode, qdate_to_date
from clinic_desktop.ui.ops.op import Op
from clinic_desktop.ui.widgets.reflowing_columns import ReflowingColumns
from clinic_desktop.ui.widgets.time_format import short_date

PRESENTATION_LABELS = {"non_specific": "N&on-specific low back pain", "radicular": "&Radicular pain"}
SEVERITY_LABELS = {"mild": "M&ild", "moderate": "Mo&derate", "severe": "Se&vere"}


def choice_group(labels: dict[str, str], accessible: str, parent: QWidget) -> tuple[QButtonGroup, QWidget]:
    """Radio buttons for one of a fixed set of codes, none chosen until the clinician chooses."""
    group = QButtonGroup(parent)
    box = QWidget()
    layout = QHBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    for number, (code, label) in enumerate(labels.items()):
        button = QRadioButton(label)
        button.setAccessibleName(f"{accessible}: {label.replace('&', '')}")
        button.setProperty("code", code)
        group.addButton(button, number)
        layout.addWidget(button)
    layout.addStretch(1)
    return group, box


def chosen(group: QButtonGroup) -> str | None:
    button = group.checkedButton()
    return button.property("code") if button else None


class FirstContactForm(PathwayForm):
    """Open an episode for a patient: first contact, management given, presentation and findings."""

    def __init__(self, actor: Actor, settings: ClinicSettings, patient_id: int, parent=None):
        super().__init__(actor, settings, "First contact", parent)
        self.patient = patients.get_patient(actor, patient_id)
        self.first_contact_on = self.date_edit("First contact date")

        self.advice = AdviceSection(actor)

        analgesia = QGroupBox("Analgesia given")
        column = QVBoxLayout(analgesia)
        self.analgesia = [AnalgesiaRow(column, *details) for details in ANALGESIA]
        self.caution = PrescribingCautions()
        column.addWidget(self.caution)
        for row in self.analgesia:
            row.given.toggled.connect(self._show_caution)
            row.fields.changed.connect(self._show_caution)

        self.presentation, presentation_box = choice_group(
            {code: PRESENTATION_LABELS[code] for code in PRESENTATIONS}, "Presentation", self)
        self.severity, severity_box = choice_group({code: SEVERITY_LABELS[code] for code in SEVERITIES}, "Severity",
                                                   self)
        presentation = QGroupBox("Presentation")
        presentation_form = QFormLayout(presentation)
        presentation_form.addRow(presentation_box)
        presentation_form.addRow("Severity", severity_box)

        # The baseline later reviews measure improvement against (the source's "review and
        # assess improvement within 2 weeks"); unticked, none is recorded.
        self.baseline = MeasuresPanel(actor, None, baseline=True, optional=True,
                                      title="Pain and function today (the baseline)")

        self.radicular = RadicularFindings()
        self.red_flags = RedFlagChecklist()
        self.notes = notes_edit("Notes")

        left = QVBoxLayout()
        date_row = QFormLayout()
        date_row.addRow("First &contact date", self.first_contact_on)
        left.addLayout(date_row)
        left.addWidget(self.advice)
        left.addWidget(analgesia)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(presentation)
        right.addWidget(self.baseline)
        right.addWidget(_group("Radicular status", self.radicular))
        right.addWidget(_group("Red flags", self.red_flags))
        notes_label = QLabel("Note&s")
        notes_label.setBuddy(self.notes)
        right.addWidget(notes_label)
        right.addWidget(self.notes)
        form = QFormLayout()
        form.addRow(ReflowingColumns(left, right))  # one under the other at a large font on a laptop
        self.lay_out(_patient_line(self.patient) + "<br>Saving opens a new episode of back pain: this is its day 0.",
                     form, "Save first contact")

    def _show_caution(self) -> None:
        """Every warning the ticked medicines would bring, as the save will word them."""
        given = [(row.category, row.fields.caution_query()) for row in self.analgesia if row.given.isChecked()]
        (Op(self, lambda: tuple(caution for category, query in given for caution in
                                episode_records.prescribing_caution(self.actor, self.patient.id, category, **query)))
         .success(self.caution.show_cautions).failure(self.refuse).run())

    def save(self) -> None:
        presentation, severity = chosen(self.presentation), chosen(self.severity)
        if presentation is None:
            self.refuse("Choose the presentation: non-specific low back pain or radicular pain")
            return
        if severity is None:
            self.refuse("Choose the severity: mild, moderate or severe")
            return
        if (refusal := self.baseline.refusal()) is not None:
            self.refuse(refusal)
            return
        medicines = [medicine for medicine in (row.medicine() for row in self.analgesia) if medicine]
        self.run_save(lambda: episodes.open_episode(
            self.actor, self.patient.id, first_contact_on=qdate_to_date(self.first_contact_on),
            presentation=presentation, severity=severity, initial_management=self.advice.answers(),
            medications=medicines, severe_radicular_pain=self.radicular.severe_pain.isChecked(),
            neurological_deficit=self.radicular.deficit.isChecked(), red_flags=self.red_flags.flags(),
            notes=self.notes.toPlainText(), acknowledge_warnings=self.caution.acknowledged,
            measures=self.baseline.measures() if self.baseline.measured() else None))

    def on_refused(self, error: ServiceError) -> None:
        self.advice.point_to(getattr(error, "field", None))
        if isinstance(error, AcknowledgementRequired):
            self._show_caution()  # the impairment on record may have changed since the form opened
        super().on_refused(error)


def _group(title: str, *widgets: QWidget) -> QGroupBox:
    group = QGroupBox(title)
    layout = QVBoxLayout(group)
    for widget in widgets:
        layout.addWidget(widget)
    return group


def _patient_line(patient: patients.PatientRecord) -> str:
    nhs = f" · NHS {patient.nhs_number_display}" if patient.nhs_number_display else ""
    hepatic = "" if patient.hepatic_impairment == "none" else (
        f" · <b>Hepatic impairment: {patient.hepatic_impairment}</b>")
    return (f"<b>{escape(patient.display_name)}</b>, {patient.age}, born {short_date(patient.date_of_birth)}"
            f"{nhs}{hepatic}")


def for_screenshot(actor, settings, hub) -> QWidget:
    """A first contact with a muscle relaxant for a patient whose liver makes it not recommended."""
    record = demo_episode(actor, lambda episode, patient: patient.hepatic_impairment in ("moderate", "severe"))
    form = FirstContactForm(actor, settings, record.patient_id)
    for field, question in form.advice.questions.items():
        question.set_answer(field not in ("bed_rest_advised", "resources_online", "massage_advised"))
    nsaid, _, relaxant, _, _ = form.analgesia
    for row, name, amount, frequency in ((nsaid, "naproxen", 500, "twice_daily"),
                                         (relaxant, "cyclobenzaprine", 5, "at_night")):
        row.given.setChecked(True)
        row.fields.name.setText(name)
        row.fields.amount.setValue(amount)
        row.fields.unit.setCurrentIndex(row.fields.unit.findData("mg"))
        row.fields.frequency.setCurrentIndex(row.fields.frequency.findData(frequency))
    relaxant.fields.indication.setText("muscle spasm")
    relaxant.fields.spasm.yes.setChecked(True)
    form.presentation.button(1).setChecked(True)
    form.severity.button(1).setChecked(True)
    form.radicular.severe_pain.setChecked(True)
    form.notes.setPlainText("Pain down the left leg to the ankle since lifting at work; sleeping poorly.")
    return form
