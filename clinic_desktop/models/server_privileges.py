"""What each staff role may do to each table on a PostgreSQL server: the one table the grants come from.

The app's permission table (services/core/permissions.py) says what a role may ask for; this says
what the server lets its login do, so that someone who takes a workstation's login to psql can do
no more than the app would. It was read off the services' writes: every staff role registers and
edits patients, books and cancels, and its changes re-run the pathway (services/episodes/
pathway_sync.py), which raises and closes appointments, referrals and warnings and locks the episode
(FOR UPDATE needs UPDATE) whoever's change set it off; only a clinician records clinical findings
and signs letters; only the manager keeps accounts, settings and the directory of destinations.

No role may DELETE a clinical row: nothing in the app deletes one (a record is closed or cancelled
with a reason). The audit log and signed letter versions are write-once (INSERT, never UPDATE).
Secret columns (password material) are readable by nobody but the owner role.
"""
from __future__ import annotations

RECEPTIONIST = "receptionist"
CLINICIAN = "clinician"
MANAGER = "practice_manager"
STAFF_ROLES = (RECEPTIONIST, CLINICIAN, MANAGER)

READ = ("SELECT",)
APPEND = ("SELECT", "INSERT")
WRITE = ("SELECT", "INSERT", "UPDATE")
KEEP = ("SELECT", "INSERT", "UPDATE", "DELETE")  # administrative lists only, never a clinical row


def _everyone(privileges: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    return dict.fromkeys(STAFF_ROLES, privileges)


def _clinical_record() -> dict[str, tuple[str, ...]]:
    """A finding only a clinician records; everyone reads it (the patient view, letters, lists)."""
    return {RECEPTIONIST: READ, CLINICIAN: WRITE, MANAGER: READ}


def _kept_by_manager() -> dict[str, tuple[str, ...]]:
    return {RECEPTIONIST: READ, CLINICIAN: READ, MANAGER: WRITE}


# table -> staff role -> privileges on it. Every table of ALL_MODELS has a row
# (tests/models/test_server_privileges.py), so a new table is never silently unreadable or open.
TABLE_PRIVILEGES: dict[str, dict[str, tuple[str, ...]]] = {
    "user": _kept_by_manager(),
    "patient": _everyone(WRITE),
    # what the pathway keeps for every staff role's change (see the docstring)
    "episode": _everyone(WRITE),
    "appointment": _everyone(WRITE),
    "referral": _everyone(WRITE),
    "pathway_warning": _everyone(WRITE),
    "waiting_list_entry": _everyone(WRITE),
    "reminder": {RECEPTIONIST: WRITE, CLINICIAN: READ, MANAGER: WRITE},
    # what each clinician's exported calendar was last given: every role may export a calendar
    "calendar_event": _everyone(WRITE),
    "referral_recipient": {RECEPTIONIST: READ, CLINICIAN: WRITE, MANAGER: WRITE},
    "medication": _clinical_record(),
    "radicular_status": _clinical_record(),
    "red_flag_record": _clinical_record(),
    "start_back_assessment": _clinical_record(),
    "twelve_week_outcome": _clinical_record(),
    "initial_management": _clinical_record(),
    "improvement_measure": _clinical_record(),
    "management_plan": _clinical_record(),
    "imaging_request": _clinical_record(),
    # a signed letter never changes: its versions are only ever added, by the clinician signing
    "letter_version": {RECEPTIONIST: READ, CLINICIAN: APPEND, MANAGER: READ},
    "audit_event": _everyone(APPEND),
    "referral_destination": _kept_by_manager(),
    "destination_kind": {RECEPTIONIST: READ, CLINICIAN: READ, MANAGER: KEEP},
    "clinic_setting": _kept_by_manager(),
    # when each clinician works and is away: the manager keeps it, everyone books by it
    "clinician_session": _kept_by_manager(),
    "clinician_leave": _kept_by_manager(),
    # letter signing (services/referrals/signing_keys.py): a manager's sign-in makes the clinic's
    # authority and issues waiting certificates; a clinician's sign-in makes their own key. The
    # keys are stored encrypted under their owner's password, and signing reads its own.
    "signing_authority": _kept_by_manager(),
    "signing_key": {RECEPTIONIST: READ, CLINICIAN: WRITE, MANAGER: WRITE},
    "schema_version": _everyone(READ),
}

# table -> columns nobody but the owner reads: password material. Key material a later table
# holds goes here too; the grants give SELECT on every other column.
SECRET_COLUMNS: dict[str, tuple[str, ...]] = {
    "user": ("password_hash",),
}
