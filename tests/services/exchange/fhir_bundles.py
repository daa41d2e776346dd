"""Writing a patient's record through the service and reading the Bundle back, for the FHIR tests."""
import json
from datetime import datetime, timezone
from pathlib import Path

from clinic_desktop.services.exchange import fhir_export
from clinic_desktop.services.exchange.fhir_codes import Coded

# The moment the record fixture (conftest.py) is made at: Mon 2 Nov 2026, its STarT Back day.
RECORD_TIME = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)


def exported(staff, record, tmp_path, actor=None):
    """(what the service said, the written Bundle as JSON, its path)."""
    path = tmp_path / "record.json"
    result = fhir_export.export_patient_record(actor or staff.clinician, record[0], path)
    return result, json.loads(path.read_text("utf-8")), path


def resources(bundle: dict, kind: str) -> list[dict]:
    return [entry["resource"] for entry in bundle["entry"] if entry["resource"]["resourceType"] == kind]


def codings_in(bundle_file: Path) -> set[Coded]:
    """Every Coding anywhere in a written Bundle (a Quantity's unit is not a concept: left out)."""
    return {Coded(element["system"], element["code"], element.get("display", ""))
            for element in _elements(json.loads(bundle_file.read_text("utf-8")))
            if {"system", "code"} <= element.keys() and "unit" not in element}


def identifier_systems_in(bundle_file: Path) -> set[str]:
    """Every Identifier.system in a written Bundle."""
    identifiers = [element["identifier"] for element in _elements(json.loads(bundle_file.read_text("utf-8")))
                   if "identifier" in element]
    return {identifier["system"] for found in identifiers
            for identifier in (found if isinstance(found, list) else [found]) if "system" in identifier}


def _elements(value):
    """Every JSON object inside ``value``, depth first."""
    if isinstance(value, dict):
        yield value
        for inner in value.values():
            yield from _elements(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _elements(inner)
