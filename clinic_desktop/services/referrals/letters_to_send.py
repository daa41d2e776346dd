"""The "To send" list: signed referral letters nobody has sent yet, and the checks a batch run needs.

A signed letter is no use until it reaches its destination, so the front desk works
through this list (urgent first, then the nearest due-by date) and marks each letter sent
once it is printed or exported. The database counts, sorts and pages the list on the
referral (status, due_by) index; only one page of rows, with their patients, reaches Python.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

from peewee import JOIN, SQL, fn

from clinic_desktop.models import (
    Episode,
    LetterVersion,
    PathwayWarning,
    Patient,
    Referral,
    ReferralDestination,
    ReferralRecipient,
)
from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.services.core import clock, validation
from clinic_desktop.services.core.errors import ServiceError
from clinic_desktop.services.core.export_files import write_whole_file
from clinic_desktop.services.core.transaction import service
from clinic_desktop.services.referrals.destinations import destination_label
from clinic_desktop.services.referrals.letter_batch import UnsentLetter
from clinic_desktop.services.worklists.text_filter import TextFilter
from clinic_desktop.services.worklists.worklists import (
    KIND_TITLES,
    Page,
    PatientColumns,
    check_paging,
    patient_columns,
    patient_fields,
)

__all__ = ["SUPERSEDED_SIGNED", "ToSendRow", "export_letter", "letter_still_unsent", "to_send"]


@dataclass(frozen=True)
class ToSendRow(PatientColumns):
    referral_id: int
    kind: str
    kind_title: str
    urgent: bool
    due_by: date
    days_left: int  # negative once overdue
    status: str  # "signed": what the row actions check
    version: int  # the latest signed version: the one to send
    signed_at: datetime  # UTC
    signer_name: str
    destination_name: str  # "" when the letter is addressed to the service by name
    # The risk changed after signing and the clinician has not yet said whether it should go.
    check_with_clinician: bool = False


# The warning pathway_sync raises for a signed letter whose referral was superseded: "…:<referral id>".
SUPERSEDED_SIGNED = "superseded-signed:"

# Written out literally, so that the planner matches it against the (status, due_by) index
# exactly as it would a constant typed by hand.
_SIGNED = Referral.status == SQL("'signed'")


@service("view_worklists", changes=False)
def to_send(actor, *, as_of: date | None = None, offset: int = 0, limit: int = 50,
            text: str | None = None) -> Page[ToSendRow]:
    """Signed, unsent letters: urgent first, then by due-by date, each with its latest signed version;
    ``text``: the list's filter box (services/worklists/text_filter.py)."""
    check_paging(offset, limit)
    today = as_of or clock.today(load_settings().zone)
    where = TextFilter.narrow(_SIGNED, text, Referral.episode, titles=KIND_TITLES, kind=Referral.kind,
                              whole_title="To send")
    total = Referral.select(fn.COUNT(SQL("*"))).where(where).scalar()
    latest = LetterVersion.alias("latest")
    newest_version = (LetterVersion.select(fn.MAX(LetterVersion.version))
                      .where(LetterVersion.referral == Referral.id))
    query = (
        Referral.select(Referral.id, Referral.kind, Referral.due_by, Referral.urgent, Referral.status,
                        latest.version, latest.signed_at, latest.signer_name,
                        ReferralDestination.name, ReferralDestination.department, *patient_fields())
        .join(latest, on=((latest.referral == Referral.id) & (latest.version == newest_version)), attr="latest")
        .switch(Referral).join(Episode).join(Patient)
        .switch(Referral).join(ReferralRecipient, JOIN.LEFT_OUTER, on=(ReferralRecipient.referral == Referral.id),
                               attr="recipient")
        .join(ReferralDestination, JOIN.LEFT_OUTER, attr="destination")
        .where(where)
        .order_by(Referral.urgent.desc(), Referral.due_by, Referral.id)
        .offset(offset).limit(limit)
    )
    rows = tuple(
        ToSendRow(
            **patient_columns(row.episode),
            referral_id=row.id, kind=row.kind, kind_title=KIND_TITLES[row.kind], urgent=row.urgent,
            due_by=row.due_by, days_left=(row.due_by - today).days, status=row.status,
            version=row.latest.version, signed_at=row.latest.signed_at, signer_name=row.latest.signer_name,
            destination_name=_destination_name(row),
        )
        for row in query
    )
    held = _superseded_unconfirmed(rows)
    rows = tuple(replace(row, check_with_clinician=True) if row.referral_id in held else row for row in rows)
    return Page(rows=rows, total=total, offset=offset, limit=limit)


def _superseded_unconfirmed(rows: tuple[ToSendRow, ...]) -> set[int]:
    """The referrals of the page whose "superseded after signing" warning (pathway_sync) is still
    unacknowledged, read on the warning's (episode, pathway_key) index."""
    if not rows:
        return set()
    keys = {f"{SUPERSEDED_SIGNED}{row.referral_id}": row.referral_id for row in rows}
    open_keys = (PathwayWarning.select(PathwayWarning.pathway_key)
                 .where(PathwayWarning.episode.in_(sorted({row.episode_id for row in rows}))
                        & PathwayWarning.pathway_key.in_(sorted(keys))
                        & PathwayWarning.acknowledged_at.is_null()).tuples())
    return {keys[key] for key, in open_keys}


@service("export_letters", changes=False)
def letter_still_unsent(actor, referral_id: int, version: int) -> bool:
    """Whether ``version`` is still the latest letter of a signed, unsent referral.

    Asked again just before a printed or exported letter is marked sent: a letter amended
    while it was being output must not be marked sent, since what went out is out of date.
    """
    referral_id = validation.record_id(referral_id, "referral")
    version = validation.record_id(version, "letter version")
    newest = (LetterVersion.select(fn.MAX(LetterVersion.version)).join(Referral)
              .where(LetterVersion.referral == referral_id, _SIGNED).scalar())
    return newest == version


def export_letter(folder: Path, letter: UnsentLetter, pdf: bytes) -> Path:
    """Write one letter into ``folder`` whole (aside, then renamed) and read it back against its hash.

    Only a letter that passes this may be marked sent; a full disk, a folder gone read-only
    or a file changed under us raises instead, and the letter stays on the list.
    """
    target = Path(folder) / letter.file_name
    try:
        write_whole_file(target, pdf)
        written = target.read_bytes()
    except OSError as error:
        raise ServiceError(f"{letter.patient_name}'s letter could not be written to {folder}: "
                           f"{error.strerror or error}") from error
    if hashlib.sha256(written).hexdigest() != letter.sha256:
        raise ServiceError(f"{letter.patient_name}'s letter in {folder} did not read back as it was signed")
    return target


def _destination_name(row) -> str:
    """The recorded destination, or "" when none was (the left joins then give no recipient)."""
    return destination_label(row.recipient.destination) if row.recipient is not None else ""
