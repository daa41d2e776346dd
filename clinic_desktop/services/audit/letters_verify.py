"""Checking every stored letter version, for ``audit verify``, ``letters verify`` and the Audit tab.

Each version is checked as it is whenever it is served (services/referrals/letter_check.py):
its PDF signature, the identity that signature covers against the row it is stored under,
and its bytes against the hash its signing event recorded. The versions are read a batch
at a time, each batch its own short read, so a check of many thousands of letters neither
holds the database nor freezes the window (it reports its progress and can be stopped).

A file someone holds (``letters verify FILE``) is checked the same way and named: which
stored letter it is, or why it is not one the clinic signed.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from peewee import fn

from clinic_desktop.models import Episode, LetterVersion, Patient, Referral
from clinic_desktop.services.core import progress
from clinic_desktop.services.core.errors import NotFound, ServiceError
from clinic_desktop.services.core.export_files import file_error_in_words, write_whole_file
from clinic_desktop.services.core.transaction import permission_checked, service
from clinic_desktop.services.referrals import signing_keys
from clinic_desktop.services.referrals.letter_check import LetterCheck, check_letter, identify_file, signing_events

__all__ = ["BATCH", "LetterFailure", "LettersReport", "check_letter_file", "save_clinic_certificate",
           "verify_letters"]

BATCH = 200  # versions a read: a letter is some tens of kilobytes


@dataclass(frozen=True)
class LetterFailure:
    check: LetterCheck
    patient_name: str

    @property
    def line(self) -> str:
        """ "Referral 12, letter version 1 (SMITH, Ann): This letter's PDF was changed after …" """
        return (f"Referral {self.check.referral_id}, letter version {self.check.version} ({self.patient_name}): "
                f"{self.check.problem}")


@dataclass(frozen=True)
class LettersReport:
    checked: int
    hash_only: int  # signed before schema 8: no PDF signature, checked against the audit hash alone
    failures: tuple[LetterFailure, ...]

    @property
    def intact(self) -> bool:
        return not self.failures

    @property
    def message(self) -> str:
        """One line: how many were checked and whether all are what their clinicians signed."""
        versions = f"{self.checked:,} signed letter version{'' if self.checked == 1 else 's'}"
        older = (f" ({self.hash_only:,} signed before letters carried a digital signature: checked against the "
                 "audit trail's hash only)" if self.hash_only else "")
        if not self.checked:
            return "Letters intact: no signed letters yet"
        if self.intact:
            return f"Letters intact: {versions} checked{older}"
        failed = len(self.failures)
        return f"Letters failing their check: {failed:,} of {versions}{older}"


@permission_checked("view_audit")
def verify_letters(actor) -> LettersReport:
    """Every stored letter version, oldest first; a step per batch (progress.step) to show and to stop."""
    total = _count(actor)
    events = _events(actor)
    authorities = _authorities(actor)
    checked = hash_only = 0
    failures: list[LetterFailure] = []
    after = 0
    while True:
        found = _check_batch(actor, after, events, authorities)
        if not found:
            break
        for check, patient_name, after in found:
            checked += 1
            hash_only += not check.digital
            if check.problem is not None:
                failures.append(LetterFailure(check, patient_name))
        progress.step(checked, total, f"Checking the signed letters: {checked:,} of {total:,}…")
    return LettersReport(checked, hash_only, tuple(failures))


@service("export_letters", changes=False)
def check_letter_file(actor, pdf: bytes) -> tuple[bool, str]:
    """A PDF file someone holds: (True, "Valid: signed by …, version 1 of referral 12 …") or (False, why not)."""
    stored, line = identify_file(bytes(pdf))
    return (stored is not None and stored.ok), line


@service("export_letters", changes=False)
def save_clinic_certificate(actor, path: Path) -> None:
    """Write the clinic's authority certificate (PEM) to ``path``, for recipients' PDF readers to trust.

    Written whole or not at all; NotFound before the first manager's sign-in has made it.
    """
    pem = signing_keys.clinic_certificate()
    if pem is None:
        raise NotFound("The clinic has no signing certificate yet: it is made when a practice manager next signs "
                       "in to Clinic Desktop.")
    try:
        write_whole_file(Path(path), pem.encode("ascii"))
    except OSError as error:
        raise ServiceError(f"The certificate was not saved: {file_error_in_words(path, error)}.") from None


@service("view_audit", changes=False)
def _count(actor) -> int:
    return LetterVersion.select(fn.COUNT(LetterVersion.id)).scalar() or 0


@service("view_audit", changes=False)
def _events(actor) -> dict:
    return signing_events()


@service("view_audit", changes=False)
def _authorities(actor) -> dict[str, str]:
    return signing_keys.authority_certificates()


@service("view_audit", changes=False)
def _check_batch(actor, after: int, events: dict, authorities: dict) -> list[tuple]:
    """The next batch of versions after id ``after``: (check, patient name, id) each."""
    rows = (LetterVersion.select(LetterVersion, Referral, Episode, Patient)
            .join(Referral).join(Episode).join(Patient)
            .where(LetterVersion.id > after).order_by(LetterVersion.id).limit(BATCH))
    return [(check_letter(row, events.get((row.referral_id, row.version)), authorities),
             row.referral.episode.patient.display_name, row.id) for row in rows]
