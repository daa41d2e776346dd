"""Reading the audit trail: the manager's filtered, paged view of it, its CSV export, its check.

Dates in a filter are clinic dates: "from 1 Nov to 3 Nov" means from local midnight
starting 1 Nov to local midnight ending 3 Nov, whatever the season's UTC offset. The
database filters, orders (newest first) and pages, each filter answered from an index
(patient+time, user+time, action+time, time).
"""
from __future__ import annotations

import csv
import os
import re
import tempfile
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

from peewee import JOIN, SQL

from clinic_desktop.models import AuditEvent, Patient, User, database_proxy
from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.services.audit import audit
from clinic_desktop.services.audit.audit_chain import Anchor, ChainReport, local_when, verify_chain
from clinic_desktop.services.core import progress, validation
from clinic_desktop.services.core.clinic_time import format_date
from clinic_desktop.services.core.entity import Entity
from clinic_desktop.services.core.errors import NotFound, ValidationError
from clinic_desktop.services.core.export_files import file_error_in_words
from clinic_desktop.services.core.transaction import permission_checked, service
from clinic_desktop.services.patients.nhs_number import format_nhs_number
from clinic_desktop.services.worklists.worklists import Page, check_paging

__all__ = ["CSV_COLUMNS", "NO_USER", "Anchor", "AuditFilters", "AuditRow", "AuditUser", "ChainReport", "action_title",
           "audit_actions", "audit_users", "describe_filters", "export_events_csv", "local_when", "search_events",
           "user_named", "verify_chain"]

NO_USER = 0  # the user filter's value for events written by the command line or the system
_ACTION = re.compile(r"[a-z][a-z0-9_]{0,63}")
_EXPORT_BATCH = 2000
CSV_COLUMNS = ("entry", "when (clinic time)", "who", "action", "record", "record id", "patient id", "patient",
               "NHS number", "summary", "details")


@dataclass(frozen=True)
class AuditFilters:
    """Which entries to show or export; None means any."""

    patient_id: int | None = None
    user_id: int | None = None  # NO_USER: the command line or the system
    action: str | None = None
    start: date | None = None  # clinic dates, both ends included
    end: date | None = None


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime  # UTC
    who: str  # as the actor was named when it happened: "Morag Manager (manager)"
    user_id: int | None
    action: str  # "book_appointment"
    action_title: str  # "Book appointment"
    entity: str
    entity_id: int | None
    patient_id: int | None
    patient_name: str  # "SMITH, Ann", or "" for an entry about no patient
    nhs_number: str  # "943 476 5919" or ""
    summary: str
    details: str  # JSON


@dataclass(frozen=True)
class AuditUser:
    id: int  # NO_USER for the command line or the system
    label: str  # "Morag Manager (manager)", "Sam Physio (physio), deactivated"


@service("view_audit", changes=False)
def search_events(actor, *, patient_id: int | None = None, user_id: int | None = None, action: str | None = None,
                  start: date | None = None, end: date | None = None, offset: int = 0,
                  limit: int = 100) -> Page[AuditRow]:
    """One page of the entries matching every filter given, newest first."""
    check_paging(offset, limit)
    filters = AuditFilters(patient_id, user_id, action, start, end)
    where = _where(filters, load_settings().zone)
    _check_targets(filters)
    query = _rows_query(where).order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).offset(offset).limit(limit)
    rows = tuple(_row(event) for event in query)
    total = AuditEvent.select().where(where).count() if rows or offset else 0
    return Page(rows=rows, total=total, offset=offset, limit=limit)


@service("view_audit", changes=False)
def audit_actions(actor) -> tuple[str, ...]:
    """Every action the trail holds, in alphabetical order (a skip scan of the action index)."""
    return _recorded_actions()


def _recorded_actions() -> tuple[str, ...]:
    cursor = database_proxy.execute_sql(
        "WITH RECURSIVE seen(action) AS ("
        " SELECT MIN(action) FROM audit_event"
        " UNION ALL SELECT (SELECT MIN(action) FROM audit_event WHERE action > seen.action)"
        " FROM seen WHERE seen.action IS NOT NULL)"
        " SELECT action FROM seen WHERE action IS NOT NULL")
    return tuple(row[0] for row in cursor.fetchall())


@service("view_audit", changes=False)
def audit_users(actor) -> tuple[AuditUser, ...]:
    """Every account, active ones first, then the command line and the system."""
    users = User.select().order_by(User.active.desc(), User.full_name, User.username)
    return tuple(AuditUser(user.id, f"{user.full_name} ({user.username})" + ("" if user.active else ", deactivated"))
                 for user in users) + (AuditUser(NO_USER, "Command line or system"),)


@service("view_audit", changes=False)
def user_named(actor, username: str) -> int:
    """The id of the account ``username`` (deactivated ones too), for the command line's --user."""
    username = validation.text(username, "user", label="user name")
    user = User.get_or_none(User.username == username)
    if user is None:
        raise NotFound(f"There is no user called {username!r}.")
    return user.id


@permission_checked("view_audit")
def export_events_csv(actor, path: Path, filters: AuditFilters = AuditFilters()) -> int:
    """Write the matching entries, oldest first, to a CSV file; return how many.

    The file appears whole or not at all (written aside, then renamed). The export is
    itself recorded in the trail: it hands patients' details to whoever holds the file.
    """
    path = Path(path)
    _check_filters(filters)
    zone = _zone(actor)
    _targets_exist(actor, filters)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ValidationError(f"There is no folder {folder} to write the export into.", field="path")
    count, after = 0, 0
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=folder)
        try:
            with os.fdopen(handle, "w", newline="", encoding="utf-8") as file:
                writer = csv.writer(file)
                writer.writerow(CSV_COLUMNS)
                while rows := _export_batch(actor, filters, after):
                    writer.writerows(_csv_cells(row, zone) for row in rows)
                    count += len(rows)
                    after = rows[-1].id
                    progress.step(count, 0, f"Exporting the audit trail: {count:,} entries written…")
            os.replace(temporary, path)
        except BaseException:  # a cancel or a failure leaves no part of the file behind
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as error:
        raise ValidationError(f"Cannot write the entries to {file_error_in_words(path, error)}; nothing was "
                              "written.", field="path") from None
    _record_export(actor, filters, count, path)
    return count


@service("view_audit", changes=False)
def _export_batch(actor, filters: AuditFilters, after: int) -> tuple[AuditRow, ...]:
    where = _where(filters, load_settings().zone) & (AuditEvent.id > after)
    return tuple(_row(event) for event in _rows_query(where).order_by(AuditEvent.id).limit(_EXPORT_BATCH))


@service("view_audit")
def _record_export(actor, filters: AuditFilters, count: int, path: Path) -> None:
    shown = describe_filters(filters, load_settings().zone)
    audit.record(actor, "export_audit", Entity.AUDIT_EVENT, None,
                 f"exported {count:,} audit {'entry' if count == 1 else 'entries'} ({shown}) to {path.name}",
                 patient_id=filters.patient_id, file=str(path))


def describe_filters(filters: AuditFilters, zone) -> str:
    """ "patient #12, from 1 Nov 2026": the filters in words, or "all entries"."""
    parts = []
    if filters.patient_id is not None:
        parts.append(f"patient #{filters.patient_id}")
    if filters.user_id is not None:
        parts.append("by the command line or system" if filters.user_id == NO_USER else f"user #{filters.user_id}")
    if filters.action:
        parts.append(f"action {filters.action}")
    if filters.start:
        parts.append(f"from {format_date(filters.start)}")
    if filters.end:
        parts.append(f"to {format_date(filters.end)}")
    return ", ".join(parts) or "all entries"


@service("view_audit", changes=False)
def _targets_exist(actor, filters: AuditFilters) -> None:
    _check_targets(filters)


def _check_targets(filters: AuditFilters) -> None:
    """A filter naming a patient, an account or an action that does not exist is a mistake, not "no entries"."""
    if filters.action is not None and not AuditEvent.select().where(AuditEvent.action == filters.action).exists():
        known = _recorded_actions()
        listed = f"the actions recorded are {', '.join(known)}" if known else "the trail records no action yet"
        raise NotFound(f"No audit entry has the action {filters.action!r}: {listed}.")
    if filters.patient_id is not None and Patient.get_or_none(Patient.id == filters.patient_id) is None:
        raise NotFound(f"There is no patient #{filters.patient_id}.")
    if filters.user_id not in (None, NO_USER) and User.get_or_none(User.id == filters.user_id) is None:
        raise NotFound(f"There is no user #{filters.user_id}.")


@service("view_audit", changes=False)
def _zone(actor):
    return load_settings().zone


def _check_filters(filters: AuditFilters) -> None:
    if filters.action is not None and not _ACTION.fullmatch(filters.action):
        raise ValidationError(f"{filters.action!r} is not an action name (they read like book_appointment).",
                              field="action")
    if filters.start and filters.end and filters.start > filters.end:
        raise ValidationError(f"The 'from' date ({format_date(filters.start)}) is after the 'to' date "
                              f"({format_date(filters.end)}).", field="start")
    for name in ("patient_id", "user_id"):
        value = getattr(filters, name)
        if value is not None and (not isinstance(value, int) or value < 0):
            raise ValidationError(f"{name.replace('_', ' ')} must be a whole number, got {value!r}.", field=name)


def _imported(patient_id: int):
    """An import of several patients names them in its details ("patient_ids": [4, 5, 6]), not
    in its patient column: a patient's trail starts with the import that brought them in."""
    listed = '"patient_ids": ['
    patterns = (f"%{listed}{patient_id},%", f"%{listed}{patient_id}]%",
                f"%{listed}% {patient_id},%", f"%{listed}% {patient_id}]%")
    # peewee's ** is ILIKE (LIKE on SQLite); its % and "LIKE" become GLOB there, where "[" opens a set.
    mentioned = AuditEvent.details ** patterns[0]
    for pattern in patterns[1:]:
        mentioned |= AuditEvent.details ** pattern
    return (AuditEvent.action == "import_patients") & mentioned


def _where(filters: AuditFilters, zone):
    _check_filters(filters)
    where = SQL("1 = 1")
    if filters.patient_id is not None:
        where &= (AuditEvent.patient == filters.patient_id) | _imported(filters.patient_id)
    if filters.user_id == NO_USER:
        where &= AuditEvent.user.is_null()
    elif filters.user_id is not None:
        where &= AuditEvent.user == filters.user_id
    if filters.action:
        where &= AuditEvent.action == filters.action
    if filters.start:
        where &= AuditEvent.at >= _local_midnight(filters.start, zone)
    if filters.end:
        where &= AuditEvent.at < _local_midnight(filters.end + timedelta(days=1), zone)
    return where


def _local_midnight(day: date, zone) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(timezone.utc)


def _rows_query(where):
    return (AuditEvent.select(AuditEvent, Patient.family_name, Patient.given_name, Patient.nhs_number)
            .join(Patient, JOIN.LEFT_OUTER, on=(AuditEvent.patient == Patient.id))
            .where(where).objects())


def _row(event) -> AuditRow:
    named = event.patient_id is not None and event.family_name is not None
    return AuditRow(
        id=event.id, at=event.at, who=event.actor_label, user_id=event.user_id, action=event.action,
        action_title=action_title(event.action), entity=event.entity, entity_id=event.entity_id,
        patient_id=event.patient_id,
        patient_name=f"{event.family_name.upper()}, {event.given_name}" if named else "",
        nhs_number=format_nhs_number(event.nhs_number) if named and event.nhs_number else "",
        summary=event.summary, details=event.details,
    )


def action_title(action: str) -> str:
    """book_appointment -> Book appointment."""
    words = action.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def _csv_cells(row: AuditRow, zone) -> tuple:
    local = row.at.astimezone(zone)
    return (row.id, local.strftime("%Y-%m-%d %H:%M:%S"), _inert(row.who), row.action, row.entity,
            "" if row.entity_id is None else row.entity_id, "" if row.patient_id is None else row.patient_id,
            _inert(row.patient_name), row.nhs_number, _inert(row.summary), row.details)


def _inert(text: str) -> str:
    """Typed text a spreadsheet would run as a formula (=, +, -, @) is opened as text instead."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text

