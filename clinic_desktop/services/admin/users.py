"""Staff accounts: the first manager, signing in, and the users a manager keeps.

Deactivating a clinician hands their open work on (DESIGN.md, "The safety net"): the episodes
they are responsible for go to a colleague the manager names, or to the unassigned list, so
every item they owned is on an active clinician's list the moment they stop signing in.
"""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Iterator

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from argon2.profiles import CHEAPEST
from peewee import IntegrityError

from clinic_desktop.models import Appointment, ClinicianSession, Episode, User, database_proxy, is_sqlite
from clinic_desktop.models.sessions import DEFAULT_PATTERN_FROM
from clinic_desktop.models.users import ROLES
from clinic_desktop.services.admin import server_logins
from clinic_desktop.services.admin.settings import load_settings, start_of_clinic_day, update_clinic_settings
from clinic_desktop.services.appointments.rota import default_pattern
from clinic_desktop.services.audit import audit
from clinic_desktop.services.core import validation
from clinic_desktop.services.core.actor import Actor
from clinic_desktop.services.core.clinic_time import format_day, to_local
from clinic_desktop.services.core.clock import now_utc, today
from clinic_desktop.services.core.entity import Entity
from clinic_desktop.services.core.errors import (
    Conflict,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ServiceError,
    ValidationError,
)
from clinic_desktop.services.core.transaction import database_errors_in_words, service
from clinic_desktop.services.episodes import handover
from clinic_desktop.services.referrals import signing_keys
from clinic_desktop.services.worklists import obligations

__all__ = ["MIN_PASSWORD_LENGTH", "ROLE_LABELS", "OpenWork", "SignInFailed", "UserRecord", "actor_for", "authenticate",
           "create_first_manager", "create_user", "deactivate_user", "edit_user", "first_active_user", "has_users",
           "list_users", "open_work_of", "public_passwords", "reactivate_user", "reset_password",
           "set_professional_title", "verify_password"]

_hasher = PasswordHasher()  # argon2id with the library's current recommended costs
_public_hasher: ContextVar[PasswordHasher | None] = ContextVar("public_hasher", default=None)
MIN_PASSWORD_LENGTH = 10
ROLE_LABELS = {"receptionist": "receptionist", "clinician": "clinician", "practice_manager": "practice manager"}
_MANAGER = "practice_manager"
_CLINICIAN = "clinician"


@dataclass(frozen=True)
class UserRecord:
    """A staff account as the manager's list shows it (never its password hash)."""

    id: int
    username: str
    full_name: str
    role: str
    registration_number: str | None
    professional_title: str | None
    active: bool
    created_at: datetime

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[self.role]


@dataclass(frozen=True)
class OpenWork:
    """What a person owns now, for the deactivation dialog: their open items and their open episodes."""

    items: int
    by_kind: dict[str, int]  # obligation kind -> how many
    open_episodes: int  # open episodes they are the responsible clinician of

    @property
    def needs_handover(self) -> bool:
        return bool(self.items or self.open_episodes)


class SignInFailed(PermissionDenied):
    """Wrong username or password, or an inactive account (not said which, on purpose)."""


def actor_for(user: User) -> Actor:
    return Actor(user_id=user.id, username=user.username, full_name=user.full_name,
                 role=user.role, registration_number=user.registration_number)


def has_users() -> bool:
    """Whether any account exists yet: the first run asks for the first manager."""
    return User.select().exists()


def create_first_manager(username: str, full_name: str, password: str, clinic_name: str | None = None) -> Actor:
    """First run only: create the practice-manager account that creates everyone else.

    With ``clinic_name`` the clinic is named in the same transaction, so a first run that
    fails half-way leaves nothing behind to trip over the next attempt.
    """
    with database_proxy.atomic():
        _lock_user_table()
        if User.select().exists():
            raise PermissionDenied("the first account already exists: ask a practice manager to add you")
        user = _new_user(username, full_name, "practice_manager", password, None)
        server_logins.sync_login(user.username, password)
        actor = actor_for(user)
        # The clinic's certificate authority for signed letters, its key under this password.
        authority = signing_keys.first_authority(user, password, clinic_name)
        audit.record(actor, "create_first_manager", Entity.USER, user.id,
                     f"created the first practice manager account {user.username}", signing_authority=authority)
        if clinic_name is not None:
            update_clinic_settings(actor, name=clinic_name)
    return actor


@service("manage_users")
def create_user(actor, username: str, full_name: str, role: str, password: str,
                registration_number: str | None = None, *, professional_title: str | None = None) -> Actor:
    title = _title(professional_title)
    user = _new_user(username, full_name, role, password, registration_number, title)
    server_logins.sync_login(user.username, password)
    _default_sessions(user.id, user.role, actor)
    signing = signing_keys.new_password_keys(actor, user, password)
    audit.record(actor, "create_user", Entity.USER, user.id,
                 f"created {role.replace('_', ' ')} account {user.username}", role=role, registration_number=registration_number, professional_title=title,
                 signing=signing or None)
    return actor_for(user)


@service("manage_users")
def set_professional_title(actor, user_id: int, professional_title: str | None) -> None:
    """What signed letters call this person ("Physiotherapist"); empty prints their role instead."""
    user_id = validation.record_id(user_id, "user")
    title = _title(professional_title)
    user = User.get_or_none(User.id == user_id)
    if user is None:
        raise NotFound(f"There is no user {user_id}.")
    User.update(professional_title=title).where(User.id == user_id).execute()
    audit.record(actor, "set_professional_title", Entity.USER, user_id,
                 f"set the professional title of {user.username} to {title or '(none: the role is printed)'}",
                 professional_title=title)


@service("manage_users", changes=False)
def list_users(actor) -> tuple[UserRecord, ...]:
    """Every account, active ones first, each group by name: deactivated people stay listed."""
    query = User.select().order_by(User.active.desc(), User.full_name, User.id)
    return tuple(_user_record(user) for user in query)


@service("manage_users")
def edit_user(actor, user_id: int, *, full_name: str | None = None, role: str | None = None,
              registration_number: str | None = None, professional_title: str | None = None) -> UserRecord:
    """Change some details (None keeps one; "" clears the registration number or title).

    Nobody changes their own role, and the last active practice manager keeps the role:
    otherwise nobody would be left to manage accounts.
    """
    user = _locked_user(actor, user_id)
    role = user.role if role is None else _role(role)
    wanted = {
        "full_name": user.full_name if full_name is None else _full_name(full_name),
        "role": role,
        "registration_number": _registration(role, user.registration_number if registration_number is None
                                             else registration_number),
        "professional_title": user.professional_title if professional_title is None else _title(professional_title),
    }
    changed = [name for name, value in wanted.items() if value != getattr(user, name)]
    if "role" in changed:
        if user.id == actor.user_id:
            raise PermissionDenied("You cannot change your own role; ask another practice manager to do it.")
        if user.role == _MANAGER and user.active:
            _refuse_leaving_no_manager(user, f"change {user.full_name}'s role")
        if user.role == _CLINICIAN and user.active:
            _refuse_role_change_with_clinical_work(actor, user)
            _refuse_leaving_no_clinician(actor, user, f"change {user.full_name}'s role")
    User.update(**wanted).where(User.id == user.id).execute()
    if "role" in changed:
        server_logins.sync_login(user.username)
    _default_sessions(user.id, role, actor)
    words = [f"role {ROLE_LABELS[user.role]} → {ROLE_LABELS[role]}" if name == "role" else name.replace("_", " ")
             for name in changed]
    audit.record(actor, "edit_user", Entity.USER, user.id,
                 f"changed the account {user.username}: {', '.join(words) or 'nothing'}", **wanted)
    return _user_record(User.get_by_id(user.id))


@service("manage_users", changes=False)
def open_work_of(actor, user_id: int) -> OpenWork:
    """The open items on someone's own list and the open episodes they are responsible for."""
    user_id = validation.record_id(user_id, "user")
    rows = handover.owned_by(actor, user_id)
    by_kind: dict[str, int] = {}
    for row in rows:
        by_kind[row.kind] = by_kind.get(row.kind, 0) + 1
    return OpenWork(items=len(rows), by_kind=by_kind, open_episodes=_responsible_for(user_id, open_only=True).count())


@service("manage_users")
def deactivate_user(actor, user_id: int, *, hand_over_to=None) -> UserRecord:
    """Stop someone signing in; the account and everything it recorded stay (never deleted).

    A clinician with open work names who takes it: ``hand_over_to`` is an active clinician's
    user id or handover.UNASSIGNED. The episodes they were responsible for get that clinician
    (or nobody), and their drafted letters and unrecorded findings follow through the owner
    rules (obligations.py); the audit event says how many items went where.
    """
    user = _locked_user(actor, user_id)
    if user.id == actor.user_id:
        raise PermissionDenied("You cannot deactivate your own account; another practice manager can.")
    if not user.active:
        raise InvalidTransition(f"The account {user.username} ({user.full_name}) is already deactivated.")
    if user.role == _MANAGER:
        _refuse_leaving_no_manager(user, f"deactivate {user.full_name}")
    if user.role == _CLINICIAN:
        _refuse_leaving_no_clinician(actor, user, f"deactivate {user.full_name}")
    _refuse_stranding_bookings(user)
    owned = handover.owned_by(actor, user.id)
    episodes = [episode.id for episode in _responsible_for(user.id)]
    has_work = bool(owned) or _responsible_for(user.id, open_only=True).exists()
    target = handover.hand_over_target(hand_over_to, leaving=user) if has_work else None
    handover.set_responsible(episodes, target)
    User.update(active=False).where(User.id == user.id).execute()
    server_logins.sync_login(user.username)
    went = handover.count_by_owner(handover.where_they_are((row.kind, row.item_id, row.episode_id)
                                                           for row in owned).values())
    audit.record(actor, "deactivate_user", Entity.USER, user.id,
                 f"deactivated the {ROLE_LABELS[user.role]} account {user.username}{_where_it_went(went)}",
                 handed_to=handover.target_name(target) if has_work else None, items_went=went,
                 episodes_handed=len(episodes))
    return _user_record(User.get_by_id(user.id))


@service("manage_users")
def reactivate_user(actor, user_id: int) -> UserRecord:
    """Let someone sign in again. Work handed on when they left stays where it went: the episodes
    keep their new responsible clinician. Only what they drafted or saw themselves comes back to
    their list (the owner rules), and the audit event says how much."""
    user = _locked_user(actor, user_id)
    if user.active:
        raise InvalidTransition(f"The account {user.username} ({user.full_name}) is already active.")
    User.update(active=True).where(User.id == user.id).execute()
    server_logins.sync_login(user.username)
    back = handover.owned_by(actor, user.id)
    returning = ""
    if back:
        items = "item they drafted or saw returns" if len(back) == 1 else "items they drafted or saw return"
        returning = f"; {len(back)} open {items} to their list"
    audit.record(actor, "reactivate_user", Entity.USER, user.id,
                 f"reactivated the {ROLE_LABELS[user.role]} account {user.username}{returning}",
                 items_returning=len(back))
    return _user_record(User.get_by_id(user.id))


def _responsible_for(user_id: int, open_only: bool = False):
    query = Episode.select(Episode.id).where(Episode.responsible_clinician == user_id)
    return query.where(Episode.status == "open") if open_only else query


def _where_it_went(went: dict[str, int]) -> str:
    """"; 3 open items handed on: 2 to Sam Physio, 1 to the unassigned list" (nothing when there were none)."""
    if not went:
        return ""
    total = sum(went.values())
    places = ", ".join(f"{count} to {'the unassigned list' if owner == handover.UNASSIGNED_OWNER else owner}"
                       for owner, count in sorted(went.items()))
    return f"; {total} open {'item' if total == 1 else 'items'} handed on: {places}"


@service("manage_users")
def reset_password(actor, user_id: int, new_password: str) -> None:
    """Give someone a new password (told to them in person); the old one stops working at once."""
    user = _locked_user(actor, user_id)
    _check_password(new_password)
    User.update(password_hash=_hasher.hash(new_password)).where(User.id == user.id).execute()
    server_logins.sync_login(user.username, new_password)
    signing = signing_keys.new_password_keys(actor, user, new_password)  # the old key no longer opens
    audit.record(actor, "reset_password", Entity.USER, user.id, f"reset the password of {user.username}",
                 signing=signing or None)


def _locked_user(actor, user_id: int) -> User:
    """The account to change, read after other managers' changes to accounts have finished.

    Two managers deactivating each other at once on PostgreSQL would otherwise each see the
    other still active and leave nobody; with the lock the second sees the first's change.
    """
    user_id = validation.record_id(user_id, "user")
    _lock_user_table()
    me = User.get_or_none(User.id == actor.user_id)
    if me is None or not me.active or me.role != _MANAGER:
        raise PermissionDenied(f"the account {actor.username} is no longer an active practice manager: sign in again")
    user = User.get_or_none(User.id == user_id)
    if user is None:
        raise NotFound(f"There is no user {user_id}.")
    return user


def _refuse_leaving_no_manager(user: User, doing: str) -> None:
    others = User.select().where(User.role == _MANAGER, User.active == True, User.id != user.id)  # noqa: E712
    if not others.exists():
        raise Conflict(f"You cannot {doing}: {user.full_name} is the only active practice manager, and someone "
                       "must be able to manage accounts. Make another person a practice manager first.")


def _refuse_leaving_no_clinician(actor, user: User, doing: str) -> None:
    """Clinical work (letters to write and sign, warnings, findings, relaxants) is on clinicians'
    lists only: with no active clinician left it would be on nobody's (DESIGN.md, "The safety net")."""
    others = User.select().where(User.role == _CLINICIAN, User.active == True, User.id != user.id)  # noqa: E712
    if others.exists():
        return
    counts = {kind: count for kind, count in obligations.open_work_counts(actor).items()
              if obligations.KINDS[kind].owner_role == _CLINICIAN}
    if counts:
        raise Conflict(f"You cannot {doing}: {user.full_name} is the only active clinician and clinical work is "
                       f"open ({handover.counted(counts)}), which only a clinician can do. Add or reactivate "
                       "another clinician first.")
    # An open episode makes clinical work as time passes (a relaxant due for review, a visit's finding).
    open_episodes = Episode.select().where(Episode.status == "open").count()
    if open_episodes:
        raise Conflict(f"You cannot {doing}: {user.full_name} is the only active clinician and {open_episodes} "
                       f"episode{'s are' if open_episodes != 1 else ' is'} still open, whose reviews and findings "
                       "only a clinician can act on. Add or reactivate another clinician first.")


def _refuse_role_change_with_clinical_work(actor, user: User) -> None:
    """A clinician who owns open work keeps it on their list whatever their role, where a
    receptionist or manager could not act on it: the work is handed on by deactivating the account."""
    work = open_work_of(actor, user.id)
    if work.needs_handover:
        raise Conflict(
            f"You cannot change {user.full_name}'s role while they own clinical work ({work.items} open items, "
            f"responsible for {work.open_episodes} open episodes): it would stay on a list they cannot act on. "
            "Deactivate the clinician account, which hands the work to a colleague or the unassigned list, "
            "and create an account in the new role.")


def _refuse_stranding_bookings(user: User) -> None:
    """The appointment book lists only active clinicians: a deactivated one's bookings from today on
    would vanish from it, and reception could no longer find those patients to move them."""
    zone = load_settings().zone
    booked = Appointment.select(Appointment.starts_at).where(
        (Appointment.clinician == user.id) & (Appointment.status == "booked")
        & (Appointment.starts_at >= start_of_clinic_day(today(zone), zone))).order_by(Appointment.starts_at)
    count = booked.count()
    if count:
        first = format_day(to_local(booked.first().starts_at, zone).date())
        appointments = (f"1 booked appointment, on {first}: move or cancel it" if count == 1 else
                        f"{count} booked appointments, the first on {first}: move or cancel them")
        raise Conflict(f"{user.full_name} still has {appointments} in the Appointment book first.")


def _user_record(user: User) -> UserRecord:
    return UserRecord(id=user.id, username=user.username, full_name=user.full_name, role=user.role,
                      registration_number=user.registration_number, professional_title=user.professional_title,
                      active=user.active, created_at=user.created_at)


def _title(professional_title: str | None) -> str | None:
    return validation.text(professional_title, "professional_title", max_length=100) or None


def authenticate(username: str, password: str) -> Actor:
    """The actor for a correct username and password of an active account.

    Where the workstation reaches the server as whoever signs in, the server checks the password
    by letting them connect, and from then on this workstation acts as them.
    """
    with database_errors_in_words():
        if server_logins.server_checks_passwords():
            return _authenticate_on_server(username.strip().lower(), password)
        user = _user_signing_in(username)
        if user is None or not user.active or not _verify(user.password_hash, password):
            raise SignInFailed("wrong username or password, or the account is not active")
        if _hasher.check_needs_rehash(user.password_hash):
            User.update(password_hash=_hasher.hash(password)).where(User.id == user.id).execute()
        signing_keys.signed_in(user, password)
    return actor_for(user)


def _user_signing_in(username) -> User | None:
    """The account typed, or None for text no username can be (a control character, half a surrogate)."""
    try:
        return _with_hash().where(User.username == validation.text(username, "username").lower()).first()
    except ValidationError:
        return None


def verify_password(actor: Actor, password: str) -> bool:
    """Re-check the signed-in user's password (unlocking, signing a letter)."""
    with database_errors_in_words():
        if server_logins.server_checks_passwords():  # and connects as them again (unlocking after someone else)
            return server_logins.sign_in(actor.username, password)
        user = _with_hash().where(User.id == actor.user_id).first()
    return bool(user and user.active and _verify(user.password_hash, password))


def _authenticate_on_server(username: str, password: str) -> Actor:
    if not server_logins.sign_in(username, password):
        raise SignInFailed("wrong username or password, or the account is not active")
    try:
        server_logins.check_server_schema()
        user = User.get_or_none(User.username == username)
        if user is None or not user.active:
            raise SignInFailed("wrong username or password, or the account is not active")
    except ServiceError:
        server_logins.sign_out()  # let in by the server, refused by the app: nobody stays connected as them
        raise
    signing_keys.signed_in(user, password)
    return actor_for(user)


def _with_hash():
    """Accounts with their password hash, which a plain read leaves out (models/users.py)."""
    return User.select(*User._meta.sorted_fields)


def _lock_user_table() -> None:
    """Two first runs at once must not both create a manager: SQLite's BEGIN IMMEDIATE
    already serialises them; PostgreSQL needs the table locked against other writers."""
    if not is_sqlite():
        database_proxy.execute_sql('LOCK TABLE "user" IN SHARE ROW EXCLUSIVE MODE')


@contextmanager
def public_passwords() -> Iterator[None]:
    """While a demo clinic is built: its passwords are printed for anyone to read, and each letter its
    story signs re-checks one, a tenth of a second at full cost. Accounts created meanwhile get the
    cheapest argon2id hash; signing in re-hashes a password at full cost (``authenticate``), which the
    demo does for each account before it is done."""
    token = _public_hasher.set(PasswordHasher.from_parameters(CHEAPEST))
    try:
        with signing_keys.cheap_keys():
            yield
    finally:
        _public_hasher.reset(token)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError, UnicodeEncodeError):  # half a surrogate cannot be a password
        return False


def _new_user(username, full_name, role, password, registration_number, professional_title=None) -> User:
    username = validation.text(username, "username").lower()
    if not username or not username.replace(".", "").replace("-", "").replace("_", "").isalnum():
        raise ValidationError("a username is letters, digits, dots, dashes or underscores", field="username")
    full_name = _full_name(full_name)
    role = _role(role)
    _check_password(password)
    registration_number = _registration(role, registration_number)
    taken = Conflict(f"the username {username} is taken")
    if User.select().where(User.username == username).exists():
        raise taken
    try:
        with database_proxy.atomic():  # a savepoint: a clash on another workstation is a Conflict
            return User.create(username=username, full_name=full_name, role=role,
                               password_hash=(_public_hasher.get() or _hasher).hash(password),
                               registration_number=registration_number,
                               professional_title=professional_title,
                               created_at=now_utc())
    except IntegrityError:
        raise taken from None


def _default_sessions(user_id: int, role: str, actor) -> None:
    """A clinician starts with the clinic's opening hours on every weekday it opens (the manager's
    Sessions and leave page changes them); one who already has sessions keeps them."""
    if role == _CLINICIAN and not ClinicianSession.select().where(ClinicianSession.clinician == user_id).exists():
        default_pattern(user_id, actor.user_id, now_utc(), DEFAULT_PATTERN_FROM)


def _full_name(full_name) -> str:
    if full_name is not None and not isinstance(full_name, str):
        raise ValidationError("enter the person's full name", field="full_name")
    return validation.text(full_name, "full_name", max_length=200, required="enter the person's full name")


def _role(role) -> str:
    if role not in ROLES:
        raise ValidationError(f"unknown role {role!r}", field="role")
    return role


def _check_password(password) -> None:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(f"a password has at least {MIN_PASSWORD_LENGTH} characters", field="password")
    if any("\ud800" <= character <= "\udfff" for character in password):
        raise ValidationError("the password holds a broken character (half of a surrogate pair): retype it",
                              field="password")


def _registration(role: str, registration_number) -> str | None:
    """A clinician signs letters, so their registration number is required (DESIGN.md: signatures)."""
    registration_number = validation.text(registration_number, "registration_number", max_length=64) or None
    if role == "clinician" and registration_number is None:
        raise ValidationError("a clinician needs a professional registration number", field="registration_number")
    return registration_number


def first_active_user(role: str = "practice_manager") -> Actor | None:
    """The first active user with this role, for rendering a window in a screenshot."""
    user = (User.select().where(User.role == role, User.active == True)  # noqa: E712
            .order_by(User.id).first())
    return actor_for(user) if user else None
