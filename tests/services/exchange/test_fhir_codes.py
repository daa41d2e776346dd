"""The codes and identifier systems of the FHIR export are exactly those docs/interop/fhir.md lists."""
from pathlib import Path

from fhir_bundles import RECORD_TIME, codings_in, exported, identifier_systems_in

from clinic_desktop.services.exchange import fhir_codes
from clinic_desktop.services.exchange.fhir_codes import Coded

CLINIC_TIME = RECORD_TIME  # every test here runs at this moment (tests/conftest.py: clinic_clock)
DOC = Path(__file__).resolve().parents[3] / "docs" / "interop" / "fhir.md"


def _table(heading: str) -> list[list[str]]:
    """The rows (cells, backticks removed) of the first table after ``## heading``."""
    text = DOC.read_text("utf-8").split(f"## {heading}\n", 1)[1]
    rows = []
    for line in text.splitlines():
        if line.startswith("## "):
            break
        if line.startswith("|") and not set(line) <= set("|- "):
            rows.append([cell.strip().strip("`") for cell in line.strip("|").split("|")])
    return rows[1:]  # without the header


def test_the_documented_codes_are_those_the_export_writes():
    documented = {Coded(system, code, display) for _, system, code, display, _ in _table("Codes")}
    assert documented == fhir_codes.every_coding()


def test_each_code_cites_a_source_in_the_documentation():
    assert all(source for *_, source in _table("Codes"))


def test_the_documented_identifier_systems_are_those_the_export_writes():
    documented = {name: system for name, system, _ in _table("Identifier systems")}
    assert documented == fhir_codes.IDENTIFIER_SYSTEMS


def test_what_is_not_coded_is_documented_with_the_same_reason():
    assert dict(_table("Not coded (text only), and why")) == fhir_codes.NOT_CODED


def test_a_concept_without_a_code_keeps_its_words_and_invents_no_coding():
    assert fhir_codes.codeable(None, "Early radicular referral") == {"text": "Early radicular referral"}
    assert fhir_codes.codeable(fhir_codes.PAIN_NOW, "Pain now") == {
        "coding": [{"system": "http://loinc.org", "code": "72514-3",
                    "display": "Pain severity - 0-10 verbal numeric rating [Score] - Reported"}],
        "text": "Pain now"}


def test_every_code_and_identifier_system_in_a_written_bundle_is_documented(staff, measured, tmp_path):
    _, _, path = exported(staff, measured, tmp_path)
    assert codings_in(path) <= fhir_codes.every_coding()
    assert identifier_systems_in(path) <= set(fhir_codes.IDENTIFIER_SYSTEMS.values())
    # the record holds a GMC and an HCPC number, an NHS number and a STarT Back score
    assert {fhir_codes.GMC_NUMBER, fhir_codes.HCPC_NUMBER, fhir_codes.NHS_NUMBER} <= identifier_systems_in(path)
    assert fhir_codes.START_BACK_RISK_ANSWERS["high"] in codings_in(path)
