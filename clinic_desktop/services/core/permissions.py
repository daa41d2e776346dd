"""The one table of who may do what. Every service checks it before doing anything."""
from __future__ import annotations

from clinic_desktop.services.core.errors import PermissionDenied

__all__ = ["CLINICIAN", "COMMAND_LINE", "MANAGER", "PERMISSIONS", "RECEPTIONIST", "allowed", "require"]

RECEPTIONIST = "receptionist"
CLINICIAN = "clinician"
MANAGER = "practice_manager"
COMMAND_LINE = "command_line"

_STAFF = frozenset({RECEPTIONIST, CLINICIAN, MANAGER})

PERMISSIONS: dict[str, frozenset[str]] = {
    # patients
    "register_patient": _STAFF,
    "edit_patient": _STAFF,
    "view_patient": _STAFF,
    # clinical record: clinicians only
    "open_episode": frozenset({CLINICIAN}),
    "record_clinical_fact": frozenset({CLINICIAN}),
    "acknowledge_warning": frozenset({CLINICIAN}),
    "discharge_episode": frozenset({CLINICIAN}),
    # appointments: the front desk books; clinicians may too
    "book_appointment": _STAFF,
    "cancel_appointment": _STAFF,
    "record_attendance": _STAFF,
    # who works when: each clinician's sessions and leave, kept by the manager
    "manage_sessions": frozenset({MANAGER}),
    # referrals
    "raise_referral": frozenset({CLINICIAN}),
    "draft_referral": frozenset({CLINICIAN}),
    "sign_referral": frozenset({CLINICIAN}),
    "send_referral": frozenset({RECEPTIONIST, MANAGER}),
    "record_referral_reply": _STAFF,
    "cancel_referral": frozenset({CLINICIAN, MANAGER}),
    # letters: signed, unsent letters exported in a batch (also by a scheduled job)
    "export_letters": frozenset({RECEPTIONIST, MANAGER, COMMAND_LINE}),
    # the directory of referral destinations: kept by the manager, read by everyone
    "view_destinations": _STAFF,
    "manage_destinations": frozenset({MANAGER}),
    # reading worklists and reports
    "view_worklists": _STAFF | {COMMAND_LINE},
    # administration
    "manage_users": frozenset({MANAGER}),
    "manage_settings": frozenset({MANAGER}),
    # practice manager's reports: the dashboard, its lists and their exports (also scheduled jobs)
    "view_reports": frozenset({MANAGER, COMMAND_LINE}),
    # the audit trail: read and exported by the manager; its hash chain checked by a job too
    "view_audit": frozenset({MANAGER, COMMAND_LINE}),
    # backups: taken by the manager or a scheduled job; a restore replaces every record
    "back_up_database": frozenset({MANAGER, COMMAND_LINE}),
    "restore_database": frozenset({MANAGER, COMMAND_LINE}),
    # data exchange with other systems
    "export_calendar": _STAFF | {COMMAND_LINE},
    "export_patient_record": frozenset({CLINICIAN, MANAGER, COMMAND_LINE}),
    "import_patients": frozenset({MANAGER, COMMAND_LINE}),
    "export_patients": frozenset({MANAGER, COMMAND_LINE}),  # every patient's details at once: a bulk disclosure
    "export_every_record": frozenset({MANAGER, COMMAND_LINE}),  # every patient's whole record: a bulk disclosure
    # messages to patients: appointment reminders (also by a scheduled job), a document e-mailed
    "send_reminders": frozenset({RECEPTIONIST, MANAGER, COMMAND_LINE}),
    "email_patient": _STAFF,
}


def allowed(role: str, permission: str) -> bool:
    if permission not in PERMISSIONS:
        raise KeyError(f"unknown permission {permission!r}")
    return role in PERMISSIONS[permission]


def require(actor, permission: str) -> None:
    if not allowed(actor.role, permission):
        readable = permission.replace("_", " ")
        raise PermissionDenied(f"{actor.full_name} ({actor.role.replace('_', ' ')}) may not {readable}")
