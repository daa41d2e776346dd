"""The directory of referral destinations the practice manager keeps, and where each referral goes.

A destination (a physiotherapy service, a pain centre…) takes some kinds of referral and
may be the default for some of them. A referral's destination is recorded when its letter
is drafted, in a row of its own, so the referral table stays as the pathway made it.
Destinations are deactivated, never deleted: letters already addressed to one keep it.
"""
from __future__ import annotations

from peewee import SQL, BooleanField, CharField, ForeignKeyField, TextField

from clinic_desktop.models.base import BaseModel, one_of
from clinic_desktop.models.fields import UTCDateTimeField
from clinic_desktop.models.referrals import REFERRAL_KINDS, Referral
from clinic_desktop.models.users import User


class ReferralDestination(BaseModel):
    name = CharField(max_length=200)
    department = CharField(max_length=200, default="")
    address = TextField(default="")
    telephone = CharField(max_length=40, default="")
    email = CharField(max_length=200, default="")
    active = BooleanField(default=True)
    created_at = UTCDateTimeField()
    updated_at = UTCDateTimeField()


class DestinationKind(BaseModel):
    """One kind of referral a destination takes; ``is_default`` marks the one a new letter gets."""

    destination = ForeignKeyField(ReferralDestination, backref="kinds")
    kind = CharField(max_length=32, constraints=[one_of("kind", REFERRAL_KINDS)])
    is_default = BooleanField(default=False)

    class Meta:
        indexes = ((("destination", "kind"), True),)


# At most one default destination for each kind, kept by the database on every workstation.
DestinationKind.add_index(
    DestinationKind.index(DestinationKind.kind, unique=True, name="destination_kind_one_default")
    .where(SQL("is_default"))
)


class ReferralRecipient(BaseModel):
    """The destination a referral's letter is addressed to (one per referral)."""

    referral = ForeignKeyField(Referral, unique=True, backref="+")
    destination = ForeignKeyField(ReferralDestination, backref="+")
    chosen_by = ForeignKeyField(User, backref="+")
    chosen_at = UTCDateTimeField()
