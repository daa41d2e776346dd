"""peewee models of the clinical record, bound late to SQLite or PostgreSQL."""
from clinic_desktop.models.appointments import Appointment
from clinic_desktop.models.audit import AuditEvent
from clinic_desktop.models.calendar_events import CalendarEvent
from clinic_desktop.models.care import ImagingRequest, ImprovementMeasure, InitialManagement, ManagementPlan
from clinic_desktop.models.database import (
    bind_database,
    database_proxy,
    is_sqlite,
    make_database,
)
from clinic_desktop.models.destinations import DestinationKind, ReferralDestination, ReferralRecipient
from clinic_desktop.models.episodes import (
    Episode,
    Medication,
    PathwayWarning,
    RadicularStatus,
    RedFlagRecord,
    StartBackAssessment,
    TwelveWeekOutcome,
)
from clinic_desktop.models.patients import Patient
from clinic_desktop.models.referrals import LetterVersion, Referral
from clinic_desktop.models.reminders import Reminder
from clinic_desktop.models.sessions import ClinicianLeave, ClinicianSession
from clinic_desktop.models.settings import ClinicSetting, SchemaVersion
from clinic_desktop.models.signing import SigningAuthority, SigningKey
from clinic_desktop.models.users import User
from clinic_desktop.models.waiting_list import WaitingListEntry

# In dependency order: a table comes after every table it points to.
ALL_MODELS = (
    User,
    SigningAuthority,
    SigningKey,
    Patient,
    Episode,
    Medication,
    RadicularStatus,
    RedFlagRecord,
    StartBackAssessment,
    TwelveWeekOutcome,
    InitialManagement,
    ImprovementMeasure,
    ManagementPlan,
    ImagingRequest,
    PathwayWarning,
    Appointment,
    Reminder,
    WaitingListEntry,
    CalendarEvent,
    Referral,
    LetterVersion,
    ReferralDestination,
    DestinationKind,
    ReferralRecipient,
    ClinicianSession,
    ClinicianLeave,
    AuditEvent,
    ClinicSetting,
    SchemaVersion,
)

__all__ = [
    "ALL_MODELS",
    "Appointment",
    "AuditEvent",
    "CalendarEvent",
    "ClinicSetting",
    "ClinicianLeave",
    "ClinicianSession",
    "DestinationKind",
    "Episode",
    "ImagingRequest",
    "ImprovementMeasure",
    "InitialManagement",
    "LetterVersion",
    "ManagementPlan",
    "Medication",
    "PathwayWarning",
    "Patient",
    "RadicularStatus",
    "RedFlagRecord",
    "Referral",
    "ReferralDestination",
    "ReferralRecipient",
    "Reminder",
    "SchemaVersion",
    "SigningAuthority",
    "SigningKey",
    "StartBackAssessment",
    "TwelveWeekOutcome",
    "User",
    "WaitingListEntry",
    "bind_database",
    "database_proxy",
    "is_sqlite",
    "make_database",
]
