"""The facts of one episode of back pain that the pathway rules read.

The service builds these plain records from what is stored, so the rules never touch the
database and can be tested on their own.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from clinic_desktop.pathway.start_back import RISK_GROUPS

MEDICATION_CATEGORIES = ("nsaid", "topical", "muscle_relaxant", "other")
HEPATIC_IMPAIRMENTS = ("none", "mild", "moderate", "severe")
# The red flags a first-contact or later assessment checks for, offered as a checklist; a
# clinician may record others in their own words. Any red flag raises the urgent referral
# (DESIGN.md rule 4). Stored one a line, so none may contain a line break.
RECOGNISED_RED_FLAGS = (
    "suspected cauda equina syndrome",
    "suspected spinal fracture",
    "suspected cancer",
    "suspected spinal infection",
)


@dataclass(frozen=True)
class MedicationFact:
    """A medicine started at first contact or later; stopped_on is None while it is taken."""

    id: int
    category: str
    name: str
    started_on: date
    stopped_on: date | None = None

    def __post_init__(self) -> None:
        _require_one_of("medication category", self.category, MEDICATION_CATEGORIES)


@dataclass(frozen=True)
class RadicularFact:
    """A recorded presentation of radicular pain and whether it calls for early referral."""

    id: int
    recorded_on: date
    severe_radicular_pain: bool
    neurological_deficit: bool


@dataclass(frozen=True)
class RedFlagFact:
    """Red flags found at one assessment (e.g. "suspected cauda equina"); empty when none were."""

    id: int
    recorded_on: date
    flags: tuple[str, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "flags", tuple(self.flags))


@dataclass(frozen=True)
class StartBackFact:
    """One STarT Back stratification; the rules take them in the order recorded (ids ascending)."""

    id: int
    assessed_on: date
    risk: str

    def __post_init__(self) -> None:
        _require_one_of("STarT Back risk", self.risk, RISK_GROUPS)


@dataclass(frozen=True)
class OutcomeFact:
    """The outcome recorded at the 12-week check."""

    id: int
    recorded_on: date
    improved: bool


@dataclass(frozen=True)
class EpisodeFacts:
    """Everything the rules need about one episode; day 0 is first_contact_on."""

    first_contact_on: date
    discharged_on: date | None
    hepatic_impairment: str
    medications: tuple[MedicationFact, ...] = ()
    radicular: tuple[RadicularFact, ...] = ()
    red_flags: tuple[RedFlagFact, ...] = ()
    start_back: tuple[StartBackFact, ...] = ()
    outcome: OutcomeFact | None = None

    def __post_init__(self) -> None:
        _require_one_of("hepatic impairment", self.hepatic_impairment, HEPATIC_IMPAIRMENTS)
        for name in ("medications", "radicular", "red_flags", "start_back"):
            records = tuple(getattr(self, name))
            object.__setattr__(self, name, records)
            ids = [record.id for record in records]
            if len(set(ids)) != len(ids):
                raise ValueError(f"{name}: each fact needs its own id, got {ids}")


def _require_one_of(what: str, value: object, choices: Sequence[str]) -> None:
    if value not in choices:
        raise ValueError(f"{what} must be one of {', '.join(choices)}; got {value!r}")
