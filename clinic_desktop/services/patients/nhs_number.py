"""NHS numbers: the ten digits as stored, the 3-3-4 form as shown, and the Modulus 11 check.

Kept apart from patients.py because the rule has no database in it and many places
need it: registration refuses a number that fails the check, the patient form checks
it as it is typed, and every list, timeline and letter shows a number the same way.
"""
from __future__ import annotations

import re

__all__ = ["SEPARATORS", "format_nhs_number", "normalise_nhs_number"]

# What may stand between the digits of a typed NHS number ("943 476 5919", "943-476-5919").
SEPARATORS = re.compile(r"[\s-]+")


def normalise_nhs_number(text) -> str:
    """The ten digits of an NHS number typed with or without spaces or dashes.

    Raises ValueError saying what is wrong: a mistyped digit is caught by the Modulus 11
    check digit, which is why a number is never stored without passing it.
    """
    shown = "" if text is None else str(text).strip()
    digits = SEPARATORS.sub("", shown)
    if not digits:
        raise ValueError("Enter the NHS number (10 digits)")
    if any(character.isalpha() for character in digits):
        raise ValueError(f"An NHS number is 10 digits; '{shown}' contains letters")
    if not re.fullmatch(r"[0-9]+", digits):
        raise ValueError(f"An NHS number is 10 digits (spaces or dashes allowed); '{shown}' contains other characters")
    if len(digits) != 10:
        raise ValueError(f"An NHS number is 10 digits; '{shown}' has {len(digits)}")
    if _check_digit(digits[:9]) != int(digits[9]):
        raise ValueError(f"{format_nhs_number(digits)} is not a valid NHS number (its check digit does not match): "
                         "check it for a mistyped digit")
    return digits


def _check_digit(first_nine: str) -> int | None:
    """NHS Modulus 11: weights 10..2, 11 - (sum mod 11); 11 means 0 and 10 means no valid number."""
    total = sum(int(digit) * weight for digit, weight in zip(first_nine, range(10, 1, -1)))
    check = 11 - total % 11
    if check == 11:
        return 0
    return None if check == 10 else check


def format_nhs_number(digits: str) -> str:
    """The 3-3-4 form people read aloud and type: "943 476 5919"."""
    compact = SEPARATORS.sub("", str(digits))
    if not re.fullmatch(r"[0-9]{10}", compact):
        raise ValueError(f"An NHS number is 10 digits, not {digits!r}")
    return f"{compact[:3]} {compact[3:6]} {compact[6:]}"
