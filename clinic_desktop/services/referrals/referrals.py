"""Referrals from raised to closed, and the signed letters that carry them.

Lifecycle (DESIGN.md): raised → drafted → signed → sent → acknowledged → closed; raised or
drafted → cancelled with a reason. Only a clinician signs, after re-entering the password.
A signed letter's PDF bytes are stored with their SHA-256 and never regenerated: a change
after signing is a new version with a reason, and every earlier version is kept.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime

from clinic_desktop.models import Episode, LetterVersion, Patient, Referral, ReferralDestination, User
from clinic_desktop.models.referrals import REFERRAL_KINDS
from clinic_desktop.pathway.rules import referral_due
from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.services.admin.users import verify_password
from clinic_desktop.services.audit import audit
from clinic_desktop.services.core import clock, validation
from clinic_desktop.services.core.clinic_time import format_day
from clinic_desktop.services.core.entity import Entity
from clinic_desktop.services.core.errors import (
    Conflict,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from clinic_desktop.services.core.locking import locked_row
from clinic_desktop.services.core.permissions import CLINICIAN
from clinic_desktop.services.core.transaction import service
from clinic_desktop.services.episodes.pathway_sync import lock_episode, pathway_timings, split_lines
from clinic_desktop.services.referrals import destinations, signing_keys
from clinic_desktop.services.referrals.letter_check import DIGITAL, refuse_if_bad
from clinic_desktop.services.referrals.letter_content import (
    kind_title,
    referral_letter,
    signer_for,
)
from clinic_desktop.services.referrals.referral_checks import SendingHeld, cancellation_reason, why_held

__all__ = ["WRONG_PASSWORD", "LetterVersionInfo", "ReferralRecord", "amend_referral", "cancel", "cancel_referral",
           "close_referral", "draft_referral", "get_referral", "letter_pdf", "mark_referral_sent", "preview_letter",
           "raise_referral", "record_referral_acknowledged", "referrals_for_episode", "sending_held", "sign_referral",
           "stored_letter"]

WRONG_PASSWORD = "The password is not right; the letter was not signed."


@dataclass(frozen=True)
class LetterVersionInfo:
    version: int
    sha256: str
    signed_at: datetime
    signer_name: str
    amendment_reason: str | None


@dataclass(frozen=True)
class ReferralRecord:
    id: int
    episode_id: int
    patient_id: int
    patient_name: str
    kind: str
    kind_title: str
    urgent: bool
    status: str
    due_by: date
    reason: str
    clinician_text: str
    raised_at: datetime
    signed_by_name: str | None
    signed_at: datetime | None
    sent_at: datetime | None
    acknowledged_at: datetime | None
    closed_at: datetime | None
    cancel_reason: str | None
    versions: tuple[LetterVersionInfo, ...]
    destination_id: int | None = None  # where the letter goes, recorded when drafted
    destination_name: str | None = None
    cancelled_by_name: str | None = None  # who cancelled it (None: the pathway, or not cancelled)
    cancelled_at: datetime | None = None
    requested_options: tuple[str, ...] = ()  # keys of care_options.REQUESTED_OPTIONS[kind] the letter asks for


@service("raise_referral")
def raise_referral(actor, episode_id: int, *, kind: str, reason: str, due_by: date | None = None) -> ReferralRecord:
    """A clinician's own referral (e.g. spinal surgical after a 12-week "not improved")."""
    episode_id = validation.record_id(episode_id, "episode")
    kind = validation.choice(kind, REFERRAL_KINDS, "kind", label="referral kind")
    reason = validation.text(reason, "reason", required="Give the reason for the referral.",
                             label="reason for the referral")
    if due_by is not None:
        due_by = validation.day(due_by, "due_by", label="due-by date")
    lock_episode(episode_id)
    episode = Episode.get_or_none(Episode.id == episode_id)
    if episode is None:
        raise NotFound(f"There is no episode {episode_id}.")
    patient = episode.patient
    if episode.status != "open":
        raise InvalidTransition(f"The episode for {patient.display_name} is {episode.status}; "
                                "a referral needs an open episode.")
    due_by = _due_by(kind, due_by)
    already = (Referral.select().where(Referral.episode == episode, Referral.kind == kind,
                                       Referral.status.in_(("raised", "drafted", "signed"))).first())
    if already is not None:
        raise Conflict(f"{patient.display_name} already has an open {kind_title(kind).lower()} referral "
                       f"(referral {already.id}, {already.status}); use that one or cancel it first.")
    now = clock.now_utc()
    referral = Referral.create(episode=episode, kind=kind, pathway_key=None, reason=reason,
                               urgent=kind == "urgent_red_flag", status="raised", due_by=due_by,
                               raised_by=actor.user_id, raised_at=now, updated_at=now)
    audit.record(actor, "raise_referral", Entity.REFERRAL, referral.id,
                 f"raised a {kind_title(kind).lower()} referral for {patient.display_name}, "
                 f"due by {format_day(due_by)}", patient_id=patient.id, kind=kind, due_by=due_by, reason=reason)
    return _record(referral.id)


@service("draft_referral")
def draft_referral(actor, referral_id: int, clinician_text: str, *,
                   destination_id: int | None = None) -> ReferralRecord:
    """Save the clinician's letter text and where it goes; a draft can be rewritten until it is signed.

    Without ``destination_id`` the letter keeps the destination it has, else gets the
    default the practice manager set for its kind (none: addressed to the service by name).
    """
    referral = _referral(referral_id)
    text = validation.text(clinician_text, "clinician_text", required="Write the letter text before saving the draft.",
                           label="letter text", multiline=True)
    _require_status(referral, ("raised", "drafted"), "be drafted")
    destination = destinations.destination_for_letter(referral, destination_id)
    _move(referral, ("raised", "drafted"), status="drafted", clinician_text=text, drafted_by=actor.user_id)
    destinations.record_destination(actor, referral.id, destination)
    _audit(actor, "draft_referral", referral, "saved the draft letter of",
           destination=destination.name if destination else None)
    return _record(referral.id)


@service("view_patient", changes=False)
def preview_letter(actor, referral_id: int, *, clinician_text: str | None = None,
                   amendment_reason: str | None = None, destination_id: int | None = None) -> bytes:
    """The unsigned letter that signing now would produce; nothing is stored.

    A raised or drafted referral previews version 1 (the stored text unless other text is
    given); a signed or sent one previews the next amended version. The destination is
    the one given, else the one recorded, else the kind's default.
    """
    referral = _referral(referral_id)
    text = (referral.clinician_text if clinician_text is None
            else validation.text(clinician_text, "clinician_text", label="letter text", multiline=True))
    amendment_reason = validation.text(amendment_reason, "amendment_reason", label="reason for amending") or None
    _require_status(referral, ("raised", "drafted", "signed", "sent"), "be previewed")
    destination = destinations.destination_for_letter(referral, destination_id)
    from clinic_desktop.letters.referral_letter import render_referral_letter  # reportlab: only once a letter is drawn

    if referral.status in ("raised", "drafted"):
        return render_referral_letter(referral_letter(referral, clinician_text=text, destination=destination))
    return render_referral_letter(referral_letter(referral, clinician_text=text, version=_latest_version(referral) + 1,
                                                  amendment_reason=amendment_reason, destination=destination))


@service("sign_referral")
def sign_referral(actor, referral_id: int, password: str, *, as_read: str | None = None) -> ReferralRecord:
    """Sign the drafted letter: its PDF is rendered once, stored and bound to its SHA-256.

    ``as_read``: the letter text the clinician read before signing. If the draft was
    rewritten since (on another workstation), nothing is signed: a signature covers only
    what its signer saw.
    """
    _require_clinician(actor)
    referral = _referral(referral_id, lock=True)
    _require_status(referral, ("drafted",), "be signed")
    if as_read is not None and as_read != referral.clinician_text:
        raise Conflict(f"The draft letter for {referral.episode.patient.display_name} was changed on another "
                       "workstation since you read it; nothing was signed. Read it again, then sign.")
    signer, key = _signing_user(actor, password)
    destination = destinations.destination_for_letter(referral, None)  # as the preview showed it
    destinations.require_in_use(destination)
    now = clock.now_utc()
    _move(referral, ("drafted",), status="signed", signed_by=signer.id, signed_at=now)
    destinations.record_destination(actor, referral.id, destination)
    stored = _store_version(referral, signer, key, now, referral.clinician_text, None, destination)
    _audit(actor, "sign_referral", referral, f"signed letter version {stored.version} of",
           **_signed_details(stored, key))
    return _record(referral.id)


@service("sign_referral")
def amend_referral(actor, referral_id: int, *, clinician_text: str, reason: str, password: str,
                   destination_id: int | None = None) -> ReferralRecord:
    """A signed or sent letter changed: a new signed version with its reason; it must be sent again.

    ``destination_id`` readdresses it; without it the amendment goes where the letter went.
    """
    _require_clinician(actor)
    referral = _referral(referral_id)
    text = validation.text(clinician_text, "clinician_text", required="Write the letter text of the amended version.",
                           label="letter text", multiline=True)
    why = validation.text(reason, "reason", required="Give the reason for amending a signed letter.",
                          label="reason for amending")
    _require_status(referral, ("signed", "sent"), "be amended")
    signer, key = _signing_user(actor, password)
    destination = destinations.destination_for_letter(referral, destination_id)
    destinations.require_in_use(destination)
    now = clock.now_utc()
    _move(referral, ("signed", "sent"), status="signed", clinician_text=text, signed_by=signer.id,
          signed_at=now, sent_at=None)
    destinations.record_destination(actor, referral.id, destination)
    stored = _store_version(referral, signer, key, now, text, why, destination)
    _audit(actor, "amend_referral", referral, f"signed amended letter version {stored.version} of",
           amendment_reason=why, **_signed_details(stored, key))
    return _record(referral.id)


@service("view_patient", changes=False)
def letter_pdf(actor, referral_id: int, version: int | None = None) -> bytes:
    """A signed letter's stored bytes exactly (the latest version by default), checked against its hash."""
    if version is not None:
        version = validation.record_id(version, "letter version")
    return stored_letter(_referral(referral_id), version)


def stored_letter(referral: Referral, version: int | None = None) -> bytes:
    """The stored bytes of a letter version (the latest by default), refused (letter_check.LetterRefused,
    in one sentence) unless they are what its clinician signed, for this patient.

    For services that have checked their own permission (letter_pdf, the batch export).
    """
    versions = LetterVersion.select().where(LetterVersion.referral == referral)
    if version is None:
        stored = versions.order_by(LetterVersion.version.desc()).first()
        if stored is None:
            raise NotFound(f"Referral {referral.id} has no signed letter yet.")
    else:
        stored = versions.where(LetterVersion.version == version).first()
        if stored is None:
            raise NotFound(f"Referral {referral.id} has no letter version {version}.")
    return refuse_if_bad(stored)


@service("send_referral")
def mark_referral_sent(actor, referral_id: int, *, version: int | None = None) -> ReferralRecord:
    """The signed letter went out. ``version``: the one that was printed or exported; if the
    letter was amended since, that copy is out of date and nothing is marked."""
    referral = _referral(referral_id)
    held = why_held(referral)
    if held is not None:
        raise SendingHeld(held)
    if referral.status == "signed":
        stored_letter(referral)  # a letter that fails its check is never recorded as sent
    return _advance(actor, referral_id, "mark_referral_sent", "signed", "sent", "be marked as sent",
                    "sent letter version {version} of", "sent_at", expected_version=version)


@service("view_patient", changes=False)
def sending_held(actor, referral_id: int) -> str | None:
    """Why this signed letter may not be sent yet, in a sentence; None when nothing holds it."""
    return why_held(_referral(referral_id))




@service("record_referral_reply")
def record_referral_acknowledged(actor, referral_id: int) -> ReferralRecord:
    return _advance(actor, referral_id, "record_referral_acknowledged", "sent", "acknowledged", "be acknowledged",
                    "recorded the acknowledgement of letter version {version} of", "acknowledged_at")


@service("record_referral_reply")
def close_referral(actor, referral_id: int) -> ReferralRecord:
    return _advance(actor, referral_id, "close_referral", "acknowledged", "closed", "be closed", "closed",
                    "closed_at")


@service("cancel_referral")
def cancel_referral(actor, referral_id: int, reason: str) -> ReferralRecord:
    """Cancel a referral not yet signed; a signed letter is kept and goes on to be sent.

    Who cancelled it and when are stored, so the manager's lists can show a cancelled urgent referral.
    """
    referral = _referral(referral_id)
    why = cancellation_reason(actor, referral, reason)
    _require_status(referral, ("raised", "drafted"), "be cancelled")
    cancel(actor, referral, why)
    _audit(actor, "cancel_referral", referral, "cancelled", reason=why)
    return _record(referral.id)


def cancel(actor, referral: Referral, why: str) -> None:
    """Cancel a raised or drafted referral with its checked reason, stamped with who and when.

    For services that have checked their own permission and write their own audit event (discharge).
    """
    _move(referral, ("raised", "drafted"), status="cancelled", cancel_reason=why, cancelled_by=actor.user_id,
          cancelled_at=clock.now_utc())


@service("view_patient", changes=False)
def get_referral(actor, referral_id: int) -> ReferralRecord:
    return _record(_referral(referral_id).id)


@service("view_patient", changes=False)
def referrals_for_episode(actor, episode_id: int) -> tuple[ReferralRecord, ...]:
    """Every referral of an episode, urgent first, then by due date (history included)."""
    episode_id = validation.record_id(episode_id, "episode")
    rows = (Referral.select(Referral.id).where(Referral.episode == episode_id)
            .order_by(Referral.urgent.desc(), Referral.due_by, Referral.id))
    return tuple(_record(row.id) for row in rows)


# --- helpers -----------------------------------------------------------------------------


def _referral(referral_id: int, lock: bool = False) -> Referral:
    """The referral every service starts from; its number is checked first (validation)."""
    referral_id = validation.record_id(referral_id, "referral")
    referral = locked_row(Referral, referral_id) if lock else Referral.get_or_none(Referral.id == referral_id)
    if referral is None:
        raise NotFound(f"There is no referral {referral_id}.")
    return referral


def _advance(actor, referral_id: int, action: str, source: str, target: str, verb: str, did: str,
             stamp: str, expected_version: int | None = None) -> ReferralRecord:
    """One step after signing (sent, acknowledged, closed), stamped with when it happened."""
    referral = _referral(referral_id, lock=expected_version is not None)
    _require_status(referral, (source,), verb)
    version = _latest_version(referral)
    if expected_version is not None and expected_version != version:
        raise Conflict(f"The letter for {referral.episode.patient.display_name} was amended to version {version} "
                       f"since version {expected_version} was printed or exported; nothing was marked as sent. "
                       "Send the new version.")
    _move(referral, (source,), status=target, **{stamp: clock.now_utc()})
    _audit(actor, action, referral, did.format(version=version), version=version)
    return _record(referral.id)


def _require_status(referral: Referral, allowed: tuple[str, ...], verb: str) -> None:
    if referral.status not in allowed:
        states = " or ".join(allowed) if len(allowed) < 3 else ", ".join(allowed[:-1]) + " or " + allowed[-1]
        raise InvalidTransition(f"Referral {referral.id} is {referral.status}; only {states} referrals can {verb}.")


def _move(referral: Referral, allowed: tuple[str, ...], **changes) -> None:
    """Change the referral only if it is still in an allowed state (another workstation may have moved it)."""
    changes["updated_at"] = clock.now_utc()
    changed = (Referral.update(**changes)
               .where(Referral.id == referral.id, Referral.status.in_(allowed)).execute())
    if changed != 1:
        raise Conflict(f"Referral {referral.id} was changed on another workstation; open it again and retry.")
    for name, value in changes.items():
        setattr(referral, name, value)


def _due_by(kind: str, requested: date | None) -> date:
    """The pathway's deadline for this kind raised today, or the earlier day the clinician asked for."""
    settings = load_settings()
    try:
        return referral_due(kind, clock.today(settings.zone), pathway_timings(), settings.calendar(), requested)
    except ValueError as error:
        if requested is None:
            raise  # only an unknown kind, which raise_referral has refused already
        raise ValidationError(f"The due-by date {format_day(requested)} cannot be used: {error}.",
                              field="due_by") from None


def _require_clinician(actor) -> None:
    """Only a clinician signs, whatever the permission table says (DESIGN.md)."""
    if actor.role != CLINICIAN:
        raise PermissionDenied(f"{actor.full_name} is not a clinician; only a clinician signs a referral letter.")


def _signing_user(actor, password: str) -> tuple[User, signing_keys.SigningMaterial]:
    """The signer and their signing key, opened with the password they re-entered."""
    # A password given as anything but text is simply not the password (and is never stripped).
    if not isinstance(password, str) or not verify_password(actor, password):
        raise PermissionDenied(WRONG_PASSWORD)
    user = User.get_by_id(actor.user_id)
    if not (user.registration_number or "").strip():
        raise PermissionDenied(f"{user.full_name} has no professional registration number on record, so "
                               "cannot sign letters; ask the practice manager to add it.")
    return user, signing_keys.key_for_signing(user, password)


def _latest_version(referral: Referral) -> int:
    latest = (LetterVersion.select(LetterVersion.version).where(LetterVersion.referral == referral)
              .order_by(LetterVersion.version.desc()).first())
    return latest.version if latest else 0


def _store_version(referral: Referral, signer: User, key: signing_keys.SigningMaterial, signed_at: datetime,
                   text: str, amendment_reason: str | None, destination: ReferralDestination | None) -> LetterVersion:
    """Render the letter with its identity in it, sign the PDF (PAdES) and store it."""
    from clinic_desktop.letters import pdf_signature
    from clinic_desktop.letters.referral_letter import render_referral_letter

    version = _latest_version(referral) + 1
    patient = referral.episode.patient
    identity = pdf_signature.LetterIdentity(referral.id, patient.id, patient.nhs_number or "", version)
    letter = referral_letter(referral, clinician_text=text, version=version, amendment_reason=amendment_reason,
                             signer=signer_for(signer, signed_at), destination=destination,
                             keywords=identity.keywords)
    pdf = pdf_signature.sign_pdf(render_referral_letter(letter), key.key, key.certificate, key.authority,
                                 signed_at=signed_at, reason=f"Signed as {letter.signer.meaning}",
                                 location=letter.clinic.name)
    # The signer's name, role and registration number as the letter prints them.
    return LetterVersion.create(
        referral=referral, version=version, pdf=pdf, sha256=hashlib.sha256(pdf).hexdigest(),
        signed_by=signer, signed_at=signed_at, signer_name=letter.signer.name, signer_role=letter.signer.role,
        signer_registration=letter.signer.registration_number, meaning=letter.signer.meaning,
        amendment_reason=amendment_reason,
    )


def _signed_details(stored: LetterVersion, key: signing_keys.SigningMaterial) -> dict:
    """What a signing event records: the letter's hash, and that its PDF carries a signature by this certificate."""
    from clinic_desktop.letters import pdf_signature

    return {"version": stored.version, "sha256": stored.sha256, "signature": DIGITAL,
            "certificate": pdf_signature.certificate_fingerprint(key.certificate)}


def _audit(actor, action: str, referral: Referral, did: str, **details) -> None:
    patient = referral.episode.patient
    audit.record(actor, action, Entity.REFERRAL, referral.id,
                 f"{did} the {kind_title(referral.kind).lower()} referral for {patient.display_name}",
                 patient_id=patient.id, **details)


def _record(referral_id: int) -> ReferralRecord:
    referral = (Referral.select(Referral, Episode, Patient).join(Episode).join(Patient)
                .where(Referral.id == referral_id).get())
    destination = destinations.recorded_destination(referral.id)
    signer = User.get_by_id(referral.signed_by_id) if referral.signed_by_id else None
    canceller = User.get_by_id(referral.cancelled_by_id) if referral.cancelled_by_id else None
    versions = (LetterVersion.select(LetterVersion.version, LetterVersion.sha256, LetterVersion.signed_at,
                                     LetterVersion.signer_name, LetterVersion.amendment_reason)
                .where(LetterVersion.referral == referral).order_by(LetterVersion.version))
    return ReferralRecord(
        id=referral.id, episode_id=referral.episode_id, patient_id=referral.episode.patient_id,
        patient_name=referral.episode.patient.display_name, kind=referral.kind,
        kind_title=kind_title(referral.kind), urgent=referral.urgent, status=referral.status,
        due_by=referral.due_by, reason=referral.reason, clinician_text=referral.clinician_text,
        raised_at=referral.raised_at, signed_by_name=signer.full_name if signer else None,
        signed_at=referral.signed_at, sent_at=referral.sent_at, acknowledged_at=referral.acknowledged_at,
        closed_at=referral.closed_at, cancel_reason=referral.cancel_reason,
        versions=tuple(LetterVersionInfo(row.version, row.sha256, row.signed_at, row.signer_name,
                                         row.amendment_reason) for row in versions),
        destination_id=destination.id if destination else None,
        destination_name=destinations.destination_label(destination) if destination else None,
        cancelled_by_name=canceller.full_name if canceller else None, cancelled_at=referral.cancelled_at,
        requested_options=split_lines(referral.requested_options),
    )
