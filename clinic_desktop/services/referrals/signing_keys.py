"""Who holds which signing key: the clinic's authority, each clinician's key and certificate.

The rule: no private key in clear on disk or in the database. Every key is stored as
encrypted PKCS#8 under the password of the person it belongs to (models/signing.py), and
opened only in memory, with that password, when it is used:

- the clinic's certificate authority is made with the first practice manager's account
  (a new database), or at the first manager's sign-in after the upgrade to schema 8 (an
  upgrade knows nobody's password to wrap its key under). Its key is wrapped under each
  manager's password: signing in opens it for that session (kept in this process's memory
  only), and the manager's account changes issue with it;
- a clinician's key is made when their password is set (account created, password reset,
  or their first sign-in after the upgrade), encrypted under it. Its certificate is issued
  at once when the manager setting the password has the authority open, else at the next
  manager's sign-in. Until then signing says so, and what to do.

A reset password cannot open the old key, so a reset means a new key and certificate; the
old key is retired, and its certificate stays, so the letters it signed still verify.
"""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Iterator

from clinic_desktop.models import SigningAuthority, SigningKey, User, database_proxy
from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.services.audit import audit
from clinic_desktop.services.core.actor import Actor
from clinic_desktop.services.core.clock import now_utc
from clinic_desktop.services.core.entity import Entity
from clinic_desktop.services.core.errors import PermissionDenied

__all__ = ["NO_CERTIFICATE_YET", "SigningMaterial", "authority_certificates", "cheap_keys", "clinic_certificate",
           "first_authority", "forget_authority", "key_for_signing", "new_password_keys", "signed_in"]

_MANAGER, _CLINICIAN = "practice_manager", "clinician"
NO_CERTIFICATE_YET = ("{name}'s signing certificate has not been issued yet; nothing was signed. Ask a practice "
                      "manager to sign in to Clinic Desktop (signing in issues it), then sign again.")
# Practice manager's user id -> the authority their sign-in opened: this process's memory only.
_open_authorities: dict[int, object] = {}
_cheap_rounds: ContextVar[int | None] = ContextVar("cheap_key_rounds", default=None)


@dataclass(frozen=True)
class SigningMaterial:
    """What signing a letter needs, opened with the signer's password: for this signature only."""

    key: object  # the private key, in memory
    certificate: str  # PEM
    authority: str  # PEM of the issuing authority, embedded with the signature


@contextmanager
def cheap_keys() -> Iterator[None]:
    """While a demo clinic is built (users.public_passwords): its passwords are public, so the keys
    they guard get the cheapest key derivation."""
    token = _cheap_rounds.set(1000)
    try:
        yield
    finally:
        _cheap_rounds.reset(token)


def signed_in(user: User, password: str) -> None:
    """A correct sign-in: open what this person's password guards, and make what they lack.

    A manager opens the authority (making it if the clinic has none) and issues the
    certificates clinicians are waiting for; a clinician without a key gets one. Runs in its
    own transaction, with an audit event for each thing made.
    """
    with database_proxy.atomic():
        if user.role == _MANAGER:
            authority = _open_authority(user, password)
            if authority is not None:
                _issue_waiting(user, authority)
        elif user.role == _CLINICIAN and _active_key(user.id, "signing") is None:
            _store_clinician_key(_actor(user), user, password, issuer=None)
            audit.record(_actor(user), "make_signing_key", Entity.USER, user.id,
                         f"made a signing key for {user.username}, its certificate to be issued at a practice "
                         "manager's sign-in")


def first_authority(manager: User, password: str, clinic_name: str | None) -> str:
    """The first manager's account is being made: make the clinic's authority under their password,
    named for ``clinic_name`` (the first run names the clinic with it; else the name on record).

    Its creation is recorded in that account's own audit event; returns the certificate's fingerprint.
    """
    from clinic_desktop.letters import pdf_signature

    authority = _open_authority(manager, password, record=False, clinic_name=clinic_name)
    return pdf_signature.certificate_fingerprint(authority.certificate_pem)


def forget_authority(user_id: int | None) -> None:
    """The manager signed out or the window locked: the authority is closed again."""
    _open_authorities.pop(user_id, None)


def new_password_keys(actor: Actor, user: User, password: str) -> str:
    """An account's password was set (created or reset) by ``actor``: what that password guards now.

    A clinician gets a new key (any old one retired), its certificate issued now if the
    acting manager has the authority open; a manager gets the authority's key wrapped under
    the new password. Runs inside the calling service; returns a clause for its audit event.
    """
    authority = _opened_by(actor)
    if user.role == _CLINICIAN:
        issued = _store_clinician_key(actor, user, password, issuer=authority)
        return "signing certificate issued" if issued else "signing certificate to be issued at a manager's sign-in"
    if user.role == _MANAGER and authority is not None:
        _retire(user.id, "authority")
        _wrap_authority(user, password, authority)
        return "can issue signing certificates"
    return ""


def key_for_signing(user: User, password: str) -> SigningMaterial:
    """The clinician's key and certificate, opened with the password they just re-entered."""
    from clinic_desktop.letters import pdf_signature

    row = _active_key(user.id, "signing")
    if row is None or row.certificate is None:
        raise PermissionDenied(NO_CERTIFICATE_YET.format(name=user.full_name))
    try:
        key = pdf_signature.decrypt_key(row.encrypted_key, password)
    except pdf_signature.WrongPassword:
        raise PermissionDenied(f"{user.full_name}'s signing key does not open with this password; nothing was "
                               "signed. Ask a practice manager to reset your password, which issues a new key.") \
            from None
    return SigningMaterial(key, row.certificate, SigningAuthority.get_by_id(row.authority_id).certificate)


def authority_certificates() -> dict[str, str]:
    """Every authority the clinic has had, by fingerprint: the trust roots a letter is checked against."""
    return {row.fingerprint: row.certificate for row in SigningAuthority.select().order_by(SigningAuthority.id)}


def clinic_certificate() -> str | None:
    """The clinic's current authority certificate (PEM), for recipients to trust; None before it is made."""
    row = SigningAuthority.select().order_by(SigningAuthority.id.desc()).first()
    return row.certificate if row else None


def _actor(user: User) -> Actor:
    return Actor(user_id=user.id, username=user.username, full_name=user.full_name, role=user.role,
                 registration_number=user.registration_number)


def _opened_by(actor: Actor):
    """The authority this manager's sign-in opened, if it is still this database's (a restore may replace it)."""
    from clinic_desktop.letters import pdf_signature

    authority = _open_authorities.get(actor.user_id)
    if authority is None or not SigningAuthority.select().where(
            SigningAuthority.fingerprint == pdf_signature.certificate_fingerprint(authority.certificate_pem)).exists():
        return None
    return authority


def _open_authority(manager: User, password: str, record: bool = True, clinic_name: str | None = None):
    """The authority opened with this manager's password; made now if the clinic has none yet
    (``record``: with its own audit event)."""
    from clinic_desktop.letters import pdf_signature

    wrapped = _active_key(manager.id, "authority")
    if wrapped is not None:
        try:
            key = pdf_signature.decrypt_key(wrapped.encrypted_key, password)
        except pdf_signature.WrongPassword:
            return None  # wrapped under a password since replaced by hand: another manager reissues it
        authority = pdf_signature.Authority(key, SigningAuthority.get_by_id(wrapped.authority_id).certificate)
    elif SigningAuthority.select().exists():
        return None  # made for other managers; a manager who holds it wraps it for this one at a reset
    else:
        authority = pdf_signature.make_authority(clinic_name or load_settings().name, now_utc())
        _wrap_authority(manager, password, authority)
        if record:
            audit.record(_actor(manager), "make_signing_authority", Entity.USER, manager.id,
                         "made the clinic's certificate authority for signed letters, its key held under "
                         f"{manager.username}'s password",
                         fingerprint=pdf_signature.certificate_fingerprint(authority.certificate_pem))
    _open_authorities[manager.id] = authority
    return authority


def _wrap_authority(manager: User, password: str, authority) -> None:
    from clinic_desktop.letters import pdf_signature

    fingerprint = pdf_signature.certificate_fingerprint(authority.certificate_pem)
    row = SigningAuthority.get_or_none(SigningAuthority.fingerprint == fingerprint)
    if row is None:
        row = SigningAuthority.create(certificate=authority.certificate_pem, fingerprint=fingerprint,
                                      created_at=now_utc())
    SigningKey.create(user=manager.id, purpose="authority", authority=row, created_at=now_utc(),
                      encrypted_key=_encrypt(authority.key, password),
                      public_key=pdf_signature.public_key_pem(authority.key))


def _store_clinician_key(actor: Actor, user: User, password: str, issuer) -> bool:
    """A new key for the clinician under ``password``; its certificate too when ``issuer`` is open."""
    from clinic_desktop.letters import pdf_signature

    _retire(user.id, "signing")
    key = pdf_signature.new_key()
    row = SigningKey.create(user=user.id, purpose="signing", authority=_authority_row(issuer),
                            encrypted_key=_encrypt(key, password), public_key=pdf_signature.public_key_pem(key),
                            created_at=now_utc())
    if issuer is None:
        return False
    _issue(row, user, issuer)
    return True


def _issue_waiting(manager: User, authority) -> None:
    """Issue every certificate clinicians are waiting for, with the authority this manager opened."""
    waiting = (SigningKey.select(SigningKey, *User.readable()).join(User)
               .where(SigningKey.purpose == "signing", SigningKey.certificate.is_null(),
                      SigningKey.retired_at.is_null(), User.active == True)  # noqa: E712
               .order_by(SigningKey.id))
    for row in waiting:
        _issue(row, row.user, authority)
        audit.record(_actor(manager), "issue_signing_certificate", Entity.USER, row.user.id,
                     f"issued {row.user.username}'s signing certificate", fingerprint=row.fingerprint)


def _issue(row: SigningKey, user: User, authority) -> None:
    from clinic_desktop.letters import pdf_signature

    certificate = pdf_signature.issue_certificate(authority, row.public_key, name=user.full_name,
                                                  registration=user.registration_number or "",
                                                  username=user.username, at=now_utc())
    row.certificate, row.fingerprint = certificate, pdf_signature.certificate_fingerprint(certificate)
    row.authority = _authority_row(authority)
    SigningKey.update(certificate=row.certificate, fingerprint=row.fingerprint, authority=row.authority) \
        .where(SigningKey.id == row.id).execute()


def _authority_row(authority) -> SigningAuthority | None:
    """The stored row of an opened authority; None for a key still waiting for its certificate."""
    if authority is None:
        return None
    from clinic_desktop.letters import pdf_signature

    return SigningAuthority.get(SigningAuthority.fingerprint
                                == pdf_signature.certificate_fingerprint(authority.certificate_pem))


def _active_key(user_id: int, purpose: str) -> SigningKey | None:
    return (SigningKey.select().where(SigningKey.user == user_id, SigningKey.purpose == purpose,
                                      SigningKey.retired_at.is_null())
            .order_by(SigningKey.id.desc()).first())


def _retire(user_id: int, purpose: str) -> None:
    SigningKey.update(retired_at=now_utc()).where(SigningKey.user == user_id, SigningKey.purpose == purpose,
                                                  SigningKey.retired_at.is_null()).execute()


def _encrypt(key, password: str) -> str:
    from clinic_desktop.letters import pdf_signature

    rounds = _cheap_rounds.get()
    return pdf_signature.encrypt_key(key, password, rounds) if rounds else pdf_signature.encrypt_key(key, password)
