"""Every patient's record as FHIR R4, one Bundle file per patient, for a clinic moving its records.

A clinic of 100,000 patients cannot be held in memory at once, so the export streams:
patients are listed a page at a time by record number, and each patient's Bundle is read
(in a transaction of its own, so it is consistent), checked with fhir.resources, written
whole (export_files.write_whole_file) and let go before the next patient is read. Each patient
is a progress step (services/core/progress.py), which the command line shows and a watcher
may stop.

The folder must be empty: a receiving system loads every file in it, and an old export's
file of a patient since merged, or anything else left there, would be loaded as a record.

Audit: one event for the whole export, written before the first file leaves (the rule of
every export here: the event first, the file last), naming the folder and how many patients
the clinic held. A patient whose record fails the FHIR check is left out, and named with
their record number in the report, while the others are still written: one faulty record
must not hold up a whole clinic's migration, and the report says exactly whose record to
export again (``export fhir --patient``) once the fault is mended. The event may so name a
patient whose file was not written, never the other way round.
"""
from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from clinic_desktop.models import Patient
from clinic_desktop.services.audit import audit
from clinic_desktop.services.core import progress
from clinic_desktop.services.core.entity import Entity
from clinic_desktop.services.core.errors import ValidationError
from clinic_desktop.services.core.export_files import write_whole_file
from clinic_desktop.services.core.transaction import permission_checked, service
from clinic_desktop.services.exchange.fhir_export import RecordNotValid, bundle_bytes, patient_bundle

__all__ = ["PAGE_SIZE", "ClinicExport", "NotExported", "bundle_file_name", "export_every_record", "folder_refusal"]

PAGE_SIZE = 200


@dataclass(frozen=True)
class NotExported:
    """A patient whose record failed the FHIR check: nothing of theirs was written."""

    patient_id: int
    patient_name: str
    fault: str  # the check's sentence


@dataclass(frozen=True)
class ClinicExport:
    folder: Path
    patients: int  # how many the clinic held when the export began
    written: int
    resources: int
    size_bytes: int
    not_exported: tuple[NotExported, ...]


def bundle_file_name(patient_id: int) -> str:
    """"patient-000123.json": the record number only, so the folder's listing names nobody."""
    return f"patient-{patient_id:06d}.json"


def folder_refusal(folder: Path | str) -> str | None:
    """Why ``folder`` cannot take the export, in one sentence, or None when it can."""
    folder = Path(folder)
    if not folder.exists():
        return f"There is no folder {folder}."
    if not folder.is_dir():
        return f"{folder} is a file, not a folder."
    if any(folder.iterdir()):
        return (f"{folder} is not empty: give an empty folder, so that no other file is loaded as "
                "a patient's record.")
    try:
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as error:
        return f"Cannot write into {folder} ({error.strerror or error})."
    return None


@permission_checked("export_every_record")
def export_every_record(actor, folder: Path | str, *, page_size: int = PAGE_SIZE) -> ClinicExport:
    """Write each patient's checked Bundle into the empty ``folder``, reporting each through ``progress.step``.

    Stopped part-way (``Cancelled``), the files already written are each complete and the audit
    event stands: they have left the system.
    """
    folder = Path(folder)
    refusal = folder_refusal(folder)
    if refusal:
        raise ValidationError(refusal, field="folder")
    total = _record_the_export(actor, folder)
    done = written = resources = size = 0
    not_exported: list[NotExported] = []
    after = 0
    while page := _patient_page(actor, after, page_size):
        for patient_id, name in page:
            try:
                data, counts = _bundle_file(actor, patient_id)
            except RecordNotValid as fault:
                not_exported.append(NotExported(patient_id, name, str(fault)))
            else:
                _write(folder / bundle_file_name(patient_id), data, written, total)
                written, resources, size = written + 1, resources + sum(counts.values()), size + len(data)
            done += 1
            progress.step(done, max(total, done), f"{done:,} of {max(total, done):,} records exported")
        after = page[-1][0]
    return ClinicExport(folder, total, written, resources, size, tuple(not_exported))


@service("export_every_record")
def _record_the_export(actor, folder: Path) -> int:
    total = Patient.select().count()
    audit.record(actor, "export_every_record", Entity.PATIENT, None,
                 f"exported every patient's record ({total:,} patients) as FHIR R4 bundles to {folder}",
                 folder=str(folder), patients=total)
    return total


@service("export_every_record", changes=False)
def _patient_page(actor, after_id: int, limit: int) -> list[tuple[int, str]]:
    """The next ``limit`` patients after record number ``after_id``: numbers and names only."""
    rows = (Patient.select(Patient.id, Patient.family_name, Patient.given_name)
            .where(Patient.id > after_id).order_by(Patient.id).limit(limit))
    return [(row.id, row.display_name) for row in rows]


@service("export_every_record", changes=False)
def _bundle_file(actor, patient_id: int) -> tuple[bytes, dict[str, int]]:
    return bundle_bytes(patient_bundle(Patient.get_by_id(patient_id)), compact=True)


def _write(target: Path, data: bytes, written: int, total: int) -> None:
    try:
        write_whole_file(target, data)
    except OSError as error:
        raise ValidationError(f"Writing {target.name} into {target.parent} failed ({error.strerror or error}) after "
                              f"{written:,} of {total:,} records; each file already there is complete.",
                              field="folder") from None
