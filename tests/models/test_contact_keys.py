"""The keys a patient is found by, from a phone number or postcode however it was typed (models/contact_keys.py)."""
import pytest

from clinic_desktop.models.contact_keys import phone_key, postcode_key


@pytest.mark.parametrize("typed", ["07700 900123", "+44 7700 900123", "+44 (0)7700 900123", "0044 7700 900123",
                                   "7700900123", "07700-900-123", "(07700) 900123"])
def test_every_way_of_writing_a_uk_mobile_gives_one_key(typed):
    assert phone_key(typed) == "07700900123"


def test_a_number_of_another_country_keeps_its_international_form():
    assert phone_key("+1 555 0100") == "0015550100"


@pytest.mark.parametrize("typed", ["", None, "   ", "ext."])
def test_no_digits_gives_no_key(typed):
    assert phone_key(typed) == ""


def test_a_postcode_key_is_upper_case_without_spaces():
    assert [postcode_key(typed) for typed in (" sw1a 1aa ", "SW1A1AA", "sw1a", None)] == ["SW1A1AA", "SW1A1AA",
                                                                                         "SW1A", ""]
