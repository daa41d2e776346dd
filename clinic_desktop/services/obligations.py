"""The safety net: every open obligation, who owes it and which list carries it.

DESIGN.md, "The safety net": an obligation is anything the pathway or a person has left
open. Each kind below names the role that acts on it, the permission that action needs and
the list it appears on; a clinical obligation also names a person (the episode's responsible
clinician, the letter's drafter, the clinician who saw the patient), and when that person is
unknown or inactive it is *unassigned*, which every clinician's lists show. The worklists of
obligations (``obligation_list``) and the manager's "All open work" read the one query built
here, so a list cannot forget a kind the invariant knows about.

Every side is a partial-index range, merged with UNION ALL after each side is cut to the rows a
page can need, like the overdue list (worklists.py): the first page costs the same at a
million appointments as at a thousand.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from peewee import JOIN, SQL, Case, Select, Value, fn

from clinic_desktop.models import (
    Appointment,
    Episode,
    Medication,
    PathwayWarning,
    Referral,
    User,
    database_proxy,
    is_sqlite,
)
from clinic_desktop.models.appointments import FINDING_KINDS
from clinic_desktop.services import clock
from clinic_desktop.services.errors import ValidationError
from clinic_desktop.services.permissions import CLINICIAN, MANAGER, RECEPTIONIST
from clinic_desktop.services.settings import ClinicSettings, load_settings
from clinic_desktop.services.transaction import service
from clinic_desktop.services.worklists import (
    KIND_TITLES,
    MAX_PAGE_SIZE,
    Page,
    PatientColumns,
    _as_date,
    _patients_of_episodes,
    check_paging,
)


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

# DESIGN.md rule 2 and the reference's "Muscle relaxants beyond 2–3 weeks" pitfall: a relaxant
# still running this long after it started (or after the last decision to keep it on) needs a
# clinician's decision again.
RELAXANT_DECISION_DAYS = 21

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
# The columns every side gives, in the same order.
_COLUMNS = ("kind", "item_type", "item_id", "item_kind", "due_by", "urgent", "episode_id",
            "named_user_id", "named_active", "title_extra", "since")


@service("view_worklists", changes=False)
def obligation_list(actor, kind: str, *, owner_user_id: int | None = None, include_unassigned: bool = True,
                    patient_id: int | None = None, as_of: date | None = None, now: datetime | None = None,
                    offset: int = 0, limit: int = 50) -> Page[ObligationRow]:
    """One kind of obligation, urgent first, then the nearest deadline.

    For a personal kind, ``owner_user_id`` narrows it to that person's items, plus the
    unassigned ones unless ``include_unassigned`` is False.
    """
    return obligation_page(kind, owner_user_id=owner_user_id, include_unassigned=include_unassigned,
                           patient_id=patient_id, as_of=as_of, now=now, offset=offset, limit=limit)


def obligation_page(kind: str, *, owner_user_id: int | None = None, include_unassigned: bool = True,
                    patient_id: int | None = None, as_of: date | None = None, now: datetime | None = None,
                    offset: int = 0, limit: int = 50) -> Page[ObligationRow]:
    """obligation_list inside a service that has checked its own permission (one transaction):
    the lists with rows of their own (warnings_due, assessments_due, awaiting signature) read
    which items are open, and whose, from here."""
    _check_kind(kind)
    return _open_work(kinds=(kind,), owner_user_id=owner_user_id, include_unassigned=include_unassigned,
                      unassigned_first=False, patient_id=patient_id, as_of=as_of, now=now,
                      offset=offset, limit=limit)


@service("view_worklists", changes=False)
def open_work(actor, *, kinds: tuple[str, ...] | None = None, owner_user_id: int | None = None,
              unassigned_only: bool = False, patient_id: int | None = None, as_of: date | None = None,
              now: datetime | None = None, offset: int = 0, limit: int = 50) -> Page[ObligationRow]:
    """Every open obligation (the practice manager's "All open work"): unassigned items and
    those of inactive owners first, then urgent, then by deadline. The filters narrow it by
    kind, by a named owner, to the unassigned items, or to one patient."""
    for kind in kinds or ():
        _check_kind(kind)
    return _open_work(kinds=kinds or tuple(KINDS), owner_user_id=owner_user_id, include_unassigned=False,
                      unassigned_only=unassigned_only, unassigned_first=True, patient_id=patient_id,
                      as_of=as_of, now=now, offset=offset, limit=limit)


@service("view_worklists", changes=False)
def open_work_counts(actor, *, owner_user_id: int | None = None, include_unassigned: bool = True,
                     as_of: date | None = None, now: datetime | None = None) -> dict[str, int]:
    """How many obligations of each kind are open, for a tab's title (kinds with none left out);
    ``owner_user_id`` counts a person's own (and, by default, the unassigned) personal items."""
    settings, today, moment = _when(as_of, now)
    counts = {}
    for kind in KINDS:
        count = _count(_narrowed(_side(kind, settings, today, moment), kind, owner_user_id=owner_user_id,
                                 include_unassigned=include_unassigned))
        if count:
            counts[kind] = count
    return counts


def episode_obligations(episode_id: int) -> tuple[ObligationRow, ...]:
    """Everything still open on one episode, for a service deciding what becomes of it
    (discharge, handover). Call inside a service (one transaction)."""
    settings, today, moment = _when(None, None)
    sides = [_narrowed(_side(kind, settings, today, moment), kind, episode_id=episode_id) for kind in KINDS]
    return _rows(_page(sides, unassigned_first=False, offset=0, limit=MAX_PAGE_SIZE), settings, today)


def close_findings(episode_id: int, review_kind: str, note: str) -> int:
    """Mark the finding of every attended review of that kind in the episode as recorded.

    Called in the transaction that records the finding (STarT Back for the 2-week review, the
    12-week outcome for the 12-week check); returns how many reviews it closed.
    """
    return (Appointment.update(finding_closed_at=clock.now_utc(), finding_note=note)
            .where((Appointment.episode == episode_id) & (Appointment.kind == review_kind)
                   & _finding_due())
            .execute())


# --- one query for every list ---


def _open_work(*, kinds, owner_user_id, include_unassigned, unassigned_first, patient_id, as_of, now,
               offset, limit, unassigned_only=False) -> Page[ObligationRow]:
    check_paging(offset, limit)
    settings, today, moment = _when(as_of, now)
    sides = [_narrowed(_side(kind, settings, today, moment), kind, owner_user_id=owner_user_id,
                       include_unassigned=include_unassigned, unassigned_only=unassigned_only,
                       patient_id=patient_id)
             for kind in kinds]
    total = sum(_count(side) for side in sides)
    rows = _page(sides, unassigned_first=unassigned_first, offset=offset, limit=limit)
    return Page(rows=_rows(rows, settings, today), total=total, offset=offset, limit=limit)


def _when(as_of: date | None, now: datetime | None) -> tuple[ClinicSettings, date, datetime]:
    settings = load_settings()
    return settings, as_of or clock.today(settings.zone), now or clock.now_utc()


def _narrowed(side, kind: str, *, owner_user_id: int | None = None, include_unassigned: bool = True,
              unassigned_only: bool = False, patient_id: int | None = None, episode_id: int | None = None):
    """One kind's side as a subquery with its owner worked out, filtered as asked."""
    inner = side.alias(f"side_{kind}")
    named, active = inner.c.named_user_id, inner.c.named_active
    unassigned = Value(KINDS[kind].personal) & (named.is_null() | (active == False))  # noqa: E712
    if not KINDS[kind].personal:
        unassigned = Value(False)
    query = Select([inner], [*(inner.c[name] for name in _COLUMNS), Case(None, [(unassigned, 0)], 1).alias("order_owner")])
    if owner_user_id is not None and KINDS[kind].personal:
        mine = (named == owner_user_id) & (active == True)  # noqa: E712
        query = query.where(mine | unassigned if include_unassigned else mine)
    elif owner_user_id is not None:
        query = query.where(Value(False))  # a role's work has no named owner
    if unassigned_only:
        query = query.where(unassigned)
    if patient_id is not None:
        query = query.where(inner.c.episode_id.in_(Episode.select(Episode.id).where(Episode.patient == patient_id)))
    if episode_id is not None:
        query = query.where(inner.c.episode_id == episode_id)
    return query


def _order(columns, unassigned_first: bool) -> list:
    keys = [columns.urgent.desc(), columns.due_by, columns.kind, columns.item_id]
    return [columns.order_owner, *keys] if unassigned_first else keys


def _page(sides, *, unassigned_first: bool, offset: int, limit: int) -> list[dict]:
    """Each side cut to its first offset + limit rows, merged, ordered and cut to the page."""
    wanted = offset + limit
    firsts = []
    for number, side in enumerate(sides):
        ordered = side.alias(f"ordered_{number}")
        cut = Select([ordered], [ordered.c[name] for name in (*_COLUMNS, "order_owner")]).order_by(
            *_order(ordered.c, unassigned_first)).limit(wanted).alias(f"first_{number}")
        firsts.append(Select([cut], [cut.c[name] for name in (*_COLUMNS, "order_owner")]))
    if not firsts:
        return []
    union = firsts[0]
    for first in firsts[1:]:
        union = union.union_all(first)
    items = union.alias("item")
    query = (Select([items], [items.c[name] for name in (*_COLUMNS, "order_owner")])
             .order_by(*_order(items.c, unassigned_first)).offset(offset).limit(limit))
    return list(query.bind(database_proxy).dicts())


def _count(side) -> int:
    counted = side.alias("counted")
    return Select([counted], [fn.COUNT(SQL("*"))]).bind(database_proxy).scalar()


def _rows(items: list[dict], settings: ClinicSettings, today: date) -> tuple[ObligationRow, ...]:
    patients = _patients_of_episodes({item["episode_id"] for item in items})
    named_ids = {item["named_user_id"] for item in items if item["named_user_id"] is not None}
    names = dict(User.select(User.id, User.full_name).where(User.id.in_(sorted(named_ids))).tuples()) \
        if named_ids else {}
    rows = []
    for item in items:
        kind = KINDS[item["kind"]]
        since = _SINCE.python_value(item["since"])
        due_by = _reply_due(since, settings) if kind.name == "acknowledgement_to_chase" else _as_date(item["due_by"])
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


# --- the sides of the union, one per kind ---


def _side(kind: str, settings: ClinicSettings, today: date, moment: datetime):
    """The select of one kind's open obligations with the _COLUMNS."""
    return _SIDES[kind](settings, today, moment)


def _columns(kind: str, item_type: str, item_id, item_kind, due_by, urgent, episode_id,
             named_user=None, named_active=None, title_extra=None, since=None) -> tuple:
    return (Value(kind).alias("kind"), Value(item_type).alias("item_type"), item_id.alias("item_id"),
            item_kind.alias("item_kind"), due_by.alias("due_by"), urgent.alias("urgent"),
            episode_id.alias("episode_id"),
            (named_user if named_user is not None else SQL("CAST(NULL AS INTEGER)")).alias("named_user_id"),
            (named_active if named_active is not None else Value(True)).alias("named_active"),
            (title_extra if title_extra is not None else Value("")).alias("title_extra"),
            (since if since is not None else _no_time()).alias("since"))


# Any UTC moment column reads the "since" column back (text on SQLite, timestamptz on PostgreSQL).
_SINCE = Appointment.starts_at


def _no_time():
    """A NULL of the type every side's "since" has, so PostgreSQL can merge the sides."""
    return SQL("NULL") if is_sqlite() else SQL("CAST(NULL AS TIMESTAMPTZ)")


def _appointment_columns(kind: str, named_user=None, named_active=None, since=None) -> tuple:
    return _columns(kind, "appointment", Appointment.id, Appointment.kind, Appointment.due_by, Value(False),
                    Appointment.episode, named_user, named_active, since=since)


def _referral_columns(kind: str, named_user=None, named_active=None, since=None) -> tuple:
    return _columns(kind, "referral", Referral.id, Referral.kind, Referral.due_by, Referral.urgent,
                    Referral.episode, named_user, named_active, since=since)


def _first_active(*candidates):
    """SQL for the first of (user id column, user alias) pairs whose user is active, and whether
    there is one: with none, the first person named (so the row can say who has left) and false."""
    named = Case(None, [(alias.active == True, column) for column, alias in candidates],  # noqa: E712
                 candidates[0][0])
    active = Case(None, [(alias.active == True, Value(True)) for _, alias in candidates], Value(False))  # noqa: E712
    return named, active


def _finding_due():
    """FINDING_DUE_SQL as column expressions, so it stays unambiguous in a join (the partial
    index's condition, repeated term for term so SQLite uses it)."""
    return ((Appointment.status == SQL("'attended'")) & Appointment.finding_closed_at.is_null()
            & Appointment.kind.in_(SQL("(" + ", ".join(f"'{kind}'" for kind in FINDING_KINDS) + ")")))


def _to_book(settings, today, moment):
    # Whatever the episode: discharge cancels the reviews still to book, so one left on a
    # discharged episode is a gap to surface, not to hide (as on the overdue list).
    return Appointment.select(*_appointment_columns("appointment_to_book")).where(
        Appointment.status == SQL("'to_book'"))


def _outcome_to_record(settings, today, moment):
    # From the end of the slot, not from the due-by date: a visit whose time has passed with
    # nothing recorded is the gap between "should be seen" and "was seen".
    return (Appointment.select(*_appointment_columns("outcome_to_record", since=Appointment.starts_at))
            .where((Appointment.status == SQL("'booked'")) & (Appointment.ends_at <= moment)))


def _referral_to_write(settings, today, moment):
    responsible = User.alias("responsible")
    return (Referral.select(*_referral_columns("referral_to_write", Episode.responsible_clinician,
                                               responsible.active, since=Referral.raised_at))
            .join(Episode)
            .join(responsible, JOIN.LEFT_OUTER, on=(Episode.responsible_clinician == responsible.id))
            .where(Referral.status == "raised"))


def _letter_to_sign(settings, today, moment):
    # The clinician who drafted it signs it; if they have left, the episode's responsible clinician.
    drafter, responsible = User.alias("drafter"), User.alias("responsible")
    named, active = _first_active((Referral.drafted_by, drafter), (Episode.responsible_clinician, responsible))
    return (Referral.select(*_referral_columns("letter_to_sign", named, active,
                                                     since=Referral.raised_at))
            .join(Episode)
            .join(responsible, JOIN.LEFT_OUTER, on=(Episode.responsible_clinician == responsible.id))
            .switch(Referral)
            .join(drafter, JOIN.LEFT_OUTER, on=(Referral.drafted_by == drafter.id))
            .where(Referral.status == "drafted"))


def _letter_to_send(settings, today, moment):
    return (Referral.select(*_referral_columns("letter_to_send", since=Referral.signed_at))
            .where(Referral.status == "signed"))


def _acknowledgement_to_chase(settings, today, moment):
    # A referral the receiving service has not acknowledged within the clinic's number of
    # working days is chased by reception.
    since = settings.calendar().working_days_before(today, settings.referral_acknowledgement_working_days)
    sent_before = datetime.combine(since, time(0), settings.zone).astimezone(timezone.utc)
    # Sorted by about when the reply was due (sending day + the working days, as calendar days
    # with weekends); _rows puts the exact day, from the clinic's calendar, on each row.
    days = settings.referral_acknowledgement_working_days
    roughly_due = _plus_days(fn.DATE(Referral.sent_at), days + 2 * (days // 5))
    return (Referral.select(*_columns("acknowledgement_to_chase", "referral", Referral.id, Referral.kind, roughly_due,
                                      Referral.urgent, Referral.episode, since=Referral.sent_at))
            .where((Referral.status == "sent") & (Referral.sent_at < sent_before)))


def _reply_due(sent_at: datetime, settings: ClinicSettings) -> date:
    """The last day a reply to a letter sent at ``sent_at`` was expected: the day before the
    chase begins (when the sending day falls before the Nth working day back)."""
    sent_on = sent_at.astimezone(settings.zone).date()
    calendar, days, day = settings.calendar(), settings.referral_acknowledgement_working_days, sent_on
    while calendar.working_days_before(day + timedelta(days=1), days) <= sent_on:
        day += timedelta(days=1)
    return day


def _warning_to_acknowledge(settings, today, moment):
    # A warning is due the day it is raised: nothing the clinician does next should wait on it.
    responsible = User.alias("responsible")
    return (PathwayWarning.select(*_columns(
        "warning_to_acknowledge", "warning", PathwayWarning.id, PathwayWarning.kind, fn.DATE(PathwayWarning.raised_at),
        Value(False), PathwayWarning.episode, Episode.responsible_clinician, responsible.active,
        PathwayWarning.message, PathwayWarning.raised_at))
        .join(Episode)
        .join(responsible, JOIN.LEFT_OUTER, on=(Episode.responsible_clinician == responsible.id))
        .where((PathwayWarning.requires_acknowledgement == True)  # noqa: E712
               & PathwayWarning.acknowledged_at.is_null()))


def _finding_to_record(settings, today, moment):
    # The clinician who saw the patient records what they found; if they have left, the
    # episode's responsible clinician; else it is unassigned.
    seen_by, responsible = User.alias("seen_by"), User.alias("responsible")
    named, active = _first_active((Appointment.clinician, seen_by), (Episode.responsible_clinician, responsible))
    return (Appointment.select(*_appointment_columns("finding_to_record", named, active,
                                                             since=Appointment.starts_at))
            .join(Episode)
            .join(responsible, JOIN.LEFT_OUTER, on=(Episode.responsible_clinician == responsible.id))
            .switch(Appointment)
            .join(seen_by, JOIN.LEFT_OUTER, on=(Appointment.clinician == seen_by.id))
            .where(_finding_due()))


def _relaxant_to_review(settings, today, moment):
    responsible = User.alias("responsible")
    last_decided = fn.COALESCE(Medication.continued_on, Medication.started_on)
    return (Medication.select(*_columns(
        "relaxant_to_review", "medication", Medication.id, Medication.category,
        _plus_days(last_decided, RELAXANT_DECISION_DAYS), Value(False), Medication.episode,
        Episode.responsible_clinician, responsible.active, Medication.name))
        .join(Episode)
        .join(responsible, JOIN.LEFT_OUTER, on=(Episode.responsible_clinician == responsible.id))
        .where((Medication.category == "muscle_relaxant") & Medication.stopped_on.is_null()
               & (Episode.status == "open")
               & (last_decided <= today - timedelta(days=RELAXANT_DECISION_DAYS))))


def _plus_days(day_column, days: int):
    """A date column plus whole days, in the database's own words."""
    if is_sqlite():
        return fn.DATE(day_column, f"+{days} days")
    return day_column + SQL(f"{days}")


_SIDES = {
    "appointment_to_book": _to_book,
    "outcome_to_record": _outcome_to_record,
    "referral_to_write": _referral_to_write,
    "letter_to_sign": _letter_to_sign,
    "letter_to_send": _letter_to_send,
    "acknowledgement_to_chase": _acknowledgement_to_chase,
    "warning_to_acknowledge": _warning_to_acknowledge,
    "finding_to_record": _finding_to_record,
    "relaxant_to_review": _relaxant_to_review,
}
