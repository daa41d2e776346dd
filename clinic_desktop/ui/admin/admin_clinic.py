"""The Clinic page: details printed on letters, opening hours, the idle lock, closure days.

Everything is saved together in one change of the clinic settings, and only what was
changed is sent. Closure days and the holiday region decide working days, so saving a
change to them moves the deadlines of items nobody has acted on to the working day before.
"""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt, QTime, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from clinic_desktop.services.admin import pathway_settings
from clinic_desktop.services.admin.settings import ClinicSettings, load_settings, update_clinic_settings
from clinic_desktop.services.core import clock
from clinic_desktop.services.core.change_reach import Record
from clinic_desktop.services.core.clinic_time import format_date
from clinic_desktop.services.core.transaction import database_errors_in_words
from clinic_desktop.ui.admin.admin_form import StatusLine, confirm_moving_deadlines
from clinic_desktop.ui.ops.op import Op
from clinic_desktop.ui.shell.view_reads import Reads
from clinic_desktop.ui.widgets.redraw_when_seen import RedrawWhenSeen

# The regions a UK clinic is likely in; any region the holidays package knows may be typed.
HOLIDAY_REGIONS = ("GB-ENG", "GB-WLS", "GB-SCT", "GB-NIR", "IE")
_CALENDAR_FIELDS = {"closure_days", "holiday_region"}
_DAY = Qt.ItemDataRole.UserRole


def spin_box(accessible_name: str, lowest: int, highest: int, suffix: str) -> QSpinBox:
    box = QSpinBox()
    box.setMaximumWidth(180)
    box.setRange(lowest, highest)
    box.setSuffix(suffix)
    box.setAccessibleName(accessible_name)
    return box


def time_edit(accessible_name: str) -> QTimeEdit:
    edit = QTimeEdit()
    edit.setDisplayFormat("HH:mm")
    edit.setMaximumWidth(100)
    edit.setAccessibleName(accessible_name)
    return edit


class ClinicPage(QWidget):
    settings_changed = Signal(object)  # the new ClinicSettings

    def __init__(self, actor, settings: ClinicSettings, hub, parent=None):
        super().__init__(parent)
        self.actor, self.hub, self.settings = actor, hub, settings
        self.confirmation: QMessageBox | None = None
        self.name = QLineEdit()
        self.name.setAccessibleName("Clinic name")
        self.address = QPlainTextEdit()
        self.address.setAccessibleName("Address")
        self.address.setTabChangesFocus(True)
        self.address.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 12)
        self.telephone = QLineEdit()
        self.telephone.setAccessibleName("Telephone")
        details = QFormLayout()
        details.addRow("Clinic &name", self.name)
        details.addRow("&Address", self.address)
        details.addRow("T&elephone", self.telephone)

        self.opens_at, self.closes_at = time_edit("Opens at"), time_edit("Closes at")
        self.slot_minutes = spin_box("Slot length", 5, 240, " minutes")
        self.lock_after = spin_box("Lock after idle minutes", 1, 120, " idle minutes")
        self.chase_after = spin_box("Chase an unacknowledged referral after working days", 1, 60, " working days")
        self.chase_after.setToolTip("A sent referral that the receiving service has not acknowledged by then "
                                    "goes on reception's Acknowledgements to chase list.")
        hours = QFormLayout()
        hours.addRow("&Opens at", self.opens_at)
        hours.addRow("&Closes at", self.closes_at)
        hours.addRow("&Slot length", self.slot_minutes)
        hours.addRow("Lock the sc&reen after", self.lock_after)
        hours.addRow("Chase a sent referral's reply after", self.chase_after)

        self.region = QComboBox()
        self.region.setEditable(True)
        self.region.addItems(HOLIDAY_REGIONS)
        self.region.setAccessibleName("Holiday region")
        self.closures = QListWidget()
        self.closures.setAccessibleName("Closure days")
        self.new_closure = QDateEdit()
        self.new_closure.setCalendarPopup(True)
        self.new_closure.setDisplayFormat("dd MMM yyyy")
        self.new_closure.setAccessibleName("Closure day to add")
        self.add_closure = QPushButton("A&dd closure day")
        self.add_closure.clicked.connect(self.on_add_closure)
        self.remove_closure = QPushButton("Re&move closure day")
        self.remove_closure.clicked.connect(self.on_remove_closure)
        self.closures.currentRowChanged.connect(lambda row: self.remove_closure.setEnabled(row >= 0))
        calendar = QFormLayout()
        calendar.addRow("Public &holidays of", self.region)
        calendar.addRow(wrapped_label("Closure days (the clinic is shut; deadlines on them move to the working day "
                                 "before):"))
        calendar.addRow(self.closures)
        adding = QHBoxLayout()
        for widget in (self.new_closure, self.add_closure, self.remove_closure):
            adding.addWidget(widget)
        adding.addStretch(1)
        calendar.addRow(adding)

        self.message = StatusLine()
        self.save_button = QPushButton("Sa&ve clinic settings")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.undo_button = QPushButton("&Undo changes")
        self.undo_button.clicked.connect(lambda: self.show_settings(self.settings))
        row = QHBoxLayout()
        row.addWidget(self.save_button)
        row.addWidget(self.undo_button)
        row.addStretch(1)
        columns = QHBoxLayout()
        left = QVBoxLayout()
        left.addWidget(group_box("Details printed on letters and leaflets", details))
        left.addWidget(group_box("Opening hours and appointments", hours))
        left.addStretch(1)
        columns.addLayout(left, 1)
        columns.addWidget(group_box("Working days", calendar), 1)
        layout = QVBoxLayout(self)
        layout.addLayout(columns, 1)
        layout.addWidget(self.message)
        layout.addLayout(row)
        self.show_settings(settings)
        self.redraws = RedrawWhenSeen(self, hub, self._on_changes)

    def show_settings(self, settings: ClinicSettings) -> None:
        self.settings = settings
        self.name.setText(settings.name)
        self.address.setPlainText(settings.address)
        self.telephone.setText(settings.telephone)
        self.opens_at.setTime(QTime(settings.opens_at.hour, settings.opens_at.minute))
        self.closes_at.setTime(QTime(settings.closes_at.hour, settings.closes_at.minute))
        self.slot_minutes.setValue(settings.slot_minutes)
        self.lock_after.setValue(settings.lock_after_minutes)
        self.chase_after.setValue(settings.referral_acknowledgement_working_days)
        self.region.setCurrentText(settings.holiday_region)
        self.show_closure_days(settings.closure_days)
        self.new_closure.setDate(QDate(clock.today(settings.zone)))

    def entered(self) -> dict:
        """Every setting as the form shows it now."""
        return dict(name=self.name.text(), address=self.address.toPlainText().strip(),
                    telephone=self.telephone.text().strip(), opens_at=self.opens_at.time().toPython(),
                    closes_at=self.closes_at.time().toPython(), slot_minutes=self.slot_minutes.value(),
                    lock_after_minutes=self.lock_after.value(),
                    referral_acknowledgement_working_days=self.chase_after.value(),
                    holiday_region=self.region.currentText().strip(),
                    closure_days=tuple(self.closure_days()))

    def changes(self) -> dict:
        return {name: value for name, value in self.entered().items() if value != getattr(self.settings, name)}

    def closure_days(self) -> list[date]:
        return sorted(date.fromisoformat(self.closures.item(row).data(_DAY)) for row in range(self.closures.count()))

    def on_add_closure(self) -> None:
        day = self.new_closure.date().toPython()
        if day in self.closure_days():
            self.message.refuse(f"{format_date(day)} is already a closure day.")
            return
        self.show_closure_days([*self.closure_days(), day])
        self.message.clear()

    def on_remove_closure(self) -> None:
        row = self.closures.currentRow()
        if row >= 0:
            self.closures.takeItem(row)

    def save(self) -> None:
        """Save what changed; a change to working days first says how many deadlines it moves."""
        changes = self.changes()
        if not changes:
            self.message.tell("Nothing to save: no setting was changed.")
            return
        if not _CALENDAR_FIELDS & set(changes):
            self.save_now(changes, None)
            return
        worked_out, moves = self.message.attempt(lambda: pathway_settings.preview_clinic_settings(self.actor,
                                                                                                  **changes))
        if not worked_out:
            return
        if not moves.moved:
            self.save_now(changes, moves)
            return
        self.confirmation = confirm_moving_deadlines(self, "Save clinic settings", moves,
                                                     lambda: self.save_now(changes, moves))

    def save_now(self, changes: dict, moves) -> None:
        saved_ok, updated = self.message.attempt(lambda: update_clinic_settings(self.actor, **changes))
        if not saved_ok:
            self.hub.after_change()  # what stopped it may be another workstation's change
            return
        saved = ", ".join(name.replace("_", " ") for name in sorted(changes))
        self.show_settings(updated)
        self.message.tell(f"Saved: {saved}." + (f" {moves.in_words}" if moves is not None else ""))
        self.settings_changed.emit(updated)
        self.hub.after_change()

    def show_closure_days(self, days) -> None:
        self.closures.clear()
        for day in sorted(days):
            item = QListWidgetItem(f"{day.strftime('%A')} {format_date(day)}")
            item.setData(_DAY, day.isoformat())
            self.closures.addItem(item)
        self.remove_closure.setEnabled(False)

    def _on_changes(self, changes) -> None:
        """Another workstation's change shows here unless the manager is in the middle of editing."""
        if Reads(Record.SETTING).concerned(changes) and not self.changes():
            Op(self, _settings_in_words).success(self.show_settings).failure(self.message.refuse).run()


def _settings_in_words() -> ClinicSettings:
    with database_errors_in_words():
        return load_settings()


def wrapped_label(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    return label


def group_box(title: str, layout) -> QGroupBox:
    box = QGroupBox(title)
    box.setLayout(layout)
    return box


def for_screenshot(actor, settings, hub) -> QWidget:
    """The demo clinic's settings with two closure days about to be added (not saved)."""
    page = ClinicPage(actor, settings, hub)
    year = clock.today(settings.zone).year
    page.show_closure_days([*page.closure_days(), date(year, 12, 24), date(year, 12, 31)])
    page.resize(1000, 620)
    return page

