"""A professional registration number as staff type it ("GMC 7012345"), read as register and number.

A receiving system matches a clinician by the register's identifier system and the bare number;
"GMC 7012345" with no system matches nothing. The register must be named: a bare "7012345"
could be a GMC or a GPhC number, and a wrong system is worse than none, so anything that does
not fit a register's published format stays as it was typed, with no system.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from clinic_desktop.services.exchange.fhir_codes import GMC_NUMBER, HCPC_NUMBER, NMC_NUMBER

__all__ = ["REGISTERS", "Registration", "parse_registration"]


@dataclass(frozen=True)
class Register:
    """A professional register: its FHIR identifier system and the shape of its numbers."""

    name: str
    system: str
    number: re.Pattern


# Formats from UK Core's Practitioner.identifier guidance (fhir_codes.py names the page).
REGISTERS = {
    "GMC": Register("General Medical Council", GMC_NUMBER, re.compile(r"\d{7}|L\d{6}")),
    "NMC": Register("Nursing and Midwifery Council", NMC_NUMBER, re.compile(r"\d{2}[A-Z]\d{4}[A-Z]")),
    "HCPC": Register("Health and Care Professions Council", HCPC_NUMBER, re.compile(r"[A-Z]{2}\d{1,6}")),
}
# "GMC 7012345", "gmc: 7012345", "HCPC-PH 12345", "NMC 12A3456E": the register, then the number.
_TYPED = re.compile(r"\s*([A-Za-z]{3,4})\b[\s:#.-]*(.+?)\s*")


@dataclass(frozen=True)
class Registration:
    register: str  # "GMC"
    register_name: str  # "General Medical Council"
    system: str
    number: str  # "7012345", as the register writes it


def parse_registration(typed: str) -> Registration | None:
    """The register and number in ``typed``, or None when it names no register or fits none."""
    found = _TYPED.fullmatch(typed or "")
    if found is None:
        return None
    register = REGISTERS.get(found.group(1).upper())
    number = re.sub(r"[\s-]", "", found.group(2)).upper()
    if register is None or not register.number.fullmatch(number):
        return None
    return Registration(found.group(1).upper(), register.name, register.system, number)
