"""The keys a patient is found by from a phone number or a postcode, however either was typed.

Reception types "07700 900123", "+44 7700 900123" or "7700900123" for the same mobile, and
"sw1a1aa" or "SW1A" for a postcode. Each is stored once in one form (models/patients.py) so
the search is a prefix match on an index; the search box reduces what it is given to the
same form. The schema step that added the keys (schema 7) filled them for patients already stored.
"""
from __future__ import annotations

__all__ = ["phone_key", "postcode_key"]


def phone_key(text: str | None) -> str:
    """The number's digits in national form: "+44 (0)7700 900123" -> "07700900123"; "" when none.

    A UK number given with its country code (+44 or 0044, with or without the "(0)" written
    beside it) becomes 0…; a number with no leading 0 is taken as national without it
    ("7700 900123" -> "07700900123"), as people read a mobile aloud. A number of another
    country keeps its international form ("+1 555…" -> "001555…").
    """
    raw = str(text or "").strip()
    digits = "".join(character for character in raw if character.isdigit())
    if not digits:
        return ""
    if raw.startswith("+"):
        digits = "00" + digits
    if digits.startswith("0044"):
        return "0" + digits[4:].removeprefix("0")
    if digits.startswith("0"):
        return digits
    return "0" + digits


def postcode_key(text: str | None) -> str:
    """The postcode upper case without spaces: " sw1a 1aa " -> "SW1A1AA"."""
    return "".join(str(text or "").split()).upper()
