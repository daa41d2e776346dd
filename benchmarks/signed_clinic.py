"""A clinic of signed letters written straight into the database, for the letter benchmarks.

Signing through the services costs a password check and a key derivation a letter, minutes
for a thousand; this writes what signing writes (the clinic's authority, the clinician's
certificate, each letter rendered with its identity, signed as PAdES, stored, and its signing
event in the audit trail) without them, so every letter passes the checks served letters pass.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from sample_letter import LETTER

from clinic_desktop.letters import pdf_signature
from clinic_desktop.letters.referral_letter import render_referral_letter
from clinic_desktop.models import Episode, LetterVersion, Patient, Referral, SigningAuthority, SigningKey
from clinic_desktop.services.audit import audit
from clinic_desktop.services.core.actor import Actor
from clinic_desktop.services.core.entity import Entity
from clinic_desktop.services.referrals.letter_check import DIGITAL

CLINICIAN = Actor(user_id=1, username="drjones", full_name="Dr Alys Jones", role="clinician",
                  registration_number="GMC 7012345")
PASSWORD = "benchmark password"


@dataclass(frozen=True)
class Signer:
    key: object
    certificate: str
    authority: str


def add_signer(now: datetime) -> Signer:
    """The clinic's authority and the certificate of its clinician (id 1, small_clinic.new_clinic's)."""
    authority = pdf_signature.make_authority("Benchmark Clinic", now)
    key = pdf_signature.new_key()
    certificate = pdf_signature.issue_certificate(authority, pdf_signature.public_key_pem(key), name="Dr Alys Jones",
                                                  registration="GMC 7012345", username="drjones", at=now)
    stored = SigningAuthority.create(certificate=authority.certificate_pem, created_at=now,
                                     fingerprint=pdf_signature.certificate_fingerprint(authority.certificate_pem))
    SigningKey.create(user=1, purpose="signing", authority=stored, encrypted_key=pdf_signature.encrypt_key(
        key, PASSWORD, 1000), public_key=pdf_signature.public_key_pem(key), certificate=certificate,
        fingerprint=pdf_signature.certificate_fingerprint(certificate), created_at=now)
    return Signer(key, certificate, authority.certificate_pem)


def add_signed_letter(number: int, signer: Signer, now: datetime) -> bytes:
    """Patient, episode and referral ``number`` with letter version 1 signed and its signing event; its PDF."""
    family = f"Patient{number:05d}"
    patient = Patient.create(id=number, family_name=family, given_name="Ann", family_name_key=family.lower(),
                             given_name_key="ann", date_of_birth=date(1961, 2, 9), created_at=now, updated_at=now)
    episode = Episode.create(id=number, patient=patient, first_contact_on=date(2026, 5, 18),
                             presentation="non_specific", severity="moderate", clinician=1, created_at=now)
    referral = Referral.create(id=number, episode=episode, kind=LETTER.referral_kind, reason=LETTER.reason,
                               status="signed", due_by=LETTER.due_by, clinician_text=LETTER.clinician_text,
                               raised_at=now, signed_by=1, signed_at=now, updated_at=now)
    signed_at = now + timedelta(seconds=number)
    pdf = sign(render_referral_letter(replace(
        LETTER, referral_id=number, patient=replace(LETTER.patient, name=f"{family.upper()}, Ann"),
        keywords=pdf_signature.LetterIdentity(number, number, "", 1).keywords)), signer, signed_at)
    sha256 = hashlib.sha256(pdf).hexdigest()
    LetterVersion.create(referral=referral, version=1, pdf=pdf, sha256=sha256, signed_by=1, signed_at=signed_at,
                         signer_name="Dr Alys Jones", signer_role="General practitioner",
                         signer_registration="GMC 7012345")
    audit.record(CLINICIAN, "sign_referral", Entity.REFERRAL, number, f"signed letter version 1 of referral {number}",
                 patient_id=number, version=1, sha256=sha256, signature=DIGITAL,
                 certificate=pdf_signature.certificate_fingerprint(signer.certificate))
    return pdf


def sign(pdf: bytes, signer: Signer, signed_at: datetime) -> bytes:
    return pdf_signature.sign_pdf(pdf, signer.key, signer.certificate, signer.authority, signed_at=signed_at,
                                  reason="Signed as referring clinician", location="Benchmark Clinic")
