"""Registration numbers as staff type them, read as the register's identifier system and the bare number."""
import pytest

from clinic_desktop.services.exchange.registration_numbers import parse_registration


@pytest.mark.parametrize(("typed", "register", "system", "number"), [
    ("GMC 7012345", "GMC", "https://fhir.hl7.org.uk/Id/gmc-number", "7012345"),
    ("gmc: 7012345", "GMC", "https://fhir.hl7.org.uk/Id/gmc-number", "7012345"),
    ("GMC L123456", "GMC", "https://fhir.hl7.org.uk/Id/gmc-number", "L123456"),
    ("HCPC PH12345", "HCPC", "https://fhir.hl7.org.uk/Id/hcpc-number", "PH12345"),
    ("HCPC ph 123456", "HCPC", "https://fhir.hl7.org.uk/Id/hcpc-number", "PH123456"),
    ("NMC 12A3456E", "NMC", "https://fhir.hl7.org.uk/Id/nmc-number", "12A3456E"),
    ("  NMC-12a3456e ", "NMC", "https://fhir.hl7.org.uk/Id/nmc-number", "12A3456E"),
])
def test_a_number_after_its_register_is_read_as_that_register(typed, register, system, number):
    found = parse_registration(typed)
    assert (found.register, found.system, found.number) == (register, system, number)


@pytest.mark.parametrize("typed", [
    "7012345",  # no register named: a GMC or a GPhC number?
    "GMC 701234",  # six digits: not a GMC number
    "GMC 70123456",
    "HCPC 12345",  # an HCPC number starts with two letters
    "HCPC PH1234567",  # and has at most six digits
    "NMC 12345678",  # an NMC pin has letters in the third and last places
    "GPhC 2012345",  # a register the export does not code
    "GMC",
    "",
])
def test_a_number_that_fits_no_register_is_not_given_a_system(typed):
    assert parse_registration(typed) is None
