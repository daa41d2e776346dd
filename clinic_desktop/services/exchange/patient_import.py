"""Importing patients from a CSV file: a preview first, then, once confirmed, all good rows at once.

The preview writes nothing: it reads the file, checks every row as registration would
(patient_csv.py) and against the patients already stored (the same NHS number, or the
same name and date of birth), and says for each bad row what is wrong. The confirmed
import reads the file again and checks again inside its one transaction, because the
file or the database may have changed since the preview: if any row would now be
treated differently from what the user confirmed, nothing is imported. A bad row is
left out whole; a good one is written whole; one audit event covers the import, and lists
the new patients' record numbers in its details (linked to the patient when there is just one).
The patients export writes the same columns, so an export imports again unchanged.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from peewee import IntegrityError, Tuple

from clinic_desktop.models import Patient
from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.services.audit import audit
from clinic_desktop.services.core import clock, progress
from clinic_desktop.services.core.clinic_time import format_date
from clinic_desktop.services.core.entity import Entity
from clinic_desktop.services.core.errors import Conflict, ValidationError
from clinic_desktop.services.core.export_files import file_error_in_words, write_whole_file
from clinic_desktop.services.core.transaction import service
from clinic_desktop.services.exchange.patient_csv import (
    CsvRow,
    RowProblem,
    csv_bytes,
    read_patients_csv,
    same_person_key,
)
from clinic_desktop.services.patients.contact_details import search_keys
from clinic_desktop.services.patients.nhs_number import format_nhs_number
from clinic_desktop.services.patients.patients import name_key

__all__ = ["ImportPreview", "ImportResult", "PatientsExport", "export_patients_csv", "import_patients",
           "preview_patient_import"]

_CHUNK = 500  # values per IN (...) look-up: well under both databases' parameter limits


@dataclass(frozen=True)
class ImportPreview:
    """What importing the file would do; nothing has been written."""

    path: Path
    sha256: str  # of the bytes previewed: the import refuses a file changed since
    columns: tuple[str, ...]  # the file's columns, in its order
    rows: tuple[CsvRow, ...]

    @property
    def good_rows(self) -> tuple[CsvRow, ...]:
        return tuple(row for row in self.rows if not row.problems)

    @property
    def bad_rows(self) -> tuple[CsvRow, ...]:
        return tuple(row for row in self.rows if row.problems)

    def summary(self) -> str:
        """'12 rows: 10 patients can be imported, 2 rows have problems and would be left out.'"""
        good, bad = len(self.good_rows), len(self.bad_rows)
        left_out = f", {_count(bad, 'row has', 'rows have')} problems and would be left out" if bad else ""
        return f"{_count(len(self.rows), 'row', 'rows')}: {_count(good, 'patient', 'patients')} can be imported{left_out}."

    def problem_lines(self) -> list[str]:
        """'line 7, NHS number: …' for each bad row, as the command line prints them."""
        return [f"line {row.line}, {row.problem_text()}" for row in self.bad_rows]


@dataclass(frozen=True)
class ImportResult:
    path: Path
    imported: int
    left_out: int
    patient_ids: tuple[int, ...]

    def summary(self) -> str:
        left_out = f"; {_count(self.left_out, 'row', 'rows')} with problems left out" if self.left_out else ""
        return f"Imported {_count(self.imported, 'patient', 'patients')} from {self.path.name}{left_out}."


@dataclass(frozen=True)
class PatientsExport:
    path: Path
    patients: int


@service("import_patients", changes=False)
def preview_patient_import(actor, path: Path | str) -> ImportPreview:
    """Read and check the file; writes nothing."""
    return _preview(Path(path))


@service("import_patients")
def import_patients(actor, preview: ImportPreview) -> ImportResult:
    """Register the previewed file's good rows, in one transaction, if the file and the checks still agree."""
    current = _preview(preview.path)
    name = preview.path.name
    if current.sha256 != preview.sha256:
        raise Conflict(f"The file {name} changed since it was previewed; nothing was imported: preview it again")
    confirmed = {row.line for row in preview.good_rows}
    for row in current.rows:
        if (row.line in confirmed) != (not row.problems):
            why = f" ({row.problem_text()})" if row.problems else ""
            raise Conflict(f"Line {row.line} of {name} would no longer be imported as previewed{why}; nothing "
                           "was imported: preview the file again")
    rows = current.good_rows
    if not rows:
        raise ValidationError(f"No row of {name} can be imported; nothing was imported", field="path")
    now = clock.now_utc()
    patient_ids = []
    for row in rows:  # a stop midway rolls every one of them back
        progress.step(len(patient_ids), len(rows), f"Registering patient {len(patient_ids) + 1:,} of {len(rows):,}…")
        values = row.cleaned
        try:
            patient_ids.append(Patient.insert(
                **values, family_name_key=name_key(values["family_name"]),
                given_name_key=name_key(values["given_name"]), created_at=now, updated_at=now,
                **search_keys(values.get("telephone", ""), "", values.get("postcode", ""))).execute())
        except IntegrityError:  # registered on another workstation since the check a moment ago
            raise Conflict(f"NHS number {format_nhs_number(values['nhs_number'])} on line {row.line} of {name} was "
                           "registered on another workstation meanwhile; nothing was imported: preview the file "
                           "again") from None
    result = ImportResult(preview.path, len(rows), len(current.bad_rows), tuple(patient_ids))
    only_patient = patient_ids[0] if len(patient_ids) == 1 else None
    audit.record(actor, "import_patients", Entity.PATIENT, only_patient,
                 f"imported {_count(len(rows), 'patient', 'patients')} from {name}"
                 + (f" ({_count(result.left_out, 'row', 'rows')} with problems left out)" if result.left_out else ""),
                 patient_id=only_patient, file=str(preview.path), sha256=preview.sha256, patient_ids=patient_ids,
                 left_out_lines=[row.line for row in current.bad_rows])
    return result


@service("export_patients")
def export_patients_csv(actor, path: Path | str) -> PatientsExport:
    """Every patient in the import's columns (UTF-8 CSV), so the file imports again unchanged."""
    target = Path(path)
    query = Patient.select().order_by(Patient.family_name_key, Patient.given_name_key, Patient.date_of_birth,
                                      Patient.id)
    total, rows = query.count(), []
    for patient in query:
        rows.append((patient.nhs_number or "", patient.family_name, patient.given_name,
                     patient.date_of_birth.isoformat(), patient.sex or "", patient.address, patient.postcode,
                     patient.telephone, patient.hepatic_impairment))
        progress.step(len(rows), total, f"Reading patient {len(rows):,} of {total:,}…")
    audit.record(actor, "export_patients", Entity.PATIENT, None,
                 f"exported {_count(len(rows), 'patient', 'patients')} as CSV to {target.name}",
                 file=str(target), patients=len(rows))
    try:
        write_whole_file(target, csv_bytes(rows))  # last: a failed write rolls the event back
    except OSError as error:
        raise ValidationError(f"Cannot write the patients to {file_error_in_words(target, error)}; nothing was "
                              "exported", field="path") from None
    return PatientsExport(target, len(rows))


def _preview(path: Path) -> ImportPreview:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ValidationError(f"Cannot read {file_error_in_words(path, error)}", field="path") from None
    parsed = read_patients_csv(path, data, clock.today(load_settings().zone))
    rows = _with_duplicates_marked(parsed.rows)
    return ImportPreview(path, hashlib.sha256(data).hexdigest(), parsed.columns, rows)


def _with_duplicates_marked(rows: tuple[CsvRow, ...]) -> tuple[CsvRow, ...]:
    """Each row that repeats another row or a stored patient gets the problem that says whom."""
    checked = [row for row in rows if row.cleaned]
    by_number, by_person = {}, {}
    for row in checked:
        if row.cleaned["nhs_number"]:
            by_number.setdefault(row.cleaned["nhs_number"], []).append(row.line)
        by_person.setdefault(same_person_key(row.cleaned), []).append(row.line)
    stored_numbers = _stored_by_number(list(by_number))
    stored_people = _stored_by_person(list(by_person))
    marked = []
    for row in rows:
        if not row.cleaned:
            marked.append(row)
            continue
        number, person = row.cleaned["nhs_number"], same_person_key(row.cleaned)
        problems = []
        others = [line for line in by_number.get(number, ()) if line != row.line] if number else []
        if others:
            problems.append(RowProblem("nhs_number", f"line {others[0]} has the same NHS number "
                                                     f"{format_nhs_number(number)}"))
        others = [line for line in by_person[person] if line != row.line]
        if others:
            problems.append(RowProblem(None, f"Line {others[0]} has the same name and date of birth"))
        if number in stored_numbers:
            problems.append(RowProblem("nhs_number", f"{format_nhs_number(number)} is already registered to "
                                                     f"{_describe(stored_numbers[number])}"))
        elif person in stored_people:
            problems.append(RowProblem(None, f"May already be registered as {_describe(stored_people[person])}: "
                                             "if this is a different person, register them in the app"))
        marked.append(row.with_problems(*problems) if problems else row)
    return tuple(marked)


def _stored_by_number(numbers: list[str]) -> dict[str, Patient]:
    found = {}
    for start in range(0, len(numbers), _CHUNK):
        for patient in Patient.select().where(Patient.nhs_number.in_(numbers[start:start + _CHUNK])):
            found[patient.nhs_number] = patient
    return found


def _stored_by_person(keys: list[tuple]) -> dict[tuple, Patient]:
    found = {}
    for start in range(0, len(keys), _CHUNK):
        chunk = keys[start:start + _CHUNK]
        query = Patient.select().where(Tuple(Patient.family_name_key, Patient.given_name_key,
                                             Patient.date_of_birth).in_(chunk)).order_by(Patient.id)
        for patient in query:
            found.setdefault((patient.family_name_key, patient.given_name_key, patient.date_of_birth), patient)
    return found


def _describe(patient: Patient) -> str:
    return f"{patient.display_name}, born {format_date(patient.date_of_birth)} (record {patient.id})"


def _count(number: int, one: str, many: str) -> str:
    return f"{number:,} {one if number == 1 else many}"
