"""Signed letters not yet sent, taken a page at a time for printing or exporting in a batch.

A batch may hold a thousand letters, so their PDFs are never loaded together: a page
lists what to do (no bytes), then each letter's stored bytes are read on their own,
checked (letter_check.py), handed on and let go; a letter that fails its check is listed as
held, with the sentence saying why, and never handed out. Exporting changes nothing: the letters
stay "signed" until someone marks them sent. A letter held for a clinician's decision (its
referral was superseded: referral_checks.py) is listed with the reason and its bytes are not
handed out, so no batch prints, exports or marks it sent.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Callable, Iterator

from peewee import fn

from clinic_desktop.models import Episode, LetterVersion, PathwayWarning, Patient, Referral
from clinic_desktop.services.core import validation
from clinic_desktop.services.core.errors import ValidationError
from clinic_desktop.services.core.export_files import write_whole_file
from clinic_desktop.services.core.transaction import permission_checked, service
from clinic_desktop.services.referrals.letter_check import LetterRefused
from clinic_desktop.services.referrals.letter_content import kind_title
from clinic_desktop.services.referrals.referral_checks import superseded_key, why_held
from clinic_desktop.services.referrals.referrals import stored_letter

__all__ = ["PAGE_SIZE", "ExportReport", "UnsentLetter", "each_unsent_letter", "export_signed_unsent",
           "signed_unsent_letters", "unsent_letter_pdf"]

PAGE_SIZE = 100
_UNSAFE = re.compile(r"[^\w]+")  # \w is Unicode: Zoë and 王芳 stay as they are


@dataclass(frozen=True)
class UnsentLetter:
    """One signed, unsent letter: enough to name its file and show it in a progress list."""

    referral_id: int
    version: int
    patient_name: str
    kind_title: str
    urgent: bool
    due_by: date
    signed_at: datetime
    sha256: str
    held: str | None = None  # why it may not be sent yet, in a sentence (None: nothing holds it)

    @property
    def file_name(self) -> str:
        """"SMITH-Ann_referral-12_v1.pdf": safe on every file system, unique by referral and version."""
        name = unicodedata.normalize("NFC", self.patient_name)
        name = _UNSAFE.sub("-", name).strip("-_")[:60].strip("-_") or "patient"
        return f"{name}_referral-{self.referral_id}_v{self.version}.pdf"


@dataclass(frozen=True)
class ExportReport:
    folder: Path
    written: tuple[Path, ...]
    skipped: tuple[int, ...]  # referrals sent or amended while the batch ran: left to the next one
    held: tuple[str, ...] = ()  # letters held for a clinician's decision, each with why and who decides


@service("export_letters", changes=False)
def signed_unsent_letters(actor, *, after_referral_id: int = 0, limit: int = PAGE_SIZE) -> tuple[UnsentLetter, ...]:
    """The next page of signed, unsent letters after ``after_referral_id``, by referral number (no PDF bytes)."""
    if isinstance(after_referral_id, bool) or not isinstance(after_referral_id, int) or after_referral_id < 0:
        raise ValidationError(f"{after_referral_id!r} is not a referral number to start after.",
                              field="after_referral_id")
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= 1000:
        raise ValidationError("A page holds between 1 and 1,000 letters.", field="limit")
    newer = LetterVersion.alias("newer")
    is_latest = ~fn.EXISTS(newer.select(newer.id).where(newer.referral == LetterVersion.referral,
                                                        newer.version > LetterVersion.version))
    rows = (LetterVersion.select(LetterVersion.version, LetterVersion.signed_at, LetterVersion.sha256, Referral.id,
                                 Referral.kind, Referral.urgent, Referral.due_by, Episode.id, Patient.family_name,
                                 Patient.given_name)
            .join(Referral).join(Episode).join(Patient)
            .where(Referral.status == "signed", Referral.id > after_referral_id, is_latest)
            .order_by(Referral.id).limit(limit))
    rows = list(rows)
    held = _held({row.referral.id for row in rows})
    return tuple(UnsentLetter(referral_id=row.referral.id, version=row.version,
                              patient_name=row.referral.episode.patient.display_name,
                              kind_title=kind_title(row.referral.kind), urgent=row.referral.urgent,
                              due_by=row.referral.due_by, signed_at=row.signed_at, sha256=row.sha256,
                              held=held.get(row.referral.id))
                 for row in rows)


def _held(referral_ids: set[int]) -> dict[int, str]:
    """Why each held letter of a page is held; one query finds them (held letters are rare)."""
    if not referral_ids:
        return {}
    keys = {superseded_key(referral_id): referral_id for referral_id in referral_ids}
    waiting = (PathwayWarning.select(PathwayWarning.pathway_key)
               .where(PathwayWarning.pathway_key.in_(sorted(keys)) & PathwayWarning.acknowledged_at.is_null()))
    return {keys[row.pathway_key]: why_held(Referral.get_by_id(keys[row.pathway_key])) for row in waiting}


@service("export_letters", changes=False)
def unsent_letter_pdf(actor, referral_id: int, version: int) -> bytes | None:
    """One letter's stored bytes, or None if it was sent or amended since its page was read, or is
    held for a clinician's decision (referral_checks.why_held)."""
    referral_id = validation.record_id(referral_id, "referral")
    version = validation.record_id(version, "letter version")
    referral = Referral.get_or_none(Referral.id == referral_id)
    if referral is None or referral.status != "signed" or why_held(referral) is not None:
        return None
    latest = (LetterVersion.select(LetterVersion.version).where(LetterVersion.referral == referral)
              .order_by(LetterVersion.version.desc()).first())
    if latest is None or latest.version != version:
        return None
    return stored_letter(referral, version)


@permission_checked("export_letters")
def each_unsent_letter(actor, page_size: int = PAGE_SIZE) -> Iterator[tuple[UnsentLetter, bytes | None]]:
    """Every signed, unsent letter with its bytes, a page of listings and one PDF at a time."""
    after = 0
    while True:
        page = signed_unsent_letters(actor, after_referral_id=after, limit=page_size)
        for letter in page:
            try:
                yield letter, unsent_letter_pdf(actor, letter.referral_id, letter.version)
            except LetterRefused as refused:  # held like a superseded letter: listed with why, never sent
                yield replace(letter, held=f"{letter.patient_name}, referral {letter.referral_id}: {refused}"), None
        if len(page) < page_size:
            return
        after = page[-1].referral_id


@permission_checked("export_letters")
def export_signed_unsent(actor, folder: Path, *, page_size: int = PAGE_SIZE,
                         progress: Callable[[UnsentLetter], None] | None = None) -> ExportReport:
    """Write each signed, unsent letter into ``folder`` as a PDF; mark none of them sent.

    A held letter is left out and reported with why (an upload to a referral service is a send).

    Each file appears whole or not at all (written aside, then renamed), so a run stopped
    part-way leaves only complete letters behind; running again rewrites the same names.
    """
    folder = Path(folder)
    written: list[Path] = []
    skipped: list[int] = []
    held: list[str] = []
    for letter, pdf in each_unsent_letter(actor, page_size):
        if letter.held is not None:
            held.append(letter.held)
            continue
        if pdf is None:
            skipped.append(letter.referral_id)
            continue
        target = folder / letter.file_name
        write_whole_file(target, pdf)
        written.append(target)
        if progress is not None:
            progress(letter)
    return ExportReport(folder=folder, written=tuple(written), skipped=tuple(skipped), held=tuple(held))
