"""Staff on a server that enforces the roles: each does their work through the app as their own
login, and Administration keeps the logins in step with the accounts in the same transaction."""
from __future__ import annotations

from datetime import date, datetime, timezone

import psycopg2
import pytest
from database_fixtures import PASSWORD

from clinic_desktop.models import Appointment, database_proxy, is_sqlite
from clinic_desktop.services.admin import backup, backup_schedule, server_logins, settings, users
from clinic_desktop.services.admin.pathway_settings import update_pathway_timings
from clinic_desktop.services.appointments import appointments, waiting_list
from clinic_desktop.services.core.clock import frozen_at
from clinic_desktop.services.core.errors import DatabaseUnavailable, ValidationError
from clinic_desktop.services.episodes import discharge, episodes
from clinic_desktop.services.patients import patients
from clinic_desktop.services.referrals import destinations, referrals

CLINIC_TIME = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)  # Mon 30 Nov 2026 (tests/conftest.py)
MEDIUM = [1, 1, 1, 1, 0, 0, 0, 0, 0]


def _current_login() -> str:
    return database_proxy.execute_sql("SELECT current_user").fetchone()[0]


def test_signing_in_connects_as_that_persons_own_login(enforcing_clinic):
    actor = enforcing_clinic.sign_in("drjones")
    assert (actor.username, actor.role) == ("drjones", "clinician")
    assert _current_login() == f"{enforcing_clinic.name}.drjones"
    enforcing_clinic.sign_in("reception")
    assert _current_login() == f"{enforcing_clinic.name}.reception"


def test_a_wrong_password_is_refused_at_sign_in_and_the_signed_in_person_stays(enforcing_clinic):
    enforcing_clinic.sign_in("reception")
    with pytest.raises(users.SignInFailed, match="wrong username or password"):
        users.authenticate("manager", "not the manager's password")
    with pytest.raises(users.SignInFailed):
        users.authenticate("nosuchperson", PASSWORD)
    assert _current_login() == f"{enforcing_clinic.name}.reception"


def test_a_password_is_rechecked_by_the_server(enforcing_clinic):
    actor = enforcing_clinic.sign_in("drjones")
    assert users.verify_password(actor, PASSWORD)
    assert not users.verify_password(actor, "not my password at all")


def test_each_role_does_its_own_work_through_the_services_as_its_own_login(enforcing_clinic):
    staff = enforcing_clinic.staff
    enforcing_clinic.sign_in("reception")
    patient = patients.register_patient(staff.receptionist, family_name="Okafor", given_name="Ada",
                                        date_of_birth=date(1980, 2, 3), telephone="020 7946 0000")
    enforcing_clinic.sign_in("drjones")
    episode_id = episodes.open_episode(staff.clinician, patient.id, first_contact_on=date(2026, 11, 26),
                                       presentation="non_specific", severity="moderate").episode_id
    episodes.record_start_back(staff.clinician, episode_id, assessed_on=date(2026, 11, 30), answers=MEDIUM)
    (referral,) = referrals.referrals_for_episode(staff.clinician, episode_id)
    referrals.draft_referral(staff.clinician, referral.id, "Physiotherapy, please.")
    referrals.sign_referral(staff.clinician, referral.id, PASSWORD)
    enforcing_clinic.sign_in("reception")
    review = Appointment.get((Appointment.episode == episode_id) & (Appointment.kind == "two_week_review"))
    booked = appointments.book_appointment(staff.receptionist, review.id, clinician_id=staff.clinician.user_id,
                                           starts_local=datetime(2026, 12, 1, 10, 0))
    assert booked.status == "booked"
    assert referrals.mark_referral_sent(staff.receptionist, referral.id).status == "sent"
    patients.edit_patient(staff.receptionist, patient.id, hepatic_impairment="mild")
    enforcing_clinic.sign_in("manager")
    destinations.create_destination(staff.manager, name="Riverside MSK Physiotherapy", kinds=("standard_physiotherapy",))
    assert settings.update_clinic_settings(staff.manager, name="Riverside Back Clinic").name == "Riverside Back Clinic"
    assert referrals.record_referral_acknowledged(staff.manager, referral.id).status == "acknowledged"


def test_creating_a_user_in_administration_creates_their_login(enforcing_clinic):
    manager = enforcing_clinic.sign_in("manager")
    users.create_user(manager, "locum", "Lee Locum", "clinician", "locum password 2026",
                      registration_number="GMC 7654321")
    connection = enforcing_clinic.connect_as("locum", "locum password 2026")
    connection.close()
    assert enforcing_clinic.sign_in("locum", "locum password 2026").role == "clinician"


def test_a_refused_account_change_leaves_no_login_behind(enforcing_clinic):
    manager = enforcing_clinic.sign_in("manager")
    with pytest.raises(ValidationError, match="at most"):
        users.create_user(manager, "a" * 60, "Long Name", "receptionist", "long password 2026")
    with pytest.raises(psycopg2.OperationalError, match="password authentication failed"):
        enforcing_clinic.connect_as("a" * 40, "long password 2026")


def test_deactivating_a_user_locks_their_login_and_reactivating_opens_it(enforcing_clinic):
    manager = enforcing_clinic.sign_in("manager")
    users.deactivate_user(manager, enforcing_clinic.staff.receptionist.user_id)
    with pytest.raises(psycopg2.OperationalError, match="not permitted to log in"):
        enforcing_clinic.connect_as("reception")
    with pytest.raises(users.SignInFailed):
        users.authenticate("reception", PASSWORD)
    manager = enforcing_clinic.sign_in("manager")
    users.reactivate_user(manager, enforcing_clinic.staff.receptionist.user_id)
    enforcing_clinic.connect_as("reception").close()


def test_re_roling_a_user_moves_their_login_to_the_new_group(enforcing_clinic):
    manager = enforcing_clinic.sign_in("manager")
    users.edit_user(manager, enforcing_clinic.staff.receptionist.user_id, role="practice_manager")
    connection = enforcing_clinic.connect_as("reception")
    with connection.cursor() as cursor:
        cursor.execute("SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
                       "JOIN pg_roles r ON r.oid = m.member WHERE r.rolname = current_user")
        assert cursor.fetchall() == [(f"{enforcing_clinic.name}:practice_manager",)]
    connection.close()


def test_a_password_reset_changes_the_server_password(enforcing_clinic):
    manager = enforcing_clinic.sign_in("manager")
    users.reset_password(manager, enforcing_clinic.staff.clinician.user_id, "a brand new password")
    with pytest.raises(psycopg2.OperationalError, match="password authentication failed"):
        enforcing_clinic.connect_as("drjones")
    assert enforcing_clinic.sign_in("drjones", "a brand new password").username == "drjones"


def _schema_moved(clinic, by: int) -> None:
    admin = psycopg2.connect(clinic.admin_url)
    with admin, admin.cursor() as cursor:
        cursor.execute("UPDATE schema_version SET version = version + %s", (by,))
    admin.close()


def test_a_schema_older_than_the_app_is_sent_to_setup_postgres(enforcing_clinic):
    _schema_moved(enforcing_clinic, -1)
    with pytest.raises(DatabaseUnavailable, match="run 'clinic-desktop setup-postgres'"):
        enforcing_clinic.sign_in("manager")


def test_a_sign_in_the_app_refuses_leaves_nobody_connected_until_someone_signs_in(enforcing_clinic):
    clinician = enforcing_clinic.sign_in("drjones")
    _schema_moved(enforcing_clinic, -1)
    with pytest.raises(DatabaseUnavailable):
        enforcing_clinic.sign_in("reception")
    with pytest.raises(DatabaseUnavailable):  # no connection opens for anyone
        users.list_users(enforcing_clinic.staff.manager)
    _schema_moved(enforcing_clinic, +1)
    assert users.verify_password(clinician, PASSWORD)  # the locked clinician unlocks
    assert _current_login() == f"{enforcing_clinic.name}.drjones"


def test_a_manager_on_a_shared_login_is_told_to_set_up_the_server(database):
    """The test databases are reached with one login (the superuser's), as a clinic before setup-postgres."""
    advice = server_logins.shared_login_advice("practice_manager")
    if is_sqlite():
        assert advice is None  # one login by design: the README says what protects the file
    else:
        assert "run 'clinic-desktop setup-postgres'" in advice
        assert server_logins.shared_login_advice("receptionist") is None


def test_a_staff_login_leaves_the_servers_backups_to_its_administrator(enforcing_clinic, tmp_path):
    manager = enforcing_clinic.sign_in("manager")
    with pytest.raises(ValidationError, match="taken on the server by whoever administers it"):
        backup.back_up(manager, tmp_path / "clinic.pgdump")
    daily = backup_schedule.run_daily(backup_schedule.daily_backup_actor())
    assert daily.made is None and "taken on the server by whoever administers it" in daily.reason
    assert list(tmp_path.iterdir()) == []


def test_the_front_desk_the_clinic_day_and_the_managers_changes_all_pass_the_servers_grants(enforcing_clinic):
    staff = enforcing_clinic.staff
    enforcing_clinic.sign_in("reception")
    patient = patients.register_patient(staff.receptionist, family_name="Novak", given_name="Ivo",
                                        date_of_birth=date(1966, 7, 8))
    enforcing_clinic.sign_in("drjones")
    episode_id = episodes.open_episode(staff.clinician, patient.id, first_contact_on=date(2026, 11, 23),
                                       presentation="non_specific", severity="moderate").episode_id
    episodes.record_medication(staff.clinician, episode_id, name="Naproxen", category="nsaid",
                               started_on=date(2026, 11, 23))
    enforcing_clinic.sign_in("reception")
    review = Appointment.get((Appointment.episode == episode_id) & (Appointment.kind == "two_week_review"))
    waiting_list.add_to_waiting_list(staff.receptionist, review.id, note="can come at short notice")
    with frozen_at(datetime(2026, 11, 30, 8, 30, tzinfo=timezone.utc)):
        appointments.book_appointment(staff.receptionist, review.id, clinician_id=staff.clinician.user_id,
                                      starts_local=datetime(2026, 11, 30, 8, 40))
    assert appointments.record_attended(staff.receptionist, review.id).status == "attended"
    enforcing_clinic.sign_in("manager")
    update_pathway_timings(staff.manager, medication_review_days=14)
    enforcing_clinic.sign_in("drjones")
    handed = [discharge.ItemDecision(item.kind, item.item_id, "hand_over")
              for item in discharge.discharge_items(staff.clinician, episode_id) if item.needs_decision]
    update = episodes.discharge_episode(staff.clinician, episode_id, discharged_on=date(2026, 11, 30),
                                        reason="improved", decisions=handed, hand_over_to=staff.clinician.user_id)
    assert update.episode_id == episode_id
    enforcing_clinic.sign_in("manager")
    users.deactivate_user(staff.manager, staff.other_clinician.user_id, hand_over_to=staff.clinician.user_id)
