"""Is a stored letter the one its clinician signed, for this patient? Checked wherever it is served.

A signed letter is trusted only if three records agree, none of which one edit can change
without the others showing it:

- its embedded PAdES signature (letters/pdf_signature.py): intact, made with a certificate
  the clinic's authority issued, to the clinician recorded as signing it;
- the identity the signature covers (referral, patient, NHS number, version) against the
  row it is stored under, so a version copied onto another patient's referral is caught;
- the SHA-256 that the signing event in the audit trail recorded (the hash chain guards
  that), so a changed PDF with its ``sha256`` column recomputed is caught even unsigned.

Letters signed before schema 8 carry no PDF signature: they are checked against the audit
trail's hash alone, and the check says so. A letter whose signing event says it was signed
digitally but whose PDF has no signature had its signature stripped.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from clinic_desktop.models import AuditEvent, Episode, LetterVersion, Patient, Referral, SigningKey, User
from clinic_desktop.services.core.errors import ServiceError
from clinic_desktop.services.patients.nhs_number import format_nhs_number
from clinic_desktop.services.referrals import signing_keys

__all__ = ["DIGITAL", "SIGN_ACTIONS", "LetterCheck", "LetterRefused", "check_letter", "identify_file", "refuse_if_bad",
           "signing_events"]

SIGN_ACTIONS = ("sign_referral", "amend_referral")
DIGITAL = "PAdES"  # what a signing event's ``signature`` detail says for a digitally signed letter


class LetterRefused(ServiceError):
    """The stored letter failed its check; the message is the one sentence that says why."""


@dataclass(frozen=True)
class LetterCheck:
    referral_id: int
    version: int
    problem: str | None  # one sentence, or None when the letter is what was signed
    digital: bool  # checked against its PDF signature too (False: signed before schema 8, hash only)
    signer_name: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


def refuse_if_bad(row: LetterVersion) -> bytes:
    """The letter's bytes, or LetterRefused naming what is wrong: for every service that serves one."""
    found = check_letter(row, _signing_event(row), signing_keys.authority_certificates())
    if found.problem is not None:
        raise LetterRefused(found.problem)
    return bytes(row.pdf)


def signing_events(patient_id: int | None = None) -> dict[tuple[int, int], dict]:
    """(referral, version) -> the details its signing event recorded (sha256, signature): one patient's
    (read through the audit trail's patient index), or every one when None."""
    query = (AuditEvent.select(AuditEvent.entity_id, AuditEvent.details)
             .where(AuditEvent.action.in_(SIGN_ACTIONS), AuditEvent.entity == "referral"))
    if patient_id is not None:
        query = query.where(AuditEvent.patient == patient_id)
    events = {}
    for referral_id, details in query.tuples().iterator():
        try:
            recorded = json.loads(details)
            events[(referral_id, int(recorded["version"]))] = recorded
        except (ValueError, KeyError, TypeError):
            continue  # an altered entry: the chain check names it
    return events


def check_letter(row: LetterVersion, event: dict | None, authorities: dict[str, str]) -> LetterCheck:
    """The stored version ``row`` against its signing ``event`` and the clinic's ``authorities``."""
    from clinic_desktop.letters import pdf_signature

    pdf = bytes(row.pdf)
    found = dict(referral_id=row.referral_id, version=row.version, signer_name=row.signer_name)
    if event is None:
        return LetterCheck(problem=f"No signing of this letter (version {row.version} of referral "
                                   f"{row.referral_id}) is recorded in the audit trail, so it cannot be trusted.",
                           digital=False, **found)
    digital = event.get("signature") == DIGITAL
    if not digital:
        changed = hashlib.sha256(pdf).hexdigest() != event.get("sha256")
        problem = f"This letter's PDF was changed after {row.signer_name} signed it." if changed else None
        return LetterCheck(problem=problem, digital=False, **found)
    signature = pdf_signature.check_signature(pdf, list(authorities.values()))
    problem = (_signature_problem(signature, row) or _identity_problem(signature.identity, row)
               or _signer_problem(signature, row))
    if problem is None and hashlib.sha256(pdf).hexdigest() != event.get("sha256"):
        problem = f"This letter's PDF is not the one {row.signer_name} signed (its fingerprint differs)."
    return LetterCheck(problem=problem, digital=True, **found)


def identify_file(pdf: bytes) -> tuple[LetterCheck | None, str]:
    """A PDF file someone holds: is it a letter the clinic signed, and which stored letter is it?

    Returns the stored letter's check (None when it names none) and one line to print.
    """
    from clinic_desktop.letters import pdf_signature

    signature = pdf_signature.check_signature(pdf, list(signing_keys.authority_certificates().values()))
    if signature.problem is not None:
        return None, signature.problem
    identity = signature.identity
    if identity is None:
        return None, (f"The file is signed by {signature.signer_name} with a clinic certificate, but it is not a "
                      "referral letter (it names no referral).")
    row = LetterVersion.get_or_none(LetterVersion.referral == identity.referral_id,
                                    LetterVersion.version == identity.version)
    if row is None:
        return None, (f"The file is validly signed by {signature.signer_name}, but the clinic holds no version "
                      f"{identity.version} of referral {identity.referral_id}.")
    if hashlib.sha256(pdf).hexdigest() != hashlib.sha256(bytes(row.pdf)).hexdigest():
        return None, (f"The file is validly signed by {signature.signer_name} as version {identity.version} of "
                      f"referral {identity.referral_id}, but it is not the letter stored under that version.")
    stored = check_letter(row, _signing_event(row), signing_keys.authority_certificates())
    if stored.problem is not None:
        return stored, stored.problem
    return stored, (f"Valid: signed by {signature.signer_name} with a clinic certificate; it is version "
                    f"{identity.version} of referral {identity.referral_id} for {_patient_words(row)}, "
                    "exactly as stored.")


def _signing_event(row: LetterVersion) -> dict | None:
    patient_id = Referral.select(Episode.patient).join(Episode).where(Referral.id == row.referral_id).scalar()
    return signing_events(patient_id).get((row.referral_id, row.version))


def _signature_problem(signature, row: LetterVersion) -> str | None:
    if not signature.signed:
        return f"This letter's digital signature was removed after {row.signer_name} signed it."
    return signature.problem


def _identity_problem(identity, row: LetterVersion) -> str | None:
    """The letter names the referral, patient, NHS number and version it was signed for: are they this row's?"""
    if identity is None:
        return "This letter does not say which referral it belongs to, so it cannot be matched to this record."
    referral = (Referral.select(Referral, Episode, Patient).join(Episode).join(Patient)
                .where(Referral.id == row.referral_id).get())
    patient = referral.episode.patient
    if identity.patient_id != patient.id or identity.nhs_number != (patient.nhs_number or ""):
        return (f"This letter belongs to another patient ({_nhs_words(identity.nhs_number)}), not to "
                f"{patient.display_name} ({_nhs_words(patient.nhs_number)}).")
    if identity.referral_id != row.referral_id:
        return (f"This letter belongs to referral {identity.referral_id}, not to referral {row.referral_id} it is "
                "stored under.")
    if identity.version != row.version:
        return f"This letter is version {identity.version} of its referral, not version {row.version}."
    return None


def _signer_problem(signature, row: LetterVersion) -> str | None:
    """The certificate must be one the clinic issued to the person recorded as signing."""
    key = SigningKey.get_or_none(SigningKey.fingerprint == signature.signer_fingerprint)
    if key is not None and key.user_id == row.signed_by_id:
        return None
    holder = User.get_or_none(User.id == key.user_id).full_name if key is not None else "someone unknown"
    return (f"This letter was signed with the certificate of {holder}, not of {row.signer_name} who is recorded "
            "as signing it.")


def _nhs_words(digits: str | None) -> str:
    return f"NHS {format_nhs_number(digits)}" if digits else "no NHS number"


def _patient_words(row: LetterVersion) -> str:
    patient = Referral.get_by_id(row.referral_id).episode.patient
    return f"{patient.display_name} ({_nhs_words(patient.nhs_number)})"
