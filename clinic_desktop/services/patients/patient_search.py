"""Finding a patient from what reception types: an NHS number, a phone number, a postcode, a birth
date or the start of a name.

Kept apart from patients.py, which registers and corrects records, because reading what
was typed and answering it from an index on either database is a subject of its own:
it runs on every keystroke of the search box, against every patient of the clinic.

What was typed decides what is searched:
- a date (01/02/1970, 1970-02-01): the date of birth;
- digits, with spaces, dashes, brackets or a leading + (a number read aloud): the NHS number
  when it has ten digits, and from its fifth digit in national form (07700…) the start of the
  telephone or mobile number, however either was typed ("+44 7700 900123", "07700900123");
- a postcode's outward code with or without the start of its inward code (SW1A, sw1a 1a,
  BS16 2NA): the start of the postcode. Every outward code holds a digit and no name does, so
  a postcode shape is never also a name; letters alone ("SW") are a name;
- anything else: the start of "family[, ]given" names.
"""
from __future__ import annotations

import functools
import operator
import re
from datetime import date

from peewee import OP, SQL, Expression, NodeList, Value

from clinic_desktop.models import Patient, is_sqlite
from clinic_desktop.models.contact_keys import phone_key, postcode_key
from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.services.core import clock, validation
from clinic_desktop.services.core.transaction import service
from clinic_desktop.services.patients.nhs_number import SEPARATORS
from clinic_desktop.services.patients.patients import PatientRecord, name_key, records_in_order

__all__ = ["PHONE_DIGITS_TO_SEARCH", "phone_digits", "search_patients", "starts_with"]

_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_NUMBER = re.compile(r"\+?\(?[0-9][0-9 ()\-]*")
# An outward code (A9, A9A, A99, AA9, AA9A, AA99), then perhaps the start of the inward code (9AA).
_POSTCODE_START = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]? ?([0-9][A-Z]{0,2})?", re.IGNORECASE)
# A phone number's first five digits (07700, 01632) narrow it to a few patients in a thousand.
PHONE_DIGITS_TO_SEARCH = 5


@service("view_patient", changes=False)
def search_patients(actor, text, limit: int = 20) -> tuple[PatientRecord, ...]:
    """Patients matching what was typed (the module's docstring says how it is read), in name order."""
    text = " ".join(validation.text(text, "text", label="search").split())
    condition = _search_condition(text) if text and limit > 0 else None
    if condition is None:
        return ()
    return records_in_order(Patient.select().where(condition).limit(limit), clock.today(load_settings().zone))


def phone_digits(text: str) -> int | None:
    """How many digits of a phone number were typed (in national form), or None when the text does
    not read as a number; the search box asks for more before PHONE_DIGITS_TO_SEARCH."""
    text = " ".join(str(text or "").split())
    return len(phone_key(text)) if _NUMBER.fullmatch(text) else None


def _search_condition(text: str):
    """The WHERE clause for what was typed, or None when it can match nobody."""
    born = _typed_date(text)
    if born is not None:
        return Patient.date_of_birth == born if born else None
    if _NUMBER.fullmatch(text):
        return _number_condition(text)
    if _POSTCODE_START.fullmatch(text):
        return _key_starts_with(Patient.postcode_key, postcode_key(text), "Z")
    family, _, given = text.partition(",") if "," in text else text.partition(" ")
    family, given = name_key(family), name_key(given)
    if not family:
        return starts_with(Patient.given_name_key, given) if given else None
    if not given:
        return starts_with(Patient.family_name_key, family)
    if "," in text:
        return starts_with(Patient.family_name_key, family) & starts_with(Patient.given_name_key, given)
    # "de la cruz" may be one family name rather than family "de", given "la cruz". Both
    # readings start with the first word's family prefix, so the index range stays one
    # condition (with an OR beside it, PostgreSQL would filter every patient row).
    whole = name_key(text)
    return starts_with(Patient.family_name_key, family) & (
        starts_with(Patient.given_name_key, given) | starts_with(Patient.family_name_key, whole))


def _number_condition(text: str):
    """An NHS number or the start of a phone number, each answered from its own index."""
    digits = SEPARATORS.sub("", text)
    conditions = []
    if re.fullmatch(r"[0-9]{10}", digits):
        conditions.append(Patient.nhs_number == digits)
    key = phone_key(text)
    if len(key) >= PHONE_DIGITS_TO_SEARCH:
        conditions += [_key_starts_with(Patient.telephone_key, key, "9"), _key_starts_with(Patient.mobile_key, key, "9")]
    return functools.reduce(operator.or_, conditions) if conditions else None


def _key_starts_with(column, prefix: str, highest: str):
    """``column`` (a search key of digits and capital letters) starts with ``prefix``.

    A range from the prefix to the prefix filled up with the highest character a key holds:
    digits and capital letters sort alike in every collation, so, unlike LIKE, the range is
    answered from the column's plain index on PostgreSQL whatever its collation, and on SQLite.
    """
    return column.between(prefix, prefix + highest * (column.max_length - len(prefix)))


def _typed_date(text: str) -> date | bool | None:
    """A date typed as dd/mm/yyyy, d/m/yyyy or yyyy-mm-dd; False when shaped like one but impossible."""
    if match := _DAY_MONTH_YEAR.fullmatch(text):
        day, month, year = (int(part) for part in match.groups())
    elif match := _ISO_DATE.fullmatch(text):
        year, month, day = (int(part) for part in match.groups())
    else:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return False


def starts_with(column, prefix: str):
    """``column`` starts with ``prefix``, in a form each database answers from the column's index.

    SQLite: a range on the binary-ordered index (its LIKE would ignore an index without
    NOCASE). PostgreSQL: LIKE, whose meaning does not depend on the database's collation
    (a range would, outside the C collation); its index serves it under the C collation.
    """
    following = ord(prefix[-1]) + 1
    if 0xD800 <= following <= 0xDFFF:  # surrogates cannot be stored; the next character is U+E000
        following = 0xE000
    if is_sqlite() and following <= 0x10FFFF:
        return (column >= prefix) & (column < prefix[:-1] + chr(following))
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return Expression(column, OP.LIKE, NodeList((Value(escaped + "%"), SQL("ESCAPE"), Value("\\"))))
