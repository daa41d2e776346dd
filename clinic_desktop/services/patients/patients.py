"""Patients: registering, reading and correcting the people the clinic cares for.

A patient registered twice has their pathway split across two records, and a review due
on one is invisible from the other. So registration refuses a second record with the same
NHS number, and asks for confirmation when the name and date of birth match someone
already registered. The NHS number's own rules are in nhs_number.py; searching for a
patient is in patient_search.py.
"""
from __future__ import annotations

import functools
import json
import operator
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from peewee import JOIN, IntegrityError

from clinic_desktop.models import AuditEvent, Patient, User, database_proxy, is_sqlite
from clinic_desktop.models.patients import HEPATIC_IMPAIRMENT
from clinic_desktop.pathway.care_options import NSAID_CONTRAINDICATIONS
from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.services.audit import audit
from clinic_desktop.services.core import clock, validation
from clinic_desktop.services.core.clinic_time import format_date
from clinic_desktop.services.core.entity import Entity
from clinic_desktop.services.core.errors import Conflict, NotFound, ValidationError
from clinic_desktop.services.core.transaction import service
from clinic_desktop.services.episodes import pathway_sync
from clinic_desktop.services.patients import contact_details
from clinic_desktop.services.patients.nhs_number import format_nhs_number, normalise_nhs_number

__all__ = ["NAME_MAX_LENGTH", "NSAID_CONTRAINDICATIONS", "OLDEST_AGE_YEARS", "SEX_MAX_LENGTH", "TELEPHONE_MAX_LENGTH", "ChangedSinceRead",
           "PatientRecord", "PossibleDuplicate", "edit_patient", "find_possible_duplicates", "get_patient", "name_key",
           "records_in_order", "register_patient"]

NAME_MAX_LENGTH = 100
OLDEST_AGE_YEARS = 120
SEX_MAX_LENGTH = 16
TELEPHONE_MAX_LENGTH = contact_details.PHONE_MAX_LENGTH

# Outward code (A9, A9A, A99, AA9, AA9A, AA99) then inward code (9AA); GIR 0AA is Girobank's.
_POSTCODE = re.compile(r"(GIR|[A-Z]{1,2}[0-9][A-Z0-9]?)[0-9][A-Z]{2}")


@dataclass(frozen=True)
class PatientRecord:
    """A patient as the screens show them; plain data, so a view never queries lazily."""

    id: int
    nhs_number: str | None
    nhs_number_display: str
    family_name: str
    given_name: str
    display_name: str
    date_of_birth: date
    age: int
    sex: str | None
    address: str
    postcode: str
    telephone: str
    hepatic_impairment: str
    updated_at: datetime  # the version an edit form passes back as ``as_read``
    # Keys of care_options.NSAID_CONTRAINDICATIONS, in its order: an NSAID started despite one
    # needs acknowledging (pathway/pitfalls/prescribing.py).
    nsaid_contraindications: tuple[str, ...] = ()
    # Contact details (schema 7); consent to reminders is the day it was given, None when not given.
    mobile: str = ""
    email: str = ""
    preferred_contact: str | None = None
    sms_reminders_consented_on: date | None = None
    email_reminders_consented_on: date | None = None
    gp_practice_name: str = ""
    gp_practice_ods: str = ""
    interpreter_language: str | None = None  # None: no interpreter needed


class ChangedSinceRead(Conflict):
    """The patient was changed after the caller read them; ``current`` is how they stand now."""

    def __init__(self, message: str, current: PatientRecord):
        super().__init__(message)
        self.current = current


class PossibleDuplicate(Conflict):
    """The patient may already be registered; ``matches`` are the records they may duplicate."""

    def __init__(self, message: str, matches):
        super().__init__(message)
        self.matches: tuple[PatientRecord, ...] = tuple(matches)


def _record(patient: Patient, today: date) -> PatientRecord:
    born = patient.date_of_birth
    return PatientRecord(
        id=patient.id, nhs_number=patient.nhs_number,
        nhs_number_display=format_nhs_number(patient.nhs_number) if patient.nhs_number else "",
        family_name=patient.family_name, given_name=patient.given_name, display_name=patient.display_name,
        date_of_birth=born, age=today.year - born.year - ((today.month, today.day) < (born.month, born.day)),
        sex=patient.sex, address=patient.address, postcode=patient.postcode, telephone=patient.telephone,
        hepatic_impairment=patient.hepatic_impairment, updated_at=patient.updated_at,
        nsaid_contraindications=pathway_sync.split_lines(patient.nsaid_contraindications),
        **{field: getattr(patient, field) for field in contact_details.CONTACT_FIELDS if field != "telephone"})


def _describe(record: PatientRecord) -> str:
    nhs = f", NHS number {record.nhs_number_display}" if record.nhs_number else ""
    return f"{record.display_name}, born {format_date(record.date_of_birth)}{nhs}"


# Validation: each returns the value to store or raises ValidationError(field=...).
def _name(value, field: str, label: str) -> str:
    text = " ".join(validation.text(value, field, label=label, required=f"Enter the patient's {label}").split())
    if len(text) > NAME_MAX_LENGTH:
        raise ValidationError(f"The {label} is {len(text)} characters long; at most {NAME_MAX_LENGTH} fit",
                              field=field)
    return text


def _date_of_birth(value, today: date) -> date:
    if type(value) is not date:  # a datetime or text here is a caller's mistake, not a birth date
        raise ValidationError("Enter the date of birth", field="date_of_birth")
    if value > today:
        raise ValidationError(f"The date of birth {format_date(value)} is in the future", field="date_of_birth")
    try:
        oldest = today.replace(year=today.year - OLDEST_AGE_YEARS)
    except ValueError:  # today is 29 February and that year had none
        oldest = date(today.year - OLDEST_AGE_YEARS, 2, 28)
    if value < oldest:
        raise ValidationError(
            f"The date of birth {format_date(value)} is more than {OLDEST_AGE_YEARS} years ago: check the year",
            field="date_of_birth")
    return value


def _nhs_number(value) -> str | None:
    value = validation.text(value, "nhs_number", label="NHS number")
    if not value:
        return None
    try:
        return normalise_nhs_number(value)
    except ValueError as error:
        raise ValidationError(str(error), field="nhs_number") from None


def _postcode(value) -> str:
    value = validation.text(value, "postcode")
    compact = "".join(value.split()).upper()
    if not compact:
        return ""
    if not _POSTCODE.fullmatch(compact):
        raise ValidationError(f"'{value}' does not look like a UK postcode (for example SW1A 1AA)",
                              field="postcode")
    return f"{compact[:-3]} {compact[-3:]}"


def _short_text(value, field: str, label: str, longest: int) -> str:
    text = validation.text(value, field, label=label)
    if len(text) > longest:
        raise ValidationError(f"The {label} is {len(text)} characters long; at most {longest} fit", field=field)
    return text


def _hepatic_impairment(value) -> str:
    if value not in HEPATIC_IMPAIRMENT:
        raise ValidationError(f"Hepatic impairment is one of {', '.join(HEPATIC_IMPAIRMENT)}, not {value!r}",
                              field="hepatic_impairment")
    return value


def _nsaid_contraindications(value) -> str:
    """Stored one key a line, in the order care_options lists them, so the same set is always the same text."""
    if isinstance(value, str):
        value = [value]
    try:
        given = set(value or ())
    except TypeError:
        raise ValidationError("List the NSAID contraindications, one for each", field="nsaid_contraindications") from None
    unknown = sorted(map(repr, given - set(NSAID_CONTRAINDICATIONS)))
    if unknown:
        raise ValidationError(f"There is no NSAID contraindication {', '.join(unknown)}: choose from "
                              f"{', '.join(NSAID_CONTRAINDICATIONS)}", field="nsaid_contraindications")
    return "\n".join(key for key in NSAID_CONTRAINDICATIONS if key in given)


_CLEANERS = {
    "family_name": lambda value, today: _name(value, "family_name", "family name"),
    "given_name": lambda value, today: _name(value, "given_name", "given name"),
    "date_of_birth": _date_of_birth,
    "nhs_number": lambda value, today: _nhs_number(value),
    "sex": lambda value, today: _short_text(value, "sex", "sex", SEX_MAX_LENGTH) or None,
    "address": lambda value, today: validation.text(value, "address", multiline=True),
    "postcode": lambda value, today: _postcode(value),
    "hepatic_impairment": lambda value, today: _hepatic_impairment(value),
    "nsaid_contraindications": lambda value, today: _nsaid_contraindications(value),
    **contact_details.CLEANERS,
}
# What changes the warnings of the medicines a patient takes: a change re-runs their open episodes.
_PRESCRIBING_DETAILS = frozenset({"hepatic_impairment", "nsaid_contraindications"})


def name_key(name: str) -> str:
    """The lower-case form the indexed key columns hold and a search compares against."""
    return " ".join(name.split()).casefold()


def _clinic_today() -> date:
    return clock.today(load_settings().zone)


def records_in_order(query, today: date) -> tuple[PatientRecord, ...]:
    """The patients ``query`` selects, as records, in the order every list of patients shows them."""
    ordered = query.order_by(Patient.family_name_key, Patient.given_name_key, Patient.date_of_birth, Patient.id)
    return tuple(_record(patient, today) for patient in ordered)


def _with_nhs_number(nhs_number: str | None, today: date, except_id: int | None = None):
    if nhs_number is None:
        return ()
    query = Patient.select().where(Patient.nhs_number == nhs_number)
    if except_id is not None:
        query = query.where(Patient.id != except_id)
    return records_in_order(query, today)


def _same_name_and_birth(family_name: str, given_name: str, born: date):
    return ((Patient.family_name_key == name_key(family_name)) & (Patient.given_name_key == name_key(given_name))
            & (Patient.date_of_birth == born))


def _nhs_number_taken(nhs_number: str, matches) -> PossibleDuplicate:
    return PossibleDuplicate(
        f"NHS number {format_nhs_number(nhs_number)} is already registered to {_describe(matches[0])}: "
        "open that record rather than registering the patient again", matches)


@service("view_patient", changes=False)
def find_possible_duplicates(actor, family_name, given_name, date_of_birth,
                             nhs_number=None) -> tuple[PatientRecord, ...]:
    """Patients a registration form should warn about before saving.

    A half-filled form is not an error here: an unusable NHS number or a missing name or
    date simply matches nothing (saving will say what is wrong).
    """
    try:
        conditions = [Patient.nhs_number == normalise_nhs_number(nhs_number)] if nhs_number else []
    except ValueError:
        conditions = []
    if name_key(str(family_name or "")) and name_key(str(given_name or "")) and type(date_of_birth) is date:
        conditions.append(_same_name_and_birth(str(family_name), str(given_name), date_of_birth))
    if not conditions:
        return ()
    return records_in_order(Patient.select().where(functools.reduce(operator.or_, conditions)), _clinic_today())


def _store(patient: Patient, nhs_number: str | None, today: date, only=None) -> None:
    """Save ``patient`` (``only`` those columns); a number registered meanwhile on another
    workstation is a duplicate, not a crash."""
    try:
        with database_proxy.atomic():  # a savepoint: PostgreSQL's transaction survives the refusal
            patient.save(only=only)
    except IntegrityError:
        matches = _with_nhs_number(nhs_number, today, except_id=patient.id)
        if matches:
            raise _nhs_number_taken(nhs_number, matches) from None
        raise


@service("register_patient")
def register_patient(actor, *, family_name, given_name, date_of_birth, nhs_number=None, sex=None, address="",
                     postcode="", telephone="", hepatic_impairment="none", nsaid_contraindications=(),
                     confirm_not_duplicate=False, **contact) -> PatientRecord:
    """Register a new patient; the same NHS number is always refused, the same name and birth date asked about.

    ``contact`` holds the other contact details (contact_details.CONTACT_FIELDS), each blank when not given.
    """
    unknown = sorted(set(contact) - set(contact_details.CONTACT_FIELDS))
    if unknown:
        raise ValidationError(f"'{unknown[0]}' is not a patient detail", field=unknown[0])
    today = _clinic_today()
    given = dict(family_name=family_name, given_name=given_name, date_of_birth=date_of_birth,
                 nhs_number=nhs_number, sex=sex, address=address, postcode=postcode, telephone=telephone,
                 hepatic_impairment=hepatic_impairment, nsaid_contraindications=nsaid_contraindications,
                 **{field: contact.get(field) for field in contact_details.CONTACT_FIELDS if field != "telephone"})
    values = {field: _CLEANERS[field](value, today) for field, value in given.items()}
    contact_details.check_together(values)
    same_number = _with_nhs_number(values["nhs_number"], today)
    if same_number:
        raise _nhs_number_taken(values["nhs_number"], same_number)
    same_person = records_in_order(Patient.select().where(
        _same_name_and_birth(values["family_name"], values["given_name"], values["date_of_birth"])), today)
    if same_person and not confirm_not_duplicate:
        raise PossibleDuplicate(
            f"{values['family_name'].upper()}, {values['given_name']}, born {format_date(values['date_of_birth'])}, "
            f"may already be registered: {'; '.join(_describe(match) for match in same_person)}. "
            "Open that record, or confirm that this is a different person", same_person)
    now = clock.now_utc()
    patient = Patient(**values, family_name_key=name_key(values["family_name"]),
                      given_name_key=name_key(values["given_name"]), created_at=now, updated_at=now,
                      **contact_details.search_keys(values["telephone"], values["mobile"], values["postcode"]))
    _store(patient, values["nhs_number"], today)
    record = _record(patient, today)
    nhs = f", NHS number {record.nhs_number_display}" if record.nhs_number else ", no NHS number"
    audit.record(actor, "register_patient", Entity.PATIENT, patient.id,
                 f"registered {record.display_name}, born {format_date(record.date_of_birth)}{nhs}",
                 patient_id=patient.id, confirmed_different_from=[match.id for match in same_person],
                 nsaid_contraindications=list(record.nsaid_contraindications),
                 reminder_consents={"sms": _shown(record.sms_reminders_consented_on),  # who recorded consent, when
                                    "email": _shown(record.email_reminders_consented_on)})
    return record


def _shown(value) -> str | None:
    return value.isoformat() if isinstance(value, date) else value


def _quoted(value) -> str:
    return f"'{_shown(value)}'" if value else "(blank)"


def _in_words(field: str, value) -> str:
    """A detail as the audit summary says it: contraindications by their labels."""
    if field == "nsaid_contraindications":
        return f"'{', '.join(NSAID_CONTRAINDICATIONS[key] for key in pathway_sync.split_lines(value))}'" if value \
            else "(none)"
    return _quoted(value)


@service("edit_patient")
def edit_patient(actor, patient_id: int, *, as_read: datetime | None = None, **changes) -> PatientRecord:
    """Correct a patient's details; the audit event keeps each changed value's old and new form.

    Only the values that differ from the stored ones are written, so a detail the caller
    passes unchanged never reverts someone else's correction. ``as_read`` is the
    ``updated_at`` of the record the caller's form was filled from: if the patient was
    changed since, nothing is saved (ChangedSinceRead), because a form read before a new
    hepatic impairment would otherwise drop the prescribing warning it brings.
    """
    unknown = sorted(set(changes) - set(_CLEANERS))
    if unknown:
        raise ValidationError(f"'{unknown[0]}' is not a patient detail that can be changed", field=unknown[0])
    if as_read is not None and not (isinstance(as_read, datetime) and as_read.tzinfo):
        raise ValidationError(f"as_read is the record's updated_at (a timezone-aware instant), not {as_read!r}")
    patient = _patient(patient_id, lock=True)
    today = _clinic_today()
    if as_read is not None and patient.updated_at != as_read:
        raise _changed_since(patient, as_read, today)
    cleaned = {field: _CLEANERS[field](value, today) for field, value in changes.items()}
    changed = {field: (getattr(patient, field), value) for field, value in cleaned.items()
               if getattr(patient, field) != value}
    if set(changed) & set(contact_details.CONTACT_FIELDS):  # details stored before a rule stand until touched
        contact_details.check_together({field: cleaned.get(field, getattr(patient, field))
                                        for field in contact_details.CONTACT_FIELDS})
    if changed.get("nhs_number", (None, None))[1]:
        others = _with_nhs_number(cleaned["nhs_number"], today, except_id=patient.id)
        if others:
            raise _nhs_number_taken(cleaned["nhs_number"], others)
    name_before = patient.display_name
    if changed:
        for field, (_, new) in changed.items():
            setattr(patient, field, new)
        patient.family_name_key = name_key(patient.family_name)
        patient.given_name_key = name_key(patient.given_name)
        keys = contact_details.search_keys(patient.telephone, patient.mobile, patient.postcode)
        for column, key in keys.items():
            setattr(patient, column, key)
        # Every change makes a new version, even within one clock tick or behind a slower clock.
        patient.updated_at = max(clock.now_utc(), patient.updated_at + timedelta(microseconds=1))
        _store(patient, patient.nhs_number, today,
               only=[*changed, "family_name_key", "given_name_key", *keys, "updated_at"])
    pathway = _resynchronise(actor, patient.id) if _PRESCRIBING_DETAILS & set(changed) else []
    described = "; ".join(f"{field.replace('_', ' ')} {_in_words(field, old)} → {_in_words(field, new)}"
                          for field, (old, new) in changed.items())
    summary = (f"changed {name_before}'s details: {described}" if changed
               else f"saved {name_before}'s details with no changes")
    audit.record(actor, "edit_patient", Entity.PATIENT, patient.id, summary, patient_id=patient.id,
                 changes={field: {"old": _shown(old), "new": _shown(new)} for field, (old, new) in changed.items()},
                 pathway=pathway, version=patient.updated_at.isoformat())
    return _record(patient, today)


def _changed_since(patient: Patient, as_read: datetime, today: date) -> ChangedSinceRead:
    """The refusal of an edit read before someone else's, naming who changed what when the audit says."""
    recent = (AuditEvent.select(AuditEvent, *User.readable()).join(User, JOIN.LEFT_OUTER, on=(AuditEvent.user == User.id))
              .where((AuditEvent.patient == patient.id) & (AuditEvent.action == "edit_patient"))
              .order_by(AuditEvent.id.desc()).limit(20))  # one patient's edits are serialised by its row lock
    fields, people = [], []
    for event in recent:
        details = json.loads(event.details)
        version = details.get("version")
        if version is None or datetime.fromisoformat(version) <= as_read:  # versions only grow
            break
        if details.get("changes"):  # a save that changed nothing changed nobody's form
            fields += [field.replace("_", " ") for field in details["changes"]]
            people.append(event.user.full_name if event.user_id else event.actor_label)
    who = f"by {' and '.join(dict.fromkeys(people))}" if people else "on another workstation"
    what = f" ({', '.join(dict.fromkeys(fields))})" if fields else ""
    return ChangedSinceRead(
        f"{patient.display_name}'s details were changed {who} since you opened them{what}; nothing was saved. "
        "Your changes are still in the form: check them against the new details and save again.",
        _record(patient, today))


def _resynchronise(actor, patient_id: int) -> list[str]:
    """Re-run the pathway of the patient's open episodes: hepatic impairment and NSAID contraindications
    change prescribing warnings, also of medicines started before they were recorded."""
    return list(pathway_sync.synchronise_patient_episodes(actor, patient_id))


def _patient(patient_id, *, lock: bool = False) -> Patient:
    """The patient row; ``lock`` holds it against other workstations until the transaction ends,
    so an edit never writes back values someone else changed meanwhile (PostgreSQL; SQLite's
    writers are already serialised)."""
    patient = None
    if isinstance(patient_id, int) and not isinstance(patient_id, bool):
        query = Patient.select().where(Patient.id == patient_id)
        if lock and not is_sqlite():
            query = query.for_update()
        patient = query.first()
    if patient is None:
        raise NotFound(f"There is no patient with record number {patient_id}")
    return patient


@service("view_patient", changes=False)
def get_patient(actor, patient_id: int) -> PatientRecord:
    return _record(_patient(patient_id), _clinic_today())
