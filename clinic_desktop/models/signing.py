"""The clinic's letter-signing authority and the staff's signing keys (schema 8).

No private key is ever stored in clear: each row's key is encrypted PKCS#8 under the
password of the person it belongs to (letters/pdf_signature.py). The authority's own key
is stored once per practice manager, wrapped under that manager's password, so any
manager can issue certificates and nobody else can. A clinician's key carries the
certificate the authority issued for it; a reset password retires the key (and its
certificate stays, so the letters it signed still verify).
"""
from __future__ import annotations

from peewee import CharField, ForeignKeyField, TextField

from clinic_desktop.models.base import BaseModel, one_of
from clinic_desktop.models.fields import UTCDateTimeField
from clinic_desktop.models.users import User

KEY_PURPOSES = ("authority", "signing")


class SigningAuthority(BaseModel):
    """The clinic's certificate authority: its self-signed certificate, which recipients trust."""

    certificate = TextField()  # PEM
    fingerprint = CharField(max_length=64, unique=True)  # sha256 of the certificate (DER)
    created_at = UTCDateTimeField()


class SigningKey(BaseModel):
    """A private key held for one person, encrypted under their password.

    purpose "authority": the clinic authority's key wrapped for a practice manager;
    purpose "signing": a clinician's own key, with its certificate once issued.
    """

    user = ForeignKeyField(User, backref="+", index=True)
    purpose = CharField(max_length=16, constraints=[one_of("purpose", KEY_PURPOSES)])
    authority = ForeignKeyField(SigningAuthority, null=True, backref="+")  # None: a key waiting for its certificate
    encrypted_key = TextField()  # encrypted PKCS#8 PEM
    public_key = TextField()  # PEM: what a certificate is issued for
    certificate = TextField(null=True)  # "signing": the clinician's certificate (PEM), None until issued
    fingerprint = CharField(max_length=64, null=True, index=True)  # sha256 of that certificate (DER)
    created_at = UTCDateTimeField()
    retired_at = UTCDateTimeField(null=True)  # the password was reset: no longer used to sign
