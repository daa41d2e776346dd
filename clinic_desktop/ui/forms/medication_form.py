"""Starting, stopping and keeping on an episode's medicines, with every warning shown before saving.

A muscle relaxant meeting hepatic impairment on record brings a warning (DESIGN.md rule 2):
mild, a caution to start at 5 mg (acknowledged to start above it); moderate or severe, "not
recommended", which the clinician must acknowledge before it can be recorded. A relaxant
without spasm, an NSAID against a recorded contraindication and an opioid bring the source's
cautions too (medicine_entry.py shows them). The name completes from the clinic's list of
medicines, and a listed name sets its own category (a relaxant or opioid is one however it
is filed), so the warnings show as soon as the medicine is named and dosed, worded as the
core words them, and nothing is a surprise at Save. A relaxant still running past its
review is stopped or, with a reason, kept on.
"""
from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from clinic_desktop.services.admin.settings import ClinicSettings
from clinic_desktop.services.core.actor import Actor
from clinic_desktop.services.core.errors import AcknowledgementRequired, ServiceError
from clinic_desktop.services.episodes import episode_records, episodes, medications
from clinic_desktop.services.episodes.episode_records import EpisodeRecord
from clinic_desktop.services.patients import patients
from clinic_desktop.ui.forms.medicine_entry import (
    CATEGORY_LABELS,
    MedicineFields,
    PrescribingCautions,
    category_combo,
    medicine_text,
)
from clinic_desktop.ui.forms.pathway_form import PathwayForm, demo_episode, qdate_to_date
from clinic_desktop.ui.ops.op import Op
from clinic_desktop.ui.widgets.form_dialog import keep_wide_enough
from clinic_desktop.ui.widgets.palette import attention_colour
from clinic_desktop.ui.widgets.time_format import short_date


class MedicationForm(PathwayForm):
    """Record a medicine started, or stop one the patient is taking."""

    def __init__(self, actor: Actor, settings: ClinicSettings, episode_id: int, parent=None):
        super().__init__(actor, settings, "Medicines", parent)
        self.episode: EpisodeRecord = episode_records.get_episode(actor, episode_id)
        hepatic = patients.get_patient(actor, self.episode.patient_id).hepatic_impairment
        first = self.episode.first_contact_on
        self.medicine = MedicineFields("Medicine", "e.g. cyclobenzaprine", self)
        self.name = self.medicine.name
        self.category = category_combo("Medicine category")
        self.started_on = self.date_edit("Date it started", earliest=first)
        self.caution = PrescribingCautions()
        self.category.currentIndexChanged.connect(lambda _: self.medicine.set_category(self.category.currentData()))
        self.name.textChanged.connect(self._category_from_name)
        self.medicine.changed.connect(self._show_caution)
        self.keep_dialog: QInputDialog | None = None

        start = QFormLayout()
        self.medicine.add_rows(start, [("&Category", self.category)])
        start.addRow("S&tarted", self.started_on)
        start.addRow(self.caution)
        start_group = QGroupBox("Start a medicine")
        start_group.setLayout(start)

        self.current = QListWidget()
        self.current.setAccessibleName("Current medicines")
        for medicine in self.episode.medications:
            if medicine.stopped_on is None:
                item = QListWidgetItem(medicine_text(medicine))
                item.setData(Qt.ItemDataRole.UserRole, medicine.id)
                item.setData(Qt.ItemDataRole.UserRole + 1, medicine.category)
                self.current.addItem(item)
        self.current.setMaximumHeight(24 * max(3, min(self.current.count(), 6)))
        self.stopped_on = self.date_edit("Date it stopped", earliest=first)
        self.stop_button = QPushButton("&Stop selected medicine")
        self.stop_button.setAutoDefault(False)
        self.stop_button.clicked.connect(self.stop_selected)
        self.keep_button = QPushButton("&Keep on…")
        self.keep_button.setAutoDefault(False)
        self.keep_button.setToolTip("Keep the selected muscle relaxant on past its review, with the reason; "
                                    "it is asked about again 21 days later")
        self.keep_button.clicked.connect(self.keep_selected)
        self.current.currentItemChanged.connect(self._enable_keep)
        stop_row = QHBoxLayout()
        stopped_label = QLabel("Stopped &on")
        stopped_label.setBuddy(self.stopped_on)
        stop_row.addWidget(stopped_label)
        stop_row.addWidget(self.stopped_on)
        stop_row.addWidget(self.stop_button)
        stop_row.addWidget(self.keep_button)
        stop_row.addStretch(1)
        current_layout = QVBoxLayout()
        self._enable_keep()
        if self.current.count():
            self.current.setCurrentRow(0)
            current_layout.addWidget(self.current)
            current_layout.addLayout(stop_row)
        else:
            self.current.hide()
            current_layout.addWidget(QLabel("No current medicines."))
        current_group = QGroupBox("Current medicines")
        current_group.setLayout(current_layout)

        form = QFormLayout()
        form.addRow(start_group)
        form.addRow(current_group)
        impairment = "none known" if hepatic == "none" else hepatic
        self.lay_out(f"<b>{escape(self.episode.patient_name)}</b> — episode from {short_date(first)}. "
                     f"Hepatic impairment on record: <b>{impairment}</b>.", form, "&Record medicine")
        keep_wide_enough(self, 93)

    def _category_from_name(self, name: str) -> None:
        """A listed medicine files itself: a relaxant typed under another category cannot dodge its warning."""
        category = medications.category_of(name)
        if category is not None:
            self.category.setCurrentIndex(list(CATEGORY_LABELS).index(category))

    def _enable_keep(self, *_) -> None:
        item = self.current.currentItem()
        self.keep_button.setEnabled(item is not None and item.data(Qt.ItemDataRole.UserRole + 1) == "muscle_relaxant")

    def _show_caution(self) -> None:
        code = self.category.currentData()
        if code is None:
            self.caution.show_cautions(())
            return
        query = self.medicine.caution_query()
        (Op(self, lambda: episode_records.prescribing_caution(self.actor, self.episode.patient_id, code, **query))
         .success(self.caution.show_cautions).failure(self.refuse).run())

    def save(self) -> None:
        code = self.category.currentData()
        if code is None:
            self.refuse("Choose the medicine's category")
            return
        medicine = self.medicine.medicine(code, qdate_to_date(self.started_on))
        self.run_save(lambda: episodes.record_medication(
            self.actor, self.episode.id, name=medicine.name, category=medicine.category,
            started_on=medicine.started_on, dose_amount=medicine.dose_amount, dose_unit=medicine.dose_unit,
            dose_frequency=medicine.dose_frequency, indication=medicine.indication,
            spasm_present=medicine.spasm_present, acknowledge_warning=self.caution.acknowledged))

    def stop_selected(self) -> None:
        item = self.current.currentItem()
        if item is None:
            self.refuse("Choose the medicine that stopped")
            return
        medication_id = item.data(Qt.ItemDataRole.UserRole)
        stopped_on = qdate_to_date(self.stopped_on)
        # The form stays open: a new medicine may be half typed above (a switch from one to another).
        if self.run_save(lambda: episodes.stop_medication(self.actor, medication_id, stopped_on), close=False):
            self.current.takeItem(self.current.row(item))
            self.stop_button.setEnabled(self.current.count() > 0)
            self.message.setText(f"<span style='color:{attention_colour('ok').name()}'>✓ Stopped "
                                 f"{escape(item.text().split(' — ')[0])} on {short_date(stopped_on)}.</span>")

    def keep_selected(self) -> None:
        """Ask why the selected relaxant stays on; the decision is recorded as made today."""
        item = self.current.currentItem()
        if item is None:
            return
        name = item.text().split(" — ")[0]
        dialog = QInputDialog(self)
        dialog.setWindowTitle("Keep on")
        dialog.setLabelText(f"Why should {name} stay on? Muscle relaxants beyond 2–3 weeks are a listed pitfall; "
                            "you will be asked again in 21 days.")
        dialog.setOkButtonText("Keep it on")
        dialog.findChild(QLabel).setWordWrap(True)
        keep_wide_enough(dialog, 77)
        dialog.resize(dialog.minimumWidth(), dialog.sizeHint().height())
        dialog.textValueSelected.connect(lambda reason: self._keep(item, reason))
        self.keep_dialog = dialog
        dialog.open()

    def _keep(self, item: QListWidgetItem, reason: str) -> None:
        medication_id, today = item.data(Qt.ItemDataRole.UserRole), self.clinic_today()
        if self.run_save(lambda: episodes.keep_medication_on(self.actor, medication_id, reason=reason,
                                                             decided_on=today), close=False):
            self.message.setText(f"<span style='color:{attention_colour('ok').name()}'>✓ Keeping "
                                 f"{escape(item.text().split(' — ')[0])} on: {escape(reason.strip())}.</span>")

    def on_refused(self, error: ServiceError) -> None:
        if isinstance(error, AcknowledgementRequired):
            self._show_caution()  # the impairment on record may have changed since the form opened
        super().on_refused(error)


def for_screenshot(actor, settings, hub) -> QWidget:
    """A muscle relaxant at 10 mg being added for a patient whose liver makes it a caution."""
    episode = demo_episode(actor, lambda record, patient: patient.hepatic_impairment != "none")
    form = MedicationForm(actor, settings, episode.id)
    form.name.setText("cyclobenzaprine")
    form.medicine.amount.setValue(10)
    form.medicine.unit.setCurrentIndex(form.medicine.unit.findData("mg"))
    form.medicine.frequency.setCurrentIndex(form.medicine.frequency.findData("at_night"))
    form.medicine.indication.setText("muscle spasm after lifting")
    form.medicine.spasm.yes.setChecked(True)
    return form
