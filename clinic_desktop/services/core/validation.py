"""Checks a service runs on what it is handed, before it touches the database.

A form, the command line or a script may hand a service None, a number where text
belongs or a date and time where a day belongs. Left alone these crash deep inside
(AttributeError), are refused by PostgreSQL with an SQL message, or are stored silently
by SQLite; checked here they become a sentence naming the field (ValidationError), the
same on both databases. Lengths come from the models, so the limit a user meets is the
one the column has.

Text is checked here for every service, typed or imported: it is normalised (NFC) first, so
the same name typed on two keyboards is the same text; a control character (NUL, ESC, a
line break in a one-line field) or a direction override is refused, for it would be printed
into a signed letter or a file another program reads as something other than what the user
saw; text with nothing visible (only zero-width spaces) is refused; and half of a UTF-16
surrogate pair, which no file or database can store, is refused with a sentence rather
than crashing later with a UnicodeEncodeError.
"""
from __future__ import annotations

import unicodedata
from datetime import date, datetime
from typing import Iterable

from clinic_desktop.services.core.errors import ValidationError

__all__ = ["choice", "codes", "day", "record_id", "text", "yes_no"]

# Record numbers are PostgreSQL `serial` (int4): a larger number cannot be one, and
# SQLite cannot even be asked about a number past 64 bits.
_LARGEST_RECORD_ID = 2**31 - 1


def text(value, field: str, *, required: bool | str = False, max_length: int | None = None,
         label: str | None = None, multiline: bool = False) -> str:
    """The text normalised (NFC) with its ends tidied; None is "" (an optional field left empty).

    ``required`` refuses empty text: True with a generic message, or the message to show.
    ``max_length`` is the column's (the model's CharField max_length). ``multiline`` is for
    notes and addresses typed in a box of several lines: tabs and line breaks are kept there
    (each line break as one "\\n"), refused everywhere else.
    """
    label = label or _label(field)
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(f"The {label} must be written as text.", field=field)
    value = _printable(value, field, label, multiline)
    if required and not value:
        raise ValidationError(required if isinstance(required, str) else f"Enter the {label}.", field=field)
    if value and not any(unicodedata.category(character)[0] in _VISIBLE for character in value):
        raise ValidationError(f"The {label} has no visible characters: retype it or leave it empty.", field=field)
    if max_length is not None and len(value) > max_length:
        raise ValidationError(f"The {label} is too long ({len(value)} characters; at most {max_length}).",
                              field=field)
    return value


# Letters, numbers, punctuation and symbols: what a reader sees printed (a mark alone is not).
_VISIBLE = frozenset("LNPS")
_LINE_BREAKS = {"\r\n": "\n", "\r": "\n", "\u2028": "\n", "\u2029": "\n"}
_MULTILINE_CONTROLS = frozenset("\t\n")
# Explicit direction embeddings, overrides and isolates: they make text read on screen or paper
# in another order than it is stored ("Trojan Source"), which a name or a note never needs.
_DIRECTION_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _printable(value: str, field: str, label: str, multiline: bool) -> str:
    """The text NFC-normalised and trimmed, or ValidationError naming what in it cannot be printed."""
    if value.isascii() and value.isprintable():  # most input: nothing to normalise or refuse (10x quicker)
        return value.strip()
    if any("\ud800" <= character <= "\udfff" for character in value):
        raise ValidationError(f"The {label} holds a broken character (half of a surrogate pair) that cannot be "
                              "stored: retype it.", field=field)
    value = unicodedata.normalize("NFC", value)
    if multiline:
        for line_break, newline in _LINE_BREAKS.items():
            value = value.replace(line_break, newline)
    for character in value:
        if character in _DIRECTION_CONTROLS:
            raise ValidationError(f"The {label} holds an invisible direction override (U+{ord(character):04X}) that "
                                  "would change how it reads: retype it.", field=field)
        if multiline and character in _MULTILINE_CONTROLS:
            continue
        if character in "\n\r\u2028\u2029\v\f":
            raise ValidationError(f"The {label} must be one line: remove the line break.", field=field)
        if unicodedata.category(character) == "Cc":
            raise ValidationError(f"The {label} holds a control character (U+{ord(character):04X}) that cannot be "
                                  "printed: retype it.", field=field)
    return _trimmed(value)


def _trimmed(value: str) -> str:
    """Without spaces, or zero-width characters (format, category Cf), at either end."""
    start, end = 0, len(value)
    while start < end and (value[start].isspace() or unicodedata.category(value[start]) == "Cf"):
        start += 1
    while end > start and (value[end - 1].isspace() or unicodedata.category(value[end - 1]) == "Cf"):
        end -= 1
    return value[start:end]


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
