"""The directory of referral destinations: where letters go, kept by the practice manager.

Each destination takes some kinds of referral and may be the default for some of them, so
a new letter is addressed without anyone choosing. Destinations are deactivated, never
deleted: a letter already addressed to one still prints its address.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from clinic_desktop.models import DestinationKind, Referral, ReferralDestination, ReferralRecipient
from clinic_desktop.models.referrals import REFERRAL_KINDS
from clinic_desktop.services.audit import audit
from clinic_desktop.services.core import clock, validation
from clinic_desktop.services.core.entity import Entity
from clinic_desktop.services.core.errors import Conflict, InvalidTransition, NotFound, ValidationError
from clinic_desktop.services.core.transaction import service
from clinic_desktop.services.episodes.pathway_sync import REFERRAL_LABELS

__all__ = ["DestinationRecord", "create_destination", "deactivate_destination", "default_destination",
           "destination_for_letter", "destination_label", "edit_destination", "get_destination", "list_destinations",
           "reactivate_destination", "record_destination", "recorded_destination", "require_in_use"]

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
_TEXT_FIELDS = {"name": 200, "department": 200, "address": 1000, "telephone": 40, "email": 200}


@dataclass(frozen=True)
class DestinationRecord:
    id: int
    name: str
    department: str
    address: str
    telephone: str
    email: str
    kinds: tuple[str, ...]  # in the order of REFERRAL_KINDS
    default_for: tuple[str, ...]
    active: bool

    @property
    def label(self) -> str:
        return f"{self.name} – {self.department}" if self.department else self.name


@service("manage_destinations")
def create_destination(actor, *, name: str, department: str = "", address: str = "", telephone: str = "",
                       email: str = "", kinds: Iterable[str], default_for: Iterable[str] = ()) -> DestinationRecord:
    """Add a destination taking ``kinds``; it becomes the default for each kind in ``default_for``."""
    fields = _checked_fields(name=name, department=department, address=address, telephone=telephone, email=email)
    taken = _checked_kinds(kinds)
    defaults = _checked_defaults(default_for, taken)
    _refuse_duplicate(fields["name"], fields["department"], None)
    now = clock.now_utc()
    destination = ReferralDestination.create(**fields, active=True, created_at=now, updated_at=now)
    _store_kinds(destination.id, taken, defaults)
    audit.record(actor, "create_destination", Entity.REFERRAL_DESTINATION, destination.id,
                 f"added the referral destination {destination_label(destination)}", kinds=list(taken),
                 default_for=list(defaults), **fields)
    return _record(destination.id)


@service("manage_destinations")
def edit_destination(actor, destination_id: int, *, name: str | None = None, department: str | None = None,
                     address: str | None = None, telephone: str | None = None, email: str | None = None,
                     kinds: Iterable[str] | None = None, default_for: Iterable[str] | None = None) -> DestinationRecord:
    """Change some details of a destination (None leaves one as it is)."""
    destination = _destination(destination_id)
    given = {"name": name, "department": department, "address": address, "telephone": telephone, "email": email}
    fields = _checked_fields(**{key: getattr(destination, key) if value is None else value
                                for key, value in given.items()})
    current = _record(destination.id)
    taken = current.kinds if kinds is None else _checked_kinds(kinds)
    wanted = [kind for kind in current.default_for if kind in taken] if default_for is None else default_for
    defaults = _checked_defaults(wanted, taken)
    if defaults and not destination.active:
        raise ValidationError(f"{destination_label(destination)} is inactive, so it cannot be a default destination; "
                              "reactivate it first.", field="default_for")
    _refuse_duplicate(fields["name"], fields["department"], destination.id)
    ReferralDestination.update(**fields, updated_at=clock.now_utc()).where(
        ReferralDestination.id == destination.id).execute()
    _store_kinds(destination.id, taken, defaults)
    changed = sorted(key for key, value in fields.items() if value != getattr(destination, key))
    if taken != current.kinds:
        changed.append("kinds")
    if defaults != current.default_for:
        changed.append("default_for")
    audit.record(actor, "edit_destination", Entity.REFERRAL_DESTINATION, destination.id,
                 f"changed the referral destination {fields['name']}: {', '.join(changed) or 'nothing'}",
                 kinds=list(taken), default_for=list(defaults), **fields)
    return _record(destination.id)


@service("manage_destinations")
def deactivate_destination(actor, destination_id: int) -> DestinationRecord:
    """Take a destination out of use; letters already addressed to it keep it. It stops being a default."""
    destination = _destination(destination_id)
    if not destination.active:
        raise InvalidTransition(f"{destination_label(destination)} is already inactive.")
    was_default = _record(destination.id).default_for
    DestinationKind.update(is_default=False).where(DestinationKind.destination == destination.id).execute()
    ReferralDestination.update(active=False, updated_at=clock.now_utc()).where(
        ReferralDestination.id == destination.id).execute()
    audit.record(actor, "deactivate_destination", Entity.REFERRAL_DESTINATION, destination.id,
                 f"deactivated the referral destination {destination_label(destination)}"
                 + (f"; it is no longer the default for {_kind_list(was_default)}" if was_default else ""),
                 no_longer_default_for=list(was_default))
    return _record(destination.id)


@service("manage_destinations")
def reactivate_destination(actor, destination_id: int) -> DestinationRecord:
    destination = _destination(destination_id)
    if destination.active:
        raise InvalidTransition(f"{destination_label(destination)} is already active.")
    _refuse_duplicate(destination.name, destination.department, destination.id)
    ReferralDestination.update(active=True, updated_at=clock.now_utc()).where(
        ReferralDestination.id == destination.id).execute()
    audit.record(actor, "reactivate_destination", Entity.REFERRAL_DESTINATION, destination.id,
                 f"reactivated the referral destination {destination_label(destination)}")
    return _record(destination.id)


@service("view_destinations", changes=False)
def list_destinations(actor, *, kind: str | None = None,
                      include_inactive: bool = False) -> tuple[DestinationRecord, ...]:
    """The directory by name; with ``kind``, only those taking it, its default first."""
    query = ReferralDestination.select(ReferralDestination.id)
    if kind is not None:
        kind = validation.choice(kind, REFERRAL_KINDS, "kind", label="referral kind")
        query = query.join(DestinationKind).where(DestinationKind.kind == kind)
        query = query.order_by(DestinationKind.is_default.desc(), ReferralDestination.name, ReferralDestination.id)
    else:
        query = query.order_by(ReferralDestination.name, ReferralDestination.id)
    if not include_inactive:
        query = query.where(ReferralDestination.active == True)  # noqa: E712
    return tuple(_record(row.id) for row in query)


@service("view_destinations", changes=False)
def get_destination(actor, destination_id: int) -> DestinationRecord:
    return _record(_destination(destination_id).id)


# --- for the referral services (no permission of their own: the caller's is checked) -----


def default_destination(kind: str) -> ReferralDestination | None:
    """The active default destination for ``kind``, if the manager has named one."""
    return (ReferralDestination.select().join(DestinationKind)
            .where(DestinationKind.kind == kind, DestinationKind.is_default == True,  # noqa: E712
                   ReferralDestination.active == True).first())  # noqa: E712


def recorded_destination(referral_id: int) -> ReferralDestination | None:
    """The destination a referral's letter was addressed to when it was drafted."""
    return (ReferralDestination.select().join(ReferralRecipient, on=ReferralRecipient.destination)
            .where(ReferralRecipient.referral == referral_id).first())


def destination_for_letter(referral: Referral, destination_id: int | None) -> ReferralDestination | None:
    """The destination asked for (checked), else the one recorded, else the kind's default."""
    if destination_id is None:
        return recorded_destination(referral.id) or default_destination(referral.kind)
    destination = _destination(destination_id)
    title = REFERRAL_LABELS[referral.kind]
    if not destination.active:
        raise ValidationError(f"{destination_label(destination)} is no longer in use; choose another destination "
                              f"for the {title}.", field="destination_id")
    takes = DestinationKind.select().where(DestinationKind.destination == destination.id,
                                           DestinationKind.kind == referral.kind).exists()
    if not takes:
        raise ValidationError(f"{destination_label(destination)} does not take {title}s; choose another destination.",
                              field="destination_id")
    return destination


def require_in_use(destination: ReferralDestination | None) -> None:
    """Signing a letter to a destination the manager has taken out of use is refused: it may have closed."""
    if destination is not None and not destination.active:
        raise ValidationError(f"The letter is addressed to {destination_label(destination)}, which is no longer in "
                              "use; choose another destination before signing.", field="destination_id")


def record_destination(actor, referral_id: int, destination: ReferralDestination | None) -> None:
    """Remember where the referral's letter goes (replacing an earlier choice)."""
    if destination is None:
        return
    now = clock.now_utc()
    ReferralRecipient.insert(referral=referral_id, destination=destination.id, chosen_by=actor.user_id,
                             chosen_at=now).on_conflict(
        conflict_target=[ReferralRecipient.referral],
        update={ReferralRecipient.destination: destination.id, ReferralRecipient.chosen_by: actor.user_id,
                ReferralRecipient.chosen_at: now}).execute()


# --- helpers -------------------------------------------------------------------------------


def _destination(destination_id: int) -> ReferralDestination:
    destination_id = validation.record_id(destination_id, "destination")
    destination = ReferralDestination.get_or_none(ReferralDestination.id == destination_id)
    if destination is None:
        raise NotFound(f"There is no referral destination {destination_id}.")
    return destination


def _checked_fields(**values) -> dict[str, str]:
    fields = {key: validation.text(value, key, max_length=_TEXT_FIELDS[key], multiline=key == "address",
                                   required="Enter the destination's name." if key == "name" else False)
              for key, value in values.items()}
    if fields["email"] and not _EMAIL.fullmatch(fields["email"]):
        raise ValidationError(f"{fields['email']!r} is not an email address.", field="email")
    return fields


def _checked_kinds(kinds) -> tuple[str, ...]:
    if isinstance(kinds, str) or not isinstance(kinds, Iterable):
        raise ValidationError("Choose the kinds of referral the destination takes.", field="kinds")
    chosen = {validation.choice(kind, REFERRAL_KINDS, "kinds", label="referral kind") for kind in kinds}
    if not chosen:
        raise ValidationError("Choose at least one kind of referral the destination takes.", field="kinds")
    return tuple(kind for kind in REFERRAL_KINDS if kind in chosen)


def _checked_defaults(default_for, taken: tuple[str, ...]) -> tuple[str, ...]:
    if isinstance(default_for, str) or not isinstance(default_for, Iterable):
        raise ValidationError("Choose the kinds this destination is the default for.", field="default_for")
    wanted = {validation.choice(kind, REFERRAL_KINDS, "default_for", label="referral kind") for kind in default_for}
    missing = [kind for kind in REFERRAL_KINDS if kind in wanted and kind not in taken]
    if missing:
        raise ValidationError(f"A destination can be the default only for referrals it takes, not for "
                              f"{_kind_list(missing)}.", field="default_for")
    return tuple(kind for kind in REFERRAL_KINDS if kind in wanted)


def _refuse_duplicate(name: str, department: str, own_id: int | None) -> None:
    """Two active entries for one service would split its letters between them."""
    for other in ReferralDestination.select().where(ReferralDestination.active == True):  # noqa: E712
        if other.id != own_id and (other.name.casefold(), other.department.casefold()) == (
                name.casefold(), department.casefold()):
            raise Conflict(f"{destination_label(other)} is already in the directory (destination {other.id}).")


def _store_kinds(destination_id: int, kinds: tuple[str, ...], defaults: tuple[str, ...]) -> None:
    """The destination's kinds as given; a new default takes the place of the old one for its kind."""
    DestinationKind.delete().where(DestinationKind.destination == destination_id,
                                   DestinationKind.kind.not_in(kinds)).execute()
    if defaults:
        DestinationKind.update(is_default=False).where(DestinationKind.kind.in_(defaults),
                                                       DestinationKind.destination != destination_id).execute()
    for kind in kinds:
        (DestinationKind.insert(destination=destination_id, kind=kind, is_default=kind in defaults)
         .on_conflict(conflict_target=[DestinationKind.destination, DestinationKind.kind],
                      update={DestinationKind.is_default: kind in defaults}).execute())


def _record(destination_id: int) -> DestinationRecord:
    destination = ReferralDestination.get_by_id(destination_id)
    rows = {row.kind: row.is_default for row in
            DestinationKind.select().where(DestinationKind.destination == destination_id)}
    return DestinationRecord(
        id=destination.id, name=destination.name, department=destination.department, address=destination.address,
        telephone=destination.telephone, email=destination.email,
        kinds=tuple(kind for kind in REFERRAL_KINDS if kind in rows),
        default_for=tuple(kind for kind in REFERRAL_KINDS if rows.get(kind)),
        active=destination.active,
    )


def destination_label(destination: ReferralDestination) -> str:
    """"Leeds Community Physiotherapy – MSK service": how messages and lists name a destination."""
    return f"{destination.name} – {destination.department}" if destination.department else destination.name


def _kind_list(kinds) -> str:
    return ", ".join(REFERRAL_LABELS[kind] + "s" for kind in kinds)
