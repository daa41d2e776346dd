"""A patient's whole story in date order: every fact, review, referral and letter.

Built from the rows themselves (each fact keeps its date and who recorded it), one
query a table for all of the patient's episodes, and returned as plain data with each
episode's day 0, so the view can draw the 2-week and 12-week marks without querying.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

from clinic_desktop.models import (
    Appointment,
    AuditEvent,
    Episode,
    ImagingRequest,
    InitialManagement,
    LetterVersion,
    ManagementPlan,
    Medication,
    PathwayWarning,
    Patient,
    RadicularStatus,
    RedFlagRecord,
    Referral,
    StartBackAssessment,
    TwelveWeekOutcome,
    User,
)
from clinic_desktop.pathway.care_options import IMAGING_MODALITIES
from clinic_desktop.pathway.pitfalls.plans import treatment_words
from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.services.core.clinic_time import format_day, format_time
from clinic_desktop.services.core.errors import NotFound
from clinic_desktop.services.core.transaction import service
from clinic_desktop.services.episodes.advice_words import advice_in_words
from clinic_desktop.services.episodes.measures import MeasureRecord, episode_measures
from clinic_desktop.services.episodes.medications import category_words
from clinic_desktop.services.episodes.pathway_sync import capitalised, split_lines
from clinic_desktop.services.patients.nhs_number import format_nhs_number
from clinic_desktop.services.worklists.worklists import KIND_TITLES

__all__ = ["EVENT_KINDS", "EpisodeSpan", "PatientHeader", "PatientTimeline", "TimelineEvent", "patient_timeline"]

# Within one instant, events read in the order the pathway produces them.
EVENT_KINDS = (
    "first_contact", "first_contact_advice", "medication_started", "radicular_findings", "red_flags",
    "imaging_requested", "start_back", "improvement_measured", "plan_agreed",
    "warning_raised", "warning_acknowledged", "appointment_to_book", "appointment_booked",
    "appointment_attended", "appointment_did_not_attend", "appointment_cancelled",
    "referral_raised", "referral_drafted", "referral_signed", "referral_sent",
    "referral_acknowledged", "referral_closed", "referral_cancelled", "medication_stopped",
    "twelve_week_outcome", "discharge",
)
_RANK = {kind: rank for rank, kind in enumerate(EVENT_KINDS)}
_PRESENTATIONS = {"non_specific": "Non-specific low back pain", "radicular": "Radicular pain"}


@dataclass(frozen=True)
class TimelineEvent:
    on: date  # the clinic-local date it happened or applies to
    at: datetime | None  # the UTC instant, when known
    episode_id: int
    kind: str  # one of EVENT_KINDS
    title: str
    detail: str


@dataclass(frozen=True)
class PatientHeader:
    patient_id: int
    patient_name: str  # "SMITH, Ann"
    family_name: str
    given_name: str
    nhs_number: str  # "943 476 5919", or ""
    date_of_birth: date
    sex: str | None
    address: str
    postcode: str
    telephone: str
    hepatic_impairment: str


@dataclass(frozen=True)
class EpisodeSpan:
    """An episode's span; day 0 is the first contact, from which the 2- and 12-week marks count."""

    episode_id: int
    day_zero: date
    status: str
    discharged_on: date | None
    presentation: str
    severity: str
    clinician_name: str


@dataclass(frozen=True)
class PatientTimeline:
    patient: PatientHeader
    episodes: tuple[EpisodeSpan, ...]
    events: tuple[TimelineEvent, ...]
    measures: tuple[MeasureRecord, ...] = ()  # pain and function over time, oldest first (drawn as lines)


@service("view_patient", changes=False)
def patient_timeline(actor, patient_id: int) -> PatientTimeline:
    """The patient's record and every event of every episode, oldest first."""
    patient = Patient.get_or_none(Patient.id == patient_id)
    if patient is None:
        raise NotFound(f"There is no patient with record number {patient_id}.")
    episodes = list(Episode.select().where(Episode.patient == patient).order_by(Episode.first_contact_on, Episode.id))
    record = _Record.read([episode.id for episode in episodes], patient.id)
    names = _names(record.user_ids() | {episode.clinician_id for episode in episodes})
    events = _Events(load_settings().zone, names)
    for episode in episodes:
        events.add_episode(episode, record.advice.get(episode.id))
    events.add_facts(record)
    events.add_appointments(record.appointments)
    events.add_referrals(record.referrals, record.letters, record.drafted_at)
    return PatientTimeline(
        patient=_header(patient),
        episodes=tuple(
            EpisodeSpan(episode.id, episode.first_contact_on, episode.status, episode.discharged_on,
                        episode.presentation, episode.severity, names.get(episode.clinician_id, ""))
            for episode in episodes
        ),
        events=events.in_order(),
        measures=record.measures,
    )


def _header(patient: Patient) -> PatientHeader:
    return PatientHeader(
        patient_id=patient.id, patient_name=patient.display_name, family_name=patient.family_name,
        given_name=patient.given_name,
        nhs_number=format_nhs_number(patient.nhs_number) if patient.nhs_number else "",
        date_of_birth=patient.date_of_birth, sex=patient.sex, address=patient.address,
        postcode=patient.postcode, telephone=patient.telephone, hepatic_impairment=patient.hepatic_impairment,
    )


@dataclass
class _Record:
    """Every row the timeline shows, read one query a table."""

    medications: list
    radicular: list
    red_flags: list
    start_back: list
    plans: list
    outcomes: list
    advice: dict[int, InitialManagement]  # by episode id; none for an episode opened before it was asked
    imaging: list
    warnings: list
    appointments: list
    referrals: list
    letters: list
    drafted_at: dict[int, datetime]  # referral id -> when its letter was first drafted
    measures: tuple[MeasureRecord, ...]

    @classmethod
    def read(cls, episode_ids: list[int], patient_id: int) -> "_Record":
        def rows(model):
            return list(model.select().where(model.episode.in_(episode_ids)).order_by(model.id))

        letters = (LetterVersion.select(LetterVersion.id, LetterVersion.referral, LetterVersion.version,
                                        LetterVersion.signed_at, LetterVersion.signer_name, LetterVersion.signer_role,
                                        LetterVersion.signer_registration, LetterVersion.meaning,
                                        LetterVersion.amendment_reason)  # not the PDF bytes
                   .join(Referral).where(Referral.episode.in_(episode_ids)).order_by(LetterVersion.id))
        # Only the audit trail knows when a letter was first drafted (the row keeps its latest state).
        drafts = (AuditEvent.select(AuditEvent.entity_id, AuditEvent.at)
                  .where((AuditEvent.patient == patient_id) & (AuditEvent.entity == "referral")
                         & (AuditEvent.action == "draft_referral"))
                  .order_by(AuditEvent.at.desc()))
        return cls(
            medications=rows(Medication), radicular=rows(RadicularStatus), red_flags=rows(RedFlagRecord),
            start_back=rows(StartBackAssessment), plans=rows(ManagementPlan), outcomes=rows(TwelveWeekOutcome),
            warnings=rows(PathwayWarning),
            advice={row.episode_id: row for row in rows(InitialManagement)}, imaging=rows(ImagingRequest),
            appointments=rows(Appointment), referrals=rows(Referral), letters=list(letters),
            drafted_at={event.entity_id: event.at for event in drafts},
            measures=episode_measures(*episode_ids),
        )

    def user_ids(self) -> set[int]:
        ids = {row.recorded_by_id for table in (self.medications, self.radicular, self.red_flags, self.start_back,
                                                self.plans, self.outcomes, self.advice.values(), self.imaging,
                                                self.measures)
               for row in table}
        ids |= {row.acknowledged_by_id for row in self.warnings}
        ids |= {row.clinician_id for row in self.appointments}
        ids |= {row.drafted_by_id for row in self.referrals}
        return ids - {None}


def _names(user_ids: set[int]) -> dict[int, str]:
    query = User.select(User.id, User.full_name).where(User.id.in_(sorted(user_ids)))
    return {user.id: user.full_name for user in query} if user_ids else {}


class _Events:
    """Collects the events, dating instants in the clinic's zone."""

    def __init__(self, zone: ZoneInfo, names: dict[int, str]):
        self.zone = zone
        self.names = names
        self.events: list[tuple[tuple, TimelineEvent]] = []

    def in_order(self) -> tuple[TimelineEvent, ...]:
        return tuple(event for _key, event in sorted(self.events, key=lambda pair: pair[0]))

    def day(self, on: date, at: datetime | None, episode_id: int, kind: str, title: str, detail: str,
            source_id: int) -> None:
        """An event of a clinic date; ``at`` (when it was recorded) kept only if on that date."""
        if at is not None and at.astimezone(self.zone).date() != on:
            at = None
        start_of_day = datetime.combine(on, time.min, self.zone).astimezone(timezone.utc)
        key = (on, at or start_of_day, _RANK[kind], episode_id, source_id)
        self.events.append((key, TimelineEvent(on, at, episode_id, kind, title, detail)))

    def instant(self, at: datetime, episode_id: int, kind: str, title: str, detail: str, source_id: int) -> None:
        self.day(at.astimezone(self.zone).date(), at, episode_id, kind, title, detail, source_id)

    def by(self, user_id: int | None, text: str = "") -> str:
        """``text``, then who did it when known: "Score 6/9 — by Dr Alys Jones"."""
        who = f"by {self.names[user_id]}" if user_id in self.names else ""
        return " — ".join(part for part in (text, who) if part)

    def add_episode(self, episode: Episode, advice: InitialManagement | None) -> None:
        """The first contact, with its advice as an event of its own when every answer was asked."""
        detail = f"{_PRESENTATIONS[episode.presentation]}, {episode.severity}"
        if advice is None:
            ticked = [text for given, text in ((episode.advised_stay_active, "advised to stay active"),
                                               (episode.advised_no_bed_rest, "advised against bed rest"),
                                               (episode.self_care_education, "self-care education given")) if given]
            detail += f"; {', '.join(ticked)}" if ticked else "; no advice recorded"
        detail += f". {episode.notes}" if episode.notes else ""
        self.day(episode.first_contact_on, episode.created_at, episode.id, "first_contact", "First contact",
                 self.by(episode.clinician_id, detail), episode.id)
        if advice is not None:
            self.day(episode.first_contact_on, advice.recorded_at, episode.id, "first_contact_advice",
                     "First-contact advice", self.by(advice.recorded_by_id, advice_in_words(advice)), advice.id)
        if episode.discharged_on:
            self.day(episode.discharged_on, None, episode.id, "discharge", "Discharged",
                     episode.discharge_reason or "", episode.id)

    def add_facts(self, record: _Record) -> None:
        for row in record.medications:
            category = category_words(row.category)
            detail = f"{category}, {row.dose}" if row.dose else category
            self.day(row.started_on, row.recorded_at, row.episode_id, "medication_started",
                     f"Started {row.name}", self.by(row.recorded_by_id, detail), row.id)
            if row.stopped_on:
                self.day(row.stopped_on, None, row.episode_id, "medication_stopped", f"Stopped {row.name}",
                         detail, row.id)
        for row in record.radicular:
            found = [text for present, text in ((row.severe_radicular_pain, "severe radicular pain"),
                                                (row.neurological_deficit, "neurological deficit")) if present]
            detail = "; ".join(found).capitalize() if found else "No severe radicular pain or neurological deficit"
            self.day(row.recorded_on, row.recorded_at, row.episode_id, "radicular_findings", "Radicular findings",
                     self.by(row.recorded_by_id, _with_notes(detail, row.notes)), row.id)
        for row in record.red_flags:
            flags = "; ".join(line.strip() for line in row.flags.splitlines() if line.strip())
            self.day(row.recorded_on, row.recorded_at, row.episode_id, "red_flags", "Red flags recorded",
                     self.by(row.recorded_by_id, _with_notes(flags, row.notes)), row.id)
        for row in record.imaging:
            self.day(row.requested_on, row.recorded_at, row.episode_id, "imaging_requested",
                     f"{IMAGING_MODALITIES[row.modality]} requested", self.by(row.recorded_by_id, row.reason), row.id)
        for row in record.start_back:
            self.day(row.assessed_on, row.recorded_at, row.episode_id, "start_back", f"STarT Back: {row.risk} risk",
                     self.by(row.recorded_by_id, f"Score {row.total}/9, psychosocial subscore {row.psychosocial}/5"),
                     row.id)
        for row in record.plans:
            treatments = treatment_words(split_lines(row.treatments)) or "no treatment"
            self.day(row.agreed_on, row.recorded_at, row.episode_id, "plan_agreed", "Management plan agreed",
                     self.by(row.recorded_by_id, f"Treatments: {treatments}"), row.id)
        for row in record.measures:
            self.day(row.measured_on, row.recorded_at, row.episode_id, "improvement_measured",
                     f"Measured at the {row.occasion_label.lower()}",
                     self.by(row.recorded_by_id, _with_notes(capitalised(row.summary), row.notes)), row.id)
        for row in record.outcomes:
            title = "12-week outcome: improved" if row.improved else "12-week outcome: not improved"
            self.day(row.recorded_on, row.recorded_at, row.episode_id, "twelve_week_outcome", title,
                     self.by(row.recorded_by_id, row.notes), row.id)
        for row in record.warnings:
            must = " (must be acknowledged)" if row.requires_acknowledgement else ""
            self.instant(row.raised_at, row.episode_id, "warning_raised", "Warning", row.message + must, row.id)
            if row.acknowledged_at:
                self.instant(row.acknowledged_at, row.episode_id, "warning_acknowledged", "Warning acknowledged",
                             self.by(row.acknowledged_by_id, row.message), row.id)

    def add_appointments(self, appointments: list[Appointment]) -> None:
        for row in appointments:
            title = KIND_TITLES[row.kind]
            detail = f"Due by {format_day(row.due_by)}"
            detail += " (rebooked after a did-not-attend)" if row.rebooked_from_id else ""
            detail += f". {row.reason}" if row.reason else ""
            self.instant(row.created_at, row.episode_id, "appointment_to_book", f"{title} to book", detail, row.id)
            if row.status == "cancelled":
                self.instant(row.updated_at, row.episode_id, "appointment_cancelled", f"{title} cancelled",
                             row.cancel_reason or "", row.id)
            elif row.status != "to_book":
                self.instant(row.starts_at, row.episode_id, f"appointment_{row.status}",
                             _APPOINTMENT_TITLES[row.status].format(title=title), self.slot(row), row.id)

    def slot(self, row: Appointment) -> str:
        starts, ends = row.starts_at.astimezone(self.zone), row.ends_at.astimezone(self.zone)
        text = f"{format_day(starts.date())} {format_time(starts)}–{format_time(ends)}"
        text += f" with {self.names[row.clinician_id]}" if row.clinician_id in self.names else ""
        return text + (f"; booked late: {row.late_booking_reason}" if row.late_booking_reason else "")

    def add_referrals(self, referrals: list[Referral], letters: list[LetterVersion],
                      drafted_at: dict[int, datetime]) -> None:
        signed = {letter.referral_id for letter in letters}
        for row in referrals:
            title = _referral_title(row)
            reason = f". {row.reason}" if row.reason else ""
            self.instant(row.raised_at, row.episode_id, "referral_raised", f"{title} raised",
                         f"Due by {format_day(row.due_by)}{reason}", row.id)
            drafted = drafted_at.get(row.id) or (row.updated_at if row.status == "drafted" else None)
            if drafted:
                self.instant(drafted, row.episode_id, "referral_drafted", f"{title}: letter drafted",
                             self.by(row.drafted_by_id), row.id)
            if row.signed_at and row.id not in signed:
                self.instant(row.signed_at, row.episode_id, "referral_signed", f"{title}: letter signed", "", row.id)
            for stamp, kind, verb in (("sent_at", "referral_sent", "sent"),
                                      ("acknowledged_at", "referral_acknowledged", "acknowledged"),
                                      ("closed_at", "referral_closed", "closed")):
                if getattr(row, stamp):
                    self.instant(getattr(row, stamp), row.episode_id, kind, f"{title} {verb}", "", row.id)
            if row.status == "cancelled":
                self.instant(row.updated_at, row.episode_id, "referral_cancelled", f"{title} cancelled",
                             row.cancel_reason or "", row.id)
        titles = {row.id: _referral_title(row) for row in referrals}
        episodes = {row.id: row.episode_id for row in referrals}
        for letter in letters:
            detail = (f"By {letter.signer_name} ({letter.signer_role.replace('_', ' ')}, "
                      f"{letter.signer_registration}) as {letter.meaning}")
            detail += f"; amended: {letter.amendment_reason}" if letter.amendment_reason else ""
            self.instant(letter.signed_at, episodes[letter.referral_id], "referral_signed",
                         f"{titles[letter.referral_id]}: letter signed, version {letter.version}", detail, letter.id)


_APPOINTMENT_TITLES = {
    "booked": "{title} booked",
    "attended": "{title} attended",
    "did_not_attend": "{title}: did not attend",
}


def _referral_title(referral: Referral) -> str:
    """The kind's title, marked when urgent unless the title already says so."""
    title = KIND_TITLES[referral.kind]
    return f"URGENT: {title}" if referral.urgent and not title.startswith("Urgent") else title


def _with_notes(text: str, notes: str) -> str:
    return f"{text}. {notes}" if notes else text
