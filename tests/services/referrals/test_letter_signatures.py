"""Signed letters that prove themselves: PAdES signatures from the clinic's authority, and the
attacks a person with the database's owner rights could try, caught on both databases."""
from __future__ import annotations

import hashlib
import io
import re
from datetime import date, datetime, timezone

import pytest
from asn1crypto import pem, x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader

from clinic_desktop.letters import pdf_signature
from clinic_desktop.models import (
    AuditEvent,
    LetterVersion,
    SigningAuthority,
    SigningKey,
    User,
    database_proxy,
    is_sqlite,
)
from clinic_desktop.services.admin import users
from clinic_desktop.services.audit import audit, letters_verify
from clinic_desktop.services.core.entity import Entity
from clinic_desktop.services.core.errors import PermissionDenied
from clinic_desktop.services.episodes import episodes
from clinic_desktop.services.patients import patients
from clinic_desktop.services.referrals import letter_batch, referrals, signing_keys
from clinic_desktop.services.referrals.letter_check import LetterRefused

PASSWORD = "correct horse battery"
CLINIC_TIME = datetime(2025, 6, 2, 9, 0, tzinfo=timezone.utc)
CHANGED = "This letter's PDF was changed after Dr Alys Jones signed it"


def signed_letter(staff, family: str, given: str, nhs: str, sign: bool = True) -> int:
    patient = patients.register_patient(staff.receptionist, family_name=family, given_name=given,
                                        date_of_birth=date(1961, 2, 9), nhs_number=nhs)
    episode = episodes.open_episode(staff.clinician, patient.id, first_contact_on=date(2025, 3, 3),
                                    presentation="non_specific", severity="mild")
    raised = referrals.raise_referral(staff.clinician, episode.episode_id, kind="spinal_surgical",
                                      reason="not improved")
    referrals.draft_referral(staff.clinician, raised.id, "Please see.")
    if sign:
        referrals.sign_referral(staff.clinician, raised.id, PASSWORD)
    return raised.id


@pytest.fixture
def smith(staff) -> int:
    return signed_letter(staff, "Smith", "Ann", "9434765919")


def as_attacker(**changes) -> None:
    """Lift the write-once guard as someone with file or owner access would, and rewrite the row."""
    with database_proxy.atomic():
        if is_sqlite():
            database_proxy.execute_sql("DROP TRIGGER IF EXISTS letter_version_write_once_update")
        else:
            database_proxy.execute_sql("ALTER TABLE letter_version DISABLE TRIGGER letter_version_write_once")
        referral_id = changes.pop("referral_id")
        if "pdf" in changes:
            changes["sha256"] = hashlib.sha256(changes["pdf"]).hexdigest()  # the column recomputed to match
        LetterVersion.update(**changes).where(LetterVersion.referral == referral_id).execute()


def stored(referral_id: int) -> bytes:
    return bytes(LetterVersion.get(LetterVersion.referral == referral_id).pdf)


def unsigned_original(pdf: bytes) -> bytes:
    """The letter as rendered before its signature was appended (its first revision)."""
    end = pdf.index(b"%%EOF") + len(b"%%EOF")
    return pdf[:end] + b"\n"


def refused_everywhere(staff, referral_id: int, sentence: str) -> None:
    """View, print and save (letter_pdf), marking sent, the batch export and the checks all refuse it."""
    with pytest.raises(LetterRefused, match=sentence):
        referrals.letter_pdf(staff.receptionist, referral_id)
    with pytest.raises(LetterRefused, match=sentence):
        referrals.mark_referral_sent(staff.receptionist, referral_id)
    assert referrals.get_referral(staff.receptionist, referral_id).status == "signed"
    served = dict((letter.referral_id, (letter.held, pdf))
                  for letter, pdf in letter_batch.each_unsent_letter(staff.receptionist))
    held, pdf = served[referral_id]
    assert pdf is None and re.search(sentence, held)
    report = letters_verify.verify_letters(staff.manager)
    assert not report.intact and [failure.check.referral_id for failure in report.failures] == [referral_id]
    assert re.search(sentence, report.failures[0].line)


# --- a signed letter, as any PDF reader sees it -------------------------------------------


def test_a_signed_letter_is_valid_intact_and_signed_by_the_clinician_for_pyhanko(staff, smith):
    authority = x509.Certificate.load(pem.unarmor(signing_keys.clinic_certificate().encode())[2])
    context = ValidationContext(trust_roots=[authority],
                                allow_fetching=False, moment=CLINIC_TIME)
    signature = PdfFileReader(io.BytesIO(stored(smith))).embedded_signatures[0]
    status = validate_pdf_signature(signature, signer_validation_context=context)
    assert (status.intact, status.valid, status.trusted, status.bottom_line) == (True, True, True, True)
    assert status.coverage.name == "ENTIRE_FILE"
    assert status.signing_cert.subject.native["common_name"] == "Dr Alys Jones"
    assert signature.self_reported_timestamp == CLINIC_TIME


def test_the_signature_covers_the_letters_identity(staff, smith):
    patient_id = referrals.get_referral(staff.clinician, smith).patient_id
    reader = PdfReader(io.BytesIO(stored(smith)))
    assert reader.metadata["/Keywords"] == (f"clinic-desktop-letter referral={smith} patient={patient_id} "
                                            "nhs=9434765919 version=1")
    assert "943 476 5919" in reader.pages[0].extract_text()
    event = AuditEvent.select().where(AuditEvent.action == "sign_referral").get()
    assert f'"sha256": "{hashlib.sha256(stored(smith)).hexdigest()}"' in event.details
    assert '"signature": "PAdES"' in event.details


def test_an_intact_letter_is_served_and_verifies(staff, smith):
    assert referrals.letter_pdf(staff.receptionist, smith) == stored(smith)
    report = letters_verify.verify_letters(staff.manager)
    assert (report.checked, report.hash_only, report.intact) == (1, 0, True)
    assert report.message == "Letters intact: 1 signed letter version checked"
    valid, line = letters_verify.check_letter_file(staff.receptionist, stored(smith))
    assert valid and line.startswith(f"Valid: signed by Dr Alys Jones with a clinic certificate; it is version 1 "
                                     f"of referral {smith} for SMITH, Ann (NHS 943 476 5919)")


# --- attacks ---------------------------------------------------------------------------------


def test_a_changed_pdf_with_its_hash_recomputed_is_refused_everywhere(staff, smith):
    pdf = stored(smith)
    assert b"(Referral letter: Spinal surgical)" in pdf  # the title, inside the signed bytes
    as_attacker(referral_id=smith, pdf=pdf.replace(b"(Referral letter: Spinal surgical)",
                                                   b"(Referral letter: Spinal surgicaL)"))
    refused_everywhere(staff, smith, CHANGED)


def test_a_letter_copied_onto_another_patients_referral_is_refused_naming_both(staff, smith):
    jones = signed_letter(staff, "Jones", "Bob", "4010232137")
    as_attacker(referral_id=jones, pdf=stored(smith))
    refused_everywhere(staff, jones, r"This letter belongs to another patient \(NHS 943 476 5919\), not to "
                                     r"JONES, Bob \(NHS 401 023 2137\)\.")
    assert referrals.letter_pdf(staff.receptionist, smith) == stored(smith)  # the real one is still served


def test_a_letter_signed_by_a_certificate_not_from_the_clinic_is_refused(staff, smith):
    other = pdf_signature.make_authority("Riverside Health Centre", CLINIC_TIME)  # same name, not the clinic's
    key = pdf_signature.new_key()
    forged = pdf_signature.issue_certificate(other, pdf_signature.public_key_pem(key), name="Dr Alys Jones",
                                             registration="GMC 7012345", username="drjones", at=CLINIC_TIME)
    resigned = pdf_signature.sign_pdf(unsigned_original(stored(smith)), key, forged, other.certificate_pem,
                                      signed_at=CLINIC_TIME, reason="referring clinician", location="x")
    as_attacker(referral_id=smith, pdf=resigned)
    refused_everywhere(staff, smith, "This letter was signed by Dr Alys Jones with a certificate the clinic's "
                                     "authority did not issue")
    valid, line = letters_verify.check_letter_file(staff.receptionist, resigned)
    assert not valid and "certificate the clinic's authority did not issue" in line


def test_a_letter_whose_signature_was_stripped_is_refused(staff, smith):
    as_attacker(referral_id=smith, pdf=unsigned_original(stored(smith)))
    refused_everywhere(staff, smith, "This letter's digital signature was removed after Dr Alys Jones signed it")


def test_a_letter_signed_by_one_clinician_but_recorded_as_another_is_refused(staff, smith):
    physio = User.get(User.username == "physio")
    as_attacker(referral_id=smith, signed_by=physio.id, signer_name="Sam Physio")
    with pytest.raises(LetterRefused, match="signed with the certificate of Dr Alys Jones, not of Sam Physio"):
        referrals.letter_pdf(staff.receptionist, smith)


# --- letters signed before schema 8 --------------------------------------------------------


def test_a_letter_signed_before_schema_8_is_checked_against_the_audit_hash_only(staff):
    older = signed_letter(staff, "Older", "Olive", "4505577104", sign=False)
    pdf = b"%PDF-1.4 a letter signed before letters carried a digital signature\n%%EOF\n"
    with database_proxy.atomic():
        LetterVersion.create(referral=older, version=1, pdf=pdf, sha256=hashlib.sha256(pdf).hexdigest(),
                             signed_by=staff.clinician.user_id, signed_at=CLINIC_TIME, signer_name="Dr Alys Jones",
                             signer_role="Clinician", signer_registration="GMC 7012345")
        audit.record(staff.clinician, "sign_referral", Entity.REFERRAL, older, "signed letter version 1",
                     patient_id=referrals.get_referral(staff.clinician, older).patient_id,
                     version=1, sha256=hashlib.sha256(pdf).hexdigest())
    assert referrals.letter_pdf(staff.receptionist, older) == pdf
    report = letters_verify.verify_letters(staff.manager)
    assert report.intact and report.hash_only == 1
    assert "1 signed before letters carried a digital signature: checked against the audit trail's hash only" \
        in report.message
    as_attacker(referral_id=older, pdf=pdf.replace(b"signed before", b"signed BEFORE"))
    with pytest.raises(LetterRefused, match=CHANGED):
        referrals.letter_pdf(staff.receptionist, older)


# --- keys: none in clear, a reset means a new certificate, nobody left unable to sign ----


def test_no_private_key_is_stored_in_clear(staff, smith):
    rows = list(SigningKey.select())
    assert {row.purpose for row in rows} == {"authority", "signing"}
    for row in rows:
        assert row.encrypted_key.startswith("-----BEGIN ENCRYPTED PRIVATE KEY-----")
        with pytest.raises(TypeError):  # needs a password
            serialization.load_pem_private_key(row.encrypted_key.encode(), None)
        pdf_signature.decrypt_key(row.encrypted_key, PASSWORD)
        with pytest.raises(pdf_signature.WrongPassword):
            pdf_signature.decrypt_key(row.encrypted_key, "not the password at all")


def test_a_reset_password_means_a_new_certificate_and_old_letters_still_verify(staff, smith):
    before = SigningKey.get(SigningKey.user == staff.clinician.user_id).fingerprint
    users.reset_password(staff.manager, staff.clinician.user_id, "a brand new password")
    jones = signed_letter_with(staff, "a brand new password")
    keys = list(SigningKey.select().where(SigningKey.user == staff.clinician.user_id).order_by(SigningKey.id))
    assert [key.retired_at is not None for key in keys] == [True, False] and keys[0].fingerprint == before
    assert letters_verify.verify_letters(staff.manager).intact
    assert pdf_signature.check_signature(stored(jones), list(signing_keys.authority_certificates().values())) \
        .signer_fingerprint == keys[1].fingerprint


def signed_letter_with(staff, password: str) -> int:
    referral_id = signed_letter(staff, "Jones", "Bob", "4010232137", sign=False)
    referrals.sign_referral(staff.clinician, referral_id, password)
    return referral_id


def test_a_clinician_waiting_for_a_certificate_is_told_what_to_do_and_a_managers_sign_in_issues_it(staff):
    signing_keys.forget_authority(staff.manager.user_id)  # the manager's session ended
    users.reset_password(staff.manager, staff.clinician.user_id, "a brand new password")
    referral_id = signed_letter(staff, "Jones", "Bob", "4010232137", sign=False)
    with pytest.raises(PermissionDenied, match="Dr Alys Jones's signing certificate has not been issued yet; "
                                               "nothing was signed. Ask a practice manager to sign in"):
        referrals.sign_referral(staff.clinician, referral_id, "a brand new password")
    users.authenticate("manager", PASSWORD)
    assert referrals.sign_referral(staff.clinician, referral_id, "a brand new password").status == "signed"
    assert AuditEvent.select().where(AuditEvent.action == "issue_signing_certificate").count() == 1


def test_an_upgraded_clinic_gets_its_authority_at_the_first_managers_sign_in(staff):
    with database_proxy.atomic():
        SigningKey.delete().execute()
        SigningAuthority.delete().execute()
    signing_keys.forget_authority(staff.manager.user_id)
    users.authenticate("drjones", PASSWORD)  # a key made, waiting for its certificate
    users.authenticate("manager", PASSWORD)  # the authority made, and the certificate issued
    assert signing_keys.clinic_certificate() is not None
    assert referrals.sign_referral(staff.clinician, signed_letter(staff, "Jones", "Bob", "4010232137", sign=False),
                                   PASSWORD).status == "signed"


def test_a_record_export_refuses_a_letter_that_fails_its_check_and_writes_nothing(staff, smith, tmp_path):
    from clinic_desktop.services.exchange import fhir_export

    as_attacker(referral_id=smith, pdf=stored(smith) + b"\n% changed\n")
    target = tmp_path / "record.json"
    with pytest.raises(LetterRefused, match=f"The record was not exported: letter version 1 of referral {smith} "
                                            "failed its check \\(This letter's PDF was changed after Dr Alys Jones"):
        fhir_export.export_patient_record(staff.clinician, referrals.get_referral(staff.clinician, smith).patient_id,
                                          target)
    assert not target.exists()
