"""The worklists the main window shows, and the columns each one has.

Each list is a PagedTableModel fed by one worklist service; which lists come first
depends on the signed-in role, so each user sees their own work first. Each says what records
its service reads (``reads``, ui/shell/view_reads.py): a change that cannot touch them leaves
it alone.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable
from zoneinfo import ZoneInfo

from clinic_desktop.services.appointments import day_book
from clinic_desktop.services.core import clock
from clinic_desktop.services.core.actor import Actor
from clinic_desktop.services.core.change_reach import Record
from clinic_desktop.services.referrals.cancelled_red_flags import cancelled_red_flags
from clinic_desktop.services.referrals.letters_to_send import to_send
from clinic_desktop.services.worklists import obligations, worklists
from clinic_desktop.services.worklists.assessments_due import FINDING_NAMES
from clinic_desktop.ui.shell.view_reads import Reads
from clinic_desktop.ui.widgets.paged_table_model import Column
from clinic_desktop.ui.widgets.time_format import local_time, short_date


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
    fetch: Callable[[Actor, int, int, str], worklists.Page]  # (actor, offset, limit, the filter box's text)
    row_key: Callable[[object], object]  # what a row is about, to keep it selected across a reload
    empty: str  # what an empty list means, in words
    reads: Reads  # what its service reads: which changes make it read again


# What every worklist row reads besides its item: the patient on it, the episode that says whose it is, the
# staff (names, who is active) and the clinic's settings (its zone and today, the timings behind due dates).
_ROW = (Record.PATIENT, Record.EPISODE, Record.STAFF, Record.SETTING)


OVERDUE = WorklistView(
    "overdue",
    "Overdue",
    [
        # The word in the cell, not only its colour (WCAG 1.4.1): "OVERDUE 106 d", "URGENT · OVERDUE 1 d".
        Column("Overdue", lambda row: ("URGENT · " if row.urgent else "") + f"OVERDUE {row.days_overdue} d",
               _overdue_attention),
        Column("Kind", lambda row: row.kind_title),
        Column("Due by", lambda row: short_date(row.due_by)),
        *_patient_columns(),
        Column("Clinician", lambda row: row.clinician_name),
        Column("Status", lambda row: row.status.replace("_", " ")),
    ],
    lambda actor, offset, limit, text: worklists.overdue(actor, offset=offset, limit=limit, text=text),
    lambda row: (row.item_type, row.item_id),
    "Nothing is overdue.",
    Reads(*_ROW, Record.APPOINTMENT, Record.REFERRAL),
)

def _to_book_review(row) -> str:
    """The review, and why it is to book again: a missed visit, or a booking its clinician could not keep."""
    if row.after_did_not_attend:
        return f"{row.kind_title} (after did not attend)"
    return f"{row.kind_title} ({row.taken_off})" if row.taken_off else row.kind_title


def _to_book_columns() -> list[Column]:
    return [
        Column("Review", _to_book_review),
        Column("Due by", lambda row: short_date(row.due_by)),
        Column("Days left", _days_left, _due_attention),
        *_patient_columns(),
    ]


TO_BOOK = WorklistView(
    "to_book",
    "To book",
    _to_book_columns(),
    lambda actor, offset, limit, text: worklists.to_book(actor, offset=offset, limit=limit, text=text),
    lambda row: row.appointment_id,
    "No reviews are waiting to be booked.",
    Reads(*_ROW, Record.APPOINTMENT),  # why one is back on the list is kept on the appointment
)

DID_NOT_ATTEND = WorklistView(
    "did_not_attend",
    "Did not attend",
    _to_book_columns(),
    lambda actor, offset, limit, text: worklists.to_book(actor, offset=offset, limit=limit, did_not_attend_only=True,
                                                         text=text),
    lambda row: row.appointment_id,
    "No one who missed a review is waiting to be rebooked.",
    Reads(*_ROW, Record.APPOINTMENT),
)


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
        lambda actor, offset, limit, text: day_book.todays_page(actor, clinician_id=_mine(actor), offset=offset,
                                                                limit=limit, text=text),
        lambda row: row.appointment_id,
        "No appointments today.",
        Reads(*_ROW, Record.APPOINTMENT),
    )


# --- the safety net's lists (services/worklists/obligations.py): a clinician's own items and the unassigned ---


def _owed(kind: str) -> Callable[[Actor, int, int, str], worklists.Page]:
    """One kind of open obligation: a clinician's own plus the unassigned, everyone else the clinic's."""
    return lambda actor, offset, limit, text: obligations.obligation_list(
        actor, kind, owner_user_id=_mine(actor), offset=offset, limit=limit, text=text)


def _obligation_key(row) -> tuple:
    return row.item_type, row.item_id


def _owed_view(key: str, title: str, kind: str, columns: list[Column], empty: str, item: Record) -> WorklistView:
    """The list of one kind of obligation, a row kept selected by the item it is about (one of ``item``'s
    records: services/worklists/obligation_sides.py)."""
    return WorklistView(key, title, columns, _owed(kind), _obligation_key, empty, Reads(*_ROW, item))


def _referral_column() -> Column:
    return Column("Referral", lambda row: ("URGENT · " if row.urgent else "") + row.item_title,
                  lambda row: "urgent" if row.urgent else None)


def _owner_column() -> Column:
    """Whose it is: "Unassigned (… is inactive)" says in words why it is on everyone's list."""
    return Column("Owner", lambda row: row.owner_name,
                  lambda row: "overdue" if row.owner_user_id is None and row.owner_role == "clinician" else None)


def _since_day(zone: ZoneInfo) -> Callable[[object], str]:
    return lambda row: short_date(row.since.astimezone(zone).date()) if row.since else ""


def _waiting(zone: ZoneInfo) -> Column:
    """Days since the fact (the visit, the letter sent, the warning raised), in words."""
    def days(row) -> int:
        return (clock.today(zone) - row.since.astimezone(zone).date()).days if row.since else 0

    return Column("Waiting", lambda row: f"⚠ WAITING {days(row)} d" if days(row) else "today",
                  lambda row: "overdue" if days(row) else "today")


REFERRALS_TO_WRITE = _owed_view(
    "referrals_to_write", "Referrals to write", "referral_to_write",
    [_referral_column(), Column("Due by", lambda row: short_date(row.due_by)),
     Column("Days left", _days_left, _due_attention), *_patient_columns(), _owner_column()],
    "Every referral the pathway raised has its letter written.",
    Record.REFERRAL,
)

AWAITING_SIGNATURE = _owed_view(
    "awaiting_signature", "Awaiting signature", "letter_to_sign",
    [_referral_column(), Column("Due by", lambda row: short_date(row.due_by)),
     Column("Days left", _days_left, _due_attention), *_patient_columns(), _owner_column()],
    "No referral letters are waiting to be signed.",
    Record.REFERRAL,
)

RELAXANTS = _owed_view(
    "relaxants", "Muscle relaxants to review", "relaxant_to_review",
    [Column("Medicine", lambda row: row.item_title), Column("Review by", lambda row: short_date(row.due_by)),
     Column("Days left", _days_left, _due_attention), *_patient_columns(), _owner_column()],
    "No muscle relaxant has run past its review.",
    Record.EPISODE,  # the medicines recorded in the episode
)


def _findings(zone: ZoneInfo) -> WorklistView:
    return _owed_view(
        "assessments_due", "Assessments due", "finding_to_record",
        [Column("Record", lambda row: FINDING_NAMES[row.item_kind]), Column("Seen on", _since_day(zone)),
         _waiting(zone), *_patient_columns(), _owner_column()],
        "Every attended review has its finding recorded.",
        Record.APPOINTMENT,  # an attended review whose finding is not closed
    )


def _warnings(zone: ZoneInfo) -> WorklistView:
    return _owed_view(
        "warnings", "Warnings to acknowledge", "warning_to_acknowledge",
        [Column("Warning", lambda row: "⚠ " + row.item_title, lambda row: "urgent"),
         Column("Raised", _since_day(zone)), _waiting(zone), *_patient_columns(), _owner_column()],
        "No warnings are waiting for acknowledgement.",
        Record.WARNING,
    )


def _outcomes(zone: ZoneInfo) -> WorklistView:
    """Booked visits whose slot has ended with neither arrival nor did-not-attend recorded."""
    return _owed_view(
        "outcome_to_record", "Outcome to record", "outcome_to_record",
        [Column("Slot", lambda row: f"{_since_day(zone)(row)} {local_time(row.since, zone)}"),
         Column("Review", lambda row: row.item_title), _waiting(zone), *_patient_columns()],
        "Every visit that has ended has its arrival or did-not-attend recorded.",
        Record.APPOINTMENT,
    )


def _acknowledgements(zone: ZoneInfo) -> WorklistView:
    return _owed_view(
        "acknowledgements", "Acknowledgements to chase", "acknowledgement_to_chase",
        [_referral_column(), Column("Sent on", _since_day(zone)), _waiting(zone), *_patient_columns()],
        "Every sent referral was acknowledged in time.",
        Record.REFERRAL,
    )


OPEN_WORK = WorklistView(
    "open_work",
    "All open work",
    [_owner_column(), Column("List", lambda row: row.kind_title),
     Column("Item", lambda row: ("URGENT · " if row.urgent else "") + row.item_title,
            lambda row: "urgent" if row.urgent else None),
     Column("Due by", lambda row: short_date(row.due_by)), Column("Days left", _days_left, _due_attention),
     *_patient_columns()],
    lambda actor, offset, limit, text: obligations.open_work(actor, offset=offset, limit=limit, text=text),
    _obligation_key,
    "Nothing is open: every obligation has been closed.",
    Reads(*_ROW, Record.APPOINTMENT, Record.REFERRAL, Record.WARNING),  # every kind of obligation
)


def _cancelled_red_flags(zone: ZoneInfo) -> WorklistView:
    """The manager's review of urgent red-flag referrals cancelled in the last 30 days."""
    return WorklistView(
        "cancelled_red_flags",
        "Red flags cancelled",
        [Column("Cancelled", lambda row: f"{short_date(row.cancelled_at.astimezone(zone).date())} "
                                         f"{local_time(row.cancelled_at, zone)}"),
         Column("By", lambda row: row.cancelled_by_name or "not recorded"),
         Column("Reason", lambda row: row.reason),
         Column("Raised on", lambda row: short_date(row.raised_on)), *_patient_columns()],
        lambda actor, offset, limit, text: cancelled_red_flags(actor, offset=offset, limit=limit, text=text),
        lambda row: row.referral_id,
        "No urgent red-flag referral was cancelled in the last 30 days.",
        Reads(*_ROW, Record.REFERRAL),
    )


def _signed(row, zone: ZoneInfo) -> str:
    """"12 Nov 2026 by Dr Alys Jones": the clinic day the letter was signed, and by whom."""
    return f"{short_date(row.signed_at.astimezone(zone).date())} by {row.signer_name}"


def _to_send_referral(row) -> str:
    """The kind, after what holds the letter back: the risk changed after it was signed."""
    held = "⚠ Check with clinician before sending · " if row.check_with_clinician else ""
    return held + ("URGENT · " if row.urgent else "") + row.kind_title


# Signed letters, their recipients' names, and the risk recorded in the episode (a change after signing holds one).
TO_SEND_READS = Reads(*_ROW, Record.REFERRAL, Record.DESTINATION)


def to_send_view(zone: ZoneInfo) -> WorklistView:
    """Signed letters not yet sent; the batch dialog shows the same columns."""
    return WorklistView(
        "to_send",
        "To send",
        [
            Column("Referral", _to_send_referral, lambda row: "urgent" if row.urgent or row.check_with_clinician
                   else None),
            Column("Due by", lambda row: short_date(row.due_by)),
            Column("Days left", _days_left, _due_attention),
            *_patient_columns(),
            Column("Letter", lambda row: f"v{row.version}" + (" (amended)" if row.version > 1 else "")),
            Column("Signed", lambda row: _signed(row, zone)),
            Column("To", lambda row: row.destination_name or "see the letter"),  # last: long, elided
        ],
        lambda actor, offset, limit, text: to_send(actor, offset=offset, limit=limit, text=text),
        lambda row: row.referral_id,
        "Every signed letter has been sent.",
        TO_SEND_READS,
    )


_ORDER_BY_ROLE = {
    "receptionist": ("to_book", "today", "outcome_to_record", "to_send", "acknowledgements", "did_not_attend",
                     "overdue"),
    "clinician": ("today", "referrals_to_write", "assessments_due", "awaiting_signature", "warnings", "relaxants"),
    "practice_manager": ("overdue", "open_work", "cancelled_red_flags", "to_book", "today", "awaiting_signature",
                         "to_send"),
}


def views_for(role: str, zone: ZoneInfo) -> tuple[WorklistView, ...]:
    """The lists in the order this role works through them; times in the clinic's zone."""
    views = {view.key: view for view in (
        OVERDUE, TO_BOOK, DID_NOT_ATTEND, _today(zone), AWAITING_SIGNATURE, REFERRALS_TO_WRITE, RELAXANTS,
        OPEN_WORK, _findings(zone), _warnings(zone), _outcomes(zone), _acknowledgements(zone),
        _cancelled_red_flags(zone), to_send_view(zone))}
    return tuple(views[key] for key in _ORDER_BY_ROLE.get(role, _ORDER_BY_ROLE["practice_manager"]))
