"""A patient's contact details: each checked as it is written, then all of them together.

Reminders must reach the patient and only a patient who agreed to them: consent to SMS
reminders needs a mobile number to send to, consent to email reminders an email address,
and a preferred contact method needs the number or address it names. The mobile, where text
messages go, is kept only if it reads as a number; the other telephone stays free text, as it
has been since the first schema (a note such as "ask for Mrs Khan" has been kept and imported).
The search keys (models/contact_keys.py) are derived here from the stored values, so every
place that writes a patient keeps them in step.
"""
from __future__ import annotations

import re
from datetime import date

from clinic_desktop.models.contact_keys import phone_key, postcode_key
from clinic_desktop.models.patients import CONTACT_METHODS
from clinic_desktop.services.core import validation
from clinic_desktop.services.core.clinic_time import format_date
from clinic_desktop.services.core.errors import ValidationError

__all__ = ["CLEANERS", "CONTACT_FIELDS", "CONTACT_METHOD_LABELS", "EMAIL_MAX_LENGTH", "LANGUAGE_MAX_LENGTH",
           "PHONE_MAX_LENGTH", "check_together", "search_keys"]

PHONE_MAX_LENGTH = 40
EMAIL_MAX_LENGTH = 200
PRACTICE_NAME_MAX_LENGTH = 200
LANGUAGE_MAX_LENGTH = 60
CONTACT_METHOD_LABELS = {"phone": "phone call", "sms": "text message (SMS)", "email": "email", "letter": "letter"}
# The details checked together by check_together, beside the telephone stored since schema 1.
CONTACT_FIELDS = ("telephone", "mobile", "email", "preferred_contact", "sms_reminders_consented_on",
                  "email_reminders_consented_on", "gp_practice_name", "gp_practice_ods", "interpreter_language")

_PHONE_CHARACTERS = re.compile(r"\+?[0-9 ()\-.]+")
# Short enough to read and long enough for any UK number (10 or 11 digits) or an international one.
_PHONE_DIGITS = range(9, 16)
# One @ with something either side, a dot in the domain, no spaces: what a typing mistake breaks.
_EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")
# A GP practice's ODS code in England and Wales: one letter and five digits (A81001).
_PRACTICE_ODS = re.compile(r"[A-Z][0-9]{5}")


def _text(value, field: str, label: str, longest: int) -> str:
    text = " ".join(validation.text(value, field, label=label).split())
    if len(text) > longest:
        raise ValidationError(f"The {label} is {len(text)} characters long; at most {longest} fit", field=field)
    return text


def _phone(value, field: str, label: str) -> str:
    text = _text(value, field, label, PHONE_MAX_LENGTH)
    if not text:
        return ""
    digits = sum(character.isdigit() for character in text)
    if not _PHONE_CHARACTERS.fullmatch(text) or digits not in _PHONE_DIGITS:
        raise ValidationError(f"'{text}' does not read as a {label}: type its digits, with spaces or +44 if you "
                              "like (for example 07700 900123)", field=field)
    return text


def _email(value) -> str:
    text = _text(value, "email", "email address", EMAIL_MAX_LENGTH)
    if text and not _EMAIL.fullmatch(text):
        raise ValidationError(f"'{text}' is not an email address (it reads like name@example.org)", field="email")
    return text


def _preferred_contact(value) -> str | None:
    if value in (None, ""):
        return None
    if value not in CONTACT_METHODS:
        raise ValidationError(f"The preferred contact is one of {', '.join(CONTACT_METHODS)}, not {value!r}",
                              field="preferred_contact")
    return value


def _consent(value, field: str, today: date) -> date | None:
    """The day consent was given; None withdraws it (or it was never given)."""
    if value is None:
        return None
    if type(value) is not date:
        raise ValidationError("Give the day the patient consented, or no day when they did not", field=field)
    if value > today:
        raise ValidationError(f"Consent cannot be given on {format_date(value)}, a day still to come", field=field)
    return value


def _practice_ods(value) -> str:
    value = validation.text(value, "gp_practice_ods", label="GP practice's ODS code")
    code = "".join(value.split()).upper()
    if code and not _PRACTICE_ODS.fullmatch(code):
        raise ValidationError(f"'{value}' is not a GP practice's ODS code: one letter and five digits, "
                              "for example A81001", field="gp_practice_ods")
    return code


def _interpreter_language(value) -> str | None:
    return _text(value, "interpreter_language", "interpreter's language", LANGUAGE_MAX_LENGTH) or None


# Each returns the value to store or raises ValidationError(field=...), as patients._CLEANERS.
CLEANERS = {
    "telephone": lambda value, today: _text(value, "telephone", "telephone number", PHONE_MAX_LENGTH),
    "mobile": lambda value, today: _phone(value, "mobile", "mobile number"),
    "email": lambda value, today: _email(value),
    "preferred_contact": lambda value, today: _preferred_contact(value),
    "sms_reminders_consented_on": lambda value, today: _consent(value, "sms_reminders_consented_on", today),
    "email_reminders_consented_on": lambda value, today: _consent(value, "email_reminders_consented_on", today),
    "gp_practice_name": lambda value, today: _text(value, "gp_practice_name", "GP practice's name",
                                                   PRACTICE_NAME_MAX_LENGTH),
    "gp_practice_ods": lambda value, today: _practice_ods(value),
    "interpreter_language": lambda value, today: _interpreter_language(value),
}


def check_together(details: dict) -> None:
    """Refuse consent or a preferred method that has nothing to reach the patient by.

    ``details`` holds the CONTACT_FIELDS as they would be stored.
    """
    mobile, email = details["mobile"], details["email"]
    if details["sms_reminders_consented_on"] and not mobile:
        raise ValidationError("Consent to SMS reminders needs a mobile number to send them to: enter the mobile "
                              "number, or untick the consent", field="sms_reminders_consented_on")
    if details["email_reminders_consented_on"] and not email:
        raise ValidationError("Consent to email reminders needs an email address to send them to: enter the "
                              "address, or untick the consent", field="email_reminders_consented_on")
    needs = {"sms": (mobile, "a mobile number"), "email": (email, "an email address"),
             "phone": (mobile or details["telephone"], "a phone number")}
    method = details["preferred_contact"]
    if method in needs and not needs[method][0]:
        raise ValidationError(f"Contact by {CONTACT_METHOD_LABELS[method]} needs {needs[method][1]}: enter it, or "
                              "choose another way to contact the patient", field="preferred_contact")


def search_keys(telephone: str, mobile: str, postcode: str) -> dict[str, str]:
    """The Patient columns a search by phone or postcode reads, for these stored values."""
    return {"telephone_key": phone_key(telephone), "mobile_key": phone_key(mobile),
            "postcode_key": postcode_key(postcode)}
