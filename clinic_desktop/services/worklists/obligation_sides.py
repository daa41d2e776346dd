"""The sides of the safety net's one query: for each kind of obligation, the select of its open items.

obligations.py narrows each side (an owner, a patient, an episode), counts it, cuts it to the
rows a page can need and merges the cuts with UNION ALL. For that to cost the same at a million
appointments as at a thousand, every side here is a flat select on its own partial index:

- each WHERE repeats its index's condition term for term, with the statuses written as SQL
  literals (SQLite uses a partial index only when the query's WHERE implies the index's
  condition literally, and a bound parameter never does);
- each side names its own sort keys (``Side.order``), the columns of its index, so the cut of
  its first rows reads the index in order or sorts only the side's own small set;
- the episode's responsible clinician is looked up by primary key for each row, never by a
  join: a join to the episode table tempts PostgreSQL into hashing all of it. The users who
  drafted a letter or saw the patient are LEFT JOINs (the user table is a few dozen rows,
  hashed or searched by primary key at no cost), dropped by a count that reads no column.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from typing import Callable

from peewee import JOIN, SQL, Case, ColumnBase, NodeList, Value, fn

from clinic_desktop.models import (
    Appointment,
    Episode,
    Medication,
    PathwayWarning,
    Referral,
    User,
    is_sqlite,
)
from clinic_desktop.models.appointments import FINDING_KINDS
from clinic_desktop.services.admin.pathway_settings import load_pathway_timings
from clinic_desktop.services.admin.settings import ClinicSettings

__all__ = ["COLUMNS", "SINCE", "Side", "finding_due", "reply_due", "responsible_clinician", "side"]

# The columns every side gives, in the same order.
COLUMNS = ("kind", "item_type", "item_id", "item_kind", "due_by", "urgent", "episode_id",
           "named_user_id", "named_active", "title_extra", "since")

# Any UTC moment column reads the "since" column back (text on SQLite, timestamptz on PostgreSQL).
SINCE = Appointment.starts_at


@dataclass(frozen=True)
class Side:
    """One kind's open items: the select (its FROM and WHERE), its COLUMNS by name, and the
    expressions the narrowing needs.

    ``named``/``active`` are None for a role's work (nobody is named). ``order`` is the side's
    share of the lists' order (urgent first, nearest deadline, then id; the kind is the same
    on every row of a side), written on the columns of its index.
    """

    query: object  # a ModelSelect, projected by whoever reads it (a page's keys, its rows, a count)
    columns: dict
    episode_id: ColumnBase
    order: tuple
    named: ColumnBase | None = None
    active: ColumnBase | None = None


def side(kind: str, settings: ClinicSettings, today: date, moment: datetime) -> Side:
    """The select of one kind's open obligations."""
    return _SIDES[kind](settings, today, moment)


def reply_due(settings: ClinicSettings) -> Callable[[datetime], date]:
    """For a page of rows: the last day a reply to a letter sent at a given moment was expected,
    the day before the chase begins (when the sending day falls before the Nth working day back).

    Each row walks the fortnight after its sending day, and the rows of a page were sent days
    apart, so each day's "N working days back" is worked out once for the whole page.
    """
    calendar, days = settings.calendar(), settings.referral_acknowledgement_working_days
    chase_from = lru_cache(maxsize=None)(lambda day: calendar.working_days_before(day, days))

    def due(sent_at: datetime) -> date:
        sent_on = day = sent_at.astimezone(settings.zone).date()
        while chase_from(day + timedelta(days=1)) <= sent_on:
            day += timedelta(days=1)
        return day

    return due


def finding_due():
    """FINDING_DUE_SQL as column expressions, so it stays unambiguous in a join (the partial
    index's condition, repeated term for term so SQLite uses it)."""
    return ((Appointment.status == SQL("'attended'")) & Appointment.finding_closed_at.is_null()
            & Appointment.kind.in_(SQL("(" + ", ".join(f"'{kind}'" for kind in FINDING_KINDS) + ")")))


def _columns(kind: str, item_type: str, item_id, item_kind, due_by, urgent, episode_id,
             named=None, active=None, title_extra=None, since=None) -> dict:
    """The COLUMNS of a side, by name; a role's work names nobody."""
    return {
        "kind": Value(kind), "item_type": Value(item_type), "item_id": item_id, "item_kind": item_kind,
        "due_by": due_by, "urgent": urgent, "episode_id": episode_id,
        "named_user_id": named if named is not None else SQL("CAST(NULL AS INTEGER)"),
        "named_active": active if active is not None else Value(True),
        "title_extra": title_extra if title_extra is not None else Value(""),
        "since": since if since is not None else _no_time(),
    }


def _no_time():
    """A NULL of the type every side's "since" has, so PostgreSQL can merge the sides."""
    return SQL("NULL") if is_sqlite() else SQL("CAST(NULL AS TIMESTAMPTZ)")


def _appointments(kind: str, where, named=None, active=None, since=None, query=None) -> Side:
    """A side of appointments, never urgent, in due-by order."""
    query = (Appointment.select() if query is None else query).where(where)
    return Side(query, _columns(kind, "appointment", Appointment.id, Appointment.kind, Appointment.due_by,
                                Value(False), Appointment.episode, named, active, since=since),
                Appointment.episode, (Appointment.due_by, Appointment.id), named, active)


def _referrals(kind: str, status: str, named=None, active=None, since=None, query=None) -> Side:
    """The referrals of one status, urgent first, then by due-by date."""
    query = (Referral.select() if query is None else query).where(Referral.status == SQL(f"'{status}'"))
    return Side(query, _columns(kind, "referral", Referral.id, Referral.kind, Referral.due_by, Referral.urgent,
                                Referral.episode, named, active, since=since),
                Referral.episode, (Referral.urgent.desc(), Referral.due_by, Referral.id), named, active)


def responsible_clinician(episode_id) -> tuple:
    """The responsible clinician of the episode ``episode_id`` names, and whether they are active.

    Correlated subqueries rather than joins: a side holds a few hundred rows, and a join to
    the episode table tempts PostgreSQL into hashing all 100,000 episodes (its estimate of a
    partial index's rows can be a hundred times too high); a lookup by primary key for each
    row costs the same whatever the clinic's size. Neither is read by a count without an
    owner filter. Both NULL when the episode names nobody.
    """
    episode, user = Episode.alias("owner_episode"), User.alias("active_user")
    named = _scalar(episode.select(episode.responsible_clinician).where(episode.id == episode_id))
    # Among the active users: a set read once (the user table is a few dozen rows), where a
    # lookup for each row has PostgreSQL scan the whole little table each time.
    return named, named.in_(user.select(user.id).where(user.active == True))  # noqa: E712


def _scalar(subquery):
    """A one-value subquery as an expression that can be compared and tested for NULL."""
    return NodeList((SQL("("), subquery, SQL(")")), glue="")


def _first_active(*candidates):
    """SQL for the first of (user id, whether active) pairs whose user is active, and whether
    there is one: with none, the first person named (so the row can say who has left) and false."""
    named = Case(None, [(active == True, column) for column, active in candidates],  # noqa: E712
                 candidates[0][0])
    active = Case(None, [(active == True, Value(True)) for _, active in candidates], Value(False))  # noqa: E712
    return named, active


def _to_book(settings, today, moment):
    # Whatever the episode: discharge cancels the reviews still to book, so one left on a
    # discharged episode is a gap to surface, not to hide (as on the overdue list).
    return _appointments("appointment_to_book", Appointment.status == SQL("'to_book'"))


def _outcome_to_record(settings, today, moment):
    # From the end of the slot, not from the due-by date: a visit whose time has passed with
    # nothing recorded is the gap between "should be seen" and "was seen".
    return _appointments("outcome_to_record", (Appointment.status == SQL("'booked'")) & (Appointment.ends_at <= moment),
                         since=Appointment.starts_at)


def _referral_to_write(settings, today, moment):
    named, active = responsible_clinician(Referral.episode)
    return _referrals("referral_to_write", "raised", named, active, since=Referral.raised_at)


def _letter_to_sign(settings, today, moment):
    # The clinician who drafted it signs it; if they have left, the episode's responsible clinician.
    drafter = User.alias("drafter")
    query = Referral.select().join(drafter, JOIN.LEFT_OUTER, on=(Referral.drafted_by == drafter.id))
    named, active = _first_active((Referral.drafted_by, drafter.active), responsible_clinician(Referral.episode))
    return _referrals("letter_to_sign", "drafted", named, active, since=Referral.raised_at, query=query)


def _letter_to_send(settings, today, moment):
    return _referrals("letter_to_send", "signed", since=Referral.signed_at)


def _acknowledgement_to_chase(settings, today, moment):
    # A referral the receiving service has not acknowledged within the clinic's number of
    # working days is chased by reception.
    since = settings.calendar().working_days_before(today, settings.referral_acknowledgement_working_days)
    sent_before = datetime.combine(since, time(0), settings.zone).astimezone(timezone.utc)
    # Sorted by about when the reply was due (sending day + the working days, as calendar days
    # with weekends); obligations._rows puts the exact day, from the clinic's calendar, on each row.
    days = settings.referral_acknowledgement_working_days
    # SQLite's DATE(sent_at, '+N days') is the sending day plus N in one call (half the cost of
    # two, for each of thousands of sent letters sorted); PostgreSQL adds days to a date.
    sent_on = Referral.sent_at if is_sqlite() else fn.DATE(Referral.sent_at)
    roughly_due = _plus_days(sent_on, days + 2 * (days // 5))
    query = Referral.select().where((Referral.status == SQL("'sent'")) & (Referral.sent_at < sent_before))
    return Side(query, _columns("acknowledgement_to_chase", "referral", Referral.id, Referral.kind, roughly_due,
                                Referral.urgent, Referral.episode, since=Referral.sent_at),
                Referral.episode, (Referral.urgent.desc(), roughly_due, Referral.id))


def _warning_to_acknowledge(settings, today, moment):
    # A warning is due the day it is raised: nothing the clinician does next should wait on it.
    named, active = responsible_clinician(PathwayWarning.episode)
    due_by = fn.DATE(PathwayWarning.raised_at)
    query = PathwayWarning.select().where((PathwayWarning.requires_acknowledgement == True)  # noqa: E712
                                          & PathwayWarning.acknowledged_at.is_null())
    return Side(query, _columns("warning_to_acknowledge", "warning", PathwayWarning.id, PathwayWarning.kind, due_by,
                                Value(False), PathwayWarning.episode, named, active, PathwayWarning.message,
                                PathwayWarning.raised_at),
                PathwayWarning.episode, (due_by, PathwayWarning.id), named, active)


def _finding_to_record(settings, today, moment):
    # The clinician who saw the patient records what they found; if they have left, the
    # episode's responsible clinician; else it is unassigned.
    seen_by = User.alias("seen_by")
    query = Appointment.select().join(seen_by, JOIN.LEFT_OUTER, on=(Appointment.clinician == seen_by.id))
    named, active = _first_active((Appointment.clinician, seen_by.active), responsible_clinician(Appointment.episode))
    return _appointments("finding_to_record", finding_due(), named, active, since=Appointment.starts_at, query=query)


def _relaxant_to_review(settings, today, moment):
    # DESIGN.md rule 2 and the reference's "Muscle relaxants beyond 2–3 weeks" pitfall: a relaxant
    # still running the clinic's medication-review days (21 at most) after it started, or after
    # the last decision to keep it on, needs a clinician's decision again. Only while the episode
    # is open: the join to the episode filters, and names its clinician.
    days = load_pathway_timings().medication_review_days
    responsible = User.alias("responsible")
    last_decided = fn.COALESCE(Medication.continued_on, Medication.started_on)
    due_by = _plus_days(last_decided, days)
    query = (Medication.select().join(Episode)
             .join(responsible, JOIN.LEFT_OUTER, on=(Episode.responsible_clinician == responsible.id))
             .where((Medication.category == SQL("'muscle_relaxant'")) & Medication.stopped_on.is_null()
                    & (Episode.status == "open")
                    & (last_decided <= today - timedelta(days=days))))
    named, active = Episode.responsible_clinician, responsible.active
    return Side(query, _columns("relaxant_to_review", "medication", Medication.id, Medication.category, due_by,
                                Value(False), Medication.episode, named, active, Medication.name),
                Medication.episode, (due_by, Medication.id), named, active)


def _plus_days(day_column, days: int):
    """A date column plus whole days, in the database's own words (on SQLite, the day of a
    moment column too)."""
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
