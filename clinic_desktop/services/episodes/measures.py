"""Improvement, measured: pain, function and the patient's impression of change at a visit.

The 2-week review, an ongoing evaluation and the 12-week check each measure the same three
things (first contact may take them as the baseline); the pathway suggests "improved" from
them (pathway/improvement.py) and the clinician confirms it, and only the confirmation
drives the rules. Stored with the visit's own record, in its transaction, so a review is
never saved without the measures it was given nor the measures without the review.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Sequence

from clinic_desktop.models import Episode, ImprovementMeasure
from clinic_desktop.pathway.care_options import FUNCTION_SCALES, GLOBAL_CHANGE, MEASURE_OCCASIONS
from clinic_desktop.pathway.facts import MeasureFact
from clinic_desktop.pathway.improvement import (
    Suggestion,
    baseline,
    ongoing_evaluation,
    score_words,
    suggest_improvement,
)
from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.services.core import validation
from clinic_desktop.services.core.clinic_time import format_day
from clinic_desktop.services.core.clock import now_utc
from clinic_desktop.services.core.errors import NotFound, ValidationError
from clinic_desktop.services.core.transaction import service
from clinic_desktop.services.episodes import pathway_sync

if TYPE_CHECKING:
    from clinic_desktop.services.episodes.episodes import EpisodeUpdate

__all__ = ["MeasureRecord", "MeasuresInput", "PSFS_ACTIVITY_LENGTH", "PSFS_MOST_ACTIVITIES", "audit_details",
           "episode_measures", "low_risk_route", "record_measures", "store_measures", "suggested_improvement"]

# The Patient-Specific Functional Scale asks about up to three activities the pain limits.
PSFS_MOST_ACTIVITIES = 3
PSFS_ACTIVITY_LENGTH = 60


@dataclass(frozen=True)
class MeasuresInput:
    """What a clinician measured: pain now (0-10), function and the patient's impression of change.

    Function is a 0-10 rating (``function_scale="nrs"``, ``function_score``) or the
    Patient-Specific Functional Scale (``"psfs"``, ``psfs_activities`` as (activity, 0-10)
    pairs, whose mean is the score). 0 is unable, 10 as before the pain, on both.
    ``global_change`` is 1 (very much improved) to 7 (very much worse); None at first contact.
    """

    pain_now: int
    function_scale: str = "nrs"
    function_score: int | None = None  # a whole number on the 0-10 rating
    psfs_activities: Sequence[tuple[str, int]] = ()
    global_change: int | None = None
    notes: str = ""


@dataclass(frozen=True)
class MeasureRecord:
    """One stored measure, with its words as the time line, letters and export show them."""

    id: int
    episode_id: int
    measured_on: date
    occasion: str
    pain_now: int
    function_scale: str
    function_score: Decimal
    psfs_activities: tuple[tuple[str, int], ...]
    global_change: int | None
    improving: bool | None
    notes: str
    recorded_by_id: int | None = None
    recorded_at: datetime | None = None

    @property
    def occasion_label(self) -> str:
        return MEASURE_OCCASIONS[self.occasion]

    @property
    def function_words(self) -> str:
        """"function 6/10" or "PSFS 6.7/10 (walking 7, sitting 6, lifting 7)"."""
        if self.function_scale == "nrs":
            return f"function {score_words(self.function_score)}/10"
        activities = ", ".join(f"{activity} {score}" for activity, score in self.psfs_activities)
        return f"PSFS {score_words(self.function_score)}/10 ({activities})"

    @property
    def global_change_label(self) -> str | None:
        return GLOBAL_CHANGE[self.global_change] if self.global_change is not None else None

    @property
    def summary(self) -> str:
        """"pain 3/10, function 6/10, much improved (PGIC 2/7), judged improving"."""
        parts = [f"pain {self.pain_now}/10", self.function_words]
        if self.global_change is not None:
            parts.append(f"{self.global_change_label.lower()} (PGIC {self.global_change}/7)")
        if self.improving is not None:
            parts.append("judged improving" if self.improving else "judged not improving")
        return ", ".join(parts)


@service("record_clinical_fact")
def record_measures(actor, episode_id: int, *, measured_on: date, occasion: str = "ongoing_evaluation",
                    measures: MeasuresInput, improving: bool | None) -> EpisodeUpdate:
    """An ongoing evaluation's measures (or a baseline taken late), with the clinician's judgement.

    At low risk the judgement decides the route: improving continues current management; not
    improving proceeds to ongoing evaluation, a follow-up on the to-book list (pathway/improvement.py).
    Built on episodes.py's helpers, imported here when called: episodes.py stores the measures of
    its own visits through this module, and letters read them without the episodes service.
    """
    from clinic_desktop.services.episodes import episodes

    episode_id = validation.record_id(episode_id, "episode")
    measured_on = validation.day(measured_on, "measured_on", label="date")
    occasion = validation.choice(occasion, MEASURE_OCCASIONS, "occasion", label="occasion")
    episode = episodes._changeable_episode(episode_id)
    episodes._check_fact_day(episode, measured_on, "measured_on")
    row = store_measures(actor, episode, measured_on, occasion, measures, improving)
    return episodes._finish(actor, episode, "record_measures",
                            f"recorded the {row.occasion_label.lower()} on {format_day(measured_on)}: {row.summary}",
                            low_risk_route(episode, row), measures=audit_details(row))


@service("view_patient", changes=False)
def suggested_improvement(actor, episode_id: int, measures: MeasuresInput) -> Suggestion:
    """What the pathway suggests for measures not yet saved, against the episode's baseline; for the forms."""
    episode_id = validation.record_id(episode_id, "episode")
    checked = _checked(measures, "ongoing_evaluation")
    episode = Episode.get_or_none(Episode.id == episode_id)
    if episode is None:
        raise NotFound("That episode is not on record")
    stored = [_fact(record) for record in episode_measures(episode.id)]
    # Not stored: its id and date only need to come after every stored one.
    now = MeasureFact(0, date.max, "ongoing_evaluation", checked.pain_now, checked.function_score,
                      checked.global_change, None, checked.function_scale)
    return suggest_improvement(baseline(stored), now)


def store_measures(actor, episode: Episode, measured_on: date, occasion: str, measures: MeasuresInput,
                   improving: bool | None) -> MeasureRecord:
    """Check and store one visit's measures, inside the calling service's transaction (not offered alone:
    the visit's service checks the permission)."""
    checked = _checked(measures, occasion)
    if occasion == "first_contact":
        if improving is not None:
            raise ValidationError("First contact is the baseline: there is no improvement to judge yet",
                                  field="improving")
    else:
        validation.yes_no(improving, "improving", question="whether the patient is improving")
    row = ImprovementMeasure.create(
        episode=episode.id, measured_on=measured_on, occasion=occasion, pain_now=checked.pain_now,
        function_scale=checked.function_scale, function_score=checked.function_score,
        psfs_activities="\n".join(f"{activity}\t{score}" for activity, score in checked.psfs_activities),
        global_change=checked.global_change, improving=improving, notes=checked.notes,
        recorded_by=actor.user_id, recorded_at=now_utc())
    return _record(row)


def low_risk_route(episode: Episode, measure: MeasureRecord) -> list[str]:
    """What a judgement at the 2-week review or an ongoing evaluation means at low risk, in words."""
    facts = pathway_sync.load_facts(episode)
    risks = sorted(facts.start_back, key=lambda fact: fact.id)
    if measure.improving is None or measure.occasion == "twelve_week_check" or not risks or risks[-1].risk != "low":
        return []
    if measure.improving:
        return ["Low risk and improving: continue current management and self-management"]
    follow_up = ongoing_evaluation(facts, pathway_sync.pathway_timings(), load_settings().calendar())
    if any(item.key == f"ongoing_evaluation:{measure.id}" for item in follow_up):
        return ["Low risk and not improving: proceed to ongoing evaluation; an ongoing evaluation "
                "follow-up was put on the to-book list"]
    return ["Low risk and not improving: the 12-week check is the next evaluation"]


def episode_measures(*episode_ids: int) -> tuple[MeasureRecord, ...]:
    """The episodes' measures in the order taken, in one query. Internal: its callers check the permission."""
    rows = (ImprovementMeasure.select().where(ImprovementMeasure.episode.in_(episode_ids))
            .order_by(ImprovementMeasure.measured_on, ImprovementMeasure.id))
    return tuple(_record(row) for row in rows)


@dataclass(frozen=True)
class _Checked:
    pain_now: int
    function_scale: str
    function_score: Decimal
    psfs_activities: tuple[tuple[str, int], ...]
    global_change: int | None
    notes: str


def _checked(measures: MeasuresInput, occasion: str) -> _Checked:
    if not isinstance(measures, MeasuresInput):
        raise ValidationError("Give the measures: pain now, function and the impression of change",
                              field="measures")
    pain = _rating(measures.pain_now, "pain_now", "Pain now")
    scale = validation.choice(measures.function_scale, FUNCTION_SCALES, "function_scale", label="function scale")
    activities = _activities(measures.psfs_activities) if scale == "psfs" else ()
    if scale == "psfs":
        score = Decimal(sum(score for _, score in activities)) / len(activities)
    else:
        if measures.psfs_activities:
            raise ValidationError("Activities are scored only on the Patient-Specific Functional Scale",
                                  field="psfs_activities")
        score = Decimal(_rating(measures.function_score, "function_score", "Function"))
    return _Checked(pain, scale, score.quantize(Decimal("0.01")), activities,
                    _global_change(measures.global_change, occasion),
                    validation.text(measures.notes, "notes", multiline=True))


def _rating(value, field: str, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
        raise ValidationError(f"{what} is a whole number from 0 to 10, not {value!r}", field=field)
    return value


def _activities(given) -> tuple[tuple[str, int], ...]:
    try:
        pairs = [(activity, score) for activity, score in given]
    except (TypeError, ValueError):
        raise ValidationError("Give each activity with its score", field="psfs_activities") from None
    if not 1 <= len(pairs) <= PSFS_MOST_ACTIVITIES:
        raise ValidationError(f"The Patient-Specific Functional Scale scores 1 to {PSFS_MOST_ACTIVITIES} activities, "
                              f"not {len(pairs)}", field="psfs_activities")
    checked = []
    for activity, score in pairs:
        name = " ".join(validation.text(activity, "psfs_activities", required="Name each activity",
                                        label="activity", max_length=PSFS_ACTIVITY_LENGTH).split())
        checked.append((name, _rating(score, "psfs_activities", f"The score for {name}")))
    return tuple(checked)


def _global_change(value, occasion: str) -> int | None:
    if occasion == "first_contact":
        if value is not None:
            raise ValidationError("The impression of change is asked at later visits, not at first contact",
                                  field="global_change")
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value not in GLOBAL_CHANGE:
        raise ValidationError("Choose the patient's impression of change, 1 (very much improved) to "
                              "7 (very much worse)", field="global_change")
    return value


def _record(row: ImprovementMeasure) -> MeasureRecord:
    activities = tuple((activity, int(score)) for activity, _, score in
                       (line.rpartition("\t") for line in pathway_sync.split_lines(row.psfs_activities)))
    return MeasureRecord(row.id, row.episode_id, row.measured_on, row.occasion, row.pain_now, row.function_scale,
                         Decimal(row.function_score), activities, row.global_change, row.improving, row.notes,
                         row.recorded_by_id, row.recorded_at)


def _fact(record: MeasureRecord) -> MeasureFact:
    return MeasureFact(record.id, record.measured_on, record.occasion, record.pain_now, record.function_score,
                       record.global_change, record.improving, record.function_scale)


def audit_details(record: MeasureRecord) -> dict:
    """The measure as the audit event of the visit that stored it keeps it."""
    return {"occasion": record.occasion, "pain_now": record.pain_now, "function_scale": record.function_scale,
            "function_score": str(record.function_score), "global_change": record.global_change,
            "improving": record.improving}
