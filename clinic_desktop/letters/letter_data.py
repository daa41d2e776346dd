"""What the printed documents (letters, the leaflet, reports) say, as plain data: no drawing library here.

The services that gather a letter's contents import these at start; reportlab, a quarter
of a second to import, comes in only with the renderers (``referral_letter``,
``patient_leaflet``, ``layout``), when a PDF is first drawn.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class LetterClinic:
    name: str
    address: str
    telephone: str
    time_zone: str = "Europe/London"  # times on the letter read as the clinic's staff read them
    logo: bytes | None = None  # PNG or JPEG bytes, printed at the top left of the letterhead


def day_text(day: date | None, weekday: bool = False) -> str:
    """'3 Mar 2025' (or 'Mon 3 Mar 2025'), the same on every locale: Qt sets the C locale's %b."""
    if day is None:
        return "not recorded"
    text = f"{day.day} {MONTHS[day.month - 1]} {day.year}"
    return f"{_WEEKDAYS[day.weekday()]} {text}" if weekday else text


def clinic_time_text(moment: datetime, time_zone: str) -> str:
    """'14 Mar 2025 at 10:32 GMT': an instant as the clinic's staff read it."""
    local = moment.astimezone(ZoneInfo(time_zone))
    return f"{day_text(local.date())} at {local:%H:%M} {local.tzname()}"


@dataclass(frozen=True)
class LetterPatient:
    """Who the letter is about, and how the receiving service reaches them and their GP."""

    name: str
    date_of_birth: date | None
    nhs_number_display: str
    address: str
    sex: str | None = None
    mobile: str = ""
    telephone: str = ""
    gp_practice_name: str = ""
    gp_practice_ods: str = ""
    interpreter_language: str | None = None  # None: no interpreter needed

    @property
    def phones(self) -> tuple[str, ...]:
        """("07700 900123 (mobile)", "0117 496 0001"): the mobile first, each number whole."""
        mobile = f"{self.mobile} (mobile)" if self.mobile else ""
        return tuple(number for number in (mobile, self.telephone) if number)

    @property
    def gp_practice(self) -> str:
        """"Riverside Medical Practice (ODS L99001)", or "" when not known."""
        code = f"ODS {self.gp_practice_ods}" if self.gp_practice_ods else ""
        if self.gp_practice_name and code:
            return f"{self.gp_practice_name} ({code})"
        return self.gp_practice_name or code


@dataclass(frozen=True)
class LetterRecipient:
    """A destination from the practice manager's directory, as the letter addresses it."""

    name: str
    department: str = ""
    address: str = ""
    telephone: str = ""
    email: str = ""


@dataclass(frozen=True)
class HistoryEntry:
    """One row of the pathway history: a label and its lines ("Medication", one line a medicine)."""

    label: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class LetterSigner:
    name: str
    role: str  # as printed: the professional title ("Physiotherapist"), else the role
    registration_number: str
    signed_at_utc: datetime
    meaning: str = "referring clinician"


@dataclass(frozen=True)
class PlanDetails:
    """A management plan as printed: for the patient, and in the physiotherapy letters.

    Treatments and lifestyle changes are keys of pathway/care_options.py; each document words
    them for its reader (the letter in the source's terms, the printout for the patient).
    """

    agreed_on: date
    agreed_by: str
    goals: str
    treatments: tuple[str, ...]
    lifestyle: tuple[str, ...]
    bmi: str = ""  # "31.2"; "" when not recorded


@dataclass(frozen=True)
class PlanPrintout:
    """The plan the patient takes home."""

    patient: PatientPage
    plan: PlanDetails


@dataclass(frozen=True)
class ReferralLetter:
    """One version of a referral letter; signer None makes it a draft."""

    clinic: LetterClinic
    patient: LetterPatient
    referral_kind: str
    kind_title: str
    urgent: bool
    due_by: date | None
    reason: str
    history: tuple[HistoryEntry, ...]
    clinician_text: str
    recipient: LetterRecipient | None = None  # None: addressed to the kind's service by name
    referral_id: int | None = None
    version: int = 1
    amendment_reason: str | None = None
    signer: LetterSigner | None = None
    plan: PlanDetails | None = None  # the management plan that stands (physiotherapy letters)
    requested_options: tuple[str, ...] = ()  # what the letter asks the service to consider, as printed
    keywords: str = ""  # the PDF's Keywords: a signed letter's identity (pdf_signature.LetterIdentity)


@dataclass(frozen=True)
class PatientPage:
    """Who a page the patient takes home is from and for (the leaflet, their plan)."""

    clinic: LetterClinic
    patient_name: str  # as the patient reads it: "Ann Smith"
    patient_identity: str  # for the footer: "SMITH, Ann · NHS number 943 476 5919"


@dataclass(frozen=True)
class PatientLeaflet(PatientPage):
    printed_on: date
    # The self-care resources the clinician gave at first contact (keys of
    # care_options.SELF_CARE_RESOURCES) and that day; empty and None when none is on record.
    resources_given: tuple[str, ...] = ()
    given_on: date | None = None


@dataclass(frozen=True)
class AppointmentConfirmation(PatientPage):
    """A booked appointment as the patient is told it: when, where, with whom, what it is."""

    starts_at: datetime  # UTC; printed in the clinic's zone
    ends_at: datetime  # UTC
    clinician_name: str
    clinician_title: str  # "Physiotherapist"; the role when no title is recorded
    kind: str  # an appointment kind (models/appointments.APPOINTMENT_KINDS)
    printed_on: date


@dataclass(frozen=True)
class WeeklyChart:
    """A bar a week; ``None`` leaves the week empty (nothing was counted)."""

    value_label: str  # the y axis: "% of reviews", "days (median)"
    week_labels: tuple[str, ...]  # "7 Sep"
    values: tuple[float | None, ...]
    top: float | None = None  # the axis maximum (100 for a share); None: from the data


@dataclass(frozen=True)
class ReportTable:
    heading: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]  # relative column widths
    note: str = ""  # what the figures mean, printed under the heading
    right_aligned: tuple[int, ...] = ()  # column numbers holding figures
    compact: bool = False  # many narrow columns (a week each): smaller type, less padding
    empty: str = "Nothing to list."
    chart: WeeklyChart | None = None  # drawn above the table


@dataclass(frozen=True)
class PrintedReport:
    title: str  # "Overdue dashboard"
    clinic_name: str
    as_of: date
    produced_at: datetime  # UTC
    time_zone: str
    summary: str = ""
    tables: tuple[ReportTable, ...] = field(default_factory=tuple)
