"""The worklists each role works through: to book, awaiting signature, overdue (today: day_book.py).

The database counts, sorts and pages every list (COUNT, ORDER BY, LIMIT/OFFSET) through
the partial indexes declared with the models, so a clinic with a million appointments
pages as fast as a new one; only the rows of the page asked for, and their patients,
ever reach Python. Urgent red-flag referrals head every list until someone sends them.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from typing import Generic, NamedTuple, TypeVar

from peewee import JOIN, SQL, Select, Value, fn

from clinic_desktop.models import (
    Appointment,
    Episode,
    Patient,
    Referral,
    User,
    database_proxy,
)
from clinic_desktop.models.appointments import open_statuses_sql
from clinic_desktop.models.referrals import open_referral_sql
from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.services.core import clock
from clinic_desktop.services.core.errors import ValidationError
from clinic_desktop.services.core.transaction import service
from clinic_desktop.services.episodes.pathway_sync import (
    APPOINTMENT_LABELS,
    REFERRAL_LABELS,
    capitalised,
)
from clinic_desktop.services.patients.nhs_number import format_nhs_number
from clinic_desktop.services.worklists.obligation_sides import responsible_clinician
from clinic_desktop.services.worklists.text_filter import TextFilter

__all__ = ["KIND_TITLES", "MAX_PAGE_SIZE", "UNASSIGNED_CLINICIAN", "OverdueRow", "Page", "PatientColumns",
           "ReferralRow", "ToBookRow", "awaiting_signature", "check_paging", "clinician_names", "overdue",
           "overdue_clinician", "overdue_counts", "overdue_page", "overdue_total", "patient_columns",
           "patient_fields", "to_book", "urgent_red_flags"]

# The labels pathway_sync words its notices with, capitalised for a column.
KIND_TITLES = {kind: capitalised(label) for kind, label in {**APPOINTMENT_LABELS, **REFERRAL_LABELS}.items()}

MAX_PAGE_SIZE = 1000
UNASSIGNED_CLINICIAN = "unassigned"

RowT = TypeVar("RowT")


@dataclass(frozen=True)
class Page(Generic[RowT]):
    """One page of a list; ``total`` counts the whole list (as filtered), not just this page.

    ``unfiltered`` counts the list without its filter box's text, where the reader asked for it
    ("12 of 340"); None when nobody did.
    """

    rows: tuple[RowT, ...]
    total: int
    offset: int
    limit: int
    unfiltered: int | None = None


@dataclass(frozen=True)
class PatientColumns:
    """What every worklist row shows of the patient, ready to display."""

    patient_id: int
    patient_name: str  # "SMITH, Ann"
    nhs_number: str  # "943 476 5919", or "" when not known
    date_of_birth: date
    episode_id: int

    def patient_columns(self) -> dict:
        """These fields alone, to build another kind of row about the same patient."""
        return {name: getattr(self, name) for name in PatientColumns.__dataclass_fields__}


@dataclass(frozen=True)
class ToBookRow(PatientColumns):
    appointment_id: int
    kind: str
    kind_title: str
    due_by: date
    days_left: int  # negative once overdue
    after_did_not_attend: bool
    reason: str
    taken_off: str | None = None  # why its booking was taken off (leave, a session ended), if it was


@dataclass(frozen=True)
class ReferralRow(PatientColumns):
    referral_id: int
    kind: str
    kind_title: str
    due_by: date
    days_left: int
    urgent: bool
    status: str
    reason: str
    drafted_by_name: str


@dataclass(frozen=True)
class OverdueRow(PatientColumns):
    item_type: str  # "appointment" | "referral"
    item_id: int
    kind: str
    kind_title: str
    due_by: date
    days_overdue: int
    urgent: bool
    status: str
    clinician_name: str  # the booked clinician, else the episode's responsible one; "unassigned" when none


@service("view_worklists", changes=False)
def to_book(actor, *, as_of: date | None = None, offset: int = 0, limit: int = 50,
            did_not_attend_only: bool = False, text: str | None = None) -> Page[ToBookRow]:
    """Reviews waiting to be booked in open episodes, the nearest deadline first.

    ``did_not_attend_only``: just the reviews to rebook after the patient did not attend.
    ``text``: the list's filter box (text_filter.py).
    """
    check_paging(offset, limit)
    today = as_of or _clinic_today()
    where = (Appointment.status == SQL("'to_book'")) & (Episode.status == "open")
    if did_not_attend_only:
        where &= Appointment.rebooked_from.is_null(False)
    where = TextFilter.narrow(where, text, Appointment.episode, titles=KIND_TITLES, kind=Appointment.kind,
                              whole_title="To book Did not attend" if did_not_attend_only else "To book")
    total = Appointment.select(fn.COUNT(SQL("*"))).join(Episode).where(where).scalar()
    query = (
        Appointment.select(Appointment.id, Appointment.kind, Appointment.due_by, Appointment.rebooked_from,
                           Appointment.reason, Appointment.cancel_reason, *patient_fields())
        .join(Episode).join(Patient)
        .where(where)
        .order_by(Appointment.due_by, Appointment.id)
        .offset(offset).limit(limit)
    )
    rows = tuple(
        ToBookRow(**_due_columns(row, today), appointment_id=row.id,
                  after_did_not_attend=row.rebooked_from_id is not None, reason=row.reason,
                  taken_off=row.cancel_reason)
        for row in query
    )
    return Page(rows=rows, total=total, offset=offset, limit=limit)


@service("view_worklists", changes=False)
def awaiting_signature(actor, *, clinician_id: int | None = None, as_of: date | None = None,
                       offset: int = 0, limit: int = 50, text: str | None = None) -> Page[ReferralRow]:
    """Drafted letters waiting for a clinician's signature, urgent ones first.

    ``clinician_id``: the letters that clinician drafted, plus those whose drafter (and the
    episode's responsible clinician) is no longer active: the safety net's owner rules
    (obligations.py), so a letter drafted by someone who left is still signed by someone.
    """
    from clinic_desktop.services.worklists.obligations import obligation_page  # it builds on this module

    owed = obligation_page("letter_to_sign", owner_user_id=clinician_id, as_of=as_of, offset=offset, limit=limit,
                           text=text)
    ids = [row.item_id for row in owed.rows]
    found = {row.id: row for row in _referral_rows_query(Referral.id.in_(ids))} if ids else {}
    rows = _referral_rows((found[referral_id] for referral_id in ids), as_of or _clinic_today())
    return Page(rows=rows, total=owed.total, offset=offset, limit=limit)


@service("view_worklists", changes=False)
def urgent_red_flags(actor, *, as_of: date | None = None) -> tuple[ReferralRow, ...]:
    """Every red-flag referral not yet sent, whatever its due date: pinned above every list."""
    where = _open_referral() & (Referral.kind == "urgent_red_flag")
    query = _referral_rows_query(where).order_by(Referral.due_by, Referral.id)
    return _referral_rows(query, as_of or _clinic_today())


@service("view_worklists", changes=False)
def overdue(actor, *, as_of: date | None = None, kind: str | None = None,
            offset: int = 0, limit: int = 50, text: str | None = None) -> Page[OverdueRow]:
    """Open appointments and referrals past their due-by date, as one list.

    Urgent referrals first, then the most overdue, so the longest wait is never
    below the fold; ``kind`` narrows the list to one kind of item, ``text`` to the rows
    the filter box's words match (text_filter.py).
    """
    check_paging(offset, limit)
    _check_kind(kind)
    today = as_of or _clinic_today()
    matching = TextFilter.read(text)
    rows = overdue_page(today, kind, offset, limit, matching)
    return Page(rows=rows, total=overdue_total(today, kind, matching), offset=offset, limit=limit)


@service("view_worklists", changes=False)
def overdue_counts(actor, *, as_of: date | None = None) -> dict[str, int]:
    """How many overdue items of each kind (kinds with none are left out)."""
    return dict(_run(_overdue_counts_query, as_of or _clinic_today()))


# --- the overdue list, also measured on its own by benchmarks/ ---

# The columns both sides of the overdue list give, in the same order.
_ITEM = ("item_type", "item_id", "kind", "due_by", "urgent", "status", "episode_id", "clinician_id")
_KIND_ONLY = ("kind",)
_NOTHING = ()


def overdue_page(today: date, kind: str | None, offset: int, limit: int,
                 text: TextFilter | None = None) -> tuple[OverdueRow, ...]:
    """One page of the overdue list, its patients joined in; call inside a service (one transaction)."""
    found = _run(_overdue_page_query, today, kind, offset, limit, text)
    names = clinician_names({row[_ITEM.index("clinician_id")] for row in found})
    rows = []
    for item_type, item_id, kind, due_by, urgent, status, episode_id, clinician_id, *patient in found:
        due_by = _as_date(due_by)
        rows.append(OverdueRow(
            **_patient_columns(_PatientRow(*patient[:-1], _as_date(patient[-1])), episode_id),
            item_type=item_type,
            item_id=item_id,
            kind=kind,
            kind_title=KIND_TITLES[kind],
            due_by=due_by,
            days_overdue=(today - due_by).days,
            urgent=bool(urgent),
            status=status,
            clinician_name=names.get(clinician_id, UNASSIGNED_CLINICIAN),
        ))
    return tuple(rows)


def overdue_total(today: date, kind: str | None, text: TextFilter | None = None) -> int:
    """How many items the whole overdue list holds, counted by the database."""
    return _run(_overdue_total_query, today, kind, text)[0][0]


def _overdue_page_query(today: date, kind: str | None, offset: int, limit: int, text: TextFilter | None) -> Select:
    """Each side is cut to its own first offset + limit rows before the two are merged,
    so a page costs the same with a thousand overdue items as with a hundred thousand."""
    shared = text.shared_patients() if text else {}
    appointments, referrals = _overdue_sides(today, kind, _ITEM, text, shared)
    wanted = offset + limit
    items = (
        _first(appointments.order_by(Appointment.due_by, Appointment.id), wanted)
        .union_all(_first(referrals.order_by(Referral.urgent.desc(), Referral.due_by, Referral.id), wanted))
        .alias("item")
    )
    page = (
        Select([items.join(Episode, on=(Episode.id == items.c.episode_id))
                .join(Patient, on=(Patient.id == Episode.patient))],
               [*(items.c[name] for name in _ITEM), *_patient_row_fields()])
        .order_by(items.c.urgent.desc(), items.c.due_by, items.c.item_type, items.c.item_id)
        .offset(offset).limit(limit)
    )
    return page.with_cte(*shared.values()) if shared else page


def _overdue_counts_query(today: date) -> Select:
    items = _overdue_items(today, None, _KIND_ONLY).alias("item")
    return Select([items], [items.c.kind, fn.COUNT(SQL("*"))]).group_by(items.c.kind)


def _overdue_total_query(today: date, kind: str | None, text: TextFilter | None) -> Select:
    shared = text.shared_patients() if text else {}
    items = _overdue_items(today, kind, _NOTHING, text, shared).alias("item")
    counted = Select([items], [fn.COUNT(SQL("*"))])
    return counted.with_cte(*shared.values()) if shared else counted


def _run(build, *arguments) -> list[tuple]:
    """The rows of the query ``build(*arguments)`` makes, compiled to SQL once for the same arguments.

    peewee took longer to write the overdue list's nested SQL than the database took to
    answer it (benchmarks/test_worklist_bench.py compares with hand-written SQL); a list
    redrawn after each change asks again with the same arguments, so the text is kept.
    Only the text is kept, never the rows: every call asks the database.
    """
    sql, parameters = _compiled(type(database_proxy.obj), build, *arguments)
    return database_proxy.execute_sql(sql, parameters).fetchall()


@functools.lru_cache(maxsize=64)
def _compiled(_dialect: type, build, *arguments) -> tuple[str, tuple]:
    sql, parameters = build(*arguments).bind(database_proxy).sql()
    return sql, tuple(parameters)


def _overdue_items(today: date, kind: str | None, columns: tuple[str, ...], text: TextFilter | None = None,
                   shared: dict | None = None):
    appointments, referrals = _overdue_sides(today, kind, columns, text, shared)
    return appointments.union_all(referrals)


def _overdue_sides(today: date, kind: str | None, columns: tuple[str, ...], text: TextFilter | None = None,
                   shared: dict | None = None):
    """The appointment and the referral side of the overdue list, each on its partial index.

    Only the status and the due date decide: an open appointment past its due-by date
    is overdue whatever its episode (discharge cancels unbooked reviews, so one left on
    a discharged episode is a gap to surface, not to hide), and DESIGN.md keeps a
    referral open until it is sent or cancelled. ``columns`` picks from _ITEM; counting
    asks for none, so that SQLite counts from the index without reading the table. ``shared``:
    the patients the filter's words match, found once for the statement (TextFilter.shared_patients).
    The clinician is the booked one, else the episode's responsible clinician, looked up
    for each row by primary key (obligation_sides.py says why not by a join).
    """
    appointment_clinician, referral_clinician = overdue_clinician(Appointment), overdue_clinician(Referral)
    appointment_columns = {
        "item_type": Value("appointment"), "item_id": Appointment.id, "kind": Appointment.kind,
        "due_by": Appointment.due_by, "urgent": Value(False), "status": Appointment.status,
        "episode_id": Appointment.episode, "clinician_id": appointment_clinician,
    }
    referral_columns = {
        "item_type": Value("referral"), "item_id": Referral.id, "kind": Referral.kind,
        "due_by": Referral.due_by, "urgent": Referral.urgent, "status": Referral.status,
        "episode_id": Referral.episode, "clinician_id": referral_clinician,
    }
    appointments = Appointment.select(*_named(appointment_columns, columns)).where(
        _open_appointment() & (Appointment.due_by < today))
    referrals = Referral.select(*_named(referral_columns, columns)).where(
        _open_referral() & (Referral.due_by < today))
    if kind is not None:
        appointments = appointments.where(Appointment.kind == kind)
        referrals = referrals.where(Referral.kind == kind)
    if text is not None:
        appointments = _matching(appointments, text, Appointment, appointment_clinician, shared)
        referrals = _matching(referrals, text, Referral, referral_clinician, shared)
    return appointments, referrals


def overdue_clinician(model):
    """An overdue item's clinician, as SQL: the one a review is booked with, else the episode's
    responsible clinician (a referral's always), looked up by primary key for each row."""
    responsible = responsible_clinician(model.episode)[0]
    return fn.COALESCE(Appointment.clinician, responsible) if model is Appointment else responsible


def clinician_names(user_ids: set) -> dict[int, str]:
    """The names of a page's clinicians, in one query; a row whose id is missing says UNASSIGNED_CLINICIAN."""
    wanted = sorted(user_ids - {None})
    return dict(User.select(User.id, User.full_name).where(User.id.in_(wanted)).tuples()) if wanted else {}


def _matching(side, text: TextFilter, model, clinician, shared: dict | None):
    """One side of the overdue list narrowed to the rows the filter's words match."""
    condition = text.condition(model.episode, titles=KIND_TITLES, kind=model.kind, whole_title="Overdue",
                               people=(clinician,), shared=shared)
    return side if condition is None else side.where(condition)


def _named(available: dict, columns: tuple[str, ...]) -> list:
    return [available[name].alias(name) for name in columns] or [Value(1).alias("one")]


def _first(side, count: int):
    """The first ``count`` rows of an ordered side, wrapped so that it can stand in a UNION."""
    rows = side.limit(count).alias(f"first_{side.model._meta.table_name}")
    return Select([rows], [rows.c[name] for name in _ITEM])


# --- shared pieces ---


def _open_appointment():
    """Statuses written out literally, here and in to_book: SQLite uses a partial index only
    for a WHERE that repeats the index's own condition, and a bound parameter never does."""
    return Appointment.status.in_(SQL(f"({open_statuses_sql})"))


def _open_referral():
    return Referral.status.in_(SQL(f"({open_referral_sql})"))


def patient_fields():
    return (Episode.id, Patient.id, Patient.family_name, Patient.given_name,
            Patient.nhs_number, Patient.date_of_birth)


def patient_columns(episode: Episode) -> dict:
    """The PatientColumns fields of an episode read with ``patient_fields()``."""
    return _patient_columns(episode.patient, episode.id)


class _PatientRow(NamedTuple):
    """A patient's columns read as a plain tuple: a hundred model instances cost more than the query."""

    id: int
    family_name: str
    given_name: str
    nhs_number: str | None
    date_of_birth: date
    display_name = Patient.display_name  # the model's own wording of the name


def _patient_row_fields() -> tuple:
    """The _PatientRow fields, in order, as columns to select."""
    return (Patient.id, Patient.family_name, Patient.given_name, Patient.nhs_number, Patient.date_of_birth)


def _patient_columns(patient: Patient | _PatientRow, episode_id: int) -> dict:
    return {
        "patient_id": patient.id,
        "patient_name": patient.display_name,
        "nhs_number": format_nhs_number(patient.nhs_number) if patient.nhs_number else "",
        "date_of_birth": patient.date_of_birth,
        "episode_id": episode_id,
    }


def _due_columns(row, today: date) -> dict:
    """The patient and deadline fields of an appointment or referral read with its patient."""
    return {**patient_columns(row.episode), "kind": row.kind, "kind_title": KIND_TITLES[row.kind],
            "due_by": row.due_by, "days_left": (row.due_by - today).days}


def _patients_of_episodes(episode_ids: set[int]) -> dict[int, dict]:
    """PatientColumns fields by episode id, in one query for a whole page."""
    if not episode_ids:
        return {}
    query = (Episode.select(Episode.id, *_patient_row_fields())
             .join(Patient).where(Episode.id.in_(sorted(episode_ids))).tuples())
    return {episode_id: _patient_columns(_PatientRow(*patient), episode_id) for episode_id, *patient in query}


def _referral_rows_query(where):
    drafter = User.alias("drafter")
    return (
        Referral.select(Referral.id, Referral.kind, Referral.due_by, Referral.urgent, Referral.status,
                        Referral.reason, Referral.drafted_by, drafter.full_name, *patient_fields())
        .join(drafter, on=(Referral.drafted_by == drafter.id), join_type=JOIN.LEFT_OUTER, attr="drafter")
        .switch(Referral).join(Episode).join(Patient)
        .where(where)
    )


def _referral_rows(query, today: date) -> tuple[ReferralRow, ...]:
    return tuple(
        ReferralRow(**_due_columns(row, today), referral_id=row.id, urgent=row.urgent, status=row.status,
                    reason=row.reason, drafted_by_name=row.drafter.full_name if row.drafted_by_id else "")
        for row in query
    )


def _clinic_today() -> date:
    return clock.today(load_settings().zone)


def _as_date(value) -> date:
    """A date read through a subquery arrives as text from SQLite."""
    return value if isinstance(value, date) else date.fromisoformat(value)


def check_paging(offset: int, limit: int) -> None:
    if offset < 0:
        raise ValidationError("A list starts at row 0 or later.", field="offset")
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise ValidationError(f"A page holds between 1 and {MAX_PAGE_SIZE} rows.", field="limit")


def _check_kind(kind: str | None) -> None:
    if kind is not None and kind not in KIND_TITLES:
        raise ValidationError(f"There is no kind of appointment or referral called {kind!r}.", field="kind")
