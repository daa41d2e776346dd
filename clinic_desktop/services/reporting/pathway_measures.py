"""How well the clinic keeps to the pathway: four measures, each over the last 12 weeks.

Every measure is defined once here, in words (``definition``, shown on screen and in the
reports) and in code, so what the manager reads is what was counted. Weeks run Monday to
Sunday in the clinic's time zone; the last one is the week of the "as of" date, cut at
that date. Each query reads a date range through an existing index (the open-items and
the starts-at indexes of appointments); only the rows of those 12 weeks reach Python.

Call ``pathway_measures`` inside a service (one transaction): it checks no permission.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from statistics import median
from zoneinfo import ZoneInfo

from peewee import SQL, Case, fn

from clinic_desktop.models import Appointment, Referral, StartBackAssessment, database_proxy
from clinic_desktop.models.appointments import open_statuses_sql
from clinic_desktop.pathway.calendar import WorkingCalendar
from clinic_desktop.pathway.timings import PathwayTimings

__all__ = ["WEEKS", "Measure", "WeekValue", "days_to_send_referrals", "did_not_attend_rate",
           "high_risk_referred_on_time", "pathway_measures", "two_week_reviews_on_time", "week_starts"]

WEEKS = 12
# Written out literally, as worklists.py does, so a partial index on these statuses can serve.
_OUTCOME_STATUSES = "'attended', 'did_not_attend'"
# A high-risk referral deadline falls at most this long after the assessment.
_LONGEST_REFERRAL_WAIT = timedelta(days=60)


@dataclass(frozen=True)
class WeekValue:
    """One week of a measure; ``value`` is None when nothing counted that week."""

    week_start: date  # a Monday
    value: float | None
    numerator: int
    denominator: int


@dataclass(frozen=True)
class Measure:
    key: str
    title: str
    definition: str  # what is counted, in words, shown under the measure
    unit: str  # "%" or "days"
    value: float | None  # over the whole 12 weeks
    numerator: int  # shares: items done; the median: referrals measured
    denominator: int  # shares: items counted; the median: referrals measured
    weeks: tuple[WeekValue, ...]
    # What the numerator and the denominator count, for tables: ("Done", "Counted").
    counts_named: tuple[str, str] = ("Done", "Counted")

    @property
    def value_text(self) -> str:
        """"87 % (45 of 52)" or "median 6 days (23 referrals)" or "no data"."""
        if self.value is None:
            return "no data yet"
        if self.unit == "%":
            return f"{self.value:.0f} % ({self.numerator} of {self.denominator})"
        return f"median {self.value:g} days ({self.denominator} referral{'s' if self.denominator != 1 else ''})"


def week_starts(as_of: date) -> tuple[date, ...]:
    """The Mondays of the 12 weeks shown, oldest first; the last one holds ``as_of``."""
    this_monday = as_of - timedelta(days=as_of.weekday())
    return tuple(this_monday - timedelta(weeks=WEEKS - 1 - number) for number in range(WEEKS))


def pathway_measures(as_of: date, zone: ZoneInfo, calendar: WorkingCalendar,
                     timings: PathwayTimings) -> tuple[Measure, ...]:
    weeks = week_starts(as_of)
    return (
        two_week_reviews_on_time(as_of, weeks, zone, timings),
        high_risk_referred_on_time(as_of, weeks, zone, calendar, timings),
        days_to_send_referrals(as_of, weeks, zone),
        did_not_attend_rate(as_of, weeks, zone),
    )


# --- 1. 2-week reviews done by day 14 ---


def two_week_reviews_on_time(as_of: date, weeks: tuple[date, ...], zone: ZoneInfo,
                             timings: PathwayTimings) -> Measure:
    """Share of 2-week reviews attended by their due-by date.

    A review is an episode's 2-week review (a did-not-attend and its rebooking are one
    review: they share the due-by date). It counts in the week of its due-by date, once
    that date is past (due before "as of"). Done: a visit for it was recorded as attended
    on or before the due-by date (clinic-local day). Left out: reviews cancelled without
    any visit (e.g. on discharge). Not done: still to book, booked but no attendance
    recorded, attended late, or missed and not attended again by the due date.
    """
    outcome: dict[tuple[int, date], bool] = {}
    still_open = (Appointment.select(Appointment.episode, Appointment.due_by)
                  .where(Appointment.status.in_(SQL(f"({open_statuses_sql})")),
                         Appointment.due_by >= weeks[0], Appointment.due_by < as_of,
                         Appointment.kind == "two_week_review"))
    for episode_id, due_by in _raw(still_open):
        outcome.setdefault((episode_id, _day(due_by)), False)
    # A visit is no earlier than the first contact, the review's timing before its due date.
    look_back = timedelta(days=timings.two_week_review_days)
    visits = (Appointment.select(Appointment.episode, Appointment.due_by, Appointment.status, Appointment.starts_at)
              .where(Appointment.starts_at >= _midnight(weeks[0] - look_back, zone),
                     Appointment.starts_at < _midnight(as_of + timedelta(days=1), zone),
                     Appointment.status.in_(SQL(f"({_OUTCOME_STATUSES})")),
                     Appointment.kind == "two_week_review",
                     Appointment.due_by >= weeks[0], Appointment.due_by < as_of))
    day_ends: dict[object, tuple[date, object]] = {}  # due-by as read -> (the date, when that clinic day ends)
    for episode_id, due_by, status, starts_at in _raw(visits):
        if due_by not in day_ends:
            day = _day(due_by)
            # As the column stores it (SQLite's fixed-width UTC text sorts as time does), so each
            # row compares without being parsed.
            day_ends[due_by] = (day, Appointment.starts_at.db_value(_midnight(day + timedelta(days=1), zone)))
        day, day_ends_at = day_ends[due_by]
        on_time = status == "attended" and starts_at < day_ends_at
        outcome[(episode_id, day)] = outcome.get((episode_id, day), False) or on_time
    per_week = _share_by_week(weeks, ((due_by, done) for (_episode, due_by), done in outcome.items()))
    return _share_measure(
        "two_week_reviews_on_time", f"2-week reviews done by day {timings.two_week_review_days}",
        f"Of the 2-week reviews whose due-by date (day {timings.two_week_review_days} after first contact, "
        "or the working day before) has passed, the share the patient attended on or before that date. "
        "Each review counts in the week of its due-by date. A missed review rebooked and attended in time "
        "counts as done; one cancelled without a visit (e.g. at discharge) is left out.",
        per_week, weeks)


# --- 2. high-risk patients referred within 14 days ---


def high_risk_referred_on_time(as_of: date, weeks: tuple[date, ...], zone: ZoneInfo, calendar: WorkingCalendar,
                               timings: PathwayTimings) -> Measure:
    """Share of high-risk patients whose biopsychosocial referral was sent in time.

    A patient counts once an episode: at its first STarT Back scored high risk. The
    deadline is the one the pathway gives that referral (``stratified_referral_days`` after
    the assessment, moved back to a working day); it counts in the week of that deadline,
    once the deadline is past. Referred: a biopsychosocial referral of the episode was
    marked sent on or before the deadline (clinic-local day). Raised or signed is not sent.
    """
    days = timings.stratified_referral_days
    assessments = (StartBackAssessment.select(StartBackAssessment.episode, fn.MIN(StartBackAssessment.assessed_on))
                   .where(StartBackAssessment.risk == "high",
                          StartBackAssessment.assessed_on >= weeks[0] - _LONGEST_REFERRAL_WAIT,
                          StartBackAssessment.assessed_on < as_of)
                   .group_by(StartBackAssessment.episode))
    deadlines: dict[int, date] = {}
    for episode_id, assessed_on in _raw(assessments):
        deadline = calendar.deadline(_day(assessed_on), days)
        if weeks[0] <= deadline < as_of:
            deadlines[episode_id] = deadline
    if deadlines:  # an episode stratified high before (a repeat assessment) counts at the first one only
        earlier = (StartBackAssessment.select(StartBackAssessment.episode)
                   .where(StartBackAssessment.episode.in_(sorted(deadlines)), StartBackAssessment.risk == "high",
                          StartBackAssessment.assessed_on < weeks[0] - _LONGEST_REFERRAL_WAIT))
        for (episode_id,) in _raw(earlier):
            deadlines.pop(episode_id, None)
    sent: dict[int, date] = {}
    if deadlines:
        referrals = (Referral.select(Referral.episode, Referral.sent_at)
                     .where(Referral.episode.in_(sorted(deadlines)), Referral.kind == "biopsychosocial",
                            Referral.sent_at.is_null(False)))
        for episode_id, sent_at in _raw(referrals):
            day = _instant(sent_at).astimezone(zone).date()
            sent[episode_id] = min(day, sent.get(episode_id, day))
    per_week = _share_by_week(weeks, ((deadline, episode_id in sent and sent[episode_id] <= deadline)
                                      for episode_id, deadline in deadlines.items()))
    return _share_measure(
        "high_risk_referred_on_time", f"High-risk patients referred within {days} days",
        f"Of the patients whose STarT Back scored high risk, the share whose biopsychosocial referral was "
        f"marked sent within {days} days of the assessment (the pathway's deadline: the working day before "
        "when day 14 is not one). A patient counts once an episode, at the first high-risk score, in the week "
        "the deadline falls, once it has passed. Raised, drafted or signed is not yet referred.",
        per_week, weeks, ("Referred in time", "High risk"))


# --- 3. days from raised to sent ---


def days_to_send_referrals(as_of: date, weeks: tuple[date, ...], zone: ZoneInfo) -> Measure:
    """Median days from a referral being raised to being sent, by the week it was sent.

    Days are whole clinic-local calendar days (sent the day it was raised = 0). Every
    kind of referral counts, urgent ones too; unsent ones are not yet measured.
    """
    query = (Referral.select(Referral.raised_at, Referral.sent_at)
             .where(Referral.sent_at >= _midnight(weeks[0], zone),
                    Referral.sent_at < _midnight(as_of + timedelta(days=1), zone)))
    waits: dict[date, list[int]] = defaultdict(list)
    for raised_at, sent_at in _raw(query):
        sent_on = _instant(sent_at).astimezone(zone).date()
        waits[_monday(sent_on)].append((sent_on - _instant(raised_at).astimezone(zone).date()).days)
    series = tuple(WeekValue(week, median(waits[week]) if waits[week] else None, len(waits[week]),
                             len(waits[week])) for week in weeks)
    every = [days for week in weeks for days in waits[week]]
    return Measure(
        "days_to_send_referrals", "Days from referral raised to sent",
        "The median number of calendar days between a referral being raised and its letter being marked "
        "sent (sent the same day = 0), over the referrals sent in each week. Every kind of referral counts, "
        "urgent ones too; referrals not yet sent are not measured.",
        "days", median(every) if every else None, len(every), len(every), series, ("Referrals sent", "Referrals sent"))


# --- 4. did-not-attend rate ---


def did_not_attend_rate(as_of: date, weeks: tuple[date, ...], zone: ZoneInfo) -> Measure:
    """Share of appointments whose outcome is recorded that the patient did not attend.

    By the week of the booked start (clinic-local day). Counted: attended and did not
    attend; booked ones with no outcome recorded yet and cancelled ones are left out.
    The database counts them by week (a CASE over the weeks' UTC boundaries), so two
    dozen numbers come back however busy the clinic.
    """
    boundaries = [_midnight(week, zone) for week in weeks[1:]]
    week_number = Case(None, [(Appointment.starts_at < boundary, number) for number, boundary in enumerate(boundaries)],
                       len(boundaries))
    query = (Appointment.select(week_number, Appointment.status, fn.COUNT(SQL("*")))
             .where(Appointment.starts_at >= _midnight(weeks[0], zone),
                    Appointment.starts_at < _midnight(as_of + timedelta(days=1), zone),
                    Appointment.status.in_(SQL(f"({_OUTCOME_STATUSES})")))
             .group_by(SQL("1, 2")))
    per_week = {week: [0, 0] for week in weeks}
    for number, status, count in _raw(query):
        tally = per_week[weeks[int(number)]]
        tally[0] += count if status == "did_not_attend" else 0
        tally[1] += count
    return _share_measure(
        "did_not_attend_rate", "Did-not-attend rate",
        "Of the appointments whose outcome has been recorded, the share the patient did not attend, in the "
        "week of the booked start (clinic time). Appointments still booked with no outcome, and cancelled "
        "ones, are left out. Lower is better.",
        per_week, weeks, ("Did not attend", "Outcome recorded"))


# --- shared pieces ---


def _share_by_week(weeks: tuple[date, ...], items) -> dict[date, list[int]]:
    """{Monday: [done, counted]} from (day, done) pairs; days outside the weeks are dropped."""
    tally = {week: [0, 0] for week in weeks}
    for day, done in items:
        week = _monday(day)
        if week in tally:
            tally[week][0] += bool(done)
            tally[week][1] += 1
    return tally


def _share_measure(key: str, title: str, definition: str, tally: dict[date, list[int]],
                   weeks: tuple[date, ...], counts_named: tuple[str, str] = ("Done", "Counted")) -> Measure:
    series = tuple(WeekValue(week, _percent(*tally[week]), *tally[week]) for week in weeks)
    done = sum(tally[week][0] for week in weeks)
    counted = sum(tally[week][1] for week in weeks)
    return Measure(key, title, definition, "%", _percent(done, counted), done, counted, series, counts_named)


def _percent(done: int, counted: int) -> float | None:
    return 100.0 * done / counted if counted else None


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    """The UTC instant the clinic's ``day`` begins."""
    return datetime.combine(day, time(0), zone).astimezone(timezone.utc)


def _raw(query):
    """The query's rows as the driver gives them: peewee's per-value conversion (strptime for
    every SQLite timestamp) costs more than the query over thousands of rows."""
    return database_proxy.execute(query).fetchall()


def _day(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def _instant(value) -> datetime:
    """A stored UTC instant: SQLite's fixed-width text, or PostgreSQL's timestamptz."""
    if isinstance(value, str):
        return datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
