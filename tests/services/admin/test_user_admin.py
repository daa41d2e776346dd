"""The practice manager keeps staff accounts: list, edit, deactivate, reactivate, reset passwords."""
import json
from datetime import date, datetime, timezone

import pytest
from database_fixtures import PASSWORD

from clinic_desktop.models import Appointment, AuditEvent, User
from clinic_desktop.services.admin import users
from clinic_desktop.services.admin.users import SignInFailed
from clinic_desktop.services.appointments import appointments
from clinic_desktop.services.core.clock import frozen_at
from clinic_desktop.services.core.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationError
from clinic_desktop.services.episodes import episodes
from clinic_desktop.services.episodes.handover import UNASSIGNED
from clinic_desktop.services.patients import patients
from clinic_desktop.services.referrals import destinations, referrals
from clinic_desktop.services.worklists import obligations

NEW_PASSWORD = "a brand new passphrase"


def last_event() -> AuditEvent:
    return AuditEvent.select().order_by(AuditEvent.id.desc()).get()


def unchanged(action):
    """Run ``action`` expecting a refusal; nothing stored changes and no event is written."""
    before = ([tuple(row) for row in User.select().order_by(User.id).tuples()], AuditEvent.select().count())
    action()
    assert ([tuple(row) for row in User.select().order_by(User.id).tuples()], AuditEvent.select().count()) == before


def test_the_list_shows_deactivated_accounts_after_the_active_ones(staff):
    users.deactivate_user(staff.manager, staff.clinician.user_id)
    listed = users.list_users(staff.manager)
    assert [(user.full_name, user.active) for user in listed] == [
        ("Morag Manager", True), ("Rita Reception", True), ("Sam Physio", True), ("Dr Alys Jones", False)]
    assert listed[2].role_label == "clinician" and listed[2].registration_number == "HCPC PH123456"


def test_only_a_manager_lists_accounts(staff):
    with pytest.raises(PermissionDenied, match="may not manage users"):
        users.list_users(staff.receptionist)


def test_a_deactivated_person_cannot_sign_in_and_is_told_nothing_more(staff):
    users.deactivate_user(staff.manager, staff.clinician.user_id)
    with pytest.raises(SignInFailed, match="wrong username or password, or the account is not active"):
        users.authenticate("drjones", PASSWORD)
    assert last_event().summary == "deactivated the clinician account drjones"


def test_a_reactivated_person_signs_in_again(staff):
    users.deactivate_user(staff.manager, staff.clinician.user_id)
    record = users.reactivate_user(staff.manager, staff.clinician.user_id)
    assert record.active
    assert users.authenticate("drjones", PASSWORD) == staff.clinician
    assert last_event().summary == "reactivated the clinician account drjones"


def test_deactivating_twice_is_refused(staff):
    users.deactivate_user(staff.manager, staff.receptionist.user_id)
    with pytest.raises(InvalidTransition, match="reception \\(Rita Reception\\) is already deactivated"):
        users.deactivate_user(staff.manager, staff.receptionist.user_id)


def test_a_session_of_a_deactivated_account_stops_acting_at_once(staff):
    users.deactivate_user(staff.manager, staff.receptionist.user_id)
    with pytest.raises(PermissionDenied, match="no longer active"):
        destinations.list_destinations(staff.receptionist)


def test_a_manager_cannot_deactivate_their_own_account(staff):
    def refused():
        with pytest.raises(PermissionDenied, match="You cannot deactivate your own account"):
            users.deactivate_user(staff.manager, staff.manager.user_id)
    unchanged(refused)


def test_a_manager_cannot_change_their_own_role(staff):
    def refused():
        with pytest.raises(PermissionDenied, match="You cannot change your own role"):
            users.edit_user(staff.manager, staff.manager.user_id, role="receptionist")
    unchanged(refused)


def test_the_last_active_manager_cannot_be_deactivated_by_a_manager_being_deactivated_meanwhile(staff):
    deputy = users.create_user(staff.manager, "deputy", "Dee Deputy", "practice_manager", PASSWORD)
    users.deactivate_user(deputy, staff.manager.user_id)
    # The manager's open window still holds its old actor: it acts no more.
    with pytest.raises(PermissionDenied, match="no longer active"):
        users.deactivate_user(staff.manager, deputy.user_id)
    assert User.get_by_id(deputy.user_id).active


def test_the_last_active_practice_manager_keeps_the_role(staff):
    deputy = users.create_user(staff.manager, "deputy", "Dee Deputy", "practice_manager", PASSWORD)
    users.deactivate_user(staff.manager, deputy.user_id)
    users.reactivate_user(staff.manager, deputy.user_id)
    users.edit_user(deputy, staff.manager.user_id, role="receptionist")  # the deputy is left
    receptionist_morag = users.authenticate("manager", PASSWORD)
    assert receptionist_morag.role == "receptionist"
    with pytest.raises(PermissionDenied):  # and nobody else can take it from the deputy
        users.edit_user(receptionist_morag, deputy.user_id, role="clinician", registration_number="X 1")


def test_another_manager_may_be_deactivated_while_one_stays(staff):
    deputy = users.create_user(staff.manager, "deputy", "Dee Deputy", "practice_manager", PASSWORD)
    assert not users.deactivate_user(staff.manager, deputy.user_id).active


def test_the_refusal_to_leave_no_active_manager_names_the_way_out(staff):
    # The acting manager is always active and never acts on their own role, so this guard
    # stands behind those two rules (and the account lock): exercised here directly.
    manager = User.get_by_id(staff.manager.user_id)
    with pytest.raises(Conflict, match="Morag Manager is the only active practice manager.*Make another person"):
        users._refuse_leaving_no_manager(manager, "deactivate Morag Manager")


def test_editing_changes_the_details_and_audits_what_changed(staff):
    record = users.edit_user(staff.manager, staff.other_clinician.user_id, full_name=" Sam Physio-Smith ",
                             registration_number="HCPC PH999999", professional_title="Physiotherapist")
    assert (record.full_name, record.registration_number, record.professional_title) == (
        "Sam Physio-Smith", "HCPC PH999999", "Physiotherapist")
    event = last_event()
    assert (event.action, event.entity_id) == ("edit_user", staff.other_clinician.user_id)
    assert event.summary == ("changed the account physio: full name, registration number, professional title")
    assert json.loads(event.details)["registration_number"] == "HCPC PH999999"


def test_a_new_role_is_named_in_the_audit_and_applies_at_the_next_sign_in(staff):
    users.edit_user(staff.manager, staff.receptionist.user_id, role="practice_manager")
    assert last_event().summary == "changed the account reception: role receptionist → practice manager"
    assert users.authenticate("reception", PASSWORD).role == "practice_manager"
    with pytest.raises(PermissionDenied, match="no longer active in this role"):
        destinations.list_destinations(staff.receptionist)


def test_a_clinician_keeps_a_registration_number(staff):
    def refused():
        with pytest.raises(ValidationError, match="a clinician needs a professional registration number") as error:
            users.edit_user(staff.manager, staff.clinician.user_id, registration_number="  ")
        assert error.value.field == "registration_number"
    unchanged(refused)


def test_making_someone_a_clinician_needs_their_registration_number(staff):
    with pytest.raises(ValidationError, match="registration number"):
        users.edit_user(staff.manager, staff.receptionist.user_id, role="clinician")
    record = users.edit_user(staff.manager, staff.receptionist.user_id, role="clinician",
                             registration_number="HCPC PH000001")
    assert (record.role, record.registration_number) == ("clinician", "HCPC PH000001")


def test_an_empty_professional_title_is_cleared(staff):
    users.edit_user(staff.manager, staff.clinician.user_id, professional_title="General practitioner")
    assert users.edit_user(staff.manager, staff.clinician.user_id, professional_title="").professional_title is None


@pytest.mark.parametrize("changes, field", [(dict(full_name="  "), "full_name"), (dict(role="boss"), "role")])
def test_bad_details_are_refused_by_field(staff, changes, field):
    with pytest.raises(ValidationError) as refused:
        users.edit_user(staff.manager, staff.receptionist.user_id, **changes)
    assert refused.value.field == field


def test_an_unknown_account_is_not_found(staff):
    with pytest.raises(NotFound, match="There is no user 999"):
        users.reset_password(staff.manager, 999, NEW_PASSWORD)


def test_a_reset_password_replaces_the_old_one_and_is_never_written_down(staff):
    users.reset_password(staff.manager, staff.receptionist.user_id, NEW_PASSWORD)
    assert users.authenticate("reception", NEW_PASSWORD) == staff.receptionist
    with pytest.raises(SignInFailed):
        users.authenticate("reception", PASSWORD)
    event = last_event()
    assert event.summary == "reset the password of reception"
    assert NEW_PASSWORD not in event.details


def test_a_short_new_password_is_refused(staff):
    def refused():
        with pytest.raises(ValidationError, match="a password has at least 10 characters"):
            users.reset_password(staff.manager, staff.receptionist.user_id, "short")
    unchanged(refused)


@pytest.mark.parametrize("who", ["receptionist", "clinician"])
def test_only_a_manager_changes_accounts(staff, who):
    actor = getattr(staff, who)
    for call in (lambda: users.deactivate_user(actor, staff.other_clinician.user_id),
                 lambda: users.reset_password(actor, actor.user_id, NEW_PASSWORD),
                 lambda: users.edit_user(actor, actor.user_id, role="practice_manager")):
        def refused(call=call):
            with pytest.raises(PermissionDenied, match="may not manage users"):
                call()
        unchanged(refused)


# --- a clinician with bookings ahead keeps their account until the bookings are moved ---

def _booked_with_sam(staff, family_name: str, starts_local) -> int:
    patient = patients.register_patient(staff.receptionist, family_name=family_name, given_name="Aisha",
                                        date_of_birth=date(1980, 3, 4))
    episode_id = episodes.open_episode(staff.clinician, patient.id, first_contact_on=date(2026, 11, 20),
                                       presentation="non_specific", severity="mild").episode_id
    review = Appointment.get((Appointment.episode == episode_id) & (Appointment.kind == "two_week_review"))
    return appointments.book_appointment(staff.receptionist, review.id, clinician_id=staff.other_clinician.user_id,
                                         starts_local=starts_local).id


def test_a_clinician_with_booked_appointments_ahead_cannot_be_deactivated(staff):
    with frozen_at(datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc)):  # Wed 25 Nov
        _booked_with_sam(staff, "Ahmed", datetime(2026, 11, 27, 9, 0))
        _booked_with_sam(staff, "Brown", datetime(2026, 11, 25, 15, 0))  # later today

        def refused():
            with pytest.raises(Conflict) as refusal:
                users.deactivate_user(staff.manager, staff.other_clinician.user_id)
            assert str(refusal.value) == ("Sam Physio still has 2 booked appointments, the first on Wed 25 Nov 2026: "
                                          "move or cancel them in the Appointment book first.")
        unchanged(refused)


def test_one_booked_appointment_is_named_on_its_own(staff):
    with frozen_at(datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc)):
        _booked_with_sam(staff, "Ahmed", datetime(2026, 11, 27, 9, 0))
        with pytest.raises(Conflict, match="^Sam Physio still has 1 booked appointment, on Fri 27 Nov 2026: move or "
                                           "cancel it in the Appointment book first.$"):
            users.deactivate_user(staff.manager, staff.other_clinician.user_id)


def test_appointments_booked_before_today_do_not_stop_a_deactivation(staff):
    with frozen_at(datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc)):
        _booked_with_sam(staff, "Ahmed", datetime(2026, 11, 26, 9, 0))
    with frozen_at(datetime(2026, 11, 27, 9, 0, tzinfo=timezone.utc)):
        assert not users.deactivate_user(staff.manager, staff.other_clinician.user_id).active


# --- deactivation hands a clinician's open work on (DESIGN.md, "The safety net") ---

AFTER_THE_REVIEW = datetime(2026, 11, 25, 9, 30, tzinfo=timezone.utc)  # Wed 25 Nov, the 09:00 review seen


def _dr_jones_work(staff) -> dict[str, int]:
    """An episode of Dr Jones's with an urgent referral to write, a drafted letter to sign and an
    attended review whose finding is owed: the item ids by kind."""
    with frozen_at(datetime(2026, 11, 25, 8, 45, tzinfo=timezone.utc)):
        patient = patients.register_patient(staff.receptionist, family_name="Khan", given_name="Aisha",
                                            date_of_birth=date(1980, 3, 4))
        episode_id = episodes.open_episode(staff.clinician, patient.id, first_contact_on=date(2026, 11, 20),
                                           presentation="radicular", severity="severe", neurological_deficit=True,
                                           red_flags=["suspected cauda equina"]).episode_id
        urgent, radicular = sorted(referrals.referrals_for_episode(staff.clinician, episode_id),
                                   key=lambda referral: not referral.urgent)
        referrals.draft_referral(staff.clinician, radicular.id, "Please assess.")
        review = Appointment.get((Appointment.episode == episode_id) & (Appointment.kind == "two_week_review"))
        appointments.book_appointment(staff.receptionist, review.id, clinician_id=staff.clinician.user_id,
                                      starts_local=datetime(2026, 11, 25, 9, 0))
    with frozen_at(datetime(2026, 11, 25, 9, 5, tzinfo=timezone.utc)):
        appointments.record_attended(staff.receptionist, review.id)
    return {"referral_to_write": urgent.id, "letter_to_sign": radicular.id, "finding_to_record": review.id}


def _owners(actor, work: dict[str, int]) -> dict[str, str]:
    """Whose list each item is on, read through the worklists' own query, as ``actor`` sees their list."""
    with frozen_at(AFTER_THE_REVIEW):
        found = {}
        for kind, item_id in work.items():
            rows = obligations.obligation_list(actor, kind, owner_user_id=actor.user_id).rows
            found[kind] = next((row.owner_name for row in rows if row.item_id == item_id), "not on the list")
        return found


def _deactivate(staff, user, **options):
    with frozen_at(AFTER_THE_REVIEW):
        return users.deactivate_user(staff.manager, user.user_id, **options)


def test_a_clinician_with_open_work_is_deactivated_only_once_someone_is_named_to_take_it(staff):
    _dr_jones_work(staff)

    def refused():
        with pytest.raises(ValidationError, match="Choose who takes over the open items"):
            _deactivate(staff, staff.clinician)
    unchanged(refused)


def test_the_dialog_is_told_how_much_open_work_a_clinician_has(staff):
    _dr_jones_work(staff)
    with frozen_at(AFTER_THE_REVIEW):
        work = users.open_work_of(staff.manager, staff.clinician.user_id)
        nothing = users.open_work_of(staff.manager, staff.receptionist.user_id)
    assert (work.items, work.by_kind, work.open_episodes, work.needs_handover) == (
        3, {"referral_to_write": 1, "letter_to_sign": 1, "finding_to_record": 1}, 1, True)
    assert not nothing.needs_handover


def test_a_deactivated_clinicians_open_work_goes_to_the_colleague_named(staff):
    work = _dr_jones_work(staff)
    _deactivate(staff, staff.clinician, hand_over_to=staff.other_clinician.user_id)
    assert _owners(staff.other_clinician, work) == dict.fromkeys(work, "Sam Physio")
    assert last_event().summary == ("deactivated the clinician account drjones; 3 open items handed on: "
                                    "3 to Sam Physio")
    assert json.loads(last_event().details)["items_went"] == {"Sam Physio": 3}


def test_a_deactivated_clinicians_open_work_may_go_to_the_unassigned_list(staff):
    work = _dr_jones_work(staff)
    _deactivate(staff, staff.clinician, hand_over_to=UNASSIGNED)
    # The letter she drafted and the finding of the visit she saw still name her, so the list says who left.
    assert _owners(staff.other_clinician, work) == {
        "referral_to_write": "Unassigned", "letter_to_sign": "Unassigned (Dr Alys Jones is inactive)",
        "finding_to_record": "Unassigned (Dr Alys Jones is inactive)"}
    assert last_event().summary.endswith("; 3 open items handed on: 3 to the unassigned list")


def test_after_a_deactivation_every_open_item_is_on_an_active_users_list(staff):
    _dr_jones_work(staff)
    _deactivate(staff, staff.clinician, hand_over_to=UNASSIGNED)
    active = {user.full_name for user in users.list_users(staff.manager) if user.active}
    with frozen_at(AFTER_THE_REVIEW):
        rows = obligations.open_work(staff.manager, limit=1000).rows
        for row in rows:
            if obligations.KINDS[row.kind].personal:
                listed = obligations.obligation_list(staff.other_clinician, row.kind,
                                                     owner_user_id=staff.other_clinician.user_id).rows
                assert row.item_id in [item.item_id for item in listed], row
            else:
                assert row.owner_name in ("Reception", "Clinicians", "Practice manager") or row.owner_name in active
    assert {row.kind for row in rows} >= {"referral_to_write", "letter_to_sign", "finding_to_record"}


def test_reactivating_does_not_take_back_the_work_handed_on(staff):
    work = _dr_jones_work(staff)
    _deactivate(staff, staff.clinician, hand_over_to=staff.other_clinician.user_id)
    with frozen_at(AFTER_THE_REVIEW):
        users.reactivate_user(staff.manager, staff.clinician.user_id)
    owners = _owners(staff.other_clinician, work)
    assert owners["referral_to_write"] == "Sam Physio"  # the episode stays Sam's
    # What Dr Jones drafted or saw is theirs again, and the audit event says so.
    assert _owners(staff.clinician, work) | {"referral_to_write": "-"} == {
        "referral_to_write": "-", "letter_to_sign": "Dr Alys Jones", "finding_to_record": "Dr Alys Jones"}
    assert last_event().summary == ("reactivated the clinician account drjones; 2 open items they drafted or saw "
                                    "return to their list")


def test_open_work_is_not_handed_to_the_person_leaving_nor_to_a_receptionist(staff):
    _dr_jones_work(staff)
    with pytest.raises(ValidationError, match="Dr Alys Jones is the one leaving"):
        _deactivate(staff, staff.clinician, hand_over_to=staff.clinician.user_id)
    with pytest.raises(ValidationError, match="Rita Reception is not a clinician"):
        _deactivate(staff, staff.clinician, hand_over_to=staff.receptionist.user_id)


def test_someone_with_no_open_work_is_deactivated_without_naming_anyone(staff):
    assert not users.deactivate_user(staff.manager, staff.receptionist.user_id).active
    assert "handed_to" in json.loads(last_event().details)


def test_the_last_active_clinician_is_not_deactivated_while_clinical_work_is_open(staff):
    _dr_jones_work(staff)
    _deactivate(staff, staff.other_clinician, hand_over_to=UNASSIGNED)
    with pytest.raises(Conflict, match="Dr Alys Jones is the only active clinician and clinical work is open "
                                       r"\(referrals to write 1, letters to sign 1, findings to record 1\)"):
        _deactivate(staff, staff.clinician, hand_over_to=UNASSIGNED)
    assert User.get_by_id(staff.clinician.user_id).active


def test_a_clinician_who_owns_open_work_keeps_their_role_until_it_is_handed_on(staff):
    _dr_jones_work(staff)
    with pytest.raises(Conflict, match="You cannot change Dr Alys Jones's role while they own clinical work"):
        users.edit_user(staff.manager, staff.clinician.user_id, role="receptionist")
    assert User.get_by_id(staff.clinician.user_id).role == "clinician"


def test_a_clinician_without_open_work_may_change_role(staff):
    with frozen_at(datetime(2026, 11, 25, 8, 45, tzinfo=timezone.utc)):
        record = users.edit_user(staff.manager, staff.other_clinician.user_id, role="receptionist")
    assert record.role == "receptionist"
