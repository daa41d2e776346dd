"""The facts of one episode of back pain that the pathway rules read.

The service builds these plain records from what is stored, so the rules never touch the
database and can be tested on their own.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from clinic_desktop.pathway.care_options import (
    FUNCTION_SCALES,
    IMAGING_MODALITIES,
    MEASURE_OCCASIONS,
    MEDICATION_CATEGORIES,
    NSAID_CONTRAINDICATIONS,
)
from clinic_desktop.pathway.start_back import RISK_GROUPS

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
    # Schema 6: None on medicines recorded before the form asked (see models/episodes.py).
    dose_amount: Decimal | None = None
    dose_unit: str | None = None
    spasm_present: bool | None = None

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
class AdviceFact:
    """The first contact's advice on activity and rest (every answer given, none assumed)."""

    id: int
    recorded_on: date
    reactivation_advised: bool
    bed_rest_advised: bool


@dataclass(frozen=True)
class ImagingFact:
    """Imaging a clinician requested."""

    id: int
    requested_on: date
    modality: str

    def __post_init__(self) -> None:
        _require_one_of("imaging modality", self.modality, IMAGING_MODALITIES)


@dataclass(frozen=True)
class PlanFact:
    """A management plan's choices, as keys of care_options.TREATMENTS and LIFESTYLE_CHANGES."""

    id: int
    agreed_on: date
    treatments: tuple[str, ...]
    lifestyle: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "treatments", tuple(self.treatments))
        object.__setattr__(self, "lifestyle", tuple(self.lifestyle))


@dataclass(frozen=True)
class MeasureFact:
    """Improvement measured at one visit; ``improving`` is the clinician's confirmed judgement."""

    id: int
    measured_on: date
    occasion: str
    pain_now: int
    function_score: Decimal
    global_change: int | None = None
    improving: bool | None = None
    # Function scores compare only on the same scale (a 0-10 rating is not a PSFS mean).
    function_scale: str = "nrs"

    def __post_init__(self) -> None:
        _require_one_of("measure occasion", self.occasion, MEASURE_OCCASIONS)
        _require_one_of("function scale", self.function_scale, FUNCTION_SCALES)


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
    # The clinic day an attended appointment took place: a visit before a later fact (a high
    # STarT Back risk) cannot have answered it. None for a referral or a visit not attended.
    took_place_on: date | None = None

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
    # Schema 6, what the source asks beyond the routing (read by pathway/pitfalls): the
    # patient's NSAID contraindications (keys of care_options.NSAID_CONTRAINDICATIONS), the
    # first contact's advice (None when not recorded that way), imaging requests, management
    # plans and improvement measures, each in the order recorded.
    nsaid_contraindications: tuple[str, ...] = ()
    advice: AdviceFact | None = None
    imaging: tuple[ImagingFact, ...] = ()
    plans: tuple[PlanFact, ...] = ()
    measures: tuple[MeasureFact, ...] = ()

    def __post_init__(self) -> None:
        _require_one_of("hepatic impairment", self.hepatic_impairment, HEPATIC_IMPAIRMENTS)
        for condition in self.nsaid_contraindications:
            _require_one_of("NSAID contraindication", condition, NSAID_CONTRAINDICATIONS)
        object.__setattr__(self, "appointments", tuple(self.appointments))
        object.__setattr__(self, "referrals", tuple(self.referrals))
        object.__setattr__(self, "warning_keys", frozenset(self.warning_keys))
        object.__setattr__(self, "outcomes", tuple(self.outcomes))
        object.__setattr__(self, "nsaid_contraindications", tuple(self.nsaid_contraindications))
        for name in ("medications", "radicular", "red_flags", "start_back", "imaging", "plans", "measures"):
            records = tuple(getattr(self, name))
            object.__setattr__(self, name, records)
            ids = [record.id for record in records]
            if len(set(ids)) != len(ids):
                raise ValueError(f"{name}: each fact needs its own id, got {ids}")


def _require_one_of(what: str, value: object, choices: Sequence[str]) -> None:
    if value not in choices:
        raise ValueError(f"{what} must be one of {', '.join(choices)}; got {value!r}")
