"""Starting, stopping and keeping on an episode's medicines, with the hepatic warning shown before saving.

A muscle relaxant meeting hepatic impairment on record brings a warning (DESIGN.md rule 2):
mild, a caution to start at 5 mg; moderate or severe, "not recommended", which the
clinician must acknowledge before it can be recorded. The name completes from the clinic's
list of medicines, and a listed name sets its own category (a relaxant is a relaxant however
it is filed), so the warning shows as soon as the medicine is named, worded as the core
words it, and nothing is a surprise at Save. A relaxant still running past its review is
stopped or, with a reason, kept on.
"""
from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
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
from clinic_desktop.services.episodes.episode_records import EpisodeRecord, MedicationRecord, PrescribingCaution
from clinic_desktop.services.patients import patients
from clinic_desktop.ui.forms.pathway_form import PathwayForm, check_box, demo_episode, qdate_to_date, stacked
from clinic_desktop.ui.ops.op import Op
from clinic_desktop.ui.widgets.palette import attention_colour, banner_style
from clinic_desktop.ui.widgets.time_format import short_date

CATEGORY_LABELS = {"nsaid": "NSAID", "topical": "Topical analgesic", "muscle_relaxant": "Muscle relaxant",
                   "other": "Other"}


class HepaticCaution(QWidget):
    """The hepatic warning for a medicine about to be recorded, and its acknowledgement if required."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.text = QLabel()
        self.text.setObjectName("hepaticCaution")
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.text.setAccessibleName("Hepatic warning")
        self.acknowledge = check_box("I have considered this warning and prescribe it any&way",
                                     "Acknowledge the hepatic warning")
        stacked(self, self.text, self.acknowledge)
        self._caution: PrescribingCaution | None = None
        self.show_caution(None)

    def show_caution(self, caution: PrescribingCaution | None) -> None:
        self._caution = caution
        if caution is None:
            self.acknowledge.setChecked(False)
            self.hide()
            return
        needs = caution.requires_acknowledgement
        self.text.setText(f"⚠ {caution.message}" + (" Acknowledge it to record this medicine." if needs else ""))
        self.text.setStyleSheet(banner_style("hepaticCaution", "urgent" if needs else "info"))
        self.acknowledge.setVisible(needs)
        if not needs:
            self.acknowledge.setChecked(False)
        self.show()

    @property
    def acknowledged(self) -> bool:
        return self._caution is not None and self._caution.requires_acknowledgement and self.acknowledge.isChecked()


def category_combo(accessible_name: str) -> QComboBox:
    combo = QComboBox()
    combo.setPlaceholderText("Choose…")
    for code, label in CATEGORY_LABELS.items():
        combo.addItem(label, code)
    combo.setCurrentIndex(-1)
    combo.setAccessibleName(accessible_name)
    return combo


def medicine_name_edit(accessible_name: str, hint: str) -> QLineEdit:
    """A medicine's name, completing from the clinic's list of medicines as it is typed."""
    edit = QLineEdit()
    edit.setAccessibleName(accessible_name)
    edit.setPlaceholderText(hint)
    completer = QCompleter(list(medications.listed_medicine_names()), edit)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    edit.setCompleter(completer)
    return edit


def medicine_text(medicine: MedicationRecord) -> str:
    dose = f" {medicine.dose}" if medicine.dose else ""
    return (f"{medicine.name}{dose} — {CATEGORY_LABELS[medicine.category]}, "
            f"since {short_date(medicine.started_on)}")


class MedicationForm(PathwayForm):
    """Record a medicine started, or stop one the patient is taking."""

    def __init__(self, actor: Actor, settings: ClinicSettings, episode_id: int, parent=None):
        super().__init__(actor, settings, "Medicines", parent)
        self.episode: EpisodeRecord = episode_records.get_episode(actor, episode_id)
        hepatic = patients.get_patient(actor, self.episode.patient_id).hepatic_impairment
        first = self.episode.first_contact_on
        self.name = medicine_name_edit("Medicine name", "e.g. cyclobenzaprine")
        self.category = category_combo("Medicine category")
        self.dose = QLineEdit()
        self.dose.setAccessibleName("Dose")
        self.dose.setPlaceholderText("e.g. 5 mg at night")
        self.started_on = self.date_edit("Date it started", earliest=first)
        self.caution = HepaticCaution()
        self.category.currentIndexChanged.connect(self._show_caution)
        self.name.textChanged.connect(self._category_from_name)
        self.keep_dialog: QInputDialog | None = None

        start = QFormLayout()
        start.addRow("&Name", self.name)
        start.addRow("&Category", self.category)
        start.addRow("&Dose", self.dose)
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
        self.setMinimumWidth(560)

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
            self.caution.show_caution(None)
            return
        (Op(self, lambda: episode_records.prescribing_caution(self.actor, self.episode.patient_id, code))
         .success(self.caution.show_caution).failure(self.refuse).run())

    def save(self) -> None:
        if self.category.currentData() is None:
            self.refuse("Choose the medicine's category")
            return
        self.run_save(lambda: episodes.record_medication(
            self.actor, self.episode.id, name=self.name.text(), category=self.category.currentData(),
            dose=self.dose.text(), started_on=qdate_to_date(self.started_on),
            acknowledge_warning=self.caution.acknowledged))

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
        dialog.setMinimumWidth(460)
        dialog.resize(480, dialog.sizeHint().height())
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
    """A muscle relaxant being added for a patient whose liver makes it a caution."""
    episode = demo_episode(actor, lambda record, patient: patient.hepatic_impairment != "none")
    form = MedicationForm(actor, settings, episode.id)
    form.name.setText("cyclobenzaprine")
    form.dose.setText("5 mg at night")
    form.category.setCurrentIndex(list(CATEGORY_LABELS).index("muscle_relaxant"))
    return form
