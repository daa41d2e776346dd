"""Save-file flows for the exports, for the main window's menus and a patient's tab.

Each asks where to save with a QFileDialog opened with ``open()`` (so the idle lock can
hide it), runs the export service off the window's thread (every patient or a year of
appointments takes a while; a progress dialog with Cancel shows after a moment, and the
file is written whole or not at all), and says where the file went, or why not. Each
returns the dialog it opened, so the caller (or a test) can follow it.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QLabel,
    QMessageBox,
    QWidget,
)

from clinic_desktop.services.core import clock
from clinic_desktop.services.exchange import calendar_export, fhir_bulk_export, fhir_export, patient_import
from clinic_desktop.services.patients import patients
from clinic_desktop.ui.exchange.import_dialog import PatientImportDialog
from clinic_desktop.ui.ops.messages import sentence
from clinic_desktop.ui.ops.op import Op
from clinic_desktop.ui.widgets.file_dialogs import folder_dialog, save_file_dialog
from clinic_desktop.ui.widgets.form_dialog import lay_out_form_dialog
from clinic_desktop.ui.widgets.text_size import characters


def export_calendar(parent: QWidget, actor, settings, clinician_username: str | None = None) -> "CalendarExportDialog":
    """Ask whose appointments and which days, then where to save the .ics file."""
    dialog = CalendarExportDialog(actor, settings, clinician_username, parent)
    dialog.open()
    return dialog


def export_patient_record(parent: QWidget, actor, patient_id: int) -> QFileDialog | None:
    """Ask where to save the patient's FHIR record, then write it (checked first) and say where."""
    found = []
    if not Op(parent, lambda: patients.get_patient(actor, patient_id)).success(found.append).run():
        return None
    patient = found[0]
    name = _file_name(f"{patient.family_name.upper()}-{patient.given_name}-record")
    return _save_dialog(parent, "Save the patient's record (FHIR R4)", f"{name}.json", "FHIR JSON (*.json)", "json",
                        lambda path: fhir_export.export_patient_record(actor, patient_id, path),
                        lambda done: f"Saved the record of {done.patient_name} ({_resources(done)}) to {done.path}.")


def export_patients(parent: QWidget, actor) -> QFileDialog:
    """Every patient as CSV, in the columns the import reads."""
    return _save_dialog(parent, "Save every patient as CSV", "patients.csv", "CSV files (*.csv)", "csv",
                        lambda path: patient_import.export_patients_csv(actor, path),
                        lambda done: f"Saved {_count(done.patients, 'patient')} to {done.path}.")


def export_every_record(parent: QWidget, actor) -> QFileDialog:
    """Every patient's record, one FHIR Bundle file each, into an empty folder; then how many, and who was left out."""
    def export(folder: Path) -> Op:
        return (Op(parent, lambda: fhir_bulk_export.export_every_record(actor, folder), refusal_title="Not exported")
                .success(lambda done: _tell(parent, _every_record_words(done)))
                .cancelled(lambda: _tell(parent, f"Stopped. The records already in {folder} are each complete, "
                                                 "but they are not the whole clinic: empty the folder before "
                                                 "exporting again."))
                .in_background("Exporting every patient's record…", cancellable=True))

    dialog = folder_dialog(parent, "Choose an empty folder for every patient's record (FHIR R4)", Path.home(), export)
    dialog.setLabelText(QFileDialog.DialogLabel.FileName, "Empty folder:")
    dialog.setLabelText(QFileDialog.DialogLabel.Accept, "&Export here")
    return dialog


def folder_for_screenshot(actor, settings, hub) -> QFileDialog:
    """The folder chooser that File → Export → Every patient's record opens, for the screenshots."""
    return export_every_record(None, actor)


def _every_record_words(done) -> str:
    said = (f"Saved {done.written:,} of {done.patients:,} patients' records ({done.resources:,} FHIR resources) "
            f"to {done.folder}, one file a patient.")
    if done.not_exported:
        names = "; ".join(f"{left.patient_name} (record {left.patient_id})" for left in done.not_exported)
        said += (f" Left out, their record failing the FHIR check: {names}. Export each again from the "
                 "patient's tab once it is mended.")
    return said


def import_patients(parent: QWidget, actor, settings, on_imported: Callable[[object], None]) -> PatientImportDialog:
    """Open the import dialog; ``on_imported`` gets the ImportResult (the caller calls hub.after_change())."""
    dialog = PatientImportDialog(actor, settings, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.imported.connect(on_imported)
    dialog.open()
    return dialog


class CalendarExportDialog(QDialog):
    """Whose calendar and from which day (to which, if wanted); then the save dialog."""

    def __init__(self, actor, settings, clinician_username: str | None, parent: QWidget | None = None):
        super().__init__(parent)
        self.actor, self.settings = actor, settings
        self.file_dialog: QFileDialog | None = None
        self.setWindowTitle("Export appointments to a calendar")
        intro = QLabel("Save a clinician's appointments as an iCalendar (.ics) file for a calendar program. "
                       "Each time is an exact moment, which every calendar shows in its own time zone, the "
                       "same either side of a clock change. Importing a newer file updates the events an older "
                       "one put there: a moved appointment moves, and one cancelled or given to a colleague "
                       "is marked cancelled.")
        intro.setWordWrap(True)
        self.clinician = QComboBox()
        self.clinician.setAccessibleName("Clinician")
        today = clock.today(settings.zone)
        self.start = _date_edit(today, "First day")
        self.has_end = QCheckBox("&Stop after")
        self.end = _date_edit(today, "Last day")
        self.end.setEnabled(False)
        self.has_end.toggled.connect(self.end.setEnabled)
        form = QFormLayout()
        form.addRow("&Clinician", self.clinician)
        form.addRow("&From", self.start)
        form.addRow(self.has_end, self.end)
        self.message = lay_out_form_dialog(self, intro, form, "Choose file…", self.choose_file)
        # Unreadable: the list stays empty and the form says why, where it says what is missing.
        (Op(self, lambda: calendar_export.calendar_clinicians(actor))
         .success(lambda clinicians: self._offer(clinicians, clinician_username))
         .failure(lambda why: self.message.setText(sentence(why))).run())
        self.resize(max(characters(self, 87), self.sizeHint().width()), self.sizeHint().height())

    def _offer(self, clinicians, clinician_username: str | None) -> None:
        """Every clinician, the one asked for (else the clinician signed in) chosen."""
        for record in clinicians:
            self.clinician.addItem(record.full_name, record.username)
        wanted = clinician_username or (self.actor.username if self.actor.role == "clinician" else None)
        if wanted and self.clinician.findData(wanted) >= 0:
            self.clinician.setCurrentIndex(self.clinician.findData(wanted))

    def choose_file(self) -> None:
        username = self.clinician.currentData()
        if not username:
            self.message.setText("Choose the clinician.")
            return
        start = self.start.date().toPython()
        end = self.end.date().toPython() if self.has_end.isChecked() else None
        if end is not None and end < start:
            self.message.setText("The last day is before the first: change one of them.")
            return
        name = _file_name(f"{username}-appointments")
        self.file_dialog = _save_dialog(
            self, "Save the appointments as iCalendar", f"{name}.ics", "iCalendar files (*.ics)", "ics",
            lambda path: calendar_export.export_calendar(self.actor, username, path, start=start, end=end),
            lambda done: f"Saved {_count(done.appointments, 'appointment')} of {done.clinician_name} to {done.path}.",
            after=self.accept)


def for_screenshot(actor, settings, hub) -> QWidget:
    """The calendar export form for the first clinician, four weeks from today."""
    dialog = CalendarExportDialog(actor, settings, None)
    dialog.has_end.setChecked(True)
    dialog.end.setDate(dialog.start.date().addDays(27))
    return dialog


def _save_dialog(parent: QWidget, title: str, default_name: str, filters: str, suffix: str,
                 write: Callable[[Path], object], said: Callable[[object], str],
                 after: Callable[[], None] | None = None) -> QFileDialog:
    def saved(done) -> None:
        if after is not None:  # the asking dialog closes; the notice shows over what opened it
            after()
            _tell(parent.parentWidget(), said(done))
        else:
            _tell(parent, said(done))

    def save(path: Path) -> Op:
        return (Op(parent, lambda: write(path), refusal_title="Not exported").success(saved)
                .in_background(f"Exporting to {path.name}…", cancellable=True))

    return save_file_dialog(parent, title, Path.home() / default_name, filters, suffix, save)


def _tell(parent: QWidget | None, text: str) -> QMessageBox:
    box = QMessageBox(QMessageBox.Icon.Information, "Exported", sentence(text), QMessageBox.StandardButton.Ok,
                      parent.window() if parent is not None else None)
    box.setObjectName("exported")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


def _date_edit(day, name: str) -> QDateEdit:
    edit = QDateEdit(QDate(day.year, day.month, day.day))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd MMM yyyy")
    edit.setAccessibleName(name)
    return edit


def _resources(done) -> str:
    return ", ".join(f"{count} {kind}" for kind, count in done.resources.items())


def _count(number: int, thing: str) -> str:
    return f"{number:,} {thing}" if number == 1 else f"{number:,} {thing}s"


def _file_name(text: str) -> str:
    """A file name safe on every system: letters (any script), digits, dashes."""
    return re.sub(r"[^\w-]+", "-", text).strip("-") or "export"
