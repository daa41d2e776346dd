"""Staff accounts: the first manager, signing in, and the users a manager keeps."""
from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from peewee import IntegrityError

from clinic_desktop.models import User, database_proxy, is_sqlite
from clinic_desktop.models.users import ROLES
from clinic_desktop.services import audit, validation
from clinic_desktop.services.actor import Actor
from clinic_desktop.services.clock import now_utc
from clinic_desktop.services.errors import Conflict, NotFound, PermissionDenied, ValidationError
from clinic_desktop.services.settings import update_clinic_settings
from clinic_desktop.services.transaction import database_errors_in_words, service

_hasher = PasswordHasher()  # argon2id with the library's current recommended costs
MIN_PASSWORD_LENGTH = 10


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
        actor = actor_for(user)
        audit.record(actor, "create_first_manager", "user", user.id,
                     f"created the first practice manager account {user.username}")
        if clinic_name is not None:
            update_clinic_settings(actor, name=clinic_name)
    return actor


@service("manage_users")
def create_user(actor, username: str, full_name: str, role: str, password: str,
                registration_number: str | None = None, *, professional_title: str | None = None) -> Actor:
    title = _title(professional_title)
    user = _new_user(username, full_name, role, password, registration_number, title)
    audit.record(actor, "create_user", "user", user.id, f"created {role.replace('_', ' ')} account {user.username}",
                 role=role, registration_number=registration_number, professional_title=title)
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
    audit.record(actor, "set_professional_title", "user", user_id,
                 f"set the professional title of {user.username} to {title or '(none: the role is printed)'}",
                 professional_title=title)


def _title(professional_title: str | None) -> str | None:
    return validation.text(professional_title, "professional_title", max_length=100) or None


def authenticate(username: str, password: str) -> Actor:
    """The actor for a correct username and password of an active account."""
    with database_errors_in_words():
        user = User.get_or_none(User.username == username.strip().lower())
        if user is None or not user.active or not _verify(user.password_hash, password):
            raise SignInFailed("wrong username or password, or the account is not active")
        if _hasher.check_needs_rehash(user.password_hash):
            User.update(password_hash=_hasher.hash(password)).where(User.id == user.id).execute()
    return actor_for(user)


def verify_password(actor: Actor, password: str) -> bool:
    """Re-check the signed-in user's password (unlocking, signing a letter)."""
    with database_errors_in_words():
        user = User.get_or_none(User.id == actor.user_id)
    return bool(user and user.active and _verify(user.password_hash, password))


def _lock_user_table() -> None:
    """Two first runs at once must not both create a manager: SQLite's BEGIN IMMEDIATE
    already serialises them; PostgreSQL needs the table locked against other writers."""
    if not is_sqlite():
        database_proxy.execute_sql('LOCK TABLE "user" IN SHARE ROW EXCLUSIVE MODE')


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _new_user(username, full_name, role, password, registration_number, professional_title=None) -> User:
    username = (username or "").strip().lower()
    full_name = (full_name or "").strip()
    if not username or not username.replace(".", "").replace("-", "").replace("_", "").isalnum():
        raise ValidationError("a username is letters, digits, dots, dashes or underscores", field="username")
    if not full_name:
        raise ValidationError("enter the person's full name", field="full_name")
    if role not in ROLES:
        raise ValidationError(f"unknown role {role!r}", field="role")
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise ValidationError(f"a password has at least {MIN_PASSWORD_LENGTH} characters", field="password")
    if role == "clinician" and not (registration_number or "").strip():
        raise ValidationError("a clinician needs a professional registration number", field="registration_number")
    taken = Conflict(f"the username {username} is taken")
    if User.select().where(User.username == username).exists():
        raise taken
    try:
        with database_proxy.atomic():  # a savepoint: a clash on another workstation is a Conflict
            return User.create(username=username, full_name=full_name, role=role,
                               password_hash=_hasher.hash(password),
                               registration_number=(registration_number or "").strip() or None,
                               professional_title=professional_title,
                               created_at=now_utc())
    except IntegrityError:
        raise taken from None


def first_active_user(role: str = "practice_manager") -> Actor | None:
    """The first active user with this role, for rendering a window in a screenshot."""
    user = (User.select().where(User.role == role, User.active == True)  # noqa: E712
            .order_by(User.id).first())
    return actor_for(user) if user else None
