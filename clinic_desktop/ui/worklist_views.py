"""The worklists the main window shows, and the columns each one has.

Each list is a PagedTableModel fed by one worklist service; which lists come first
depends on the signed-in role, so each user sees their own work first.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable
from zoneinfo import ZoneInfo

from clinic_desktop.services import day_book, worklists
from clinic_desktop.services.actor import Actor
from clinic_desktop.services.assessments_due import assessments_due
from clinic_desktop.services.letters_to_send import to_send
from clinic_desktop.services.warnings_due import warnings_to_acknowledge
from clinic_desktop.ui.paged_table_model import Column
from clinic_desktop.ui.time_format import local_time, short_date


def _days_left(row) -> str:
    if row.days_left < 0:
        return f"OVERDUE {-row.days_left} d"
    if row.days_left == 0:
        return "DUE TODAY"
    return f"{row.days_left} d"


def _due_attention(row) -> str | None:
    if row.days_left < 0:
        return "overdue"
    return "today" if row.days_left == 0 else None


def _overdue_attention(row) -> str:
    return "urgent" if row.urgent else "overdue"


def _patient_columns() -> list[Column]:
    return [
        Column("Patient", lambda row: row.patient_name),
        Column("NHS number", lambda row: row.nhs_number),
        Column("Date of birth", lambda row: short_date(row.date_of_birth)),
    ]


@dataclass(frozen=True)
class WorklistView:
    key: str
    title: str
    columns: list[Column]
    fetch: Callable[[Actor, int, int], worklists.Page]
    row_key: Callable[[object], object]  # what a row is about, to keep it selected across a reload
    empty: str  # what an empty list means, in words


OVERDUE = WorklistView(
    "overdue",
    "Overdue",
    [
        Column("Overdue", lambda row: ("URGENT · " if row.urgent else "") + f"{row.days_overdue} d",
               _overdue_attention),
        Column("Kind", lambda row: row.kind_title, _overdue_attention),
        Column("Due by", lambda row: short_date(row.due_by)),
        *_patient_columns(),
        Column("Status", lambda row: row.status.replace("_", " ")),
    ],
    lambda actor, offset, limit: worklists.overdue(actor, offset=offset, limit=limit),
    lambda row: (row.item_type, row.item_id),
    "Nothing is overdue.",
)

def _to_book_columns() -> list[Column]:
    return [
        Column("Review", lambda row: row.kind_title + (" (after did not attend)" if row.after_did_not_attend else "")),
        Column("Due by", lambda row: short_date(row.due_by)),
        Column("Days left", _days_left, _due_attention),
        *_patient_columns(),
    ]


TO_BOOK = WorklistView(
    "to_book",
    "To book",
    _to_book_columns(),
    lambda actor, offset, limit: worklists.to_book(actor, offset=offset, limit=limit),
    lambda row: row.appointment_id,
    "No reviews are waiting to be booked.",
)

DID_NOT_ATTEND = WorklistView(
    "did_not_attend",
    "Did not attend",
    _to_book_columns(),
    lambda actor, offset, limit: worklists.to_book(actor, offset=offset, limit=limit, did_not_attend_only=True),
    lambda row: row.appointment_id,
    "No one who missed a review is waiting to be rebooked.",
)


def _paged(whole_list: Callable[[Actor], tuple]) -> Callable[[Actor, int, int], worklists.Page]:
    """Pages cut from a list that is short by nature (one day's book, reviews awaiting a finding)."""

    def page(actor: Actor, offset: int, limit: int) -> worklists.Page:
        rows = whole_list(actor)
        return worklists.Page(rows=rows[offset:offset + limit], total=len(rows), offset=offset, limit=limit)

    return page


def _mine(actor: Actor) -> int | None:
    """A clinician's lists show their own work; everyone else sees the whole clinic's."""
    return actor.user_id if actor.role == "clinician" else None


def _today(zone: ZoneInfo) -> WorklistView:
    return WorklistView(
        "today",
        "Today",
        [
            Column("Time", lambda row: local_time(row.starts_at, zone)),
            Column("Review", lambda row: row.kind_title),
            Column("Clinician", lambda row: row.clinician_name),
            *_patient_columns(),
            Column("Status", lambda row: row.status.replace("_", " ")),
        ],
        lambda actor, offset, limit: day_book.todays_page(actor, clinician_id=_mine(actor), offset=offset,
                                                          limit=limit),
        lambda row: row.appointment_id,
        "No appointments today.",
    )


AWAITING_SIGNATURE = WorklistView(
    "awaiting_signature",
    "Awaiting signature",
    [
        Column("Referral", lambda row: ("URGENT · " if row.urgent else "") + row.kind_title,
               lambda row: "urgent" if row.urgent else None),
        Column("Due by", lambda row: short_date(row.due_by)),
        *_patient_columns(),
    ],
    lambda actor, offset, limit: worklists.awaiting_signature(actor, clinician_id=_mine(actor), offset=offset,
                                                              limit=limit),
    lambda row: row.referral_id,
    "No referral letters are waiting to be signed.",
)

ASSESSMENTS_DUE = WorklistView(
    "assessments_due",
    "Assessments due",
    [
        Column("Record", lambda row: row.assessment),
        Column("Seen on", lambda row: short_date(row.seen_on)),
        Column("Waiting", lambda row: f"⚠ WAITING {row.days_waiting} d" if row.days_waiting else "seen today",
               lambda row: "overdue" if row.days_waiting else "today"),
        *_patient_columns(),
    ],
    _paged(lambda actor: assessments_due(actor, clinician_id=_mine(actor))),
    lambda row: (row.appointment_id, row.assessment),
    "Every attended review has its finding recorded.",
)


def _signed(row, zone: ZoneInfo) -> str:
    """"12 Nov 2026 by Dr Alys Jones": the clinic day the letter was signed, and by whom."""
    return f"{short_date(row.signed_at.astimezone(zone).date())} by {row.signer_name}"


def to_send_view(zone: ZoneInfo) -> WorklistView:
    """Signed letters not yet sent; the batch dialog shows the same columns."""
    return WorklistView(
        "to_send",
        "To send",
        [
            Column("Referral", lambda row: ("URGENT · " if row.urgent else "") + row.kind_title,
                   lambda row: "urgent" if row.urgent else None),
            Column("Due by", lambda row: short_date(row.due_by)),
            Column("Days left", _days_left, _due_attention),
            *_patient_columns(),
            Column("Letter", lambda row: f"v{row.version}" + (" (amended)" if row.version > 1 else "")),
            Column("Signed", lambda row: _signed(row, zone)),
            Column("To", lambda row: row.destination_name or "see the letter"),  # last: long, elided
        ],
        lambda actor, offset, limit: to_send(actor, offset=offset, limit=limit),
        lambda row: row.referral_id,
        "Every signed letter has been sent.",
    )


WARNINGS = WorklistView(
    "warnings",
    "Warnings to acknowledge",
    [
        Column("Warning", lambda row: "⚠ " + row.message, lambda row: "urgent"),
        Column("Raised", lambda row: short_date(row.raised_on)),
        Column("Waiting", lambda row: f"{row.days_waiting} d"),
        *_patient_columns(),
    ],
    _paged(lambda actor: warnings_to_acknowledge(actor, clinician_id=_mine(actor))),
    lambda row: row.warning_id,
    "No warnings are waiting for acknowledgement.",
)

_ORDER_BY_ROLE = {
    "receptionist": ("to_book", "today", "to_send", "did_not_attend", "overdue"),
    "clinician": ("today", "assessments_due", "awaiting_signature", "warnings"),
    "practice_manager": ("overdue", "to_book", "today", "awaiting_signature", "to_send"),
}


def views_for(role: str, zone: ZoneInfo) -> tuple[WorklistView, ...]:
    """The lists in the order this role works through them; times in the clinic's zone."""
    views = {view.key: view for view in (OVERDUE, TO_BOOK, DID_NOT_ATTEND, _today(zone), AWAITING_SIGNATURE,
                                         ASSESSMENTS_DUE, WARNINGS, to_send_view(zone))}
    return tuple(views[key] for key in _ORDER_BY_ROLE.get(role, _ORDER_BY_ROLE["practice_manager"]))
