"""NHS numbers: normalised to ten digits, checked by Modulus 11, shown 3-3-4 (services/patients/nhs_number.py)."""
import pytest

from clinic_desktop.services.patients.nhs_number import format_nhs_number, normalise_nhs_number


@pytest.mark.parametrize("typed", ["943 476 5919", "943-476-5919", " 9434765919 ", "9434765919"])
def test_nhs_number_is_normalised_to_ten_digits(typed):
    assert normalise_nhs_number(typed) == "9434765919"


@pytest.mark.parametrize("number", ["9434765919", "4010232137", "4010232080"])
def test_known_valid_nhs_numbers_pass_the_check_digit(number):
    assert normalise_nhs_number(number) == number


@pytest.mark.parametrize("typed, message", [
    ("943 476 591", "An NHS number is 10 digits; '943 476 591' has 9"),
    ("94347659191", "has 11"),
    ("943 476 591A", "contains letters"),
    ("943.476.5919", "contains other characters"),
    ("", "Enter the NHS number"),
])
def test_nhs_number_of_wrong_shape_is_refused(typed, message):
    with pytest.raises(ValueError, match=message):
        normalise_nhs_number(typed)


@pytest.mark.parametrize("number", ["9434765918", "9434765910", "4010232138"])
def test_nhs_number_with_wrong_check_digit_is_refused(number):
    with pytest.raises(ValueError, match="is not a valid NHS number .its check digit does not match"):
        normalise_nhs_number(number)


@pytest.mark.parametrize("last_digit", "0123456789")
def test_nhs_number_whose_check_digit_computes_to_ten_is_never_valid(last_digit):
    with pytest.raises(ValueError, match="123 456 789.* is not a valid NHS number"):
        normalise_nhs_number("123456789" + last_digit)


def test_nhs_number_is_formatted_three_three_four():
    assert format_nhs_number("9434765919") == "943 476 5919"


def test_formatting_refuses_anything_but_ten_digits():
    with pytest.raises(ValueError, match="10 digits"):
        format_nhs_number("943476591")
