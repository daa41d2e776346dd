"""What a clinician advised, planned, requested and measured during an episode (schema 6).

The source asks more of a clinician than the routing: advice at first contact, a
patient-centred plan at medium risk, no routine imaging, improvement measured at the reviews
(reference/back-pain-stepped-care.txt). Each is a row of its own, with who recorded it, so
the pathway rules can check it (pathway/pitfalls) and the time line can show it. The words
each column may hold come from pathway/care_options.py.
"""
from __future__ import annotations

from peewee import SQL, BooleanField, CharField, DateField, DecimalField, ForeignKeyField, IntegerField, TextField

from clinic_desktop.models.base import one_of
from clinic_desktop.models.episodes import Episode, Recorded
from clinic_desktop.pathway.care_options import FUNCTION_SCALES, IMAGING_MODALITIES, MEASURE_OCCASIONS


class InitialManagement(Recorded):
    """The first contact's advice, every question answered yes or no (none is assumed).

    Episodes recorded before schema 6 have no row: their advice was not asked this way, and
    the episode's own yes/no columns say what was ticked then.
    """

    episode = ForeignKeyField(Episode, backref="initial_management", unique=True)
    reactivation_advised = BooleanField()
    bed_rest_advised = BooleanField()
    resources_online = BooleanField()
    resources_helpline = BooleanField()
    resources_paper = BooleanField()
    heat_advised = BooleanField()
    massage_advised = BooleanField()


class ImprovementMeasure(Recorded):
    """Pain, function and the patient's impression of change, taken at one visit.

    ``improving`` is the clinician's confirmed judgement (the app suggests it from the
    numbers); None at first contact, which is the baseline.
    """

    episode = ForeignKeyField(Episode, backref="improvement_measures", index=True)
    measured_on = DateField()
    occasion = CharField(max_length=24, constraints=[one_of("occasion", MEASURE_OCCASIONS)])
    pain_now = IntegerField(constraints=[SQL("CHECK (pain_now BETWEEN 0 AND 10)")])
    function_scale = CharField(max_length=8, constraints=[one_of("function_scale", FUNCTION_SCALES)])
    function_score = DecimalField(max_digits=4, decimal_places=2, auto_round=True,
                                  constraints=[SQL("CHECK (function_score BETWEEN 0 AND 10)")])
    # Patient-Specific Functional Scale: one "activity<TAB>score" a line; "" on the 0-10 scale.
    psfs_activities = TextField(default="")
    global_change = IntegerField(null=True, constraints=[SQL("CHECK (global_change BETWEEN 1 AND 7)")])
    improving = BooleanField(null=True)
    notes = TextField(default="")


class ManagementPlan(Recorded):
    """A patient-centred management plan; a new one replaces the last (the latest stands)."""

    episode = ForeignKeyField(Episode, backref="management_plans", index=True)
    agreed_on = DateField()
    goals = TextField()
    treatments = TextField(default="")  # one key of care_options.TREATMENTS a line
    lifestyle = TextField(default="")  # one key of care_options.LIFESTYLE_CHANGES a line
    bmi = DecimalField(max_digits=4, decimal_places=1, null=True, auto_round=True)
    notes = TextField(default="")


class ImagingRequest(Recorded):
    """Imaging a clinician asked for: without red flags, routine imaging is a listed pitfall."""

    episode = ForeignKeyField(Episode, backref="imaging_requests", index=True)
    requested_on = DateField()
    modality = CharField(max_length=8, constraints=[one_of("modality", IMAGING_MODALITIES)])
    reason = TextField()
