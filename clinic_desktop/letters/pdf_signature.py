"""Signing a letter's PDF (PAdES B-B) and checking a signed one, with the clinic's own authority.

A signature any PDF reader can check needs a certificate, and a certificate an issuer: the
clinic is its own certificate authority (services/referrals/signing_keys.py keeps the keys).
This module is the cryptography alone, plain bytes and PEM in and out: making the authority,
issuing a clinician's certificate, encrypting a private key under a password (PKCS#8, PBES2
with PBKDF2-SHA256 and AES-256), signing PDF bytes and validating them with pyHanko against
the clinic's authority as the only trust root.

A letter's identity (referral, patient, NHS number, version) is written into the PDF's
Keywords before it is signed, so the signed byte range covers it: a letter moved onto
another patient's record still names its own patient, and the check says so.

pyHanko takes a third of a second to import: services import this module only once a
letter is signed or checked, as they do reportlab.
"""
from __future__ import annotations

import hashlib
import io
import logging
import os
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from asn1crypto import algos as asn1_algos
from asn1crypto import keys as asn1_keys
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, padding, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.signers import PdfSigner
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

__all__ = ["KDF_ROUNDS", "Authority", "LetterIdentity", "SignatureCheck", "WrongPassword", "certificate_fingerprint",
           "check_signature", "decrypt_key", "encrypt_key", "issue_certificate", "make_authority", "new_key",
           "public_key_pem", "sign_pdf"]

# PBKDF2-SHA256 rounds guarding a private key: the cost of one guess at a password, about a
# tenth of a second here, like the argon2id hash that guards signing in.
KDF_ROUNDS = 200_000
_CLOCK_SKEW = timedelta(days=1)  # workstations' clocks differ; a certificate is valid from a day before
_AUTHORITY_YEARS, _CLINICIAN_YEARS = 30, 10
_FIELD = "ClinicianSignature"
# pyHanko logs each refused certificate with a traceback; the check's own sentence says it once.
logging.getLogger("pyhanko").setLevel(logging.ERROR)
_KEYWORDS = re.compile(r"clinic-desktop-letter referral=(\d+) patient=(\d+) nhs=(\d*) version=(\d+)")


class WrongPassword(ValueError):
    """The password does not open this private key."""


@dataclass(frozen=True)
class LetterIdentity:
    """Which stored letter a PDF is: written into its Keywords before it is signed."""

    referral_id: int
    patient_id: int
    nhs_number: str  # ten digits, or "" when the patient has none recorded
    version: int

    @property
    def keywords(self) -> str:
        return (f"clinic-desktop-letter referral={self.referral_id} patient={self.patient_id} "
                f"nhs={self.nhs_number} version={self.version}")

    @classmethod
    def from_keywords(cls, keywords: str | None) -> LetterIdentity | None:
        found = _KEYWORDS.search(keywords or "")
        if found is None:
            return None
        return cls(int(found.group(1)), int(found.group(2)), found.group(3), int(found.group(4)))


@dataclass(frozen=True)
class Authority:
    """The clinic's certificate authority, its key unlocked (in memory only)."""

    key: ec.EllipticCurvePrivateKey
    certificate_pem: str


@dataclass(frozen=True)
class SignatureCheck:
    """What validating a PDF's signature found; ``problem`` None means valid, intact and whole."""

    problem: str | None  # one sentence: "This letter's PDF was changed after Dr X signed it."
    signer_name: str | None = None
    signer_fingerprint: str | None = None  # sha256 of the signing certificate (DER)
    signed_at: datetime | None = None
    identity: LetterIdentity | None = None
    signed: bool = True  # False: the PDF carries no signature at all


def new_key() -> ec.EllipticCurvePrivateKey:
    """A P-256 key: quick to make at an account's creation, and every PDF reader checks ECDSA."""
    return ec.generate_private_key(ec.SECP256R1())


def encrypt_key(key: ec.EllipticCurvePrivateKey, password: str, rounds: int = KDF_ROUNDS) -> str:
    """The key as encrypted PKCS#8 PEM (PBES2: PBKDF2-HMAC-SHA256, AES-256-CBC): only ``password`` opens it.

    Built here because the library's own PKCS#8 encryption fixes the KDF at 2,048 rounds.
    """
    salt, iv = os.urandom(16), os.urandom(16)
    secret = PBKDF2HMAC(hashes.SHA256(), 32, salt, rounds).derive(password.encode("utf-8"))
    plain = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                              serialization.NoEncryption())
    padder = padding.PKCS7(128).padder()
    encryptor = Cipher(algorithms.AES(secret), modes.CBC(iv)).encryptor()
    encrypted = encryptor.update(padder.update(plain) + padder.finalize()) + encryptor.finalize()
    info = asn1_keys.EncryptedPrivateKeyInfo({
        "encryption_algorithm": {"algorithm": "pbes2", "parameters": {
            "key_derivation_func": {"algorithm": "pbkdf2", "parameters": {
                "salt": asn1_algos.Pbkdf2Salt(name="specified", value=salt), "iteration_count": rounds, "prf": {"algorithm": "sha256"}}},
            "encryption_scheme": {"algorithm": "aes256_cbc", "parameters": iv}}},
        "encrypted_data": encrypted,
    })
    return pem.armor("ENCRYPTED PRIVATE KEY", info.dump()).decode("ascii")


def decrypt_key(pem: str, password: str) -> ec.EllipticCurvePrivateKey:
    try:
        return serialization.load_pem_private_key(pem.encode(), password.encode("utf-8"))
    except (ValueError, TypeError):
        raise WrongPassword("the password does not open this key") from None


def public_key_pem(key) -> str:
    public = key.public_key() if hasattr(key, "public_key") else key
    return public.public_bytes(serialization.Encoding.PEM,
                               serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def make_authority(clinic_name: str, at: datetime) -> Authority:
    """A new self-signed authority for the clinic, valid for 30 years from ``at``."""
    key = new_key()
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"{clinic_name[:40] or 'Clinic'} letters authority"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, clinic_name[:64] or "Clinic")])
    builder = (_validity(x509.CertificateBuilder(), at, _AUTHORITY_YEARS).subject_name(name).issuer_name(name)
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
               .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False,
                                            key_encipherment=False, data_encipherment=False, key_agreement=False,
                                            key_cert_sign=True, crl_sign=True, encipher_only=False,
                                            decipher_only=False), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False))
    certificate = builder.sign(key, hashes.SHA256())
    return Authority(key, certificate.public_bytes(serialization.Encoding.PEM).decode())


def issue_certificate(authority: Authority, public_pem: str, *, name: str, registration: str, username: str,
                      at: datetime) -> str:
    """The clinician's certificate (PEM) for the public key ``public_pem``, for signing documents."""
    issuer = x509.load_pem_x509_certificate(authority.certificate_pem.encode())
    public = serialization.load_pem_public_key(public_pem.encode())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name[:64]),
                         x509.NameAttribute(NameOID.ORGANIZATION_NAME, issuer.subject.get_attributes_for_oid(
                             NameOID.ORGANIZATION_NAME)[0].value),
                         x509.NameAttribute(NameOID.USER_ID, username[:64]),
                         *([x509.NameAttribute(NameOID.SERIAL_NUMBER, registration[:64])] if registration else [])])
    builder = (_validity(x509.CertificateBuilder(), at, _CLINICIAN_YEARS).subject_name(subject)
               .issuer_name(issuer.subject).public_key(public).serial_number(x509.random_serial_number())
               .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
               .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True,
                                            key_encipherment=False, data_encipherment=False, key_agreement=False,
                                            key_cert_sign=False, crl_sign=False, encipher_only=False,
                                            decipher_only=False), critical=True)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(authority.key.public_key()),
                              critical=False))
    return builder.sign(authority.key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM).decode()


def certificate_fingerprint(pem_or_der: str | bytes) -> str:
    der = (x509.load_pem_x509_certificate(pem_or_der.encode()).public_bytes(serialization.Encoding.DER)
           if isinstance(pem_or_der, str) else pem_or_der)
    return hashlib.sha256(der).hexdigest()


def sign_pdf(pdf: bytes, key: ec.EllipticCurvePrivateKey, certificate_pem: str, authority_pem: str, *,
             signed_at: datetime, reason: str, location: str) -> bytes:
    """``pdf`` with a PAdES B-B signature by ``key`` appended (an incremental update, no visible stamp:
    the letter prints its own signature block)."""
    signing_cert = _asn1_certificate(certificate_pem)
    authority_cert = _asn1_certificate(authority_pem)
    private = asn1_keys.PrivateKeyInfo.load(key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    signer = signers.SimpleSigner(signing_cert, private, SimpleCertificateStore.from_certs([authority_cert]))
    meta = signers.PdfSignatureMetadata(field_name=_FIELD, subfilter=fields.SigSeedSubFilter.PADES,
                                        md_algorithm="sha256", reason=reason, location=location,
                                        name=signing_cert.subject.native.get("common_name"))
    output = io.BytesIO()
    _TimedSigner(meta, signer, signed_at).sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)), output=output)
    return output.getvalue()


def check_signature(pdf: bytes, authority_pems: list[str]) -> SignatureCheck:
    """Validate the PDF's one signature with pyHanko, the clinic's authorities the only trust roots."""
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        embedded = reader.embedded_signatures
    except (PdfError, ValueError, KeyError, TypeError, OSError):
        return SignatureCheck("This file is not a PDF that can be read.", signed=False)
    if not embedded:
        return SignatureCheck("This PDF carries no digital signature.", signed=False)
    if len(embedded) > 1:
        return SignatureCheck("This PDF carries more than one signature, so it is not a letter as the clinic signs it.")
    signature = embedded[0]
    certificate = signature.signer_cert
    signer_name = certificate.subject.native.get("common_name")
    fingerprint = hashlib.sha256(certificate.dump()).hexdigest()
    signed_at = signature.self_reported_timestamp
    context = ValidationContext(trust_roots=[_asn1_certificate(pem) for pem in authority_pems],
                                allow_fetching=False, revocation_mode="soft-fail",
                                moment=_checked_at(signed_at, certificate))
    try:
        status = validate_pdf_signature(signature, signer_validation_context=context)
    except (PdfError, ValueError, KeyError, TypeError) as error:
        return SignatureCheck(f"This letter's signature cannot be read ({error}).", signer_name, fingerprint, signed_at)
    identity = LetterIdentity.from_keywords(_keywords(reader))
    found = dict(signer_name=signer_name, signer_fingerprint=fingerprint, signed_at=signed_at, identity=identity)
    if not status.intact or not status.valid:
        return SignatureCheck(f"This letter's PDF was changed after {signer_name} signed it.", **found)
    if status.coverage.name != "ENTIRE_FILE":
        return SignatureCheck(f"This letter's PDF was changed after {signer_name} signed it (something was added "
                              "after the signature).", **found)
    if not status.trusted:
        return SignatureCheck(f"This letter was signed by {signer_name} with a certificate the clinic's authority "
                              "did not issue.", **found)
    return SignatureCheck(None, **found)


def _checked_at(signed_at: datetime | None, certificate: asn1_x509.Certificate) -> datetime:
    """When the certificate must have been valid: at signing, or at its issue if the letter is dated earlier.

    The signing time is the signer's own word (no time-stamp authority): history entered
    later and a workstation whose clock is behind date letters before the certificate they
    are signed with. The audit trail's chain, not this time, says when a letter was signed;
    a certificate past its end still fails.
    """
    issued = certificate["tbs_certificate"]["validity"]["not_before"].native
    return max(signed_at, issued) if signed_at is not None else issued


def _keywords(reader) -> str | None:
    info = reader.trailer_view.get("/Info")
    if info is None:
        return None
    value = info.get_object().get("/Keywords")
    return str(value) if value is not None else None


def _asn1_certificate(pem: str) -> asn1_x509.Certificate:
    der = x509.load_pem_x509_certificate(pem.encode()).public_bytes(serialization.Encoding.DER)
    return asn1_x509.Certificate.load(der)


def _validity(builder: x509.CertificateBuilder, at: datetime, years: int) -> x509.CertificateBuilder:
    return builder.not_valid_before(at - _CLOCK_SKEW).not_valid_after(at + timedelta(days=365 * years))


class _TimedSigner(PdfSigner):
    """pyHanko dates a signature by the computer's clock; the clinic's clock (frozen in tests) is the one."""

    def __init__(self, meta, signer, signed_at: datetime):
        super().__init__(meta, signer)
        self._signed_at = signed_at

    def init_signing_session(self, pdf_out, existing_fields_only=False):
        session = super().init_signing_session(pdf_out, existing_fields_only)
        session.system_time = self._signed_at
        return session
