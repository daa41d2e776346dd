"""Referrals the pathway raises and the signed letter versions that carry them."""
from __future__ import annotations

from peewee import (
    SQL,
    BlobField,
    BooleanField,
    CharField,
    DateField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from clinic_desktop.models.base import BaseModel, one_of
from clinic_desktop.models.episodes import Episode
from clinic_desktop.models.fields import UTCDateTimeField
from clinic_desktop.models.users import User

REFERRAL_KINDS = (
    "standard_physiotherapy",
    "biopsychosocial",
    "pain_spinal_centre",
    "spinal_surgical",
    "early_radicular",
    "urgent_red_flag",
)
REFERRAL_STATUSES = ("raised", "drafted", "signed", "sent", "acknowledged", "closed", "cancelled")
# Open = still owes the patient something before the due-by date: not yet sent.
OPEN_REFERRAL_STATUSES = ("raised", "drafted", "signed")


class Referral(BaseModel):
    episode = ForeignKeyField(Episode, backref="referrals", index=True)
    kind = CharField(max_length=32, constraints=[one_of("kind", REFERRAL_KINDS)])
    pathway_key = CharField(max_length=64, null=True)
    reason = TextField(default="")
    urgent = BooleanField(default=False)
    status = CharField(max_length=16, default="raised", constraints=[one_of("status", REFERRAL_STATUSES)])
    due_by = DateField()
    clinician_text = TextField(default="")
    raised_by = ForeignKeyField(User, null=True, backref="+")
    raised_at = UTCDateTimeField()
    drafted_by = ForeignKeyField(User, null=True, backref="+")
    signed_by = ForeignKeyField(User, null=True, backref="+")
    signed_at = UTCDateTimeField(null=True)
    sent_at = UTCDateTimeField(null=True)
    acknowledged_at = UTCDateTimeField(null=True)
    closed_at = UTCDateTimeField(null=True)
    cancel_reason = TextField(null=True)
    updated_at = UTCDateTimeField()
    # Schema 5: who cancelled it and when, so a cancelled urgent referral is shown to the manager.
    cancelled_by = ForeignKeyField(User, null=True, backref="+")
    cancelled_at = UTCDateTimeField(null=True)
    # Schema 6: what the letter asks the service to consider, one key of
    # pathway/care_options.REQUESTED_OPTIONS[kind] a line, chosen by the clinician.
    requested_options = TextField(default="")


class LetterVersion(BaseModel):
    """A signed letter: its bytes never change; an amendment is a new version."""

    referral = ForeignKeyField(Referral, backref="letter_versions")
    version = IntegerField()
    pdf = BlobField()
    sha256 = CharField(max_length=64)
    signed_by = ForeignKeyField(User, backref="+")
    signed_at = UTCDateTimeField()
    signer_name = CharField(max_length=200)
    signer_role = CharField(max_length=64)
    signer_registration = CharField(max_length=64)
    meaning = CharField(max_length=64, default="referring clinician")
    amendment_reason = TextField(null=True)

    class Meta:
        indexes = ((("referral", "version"), True),)


open_referral_sql = ", ".join(f"'{status}'" for status in OPEN_REFERRAL_STATUSES)
Referral.add_index(
    Referral.index(Referral.urgent, Referral.due_by, Referral.status, name="referral_open_due_by")
    .where(SQL(f"status IN ({open_referral_sql})"))
)
Referral.add_index(Referral.index(Referral.status, Referral.due_by, name="referral_status_due_by"))
# The dashboard's "days from raised to sent", by the week each referral was sent.
Referral.add_index(Referral.index(Referral.sent_at, name="referral_sent_at").where(SQL("sent_at IS NOT NULL")))
# Schema 5: "acknowledgements to chase", sent letters by when they were sent, with what the list
# shows. Not partial: with no statistics, SQLite prefers an index whose leading column the query
# pins (status) to a partial index's range, so this one leads with the status as the others do.
Referral.add_index(
    Referral.index(Referral.status, Referral.sent_at, Referral.urgent, Referral.id, Referral.kind, Referral.episode,
                   name="referral_sent_awaiting_reply")
)
# Schema 5: the manager's "red flags cancelled" reads the latest cancellations of one kind.
Referral.add_index(
    Referral.index(Referral.status, Referral.kind, Referral.cancelled_at, name="referral_cancelled_kind_at")
)
