"""The pathway timings the clinic uses, kept in the database so every workstation agrees.

Until the practice manager saves timings, the packaged resources/pathway_timings.json
applies. A change applies at once to every item nobody has acted on yet (a review still
to book, a referral only raised): its deadline follows the new timing, and the manager
is told how many moved, how many became overdue and how many stopped being overdue. Items
someone has booked, drafted or sent keep their dates. A timing may be made stricter than the
source's, never later (pathway/timings.py SOURCE_LIMITS); the urgent red-flag referral is due
the same day (the clinical guidance) and no saved value changes that.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields, replace
from datetime import date
from functools import cache

from clinic_desktop.models import Appointment, ClinicSetting, Episode, Referral, database_proxy
from clinic_desktop.pathway.timings import SOURCE_LIMITS, PathwayTimings, load_timings
from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.services.audit import audit
from clinic_desktop.services.core import clock, progress
from clinic_desktop.services.core.entity import Entity
from clinic_desktop.services.core.errors import ValidationError
from clinic_desktop.services.core.transaction import service

__all__ = ["FIXED_TIMINGS", "RED_FLAG_REASON", "TIMED_ITEMS", "TIMINGS_SETTING", "TIMING_LIMITS", "TIMING_WORDS",
           "DeadlineMoves", "TimingsChange", "TimingsRecord", "current_timings", "load_pathway_timings",
           "packaged_timings", "preview_clinic_settings", "preview_pathway_timings", "update_pathway_timings"]

TIMINGS_SETTING = "pathway_timings"
# The latest each timing may be, the source's own deadline: a clinic may be stricter, never later.
TIMING_LIMITS: dict[str, int] = dict(SOURCE_LIMITS)

# What each timing is, in the manager's words: (item, the event that starts its clock).
TIMING_WORDS: dict[str, tuple[str, str]] = {
    "two_week_review_days": ("2-week review", "after first contact"),
    "medication_review_days": ("Medication review", "after a muscle relaxant is started"),
    "early_radicular_referral_days": ("Early radicular referral",
                                      "after severe radicular pain or a neurological deficit is recorded"),
    "red_flag_referral_days": ("Urgent red-flag referral", "after red flags are recorded: always the same day"),
    "stratified_referral_days": ("Physiotherapy / biopsychosocial referral", "after STarT Back medium or high risk"),
    "twelve_week_check_days": ("12-week check", "after first contact"),
    "escalation_referral_days": ("Pain / spinal centre referral", "after a 12-week outcome of not improved"),
    "opioid_review_days": ("Opioid monitoring review", "after an opioid is started"),
    "ongoing_evaluation_days": ("Ongoing evaluation follow-up",
                                "after a low-risk patient is found not improving"),
}
# The stepped-care guidance (DESIGN.md, reference/back-pain-stepped-care.txt): an urgent
# red-flag referral is due the same day. A later deadline would hide a raised one from every
# overdue list for weeks, so this timing is fixed and nobody can change it.
FIXED_TIMINGS: dict[str, int] = {"red_flag_referral_days": 0}
RED_FLAG_REASON = ("An urgent red-flag referral is always due the same day the red flags are recorded "
                   "(the stepped-care guidance), so this timing cannot be changed.")
_WAITING = {Appointment: "to_book", Referral: "raised"}  # nobody has acted on these yet
# The stored items whose deadline each timing sets (clinic_desktop.pathway.rules), so that a
# change re-runs the rules only for episodes holding such an item nobody has acted on yet.
TIMED_ITEMS: dict[str, tuple[type, tuple[str, ...]]] = {
    "two_week_review_days": (Appointment, ("two_week_review",)),
    "medication_review_days": (Appointment, ("medication_review",)),
    "early_radicular_referral_days": (Referral, ("early_radicular",)),
    "red_flag_referral_days": (Referral, ("urgent_red_flag",)),
    "stratified_referral_days": (Referral, ("standard_physiotherapy", "biopsychosocial")),
    "twelve_week_check_days": (Appointment, ("twelve_week_review",)),
    "escalation_referral_days": (Referral, ("pain_spinal_centre",)),
    "opioid_review_days": (Appointment, ("follow_up",)),
    "ongoing_evaluation_days": (Appointment, ("follow_up",)),
}


@dataclass(frozen=True)
class TimingsRecord:
    timings: PathwayTimings
    saved_by_clinic: bool  # False: the packaged defaults apply


@dataclass(frozen=True)
class DeadlineMoves:
    """What a change did (or, previewed, would do) to the deadlines of items nobody has acted on."""

    moved: int  # deadlines that moved
    newly_overdue: int  # of those, how many were not overdue before and are now
    no_longer_overdue: int  # of those, how many were overdue before and are not now

    @property
    def in_words(self) -> str:
        if not self.moved:
            return "No deadline of an item nobody has acted on had to move."
        items = "deadline" if self.moved == 1 else "deadlines"
        now = f"{self.newly_overdue} {'is' if self.newly_overdue == 1 else 'are'} now overdue"
        no_longer = f"{self.no_longer_overdue} {'is' if self.no_longer_overdue == 1 else 'are'} no longer overdue"
        crossed = " and ".join(words for count, words in ((self.newly_overdue, now),
                                                          (self.no_longer_overdue, no_longer)) if count)
        return f"{self.moved} {items} of items nobody has acted on moved" + (
            f"; of them, {crossed}." if crossed else ".")


@dataclass(frozen=True)
class TimingsChange(DeadlineMoves):
    timings: PathwayTimings = PathwayTimings()
    changed: tuple[str, ...] = ()  # the timings that differ from before


def load_pathway_timings() -> PathwayTimings:
    """The timings the rules use now. Internal: no permission needed (one keyed read)."""
    return replace(_saved_timings(), **FIXED_TIMINGS)  # a value saved before they were fixed never applies


def _saved_timings() -> PathwayTimings:
    """As saved (else the packaged file's), each held to the source's limit: a value saved
    before the limits were enforced never applies later than the source allows."""
    held = {name: min(value, SOURCE_LIMITS[name]) if name in SOURCE_LIMITS and type(value) is int else value
            for name, value in _saved_values().items()}
    return PathwayTimings.from_mapping(held, source="saved pathway timings")


def _saved_values() -> dict:
    """As saved, over the packaged file's: a timing added since the clinic last saved takes its default."""
    row = ClinicSetting.get_or_none(ClinicSetting.name == TIMINGS_SETTING)
    return {**asdict(packaged_timings()), **(json.loads(row.value) if row else {})}


@cache
def packaged_timings() -> PathwayTimings:
    """The packaged file, read once per process."""
    return load_timings()


@service("manage_settings", changes=False)
def current_timings(actor) -> TimingsRecord:
    saved = ClinicSetting.select().where(ClinicSetting.name == TIMINGS_SETTING).exists()
    return TimingsRecord(load_pathway_timings(), saved)


@service("manage_settings")
def update_pathway_timings(actor, **days: int) -> TimingsChange:
    """Change some timings (the rest keep theirs); move the deadlines of items nobody acted on."""
    change = _apply(actor, days)
    words = ", ".join(f"{TIMING_WORDS[name][0]} {getattr(change.timings, name)} days" for name in change.changed)
    audit.record(actor, "update_pathway_timings", Entity.CLINIC_SETTING, None,
                 f"changed pathway timings: {words or 'nothing'}; {change.in_words}",
                 moved=change.moved, newly_overdue=change.newly_overdue,
                 no_longer_overdue=change.no_longer_overdue, **asdict(change.timings))
    return change


@service("manage_settings", changes=False)
def preview_pathway_timings(actor, **days: int) -> TimingsChange:
    """What ``update_pathway_timings`` would move, found by doing it and rolling it back."""
    with database_proxy.atomic() as savepoint:
        change = _apply(actor, days)
        savepoint.rollback()
    return change


@service("manage_settings", changes=False)
def preview_clinic_settings(actor, **changes) -> DeadlineMoves:
    """What ``settings.update_clinic_settings`` would move (closure days, holiday region), found by
    doing it and rolling it back; refused as the change itself would be."""
    from clinic_desktop.services.admin.settings import update_clinic_settings

    affected = list(TIMED_ITEMS.values())
    with database_proxy.atomic() as savepoint:
        before = _waiting_deadlines(affected)
        update_clinic_settings(actor, **changes)
        moves = _moves(before, _waiting_deadlines(affected))
        savepoint.rollback()
    return moves


def _apply(actor, days: dict) -> TimingsChange:
    from clinic_desktop.services.episodes import pathway_sync  # pathway_sync reads the timings from here

    # Compared as saved, so that a timing saved later than the source allows before the limits
    # (or a fixed one with another value) counts as changed and the items it timed follow it.
    saved = _saved_values()
    before = _saved_timings()
    timings = replace(_checked(before, days), **FIXED_TIMINGS)
    value = json.dumps(asdict(timings), sort_keys=True)
    ClinicSetting.insert(name=TIMINGS_SETTING, value=value).on_conflict(
        conflict_target=[ClinicSetting.name], update={ClinicSetting.value: value}).execute()
    changed = tuple(item.name for item in fields(PathwayTimings)
                    if saved.get(item.name) != getattr(timings, item.name))
    affected = [TIMED_ITEMS[name] for name in changed]
    deadlines = _waiting_deadlines(affected)
    episode_ids = sorted({episode_id for episode_id, _ in deadlines.values()})
    waiting = list(Episode.select().where(Episode.id.in_(episode_ids) & (Episode.status == "open")))
    for number, episode in enumerate(waiting):
        progress.step(number, len(waiting),
                      f"Working out the deadlines of episode {number + 1:,} of {len(waiting):,}…")
        pathway_sync.synchronise(actor, episode)
    progress.step(len(waiting), len(waiting), "Counting the deadlines that moved…")  # a stop asked for: honoured
    moves = _moves(deadlines, _waiting_deadlines(affected))
    return TimingsChange(moves.moved, moves.newly_overdue, moves.no_longer_overdue, timings, changed)


def _moves(before: dict, after: dict) -> DeadlineMoves:
    """How many deadlines moved, and how many of those crossed today either way (due before today is overdue)."""
    moved = [(before[key][1], due) for key, (_, due) in after.items() if key in before and before[key][1] != due]
    today = clock.today(load_settings().zone)
    return DeadlineMoves(len(moved), sum(was >= today > due for was, due in moved),
                         sum(was < today <= due for was, due in moved))


def _checked(before: PathwayTimings, days: dict) -> PathwayTimings:
    for name, value in days.items():
        if name not in TIMING_WORDS:
            raise ValidationError(f"There is no pathway timing {name!r}.", field=name)
        if name in FIXED_TIMINGS:
            if type(value) is not int or value != FIXED_TIMINGS[name]:
                raise ValidationError(f"The {TIMING_WORDS[name][0].lower()} timing stays at {FIXED_TIMINGS[name]} "
                                      f"days, not {value!r}: {RED_FLAG_REASON[0].lower()}{RED_FLAG_REASON[1:]}",
                                      field=name)
            continue
        latest = TIMING_LIMITS[name]
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= latest:
            raise ValidationError(f"The {TIMING_WORDS[name][0]} timing is a whole number of days from 1 to "
                                  f"{latest}, not {value!r}: it may be made stricter than the stepped-care "
                                  f"guidance's {latest} days, never later.", field=name)
    return PathwayTimings(**{**asdict(before), **days})


def _waiting_deadlines(affected: list[tuple[type, tuple[str, ...]]]) -> dict[tuple[str, int], tuple[int, date]]:
    """Episode and due-by date of each pathway item of the affected kinds nobody has acted on yet."""
    found = {}
    for model, kinds in affected:
        query = (model.select(model.id, model.episode, model.due_by)
                 .where((model.status == _WAITING[model]) & model.kind.in_(kinds) & model.pathway_key.is_null(False)))
        for item_id, episode_id, due_by in query.tuples():
            found[(model.__name__, item_id)] = (episode_id, due_by)
    return found
