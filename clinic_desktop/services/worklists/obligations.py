"""The safety net: every open obligation, who owes it and which list carries it.

DESIGN.md, "The safety net": an obligation is anything the pathway or a person has left
open. Each kind below names the role that acts on it, the permission that action needs and
the list it appears on; a clinical obligation also names a person (the episode's responsible
clinician, the letter's drafter, the clinician who saw the patient), and when that person is
unknown or inactive it is *unassigned*, which every clinician's lists show. The worklists of
obligations (``obligation_list``) and the manager's "All open work" read the one query built
here, so a list cannot forget a kind the invariant knows about.

Every side (obligation_sides.py) is a partial-index range, filtered and cut to the rows a page
can need on its own columns, then merged with UNION ALL, like the overdue list (worklists.py):
the first page and the count cost the same at a million appointments as at a thousand.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from peewee import SQL, Case, Select, Value, fn

from clinic_desktop.models import Appointment, Episode, User, database_proxy, is_sqlite
from clinic_desktop.services.admin.settings import ClinicSettings, load_settings
from clinic_desktop.services.core import clock
from clinic_desktop.services.core.errors import ValidationError
from clinic_desktop.services.core.permissions import CLINICIAN, MANAGER, RECEPTIONIST
from clinic_desktop.services.core.transaction import service
from clinic_desktop.services.worklists.obligation_sides import (
    COLUMNS,
    SINCE,
    Side,
    finding_due,
    reply_due,
    side,
)
from clinic_desktop.services.worklists.text_filter import TextFilter
from clinic_desktop.services.worklists.worklists import (
    KIND_TITLES,
    MAX_PAGE_SIZE,
    Page,
    PatientColumns,
    _as_date,
    _patients_of_episodes,
    check_paging,
)

__all__ = ["KINDS", "UNASSIGNED", "ObligationKind", "ObligationRow", "close_findings", "episode_obligations",
           "obligation_list", "obligation_page", "open_work", "open_work_counts"]


@dataclass(frozen=True)
class ObligationKind:
    """One kind of open obligation: whose it is, what closes it and where it is listed."""

    name: str
    title: str  # the list's title: "Referrals to write"
    owner_role: str
    action: str  # the permission the closing action needs (permissions.py)
    action_label: str  # what the list offers: "Write the letter…"
    item_type: str  # "appointment" | "referral" | "warning" | "medication"
    personal: bool  # owed by a named person (else by the role as a whole)


KINDS: dict[str, ObligationKind] = {kind.name: kind for kind in (
    ObligationKind("appointment_to_book", "Reviews to book", RECEPTIONIST, "book_appointment",
                   "Book review…", "appointment", False),
    ObligationKind("outcome_to_record", "Outcome to record", RECEPTIONIST, "record_attendance",
                   "Arrived / Did not attend", "appointment", False),
    ObligationKind("referral_to_write", "Referrals to write", CLINICIAN, "draft_referral",
                   "Write the letter…", "referral", True),
    ObligationKind("letter_to_sign", "Letters to sign", CLINICIAN, "sign_referral",
                   "Sign…", "referral", True),
    ObligationKind("letter_to_send", "Letters to send", RECEPTIONIST, "send_referral",
                   "Print or export…", "referral", False),
    ObligationKind("acknowledgement_to_chase", "Acknowledgements to chase", RECEPTIONIST,
                   "record_referral_reply", "Record the reply", "referral", False),
    ObligationKind("warning_to_acknowledge", "Warnings to acknowledge", CLINICIAN, "acknowledge_warning",
                   "Acknowledge…", "warning", True),
    ObligationKind("finding_to_record", "Findings to record", CLINICIAN, "record_clinical_fact",
                   "Record finding…", "appointment", True),
    ObligationKind("relaxant_to_review", "Muscle relaxants to review", CLINICIAN, "record_clinical_fact",
                   "Stop or keep on…", "medication", True),
)}

UNASSIGNED = "Unassigned"


@dataclass(frozen=True)
class ObligationRow(PatientColumns):
    """One open obligation as a list shows it."""

    kind: str
    kind_title: str  # the list it belongs to, singular enough for a column: "Referrals to write"
    item_type: str
    item_id: int
    item_kind: str  # the appointment or referral kind ("two_week_review"), the warning's kind, …
    item_title: str  # "2-week review", "Urgent red-flag referral", "cyclobenzaprine", …
    due_by: date
    days_left: int  # negative once overdue
    urgent: bool
    owner_role: str
    owner_user_id: int | None  # None: unassigned (nobody named, or the named person is inactive)
    owner_name: str  # "Dr Alys Jones", "Unassigned (Dr Alys Jones is inactive)", "Reception"
    action_label: str
    # When the fact behind it happened (UTC), where a list shows it: the visit's start for an
    # outcome or a finding, when a letter was raised, signed or sent, when a warning was raised.
    since: datetime | None


_ROLE_NAMES = {RECEPTIONIST: "Reception", CLINICIAN: "Clinicians", MANAGER: "Practice manager"}


@service("view_worklists", changes=False)
def obligation_list(actor, kind: str, *, owner_user_id: int | None = None, include_unassigned: bool = True,
                    patient_id: int | None = None, as_of: date | None = None, now: datetime | None = None,
                    offset: int = 0, limit: int = 50, text: str | None = None) -> Page[ObligationRow]:
    """One kind of obligation, urgent first, then the nearest deadline.

    For a personal kind, ``owner_user_id`` narrows it to that person's items, plus the
    unassigned ones unless ``include_unassigned`` is False. ``text``: the list's filter box
    (text_filter.py).
    """
    return obligation_page(kind, owner_user_id=owner_user_id, include_unassigned=include_unassigned,
                           patient_id=patient_id, as_of=as_of, now=now, offset=offset, limit=limit, text=text)


def obligation_page(kind: str, *, owner_user_id: int | None = None, include_unassigned: bool = True,
                    patient_id: int | None = None, as_of: date | None = None, now: datetime | None = None,
                    offset: int = 0, limit: int = 50, text: str | None = None) -> Page[ObligationRow]:
    """obligation_list inside a service that has checked its own permission (one transaction):
    the lists with rows of their own (warnings_due, assessments_due, awaiting signature) read
    which items are open, and whose, from here."""
    _check_kind(kind)
    return _open_work(kinds=(kind,), owner_user_id=owner_user_id, include_unassigned=include_unassigned,
                      unassigned_first=False, patient_id=patient_id, as_of=as_of, now=now,
                      offset=offset, limit=limit, text=text)


@service("view_worklists", changes=False)
def open_work(actor, *, kinds: tuple[str, ...] | None = None, owner_user_id: int | None = None,
              unassigned_only: bool = False, patient_id: int | None = None, as_of: date | None = None,
              now: datetime | None = None, offset: int = 0, limit: int = 50,
              text: str | None = None) -> Page[ObligationRow]:
    """Every open obligation (the practice manager's "All open work"): unassigned items and
    those of inactive owners first, then urgent, then by deadline. The filters narrow it by
    kind, by a named owner, to the unassigned items, to one patient, or by the filter box's text."""
    for kind in kinds or ():
        _check_kind(kind)
    return _open_work(kinds=kinds or tuple(KINDS), owner_user_id=owner_user_id, include_unassigned=False,
                      unassigned_only=unassigned_only, unassigned_first=True, patient_id=patient_id,
                      as_of=as_of, now=now, offset=offset, limit=limit, text=text)


@service("view_worklists", changes=False)
def open_work_counts(actor, *, owner_user_id: int | None = None, include_unassigned: bool = True,
                     as_of: date | None = None, now: datetime | None = None) -> dict[str, int]:
    """How many obligations of each kind are open, for a tab's title (kinds with none left out);
    ``owner_user_id`` counts a person's own (and, by default, the unassigned) personal items."""
    settings, today, moment = _when(as_of, now)
    counts = {}
    for kind in KINDS:
        narrowed = _narrowed_sides((kind,), settings, today, moment, owner_user_id=owner_user_id,
                                   include_unassigned=include_unassigned)
        count = sum(_counts(narrowed))
        if count:
            counts[kind] = count
    return counts


def episode_obligations(episode_id: int) -> tuple[ObligationRow, ...]:
    """Everything still open on one episode, for a service deciding what becomes of it
    (discharge, handover). Call inside a service (one transaction)."""
    settings, today, moment = _when(None, None)
    sides = _narrowed_sides(KINDS, settings, today, moment, episode_id=episode_id)
    return _rows(_page(sides, unassigned_first=False, offset=0, limit=MAX_PAGE_SIZE), settings, today)


def close_findings(episode_id: int, review_kind: str, note: str) -> int:
    """Mark the finding of every attended review of that kind in the episode as recorded.

    Called in the transaction that records the finding (STarT Back for the 2-week review, the
    12-week outcome for the 12-week check); returns how many reviews it closed.
    """
    return (Appointment.update(finding_closed_at=clock.now_utc(), finding_note=note)
            .where((Appointment.episode == episode_id) & (Appointment.kind == review_kind)
                   & finding_due())
            .execute())


# --- one query for every list ---


def _open_work(*, kinds, owner_user_id, include_unassigned, unassigned_first, patient_id, as_of, now,
               offset, limit, unassigned_only=False, text=None) -> Page[ObligationRow]:
    check_paging(offset, limit)
    settings, today, moment = _when(as_of, now)
    matching = TextFilter.read(text)
    shared = matching.shared_patients() if matching else {}  # the patients the words match, found once a statement
    sides = _narrowed_sides(kinds, settings, today, moment, owner_user_id=owner_user_id,
                            include_unassigned=include_unassigned, unassigned_only=unassigned_only,
                            patient_id=patient_id, text=matching, shared=shared)
    ctes = tuple(shared.values())
    total = sum(_counts(sides, ctes))
    rows = _page(sides, unassigned_first=unassigned_first, offset=offset, limit=limit, ctes=ctes)
    return Page(rows=_rows(rows, settings, today), total=total, offset=offset, limit=limit)


def _when(as_of: date | None, now: datetime | None) -> tuple[ClinicSettings, date, datetime]:
    """The settings, the day and the moment the lists are read for; on PostgreSQL, without JIT.

    A side's partial index can hold a thousand rows where the planner, multiplying the
    selectivities of its terms, expects two hundred thousand; on that estimate PostgreSQL
    compiles the query (JIT: 30 ms a side at a clinic's scale, seconds for All open work) and
    starts parallel workers (10 ms) to run a query of one or two milliseconds. SET LOCAL ends
    with the transaction every service runs in.
    """
    if not is_sqlite():
        database_proxy.execute_sql("SET LOCAL jit = off; SET LOCAL max_parallel_workers_per_gather = 0")
    settings = load_settings()
    return settings, as_of or clock.today(settings.zone), now or clock.now_utc()


def _narrowed_sides(kinds, settings: ClinicSettings, today: date, moment: datetime, **filters) -> list[_Narrowed]:
    """Each kind's side narrowed as asked; kinds that cannot hold a row under the filters (a
    role's work asked for an owner) are left out."""
    sides = []
    for kind in kinds:
        narrowed = _narrowed(side(kind, settings, today, moment), KINDS[kind].personal, **filters)
        if narrowed is not None:
            sides.append(narrowed)
    return sides


@dataclass(frozen=True)
class _Narrowed:
    """One side filtered as asked, read three ways: counted, its first rows' sort keys, its rows."""

    query: object  # the side's FROM and WHERE with the filters
    columns: dict  # COLUMNS and "order_owner", by name
    owner_order: tuple  # the owner key of All open work's order, when the side has owners
    order: tuple

    @property
    def kind(self) -> str:
        return self.columns["kind"].value

    def count(self):
        """How many rows the side holds, as a subquery: no columns, so the database reads only
        what the WHERE needs (the partial index alone when nothing is filtered by owner)."""
        return self.query.select(fn.COUNT(SQL("*")))

    def first_keys(self, wanted: int, unassigned_first: bool):
        """The sort keys of the side's first ``wanted`` rows, as a select that can stand in a UNION."""
        keys = (*self.owner_order, *self.order) if unassigned_first else self.order
        first = (self.query.select(*(self.columns[name].alias(name) for name in _KEYS))
                 .order_by(*keys).limit(wanted).alias(f"first_{self.kind}"))
        return Select([first], [first.c[name] for name in _KEYS])

    def rows(self, item_ids: list[int]):
        """The rows with these ids, every column."""
        return (self.query.select(*(self.columns[name].alias(name) for name in COLUMNS))
                .where(self.columns["item_id"].in_(item_ids)))


# What a page is sorted by: each side's first rows are cut on these alone.
_KEYS = ("kind", "item_id", "urgent", "due_by", "order_owner")


def _narrowed(found: Side, personal: bool, *, owner_user_id: int | None = None, include_unassigned: bool = True,
              unassigned_only: bool = False, patient_id: int | None = None,
              episode_id: int | None = None, text: TextFilter | None = None,
              shared: dict | None = None) -> _Narrowed | None:
    """One side filtered as asked, on its own columns (not through a subquery, so the filter
    and the order reach the side's index), with its "order_owner" column: 0 for an unassigned
    item, 1 otherwise. None when nothing can match."""
    query = found.query
    if patient_id is not None:
        query = query.where(found.episode_id.in_(Episode.select(Episode.id).where(Episode.patient == patient_id)))
    if episode_id is not None:
        query = query.where(found.episode_id == episode_id)
    if text is not None:
        kind = KINDS[found.columns["kind"].value]
        matching = text.condition(found.episode_id, titles=KIND_TITLES, kind=found.columns["item_kind"],
                                  whole_title=f"{kind.title} {_ROLE_NAMES[kind.owner_role]}",
                                  people=(found.named,) if personal else (), shared=shared)
        if matching is not None:
            query = query.where(matching)
    if not personal:
        if owner_user_id is not None or unassigned_only:
            return None  # a role's work has no named owner, and is never unassigned
        return _Narrowed(query, {**found.columns, "order_owner": Value(1)}, (), found.order)
    # Unassigned: nobody named, or nobody active. A side's "active" is true only for an active
    # user it names, so "not true" (false, or NULL when nobody is named) says both, and the
    # owner's lookups are written (and run) once less.
    unassigned = fn.COALESCE(found.active, False) == False  # noqa: E712
    if owner_user_id is not None:
        mine = (found.named == owner_user_id) & (found.active == True)  # noqa: E712
        query = query.where(mine | unassigned if include_unassigned else mine)
    if unassigned_only:
        query = query.where(unassigned)
    # Sorted by the output column's name, so the expression is neither written nor run twice.
    return _Narrowed(query, {**found.columns, "order_owner": Case(None, [(unassigned, 0)], 1)},
                     (SQL('"order_owner"'),), found.order)


def _counts(sides: list[_Narrowed], ctes: tuple = ()) -> list[int]:
    """How many rows each side holds, in one statement (one round trip, not one a kind); ``ctes``:
    the WITH queries the sides' filters read."""
    if not sides:
        return []
    counted = Select(columns=[found.count() for found in sides])
    return list((counted.with_cte(*ctes) if ctes else counted).bind(database_proxy).tuples()[0])


def _page(sides: list[_Narrowed], *, unassigned_first: bool, offset: int, limit: int,
          ctes: tuple = ()) -> list[dict]:
    """One page of the merged sides, in two steps.

    First the sort keys alone: each side cut to its first offset + limit rows, merged with
    UNION ALL, ordered and cut to the page. Then the page's rows, by id. A side's order may
    have to weigh every row it holds (All open work puts each side's unassigned items first),
    and the owner and title of a row cost lookups the keys do not need: they are read for the
    rows shown, not for every row weighed.
    """
    if not sides:
        return []
    items = _union_all([found.first_keys(offset + limit, unassigned_first) for found in sides]).alias("item")
    order = [items.c.urgent.desc(), items.c.due_by, items.c.kind, items.c.item_id]
    keys = (Select([items], [items.c.kind, items.c.item_id])
            .order_by(*([items.c.order_owner, *order] if unassigned_first else order)).offset(offset).limit(limit))
    page = list((keys.with_cte(*ctes) if ctes else keys).bind(database_proxy).tuples())
    if not page:
        return []
    wanted: dict[str, list[int]] = {}
    for kind, item_id in page:
        wanted.setdefault(kind, []).append(item_id)
    shown = _union_all([found.rows(wanted[found.kind]) for found in sides if found.kind in wanted]).alias("shown")
    # Read through a subquery, as the keys were: raw values (_rows converts them), not each
    # side's field converters, which would differ from side to side for the same column.
    read = Select([shown], [shown.c[name] for name in COLUMNS])
    read = (read.with_cte(*ctes) if ctes else read).bind(database_proxy)
    found_rows = {(row["kind"], row["item_id"]): row for row in read.dicts()}
    # On PostgreSQL each statement sees the latest commits: an item closed in between is gone.
    return [found_rows[key] for key in page if key in found_rows]


def _union_all(selects: list):
    union = selects[0]
    for select in selects[1:]:
        union = union.union_all(select)
    return union


def _rows(items: list[dict], settings: ClinicSettings, today: date) -> tuple[ObligationRow, ...]:
    patients = _patients_of_episodes({item["episode_id"] for item in items})
    named_ids = {item["named_user_id"] for item in items if item["named_user_id"] is not None}
    names = dict(User.select(User.id, User.full_name).where(User.id.in_(sorted(named_ids))).tuples()) \
        if named_ids else {}
    rows, due_of_reply = [], reply_due(settings)
    for item in items:
        kind = KINDS[item["kind"]]
        since = SINCE.python_value(item["since"])
        due_by = due_of_reply(since) if kind.name == "acknowledgement_to_chase" else _as_date(item["due_by"])
        owner_id, owner_name = _owner(kind, item, names)
        patient = {key: value for key, value in patients[item["episode_id"]].items()}
        rows.append(ObligationRow(
            **patient, kind=kind.name, kind_title=kind.title, item_type=item["item_type"], item_id=item["item_id"],
            item_kind=item["item_kind"], item_title=_item_title(item), due_by=due_by,
            days_left=(due_by - today).days, urgent=bool(item["urgent"]), owner_role=kind.owner_role,
            owner_user_id=owner_id, owner_name=owner_name, action_label=kind.action_label,
            since=since,
        ))
    return tuple(rows)


def _owner(kind: ObligationKind, item: dict, names: dict[int, str]) -> tuple[int | None, str]:
    if not kind.personal:
        return None, _ROLE_NAMES[kind.owner_role]
    named = item["named_user_id"]
    if named is None:
        return None, UNASSIGNED
    if not item["named_active"]:
        return None, f"{UNASSIGNED} ({names.get(named, 'a former user')} is inactive)"
    return named, names.get(named, "")


def _item_title(item: dict) -> str:
    if item["item_type"] in ("appointment", "referral"):
        return KIND_TITLES[item["item_kind"]]
    return item["title_extra"]


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValidationError(f"There is no kind of open work called {kind!r}.", field="kind")
