"""An episode of back pain and the clinical facts recorded during it.

Each fact is its own row with the date it applies to and who recorded it, so the
pathway rules can be re-run from the record at any time and the timeline can show it.
"""
from __future__ import annotations

from peewee import (
    SQL,
    BooleanField,
    CharField,
    DateField,
    DecimalField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from clinic_desktop.models.base import BaseModel, one_of
from clinic_desktop.models.fields import UTCDateTimeField
from clinic_desktop.models.patients import Patient
from clinic_desktop.models.users import User
from clinic_desktop.pathway.care_options import DOSE_FREQUENCIES, DOSE_UNITS, MEDICATION_CATEGORIES

EPISODE_STATUSES = ("open", "discharged")
PRESENTATIONS = ("non_specific", "radicular")
SEVERITIES = ("mild", "moderate", "severe")
RISKS = ("low", "medium", "high")


class Episode(BaseModel):
    patient = ForeignKeyField(Patient, backref="episodes", index=True)
    first_contact_on = DateField()
    status = CharField(max_length=16, default="open", constraints=[one_of("status", EPISODE_STATUSES)])
    presentation = CharField(max_length=16, constraints=[one_of("presentation", PRESENTATIONS)])
    severity = CharField(max_length=16, constraints=[one_of("severity", SEVERITIES)])
    advised_stay_active = BooleanField(default=False)
    advised_no_bed_rest = BooleanField(default=False)
    self_care_education = BooleanField(default=False)
    notes = TextField(default="")
    discharged_on = DateField(null=True)
    discharge_reason = TextField(null=True)
    clinician = ForeignKeyField(User, backref="episodes")  # who recorded the first contact
    created_at = UTCDateTimeField()
    # Schema 5: the clinician whose lists carry the episode's clinical work (letters to write,
    # warnings, findings); None, or an inactive user, puts that work on the unassigned list.
    responsible_clinician = ForeignKeyField(User, null=True, backref="+", index=True)


class Recorded(BaseModel):
    """Who recorded a fact and when (UTC), shared by every clinical fact."""

    recorded_by = ForeignKeyField(User, backref="+")
    recorded_at = UTCDateTimeField()


class Medication(Recorded):
    episode = ForeignKeyField(Episode, backref="medications", index=True)
    name = CharField(max_length=120)
    category = CharField(max_length=20, constraints=[one_of("category", MEDICATION_CATEGORIES)])
    dose = CharField(max_length=120, default="")
    started_on = DateField()
    stopped_on = DateField(null=True)
    # Schema 5: a clinician's decision to keep a muscle relaxant on past its review, with why.
    continued_on = DateField(null=True)
    continued_reason = TextField(null=True)
    # Schema 6: the dose as the rules can read it (``dose`` keeps what was typed before), why it
    # was given, and for a muscle relaxant whether muscle spasm was present. None on rows
    # recorded before schema 6: the question was not asked then.
    dose_amount = DecimalField(max_digits=10, decimal_places=3, null=True, auto_round=True)
    dose_unit = CharField(max_length=16, null=True, constraints=[one_of("dose_unit", DOSE_UNITS)])
    dose_frequency = CharField(max_length=20, null=True, constraints=[one_of("dose_frequency", DOSE_FREQUENCIES)])
    indication = TextField(null=True)
    spasm_present = BooleanField(null=True)


class RadicularStatus(Recorded):
    episode = ForeignKeyField(Episode, backref="radicular_statuses", index=True)
    recorded_on = DateField()
    severe_radicular_pain = BooleanField()
    neurological_deficit = BooleanField()
    notes = TextField(default="")


class RedFlagRecord(Recorded):
    episode = ForeignKeyField(Episode, backref="red_flag_records", index=True)
    recorded_on = DateField()
    flags = TextField()  # one flag a line, in the clinician's words
    notes = TextField(default="")


class StartBackAssessment(Recorded):
    episode = ForeignKeyField(Episode, backref="start_back_assessments", index=True)
    assessed_on = DateField()
    item_1 = IntegerField()
    item_2 = IntegerField()
    item_3 = IntegerField()
    item_4 = IntegerField()
    item_5 = IntegerField()
    item_6 = IntegerField()
    item_7 = IntegerField()
    item_8 = IntegerField()
    item_9 = IntegerField()
    total = IntegerField()
    psychosocial = IntegerField()
    risk = CharField(max_length=8, constraints=[one_of("risk", RISKS)])

    @property
    def answers(self) -> tuple[int, ...]:
        return tuple(getattr(self, f"item_{number}") for number in range(1, 10))


class TwelveWeekOutcome(Recorded):
    episode = ForeignKeyField(Episode, backref="outcomes", index=True)
    recorded_on = DateField()
    improved = BooleanField()
    notes = TextField(default="")


class PathwayWarning(BaseModel):
    """A warning the pathway raised (e.g. hepatic impairment); some must be acknowledged."""

    episode = ForeignKeyField(Episode, backref="warnings", index=True)
    pathway_key = CharField(max_length=64)
    kind = CharField(max_length=32)
    message = TextField()
    requires_acknowledgement = BooleanField()
    raised_at = UTCDateTimeField()
    acknowledged_by = ForeignKeyField(User, null=True)
    acknowledged_at = UTCDateTimeField(null=True)

    class Meta:
        indexes = ((("episode", "pathway_key"), True),)


# The dashboard's high-risk measure reads high-risk stratifications by date.
StartBackAssessment.add_index(StartBackAssessment.index(StartBackAssessment.risk, StartBackAssessment.assessed_on,
                                                        name="start_back_assessment_risk_assessed_on"))
# Schema 5: "muscle relaxants to review" reads the relaxants still running, not every medicine.
Medication.add_index(
    Medication.index(Medication.episode, Medication.started_on, Medication.continued_on, Medication.id,
                     name="medication_relaxant_running")
    .where(SQL("category = 'muscle_relaxant' AND stopped_on IS NULL"))
)
