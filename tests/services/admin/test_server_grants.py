"""What a clinic's PostgreSQL server itself refuses each staff login, whatever program it comes from.

Each test connects as a login with psycopg2, as someone who took a workstation's login to psql would,
and shows the server saying no (or yes, for the work the role exists to do).
"""
from __future__ import annotations

from datetime import date

import psycopg2
import pytest
from database_fixtures import make_staff, open_test_database
from psycopg2 import sql

from clinic_desktop.models.schema import prepare_database
from clinic_desktop.models.server_roles import group_role, owner_role
from clinic_desktop.services.admin.server_setup import set_up_server
from clinic_desktop.services.patients import patients

EVERY_LOGIN = ("reception", "drjones", "manager")


def _refused(clinic, username: str, statement, parameters=()) -> str:
    """The server's refusal of ``statement`` run as ``username`` (the test fails if it was allowed)."""
    connection = clinic.connect_as(username)
    try:
        with pytest.raises(psycopg2.Error) as refusal, connection.cursor() as cursor:
            cursor.execute(statement, parameters)
        return str(refusal.value)
    finally:
        connection.close()


def _run(clinic, username: str, statement, parameters=()):
    connection = clinic.connect_as(username)
    try:
        with connection.cursor() as cursor:
            cursor.execute(statement, parameters)
            return cursor.fetchall() if cursor.description else cursor.rowcount
    finally:
        connection.close()


@pytest.fixture
def registered_patient(enforcing_clinic):
    """A patient registered through the services by the receptionist's own login (their id)."""
    staff = enforcing_clinic.staff
    enforcing_clinic.sign_in("reception")
    patient = patients.register_patient(staff.receptionist, family_name="Okafor", given_name="Ada",
                                        date_of_birth=date(1980, 2, 3))
    return patient.id


def test_a_receptionist_cannot_delete_a_patient_or_an_appointment(enforcing_clinic, registered_patient):
    for table in ("patient", "appointment", "episode", "referral"):
        refusal = _refused(enforcing_clinic, "reception", sql.SQL("DELETE FROM {}").format(sql.Identifier(table)))
        assert f"permission denied for table {table}" in refusal
    assert _run(enforcing_clinic, "reception", "SELECT family_name FROM patient") == [("Okafor",)]


def test_nobody_deletes_a_clinical_row_not_even_the_manager(enforcing_clinic, registered_patient):
    for username in ("drjones", "manager"):
        assert "permission denied" in _refused(enforcing_clinic, username, "DELETE FROM patient")


def test_nobody_changes_or_deletes_audit_events_or_signed_letter_versions(enforcing_clinic, registered_patient):
    for username in EVERY_LOGIN:
        for table in ("audit_event", "letter_version"):
            for statement in ("UPDATE {} SET id = id", "DELETE FROM {}"):
                refusal = _refused(enforcing_clinic, username, sql.SQL(statement).format(sql.Identifier(table)))
                assert f"permission denied for table {table}" in refusal


def test_nobody_reads_a_password_hash_but_everyone_reads_the_staff_list(enforcing_clinic):
    for username in EVERY_LOGIN:
        refusal = _refused(enforcing_clinic, username, 'SELECT password_hash FROM "user"')
        assert 'permission denied for table user' in refusal
        assert len(_run(enforcing_clinic, username, 'SELECT username, role FROM "user"')) == 4


def test_a_receptionist_cannot_record_a_clinical_finding(enforcing_clinic, registered_patient):
    refusal = _refused(enforcing_clinic, "reception",
                       "INSERT INTO red_flag_record (episode_id, recorded_on, flags, recorded_by_id, recorded_at) "
                       "VALUES (1, '2026-11-30', 'cauda_equina', 2, now())")
    assert "permission denied for table red_flag_record" in refusal


def test_a_clinician_cannot_create_roles_nor_change_tables(enforcing_clinic):
    assert "permission denied to create role" in _refused(enforcing_clinic, "drjones", 'CREATE ROLE "intruder" LOGIN')
    assert "must be owner of table patient" in _refused(enforcing_clinic, "drjones",
                                                       "ALTER TABLE patient DROP COLUMN nhs_number")
    assert "permission denied" in _refused(enforcing_clinic, "drjones",
                                           "SELECT clinic_sync_login('drjones', 'new password 2026')")


def test_a_manager_cannot_grant_themselves_the_owner_role_or_become_superuser(enforcing_clinic):
    me = sql.Identifier(f"{enforcing_clinic.name}.manager")
    owner = sql.Identifier(owner_role(enforcing_clinic.name))
    assert "must have admin option on role" in _refused(enforcing_clinic, "manager",
                                                         sql.SQL("GRANT {} TO {}").format(owner, me))
    assert "must be superuser" in _refused(enforcing_clinic, "manager", sql.SQL("ALTER ROLE {} SUPERUSER").format(me))
    assert "permission denied to create role" in _refused(enforcing_clinic, "manager", 'CREATE ROLE "helper" LOGIN')
    # The one function a manager may run grants only the role the staff list gives the account.
    _run(enforcing_clinic, "manager", "SELECT clinic_sync_login('manager', NULL)")
    granted = _run(enforcing_clinic, "manager",
                   "SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
                   "JOIN pg_roles r ON r.oid = m.member WHERE r.rolname = current_user")
    assert granted == [(group_role(enforcing_clinic.name, "practice_manager"),)]


def test_the_manager_function_refuses_a_login_that_is_not_this_clinics_staff(enforcing_clinic):
    refusal = _refused(enforcing_clinic, "manager", "SELECT clinic_sync_login('nobody', 'a password 2026')")
    assert "there is no staff account nobody" in refusal


def test_running_setup_again_changes_no_grant_and_says_so(enforcing_clinic):
    grants = ("SELECT grantee, table_name, privilege_type FROM information_schema.role_table_grants "
              "WHERE table_schema = 'public' ORDER BY 1, 2, 3")
    columns = ("SELECT grantee, table_name, column_name FROM information_schema.column_privileges "
               "WHERE table_schema = 'public' ORDER BY 1, 2, 3")
    before = (_run(enforcing_clinic, "manager", grants), _run(enforcing_clinic, "manager", columns))
    again = set_up_server(enforcing_clinic.admin_url)
    assert not any(line.startswith("created") for line in again.done)
    assert again.new_logins == {}
    assert "brought 4 existing staff logins in line with their accounts" in again.done
    assert (_run(enforcing_clinic, "manager", grants), _run(enforcing_clinic, "manager", columns)) == before


def test_setup_makes_a_login_with_a_one_time_password_for_an_account_made_before_it(password_postgres):
    url = password_postgres.create_database("roles_before_setup")
    database = open_test_database(url)
    prepare_database(database)
    make_staff()
    database.close()
    setup = set_up_server(url)
    assert sorted(setup.new_logins) == ["drjones", "manager", "physio", "reception"]
    assert any(line.startswith("created the owner role") for line in setup.done)
    port = password_postgres.port
    connection = psycopg2.connect(host="127.0.0.1", port=port, dbname="roles_before_setup",
                                  user="roles_before_setup.physio", password=setup.new_logins["physio"])
    connection.close()
    with pytest.raises(psycopg2.OperationalError, match="password authentication failed"):
        psycopg2.connect(host="127.0.0.1", port=port, dbname="roles_before_setup",
                         user="roles_before_setup.physio", password=setup.new_logins["drjones"])


def test_a_wrong_password_is_not_let_in(enforcing_clinic):
    with pytest.raises(psycopg2.OperationalError, match="password authentication failed"):
        enforcing_clinic.connect_as("reception", "not the password")
