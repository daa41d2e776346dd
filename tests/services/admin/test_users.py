"""Staff accounts: the first manager, signing in, and the users a manager creates (services/admin/users.py)."""
import pytest
from argon2 import PasswordHasher
from database_fixtures import PASSWORD

from clinic_desktop.models import AuditEvent, User
from clinic_desktop.services.admin import users
from clinic_desktop.services.admin.users import SignInFailed
from clinic_desktop.services.core.errors import Conflict, PermissionDenied, ValidationError


def test_first_manager_is_created_on_an_empty_database(database):
    assert not users.has_users()
    manager = users.create_first_manager("Morag", "Morag Manager", PASSWORD)
    assert (manager.username, manager.role) == ("morag", "practice_manager")
    assert users.has_users()
    assert AuditEvent.get().summary == "created the first practice manager account morag"


def test_first_manager_can_be_created_only_once(staff):
    before = User.select().count()
    with pytest.raises(PermissionDenied, match="the first account already exists"):
        users.create_first_manager("usurper", "Someone Else", PASSWORD)
    assert User.select().count() == before


def test_passwords_are_stored_as_argon2id_hashes(staff):
    stored = _stored_hash("reception")
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored


@pytest.mark.parametrize("typed", ["reception", "RECEPTION", " Reception "])
def test_sign_in_ignores_the_case_of_the_username(staff, typed):
    assert users.authenticate(typed, PASSWORD) == staff.receptionist


def test_sign_in_with_a_wrong_password_is_refused(staff):
    with pytest.raises(SignInFailed, match="wrong username or password"):
        users.authenticate("reception", "Correct Horse Battery")


def test_sign_in_as_an_unknown_user_is_refused_with_the_same_message(staff):
    with pytest.raises(SignInFailed, match="wrong username or password, or the account is not active"):
        users.authenticate("nobody", PASSWORD)


def test_sign_in_to_an_inactive_account_is_refused(staff):
    User.update(active=False).where(User.username == "drjones").execute()
    with pytest.raises(SignInFailed):
        users.authenticate("drjones", PASSWORD)


def test_a_hash_made_with_old_costs_is_upgraded_at_sign_in(staff, monkeypatch):
    old_hash = _stored_hash("physio")
    monkeypatch.setattr(users, "_hasher", PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1))
    users.authenticate("physio", PASSWORD)
    new_hash = _stored_hash("physio")
    assert new_hash != old_hash and "m=2048,t=2" in new_hash
    assert users.authenticate("physio", PASSWORD) == staff.other_clinician


def test_password_can_be_rechecked_for_the_signed_in_user(staff):
    assert users.verify_password(staff.clinician, PASSWORD)
    assert not users.verify_password(staff.clinician, "not my password")


def test_manager_creates_a_clinician_with_a_registration_number(staff):
    created = users.create_user(staff.manager, " New.Doc ", " Dr New Doc ", "clinician", PASSWORD,
                                registration_number=" GMC 1234567 ")
    assert (created.username, created.full_name, created.registration_number) == (
        "new.doc", "Dr New Doc", "GMC 1234567")
    event = AuditEvent.select().order_by(AuditEvent.id.desc()).get()
    assert (event.action, event.user_id, event.summary) == ("create_user", staff.manager.user_id,
                                                            "created clinician account new.doc")
    assert users.authenticate("new.doc", PASSWORD) == created


@pytest.mark.parametrize("username, full_name, role, password, registration, field, message", [
    ("newdoc", "Dr New", "clinician", PASSWORD, None, "registration_number",
     "a clinician needs a professional registration number"),
    ("newdoc", "Dr New", "clinician", PASSWORD, "   ", "registration_number", "registration number"),
    ("short", "Short Password", "receptionist", "123456789", None, "password",
     "a password has at least 10 characters"),
    ("bad name!", "Bad Name", "receptionist", PASSWORD, None, "username",
     "a username is letters, digits, dots, dashes or underscores"),
    ("  ", "No Name", "receptionist", PASSWORD, None, "username", "a username is"),
    ("noname", "   ", "receptionist", PASSWORD, None, "full_name", "enter the person's full name"),
    ("boss", "Big Boss", "administrator", PASSWORD, None, "role", "unknown role 'administrator'"),
])
def test_create_user_refuses_bad_details_and_creates_nobody(staff, username, full_name, role, password,
                                                            registration, field, message):
    before = User.select().count()
    with pytest.raises(ValidationError, match=message) as refused:
        users.create_user(staff.manager, username, full_name, role, password, registration_number=registration)
    assert refused.value.field == field
    assert User.select().count() == before


def test_a_taken_username_is_refused_whatever_its_case(staff):
    with pytest.raises(Conflict, match="the username reception is taken"):
        users.create_user(staff.manager, "Reception", "Another Rita", "receptionist", PASSWORD)


@pytest.mark.parametrize("who", ["receptionist", "clinician"])
def test_only_a_manager_creates_users(staff, who):
    before = (User.select().count(), AuditEvent.select().count())
    with pytest.raises(PermissionDenied, match="may not manage users"):
        users.create_user(getattr(staff, who), "sneaky", "Sneaky Person", "practice_manager", PASSWORD)
    assert (User.select().count(), AuditEvent.select().count()) == before


def _stored_hash(username: str) -> str:
    """The hash, which a plain read of an account leaves out (models/users.py), asked for by name."""
    return User.select(User.password_hash).where(User.username == username).scalar()
