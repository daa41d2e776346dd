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
# DESIGN.md lifecycles: a referral owes the patient something until it is sent; an
# appointment until it is attended, missed or cancelled.
OPEN_REFERRAL_STATUSES = ("raised", "drafted", "signed")
OPEN_APPOINTMENT_STATUSES = ("to_book", "booked")
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
class StoredItem:
    """An appointment or referral already on record, as far as the rules need to know it.

    The rules raise an action again when a new fact calls for it and none of that kind is
    open (DESIGN.md, "The safety net"), so they are told what is stored: its kind, the key
    it was created under (None when a person raised it by hand) and its status.
    """

    kind: str
    key: str | None
    status: str

    @property
    def open(self) -> bool:
        return self.status in OPEN_REFERRAL_STATUSES + OPEN_APPOINTMENT_STATUSES


@dataclass(frozen=True)
class EpisodeFacts:
    """Everything the rules need about one episode; day 0 is first_contact_on.

    Besides the clinical facts, what is already on record: the stored appointments and
    referrals and the keys of the stored warnings. A fact that raised an item, or was
    noted as covered by one already open, is answered by that item's key, so evaluating
    again never raises it twice, whatever became of the item since.
    """

    first_contact_on: date
    discharged_on: date | None
    hepatic_impairment: str
    medications: tuple[MedicationFact, ...] = ()
    radicular: tuple[RadicularFact, ...] = ()
    red_flags: tuple[RedFlagFact, ...] = ()
    start_back: tuple[StartBackFact, ...] = ()
    outcome: OutcomeFact | None = None
    # Every 12-week outcome recorded, oldest first (``outcome`` is the last of them): a "not
    # improved" recorded later but dated earlier tightens the escalation it is noted against.
    outcomes: tuple[OutcomeFact, ...] = ()
    appointments: tuple[StoredItem, ...] = ()
    referrals: tuple[StoredItem, ...] = ()
    warning_keys: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        _require_one_of("hepatic impairment", self.hepatic_impairment, HEPATIC_IMPAIRMENTS)
        object.__setattr__(self, "appointments", tuple(self.appointments))
        object.__setattr__(self, "referrals", tuple(self.referrals))
        object.__setattr__(self, "warning_keys", frozenset(self.warning_keys))
        object.__setattr__(self, "outcomes", tuple(self.outcomes))
        for name in ("medications", "radicular", "red_flags", "start_back"):
            records = tuple(getattr(self, name))
            object.__setattr__(self, name, records)
            ids = [record.id for record in records]
            if len(set(ids)) != len(ids):
                raise ValueError(f"{name}: each fact needs its own id, got {ids}")


def _require_one_of(what: str, value: object, choices: Sequence[str]) -> None:
    if value not in choices:
        raise ValueError(f"{what} must be one of {', '.join(choices)}; got {value!r}")
