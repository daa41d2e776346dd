"""Urgent red-flag referrals cancelled lately: who cancelled each one, when, and why.

A red flag (suspected cauda equina, cancer, fracture, infection) is the one referral due the
same day; cancelling it is a clinician's judgement that must stay visible. The practice
manager reviews every such cancellation of the last 30 days here (issue 10, "The urgent
red-flag referral is cancelled only by a clinician... shown on the manager's lists").
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from peewee import JOIN, SQL, fn

from clinic_desktop.models import Episode, Patient, Referral, User
from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.services.core import clock
from clinic_desktop.services.core.transaction import service
from clinic_desktop.services.worklists.text_filter import TextFilter
from clinic_desktop.services.worklists.worklists import (
    Page,
    PatientColumns,
    check_paging,
    patient_columns,
    patient_fields,
)

__all__ = ["RECENT_DAYS", "CancelledRedFlagRow", "cancelled_red_flags"]

RECENT_DAYS = 30


@dataclass(frozen=True)
class CancelledRedFlagRow(PatientColumns):
    referral_id: int
    raised_on: date
    cancelled_at: datetime  # UTC
    cancelled_by_name: str  # "" when not recorded (cancelled before schema 5)
    reason: str


@service("view_reports", changes=False)
def cancelled_red_flags(actor, *, now: datetime | None = None, offset: int = 0, limit: int = 50,
                        text: str | None = None) -> Page[CancelledRedFlagRow]:
    """Urgent red-flag referrals cancelled in the last 30 days, the latest first; ``text``: the
    list's filter box (services/worklists/text_filter.py)."""
    check_paging(offset, limit)
    since = (now or clock.now_utc()) - timedelta(days=RECENT_DAYS)
    # The (status, kind, cancelled_at) index answers the count alone and gives the page in order.
    where = ((Referral.status == SQL("'cancelled'")) & (Referral.kind == "urgent_red_flag")
             & (Referral.cancelled_at >= since))
    where = TextFilter.narrow(where, text, Referral.episode, whole_title="Red flags cancelled",
                              people=(Referral.cancelled_by,))
    total = Referral.select(fn.COUNT(SQL("*"))).where(where).scalar()
    canceller = User.alias("canceller")
    query = (Referral.select(Referral.id, Referral.raised_at, Referral.cancelled_at, Referral.cancel_reason,
                             Referral.cancelled_by, canceller.full_name, *patient_fields())
             .join(canceller, JOIN.LEFT_OUTER, on=(Referral.cancelled_by == canceller.id), attr="canceller")
             .switch(Referral).join(Episode).join(Patient)
             .where(where).order_by(Referral.cancelled_at.desc(), Referral.id.desc())
             .offset(offset).limit(limit))
    zone = load_settings().zone
    rows = tuple(
        CancelledRedFlagRow(**patient_columns(row.episode), referral_id=row.id,
                            raised_on=row.raised_at.astimezone(zone).date(), cancelled_at=row.cancelled_at,
                            cancelled_by_name=row.canceller.full_name if row.cancelled_by_id else "",
                            reason=row.cancel_reason or "")
        for row in query)
    return Page(rows=rows, total=total, offset=offset, limit=limit)
