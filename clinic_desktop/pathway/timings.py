"""The pathway's timings in days, kept in one file the practice manager can edit.

The defaults are DESIGN.md's ("The pathway, as rules"), which are the source's own
deadlines (reference/back-pain-stepped-care.txt): a clinic may make a timing stricter,
never later, because a later deadline would keep an item off every overdue list while the
patient waits past what the guidance allows. The file resources/pathway_timings.json holds
the values the clinic actually uses. Besides the timings it may hold one "_comment" key, a
note for whoever edits it, which is ignored.
"""

import json
from collections.abc import Mapping
from dataclasses import dataclass, fields
from importlib import resources
from pathlib import Path

COMMENT_KEY = "_comment"


@dataclass(frozen=True)
class PathwayTimings:
    """Days from the event that starts each clock to the item's deadline; the defaults are the source's.

    The source's deadlines are also the latest each timing may be (SOURCE_LIMITS): 2-week review
    by day 14, medication review 21 days after a muscle relaxant starts ("beyond 2–3 weeks" is a
    listed pitfall), early radicular and stratified referrals within 14 days, the 12-week check
    by day 84, the escalation referral within 14 days, the urgent red-flag referral the same day,
    and an opioid's monitoring review within 14 days of its start (the source asks for "close
    monitoring"; DESIGN.md's 14 days, which the manager may shorten).
    The ongoing evaluation of a low-risk patient not improving is the clinic's 28 days.
    """

    two_week_review_days: int = 14
    medication_review_days: int = 21
    early_radicular_referral_days: int = 14
    red_flag_referral_days: int = 0
    stratified_referral_days: int = 14
    twelve_week_check_days: int = 84
    escalation_referral_days: int = 14
    opioid_review_days: int = 14
    # Not a deadline of the source's: "proceed to ongoing evaluation" names no interval, so
    # four weeks is the clinic's, from the visit that found a low-risk patient not improving
    # (pathway/improvement.py); a clinic may make it sooner.
    ongoing_evaluation_days: int = 28

    def __post_init__(self) -> None:
        for timing in fields(self):
            value = getattr(self, timing.name)
            lowest = 0 if timing.name == "red_flag_referral_days" else 1
            if isinstance(value, bool) or not isinstance(value, int) or value < lowest:
                raise ValueError(
                    f"{timing.name} must be a whole number of days, {lowest} or more, got {value!r}"
                )
            if value > SOURCE_LIMITS[timing.name]:
                raise ValueError(
                    f"{timing.name} may be made stricter but never later than the source's "
                    f"{SOURCE_LIMITS[timing.name]} days, got {value!r}"
                )

    @classmethod
    def from_mapping(cls, values: Mapping[str, object], source: str = "pathway timings") -> "PathwayTimings":
        """Timings from a mapping that names every timing exactly once; source names it in errors."""
        known = {timing.name for timing in fields(cls)}
        given = set(values) - {COMMENT_KEY}
        unknown = sorted(map(repr, given - known))
        if unknown:
            raise ValueError(f"{source}: unknown timing {', '.join(unknown)}")
        missing = sorted(map(repr, known - given))
        if missing:
            raise ValueError(f"{source}: missing timing {', '.join(missing)}")
        try:
            return cls(**{key: values[key] for key in known})
        except ValueError as error:
            raise ValueError(f"{source}: {error}") from None


SOURCE_LIMITS: dict[str, int] = {timing.name: timing.default for timing in fields(PathwayTimings)}


def load_timings(path: str | Path | None = None) -> PathwayTimings:
    """Read the timings file (the packaged resources/pathway_timings.json by default)."""
    if path is None:
        file = resources.files("clinic_desktop").joinpath("resources", "pathway_timings.json")
    else:
        file = Path(path)
    try:
        values = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise ValueError(f"{file}: cannot read pathway timings: {error}") from None
    if not isinstance(values, dict):
        raise ValueError(f"{file}: pathway timings must be a JSON object of timing names to days")
    return PathwayTimings.from_mapping(values, source=str(file))
