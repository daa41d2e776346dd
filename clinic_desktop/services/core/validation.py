"""Checks a service runs on what it is handed, before it touches the database.

A form, the command line or a script may hand a service None, a number where text
belongs or a date and time where a day belongs. Left alone these crash deep inside
(AttributeError), are refused by PostgreSQL with an SQL message, or are stored silently
by SQLite; checked here they become a sentence naming the field (ValidationError), the
same on both databases. Lengths come from the models, so the limit a user meets is the
one the column has.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Iterable

from clinic_desktop.services.core.errors import ValidationError

__all__ = ["choice", "codes", "day", "record_id", "text", "yes_no"]

# Record numbers are PostgreSQL `serial` (int4): a larger number cannot be one, and
# SQLite cannot even be asked about a number past 64 bits.
_LARGEST_RECORD_ID = 2**31 - 1


def text(value, field: str, *, required: bool | str = False, max_length: int | None = None,
         label: str | None = None) -> str:
    """The text with its ends tidied; None is "" (an optional field left empty).

    ``required`` refuses empty text: True with a generic message, or the message to show.
    ``max_length`` is the column's (the model's CharField max_length).
    """
    label = label or _label(field)
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(f"The {label} must be written as text.", field=field)
    value = value.strip()
    if required and not value:
        raise ValidationError(required if isinstance(required, str) else f"Enter the {label}.", field=field)
    if max_length is not None and len(value) > max_length:
        raise ValidationError(f"The {label} is too long ({len(value)} characters; at most {max_length}).",
                              field=field)
    return value


def record_id(value, what: str) -> int:
    """A record number (an episode's, an appointment's…): a whole number a record can have."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= _LARGEST_RECORD_ID:
        article = "an" if what[:1] in "aeiou" else "a"
        raise ValidationError(f"{value!r} is not {article} {what} number.", field=f"{what.replace(' ', '_')}_id")
    return value


def day(value, field: str, *, label: str | None = None) -> date:
    """A calendar day; a date and time is refused, not cut down to its day."""
    label = label or _label(field)
    if isinstance(value, datetime):
        raise ValidationError(f"The {label} must be a calendar day, not a date and time.", field=field)
    if isinstance(value, str):
        raise ValidationError(f"The {label} must be a calendar day, not text ({value!r}).", field=field)
    if not isinstance(value, date):
        raise ValidationError(f"Choose the {label}.", field=field)
    return value


def choice(value, choices: Iterable[str], field: str, *, label: str | None = None) -> str:
    """One of a fixed set of codes (a presentation, a referral kind…)."""
    choices = tuple(choices)
    if not isinstance(value, str) or value not in choices:
        raise ValidationError(f"There is no {label or _label(field)} {value!r}: choose one of "
                              f"{', '.join(choices)}.", field=field)
    return value


def codes(value, choices: Iterable[str], field: str, *, what: str) -> tuple[str, ...]:
    """Several codes ticked from a fixed list (a plan's treatments…): each once, in the list's order."""
    choices = tuple(choices)
    if isinstance(value, str):
        value = (value,)
    try:
        given = set(value or ())
    except TypeError:
        raise ValidationError(f"List the {what}s chosen, one for each.", field=field) from None
    unknown = sorted(str(code) for code in given - set(choices))
    if unknown:
        raise ValidationError(f"There is no {what} {unknown[0]!r}: choose from {', '.join(choices)}.", field=field)
    return tuple(code for code in choices if code in given)


def yes_no(value, field: str, *, question: str) -> bool:
    """A yes/no answer, which must be True or False: SQLite would store "no" as true."""
    if not isinstance(value, bool):
        raise ValidationError(f"Say {question}: yes or no.", field=field)
    return value


def _label(field: str) -> str:
    return field.replace("_", " ")
