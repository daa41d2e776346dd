"""Finding a patient from what reception types: an NHS number, a birth date or the start of a name.

Kept apart from patients.py, which registers and corrects records, because reading what
was typed and answering it from an index on either database is a subject of its own:
it runs on every keystroke of the search box, against every patient of the clinic.
"""
from __future__ import annotations

import re
from datetime import date

from peewee import OP, SQL, Expression, NodeList, Value

from clinic_desktop.models import Patient, is_sqlite
from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.services.core import clock
from clinic_desktop.services.core.transaction import service
from clinic_desktop.services.patients.nhs_number import SEPARATORS
from clinic_desktop.services.patients.patients import PatientRecord, name_key, records_in_order

__all__ = ["search_patients"]

_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


@service("view_patient", changes=False)
def search_patients(actor, text, limit: int = 20) -> tuple[PatientRecord, ...]:
    """Patients matching an NHS number, a date of birth, or the start of "family[, ]given" names."""
    text = " ".join(str(text or "").split())
    condition = _search_condition(text) if text and limit > 0 else None
    if condition is None:
        return ()
    return records_in_order(Patient.select().where(condition).limit(limit), clock.today(load_settings().zone))


def _search_condition(text: str):
    """The WHERE clause for what was typed, or None when it can match nobody."""
    born = _typed_date(text)
    if born is not None:
        return Patient.date_of_birth == born if born else None
    digits = SEPARATORS.sub("", text)
    if re.fullmatch(r"[0-9]+", digits):
        return Patient.nhs_number == digits if len(digits) == 10 else None
    family, _, given = text.partition(",") if "," in text else text.partition(" ")
    family, given = name_key(family), name_key(given)
    if not family:
        return _starts_with(Patient.given_name_key, given) if given else None
    if not given:
        return _starts_with(Patient.family_name_key, family)
    if "," in text:
        return _starts_with(Patient.family_name_key, family) & _starts_with(Patient.given_name_key, given)
    # "de la cruz" may be one family name rather than family "de", given "la cruz". Both
    # readings start with the first word's family prefix, so the index range stays one
    # condition (with an OR beside it, PostgreSQL would filter every patient row).
    whole = name_key(text)
    return _starts_with(Patient.family_name_key, family) & (
        _starts_with(Patient.given_name_key, given) | _starts_with(Patient.family_name_key, whole))


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


def _starts_with(column, prefix: str):
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
