"""The appointment book: booking the reviews the pathway put on the "to book" list.

A review the pathway requires never simply disappears: cancelling its booking puts it
back on the list, a did-not-attend adds a new "to book" row with the original due-by
date, and only discharge or the pathway itself cancels it outright (a booking cancelled
after discharge is cancelled for that reason). A change that depends on the episode being
open takes the episode's lock first, as discharge does, and reads its status after
that, so it cannot slip past a discharge on another workstation. A clinician is never
double-booked: the service checks, and the database refuses a booking that slips past
the check from another workstation at the same moment (models/constraints.py).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from peewee import JOIN, IntegrityError

from clinic_desktop.models import Appointment, Episode, Patient, User, database_proxy, is_sqlite
from clinic_desktop.models.appointments import SLOT_HOLDING_STATUSES
from clinic_desktop.models.constraints import DOUBLE_BOOKING_MESSAGE
from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.services.appointments.rota import Rota, refuse_outside_sessions
from clinic_desktop.services.appointments.waiting_entries import close_waiting
from clinic_desktop.services.audit import audit
from clinic_desktop.services.core import validation
from clinic_desktop.services.core.clinic_time import (
    format_day,
    format_short_day,
    format_time,
    to_local,
    to_utc,
)
from clinic_desktop.services.core.clock import now_utc, today
from clinic_desktop.services.core.entity import Entity
from clinic_desktop.services.core.errors import (
    Conflict,
    InvalidTransition,
    NotFound,
    ValidationError,
)
from clinic_desktop.services.core.transaction import service
from clinic_desktop.services.episodes.pathway_sync import (
    APPOINTMENT_LABELS,
    capitalised,
    lock_episode,
)

__all__ = ["AppointmentRecord", "add_follow_up", "appointments_for_episode", "book_appointment", "cancel_appointment",
           "cancel_booking", "describe", "get_appointment", "move_into_slot", "record_attended",
           "record_did_not_attend", "record_of", "reschedule_appointment", "take_off_booking", "when"]

_DOUBLE_BOOKING_CONSTRAINTS = (DOUBLE_BOOKING_MESSAGE, "appointment_no_double_booking")


@dataclass(frozen=True)
class AppointmentRecord:
    id: int
    episode_id: int
    patient_id: int
    patient_name: str
    kind: str
    status: str
    due_by: date
    clinician_id: int | None
    clinician_name: str | None
    starts_at: datetime | None  # UTC
    ends_at: datetime | None  # UTC
    late_booking_reason: str | None
    cancel_reason: str | None
    rebooked_from_id: int | None
    reason: str
    pathway_key: str | None  # None: a follow-up a person added, not a pathway review


@dataclass(frozen=True)
class _Slot:
    clinician: User
    starts_at: datetime
    ends_at: datetime
    late_reason: str | None


@service("book_appointment")
def book_appointment(actor, appointment_id: int, *, clinician_id: int, starts_local: datetime,
                     minutes: int | None = None, late_reason: str | None = None,
                     ambiguous: str | None = None) -> AppointmentRecord:
    """Book a "to book" appointment with a clinician at a clinic wall time."""
    appointment_id, clinician_id, late_reason = _slot_input(appointment_id, clinician_id, late_reason)
    appointment = _appointment_in(appointment_id, ("to_book",))
    slot = move_into_slot(appointment, clinician_id, starts_local, minutes, late_reason, ambiguous)
    close_waiting(appointment.id, "rebooked", actor.user_id)
    audit.record(actor, "book_appointment", Entity.APPOINTMENT, appointment.id,
                 f"booked {describe(appointment)} with {slot.clinician.full_name} at {when(slot.starts_at)}",
                 patient_id=_patient_id(appointment), **_slot_details(slot))
    return record_of(Appointment.get_by_id(appointment.id))


@service("book_appointment")
def reschedule_appointment(actor, appointment_id: int, *, clinician_id: int, starts_local: datetime,
                           minutes: int | None = None, late_reason: str | None = None,
                           ambiguous: str | None = None) -> AppointmentRecord:
    """Move a booked appointment to another time or clinician; the same rules as booking."""
    appointment_id, clinician_id, late_reason = _slot_input(appointment_id, clinician_id, late_reason)
    appointment = _appointment_in(appointment_id, ("booked",))
    was = when(appointment.starts_at)
    slot = move_into_slot(appointment, clinician_id, starts_local, minutes, late_reason, ambiguous)
    close_waiting(appointment.id, "rebooked", actor.user_id)
    audit.record(actor, "reschedule_appointment", Entity.APPOINTMENT, appointment.id,
                 f"moved {describe(appointment)} from {was} to {when(slot.starts_at)} "
                 f"with {slot.clinician.full_name}",
                 patient_id=_patient_id(appointment), was=was, **_slot_details(slot))
    return record_of(Appointment.get_by_id(appointment.id))


@service("cancel_appointment")
def cancel_booking(actor, appointment_id: int, reason: str) -> AppointmentRecord:
    """Give up the booked time: the appointment goes back on the "to book" list by its due date
    (the working day before, if the clinic has closed that day since it was booked).

    After discharge nothing is to be booked any more, so the appointment is cancelled
    ("discharged", as discharge cancels the unbooked ones) rather than left to book.
    """
    appointment_id = validation.record_id(appointment_id, "appointment")
    reason = _required_reason(reason)
    appointment, episode = _appointment_of_locked_episode(appointment_id, ("booked",))
    was = f"{when(appointment.starts_at)} with {appointment.clinician.full_name}"
    outcome = _release(appointment, episode, _on_a_working_day(appointment.due_by), None)
    close_waiting(appointment.id, "cancelled", actor.user_id)
    audit.record(actor, "cancel_booking", Entity.APPOINTMENT, appointment.id,
                 f"cancelled the booking of {describe(appointment)} ({was}); {outcome}",
                 patient_id=_patient_id(appointment), reason=reason, was=was)
    return record_of(Appointment.get_by_id(appointment.id))


@service("cancel_appointment")
def cancel_appointment(actor, appointment_id: int, reason: str) -> AppointmentRecord:
    """Cancel a follow-up outright. A pathway review is never cancelled this way."""
    appointment_id = validation.record_id(appointment_id, "appointment")
    reason = _required_reason(reason)
    appointment = _appointment(appointment_id)
    if appointment.pathway_key is not None:
        raise InvalidTransition(
            f"{capitalised(describe(appointment))} is required by the pathway: it is cancelled only by "
            "discharge or by the pathway itself. Cancel the booking instead to put it back on the to-book list.")
    _require_status(appointment, ("to_book", "booked"))
    Appointment.update(status="cancelled", cancel_reason=reason, updated_at=now_utc()).where(
        Appointment.id == appointment.id).execute()
    close_waiting(appointment.id, "cancelled", actor.user_id)
    audit.record(actor, "cancel_appointment", Entity.APPOINTMENT, appointment.id, f"cancelled {describe(appointment)}",
                 patient_id=_patient_id(appointment), reason=reason)
    return record_of(Appointment.get_by_id(appointment.id))


@service("record_attendance")
def record_attended(actor, appointment_id: int) -> AppointmentRecord:
    """The patient arrived: reception checks them in on the day, often before the start time."""
    appointment = _on_its_day(_appointment_in(validation.record_id(appointment_id, "appointment"), ("booked",)))
    Appointment.update(status="attended", updated_at=now_utc()).where(Appointment.id == appointment.id).execute()
    close_waiting(appointment.id, "attended", actor.user_id)
    audit.record(actor, "record_attended", Entity.APPOINTMENT, appointment.id,
                 f"recorded {describe(appointment)} at {when(appointment.starts_at)} as attended",
                 patient_id=_patient_id(appointment))
    return record_of(Appointment.get_by_id(appointment.id))


@service("record_attendance")
def record_did_not_attend(actor, appointment_id: int) -> AppointmentRecord:
    """Mark a missed appointment; returns the new "to book" row that replaces it.

    The new row keeps the original due-by date, so a missed review shows as late, and
    points back to the missed one. An episode discharged meanwhile needs no new row:
    then the missed appointment itself is returned.
    """
    appointment_id = validation.record_id(appointment_id, "appointment")
    appointment, episode = _appointment_of_locked_episode(appointment_id, ("booked",))
    _started(appointment)
    moment = now_utc()
    Appointment.update(status="did_not_attend", updated_at=moment).where(Appointment.id == appointment.id).execute()
    close_waiting(appointment.id, "did_not_attend", actor.user_id)
    rebooking = None
    if episode.status == "open":
        rebooking = Appointment.create(
            episode=appointment.episode_id, kind=appointment.kind, pathway_key=appointment.pathway_key,
            reason=appointment.reason, status="to_book", due_by=_on_a_working_day(appointment.due_by),
            rebooked_from=appointment.id, created_at=moment, updated_at=moment)
    audit.record(actor, "record_did_not_attend", Entity.APPOINTMENT, appointment.id,
                 f"recorded {describe(appointment)} at {when(appointment.starts_at)} as did not attend"
                 + ("; back on the to-book list" if rebooking else ""),
                 patient_id=_patient_id(appointment), rebooking_id=rebooking.id if rebooking else None)
    return record_of(Appointment.get_by_id(rebooking.id if rebooking else appointment.id))


def take_off_booking(appointment_id: int, why: str) -> str:
    """Give up a booking its clinician can no longer keep (leave, a session ended), for the
    calling service to audit: back on reception's to-book list with its original due-by date
    and ``why`` on the row, so the deadline the pathway set is still the one chased. Returns
    where it went, in words."""
    appointment, episode = _appointment_of_locked_episode(appointment_id, ("booked",))
    return _release(appointment, episode, appointment.due_by, why)


def _release(appointment: Appointment, episode: Episode, due_by: date, why: str | None) -> str:
    """A booking's time given up: back to book by ``due_by`` while the episode is open, else cancelled."""
    if episode.status == "open":
        Appointment.update(status="to_book", clinician=None, starts_at=None, ends_at=None, late_booking_reason=None,
                           due_by=due_by, cancel_reason=why,
                           updated_at=now_utc()).where(Appointment.id == appointment.id).execute()
        return "back on the to-book list"
    Appointment.update(status="cancelled", cancel_reason="discharged", updated_at=now_utc()).where(
        Appointment.id == appointment.id).execute()
    return f"cancelled, as the episode was discharged on {format_day(episode.discharged_on)}"


def _on_a_working_day(due_by: date) -> date:
    """A review back on the to-book list keeps its deadline, unless the clinic has closed that
    day while it was booked (closures move only what is still to book): then the working day
    before, never later."""
    return load_settings().calendar().deadline(due_by, 0)


@service("book_appointment")
def add_follow_up(actor, episode_id: int, *, due_by: date, reason: str) -> AppointmentRecord:
    """A follow-up someone asks for beyond the pathway's reviews, put on the "to book" list."""
    episode_id = validation.record_id(episode_id, "episode")
    due_by = validation.day(due_by, "due_by", label="due-by date")
    reason = _required_reason(reason)
    lock_episode(episode_id)
    episode = Episode.get_or_none(Episode.id == episode_id)
    if episode is None:
        raise NotFound("That episode is not on record")
    if episode.status != "open":
        raise InvalidTransition(f"This episode was discharged on {format_day(episode.discharged_on)}: "
                                "a follow-up cannot be added to it")
    settings = load_settings()
    due = settings.calendar().deadline(due_by, 0)
    if due < today(settings.zone):
        raise ValidationError(f"A follow-up due by {format_day(due_by)} would already be overdue", field="due_by")
    moment = now_utc()
    appointment = Appointment.create(episode=episode.id, kind="follow_up", pathway_key=None, reason=reason,
                                     status="to_book", due_by=due, created_at=moment, updated_at=moment)
    audit.record(actor, "add_follow_up", Entity.APPOINTMENT, appointment.id,
                 f"added a follow-up for {episode.patient.display_name}, due by {format_day(due)}",
                 patient_id=episode.patient_id, reason=reason)
    return record_of(appointment)


@service("view_patient", changes=False)
def get_appointment(actor, appointment_id: int) -> AppointmentRecord:
    return record_of(_appointment(validation.record_id(appointment_id, "appointment"), lock=False))


@service("view_patient", changes=False)
def appointments_for_episode(actor, episode_id: int) -> tuple[AppointmentRecord, ...]:
    """Every appointment of an episode, in due-date order (history included)."""
    episode_id = validation.record_id(episode_id, "episode")
    # One query, the episode, patient and clinician joined: a long history (90 appointments) read
    # row by row took three queries each, most of the time its patient's tab took to open.
    rows = (Appointment.select(Appointment, Episode, Patient, *User.readable()).join(Episode).join(Patient)
            .switch(Appointment).join(User, JOIN.LEFT_OUTER)
            .where(Appointment.episode == episode_id).order_by(Appointment.due_by, Appointment.id))
    return tuple(record_of(row) for row in rows)


def _check_slot(appointment: Appointment, clinician_id: int, starts_local: datetime, minutes: int | None,
                late_reason: str | None, ambiguous: str | None) -> _Slot:
    settings = load_settings()
    clinician = User.get_or_none((User.id == clinician_id) & (User.role == "clinician") & User.active)
    if clinician is None:
        raise ValidationError("Choose an active clinician", field="clinician_id")
    if minutes is not None and (isinstance(minutes, bool) or not isinstance(minutes, int) or not 5 <= minutes <= 240):
        raise ValidationError("An appointment lasts between 5 and 240 minutes", field="minutes")
    if not isinstance(starts_local, datetime):
        raise ValidationError("Choose a day and a time", field="starts_local")
    starts_at = to_utc(starts_local, settings.zone, ambiguous=ambiguous)
    day = starts_local.date()
    rota = Rota.read(settings, [clinician.id], day, day)
    if minutes is None:  # the slot length of the session it starts in
        period = rota.period_at(clinician.id, starts_at)
        minutes = period.slot_minutes if period else settings.slot_minutes
    ends_at = starts_at + timedelta(minutes=minutes)
    refuse_outside_sessions(rota, clinician, appointment.kind, starts_at, ends_at, settings.zone)
    if starts_at < now_utc():
        raise ValidationError(f"{format_time(starts_local)} on {format_day(starts_local.date())} has already passed",
                              field="starts_local")
    if starts_local.date() <= appointment.due_by:
        late_reason = None
    elif late_reason is None:
        raise ValidationError(f"{capitalised(describe(appointment))} is due by {format_day(appointment.due_by)}: "
                              "give a reason for booking it later", field="late_reason")
    return _Slot(clinician, starts_at, ends_at, late_reason)


def move_into_slot(appointment: Appointment, clinician_id: int, starts_local: datetime, minutes: int | None,
                   late_reason: str | None, ambiguous: str | None = None) -> _Slot:
    """Check a slot by the booking rules and give it to ``appointment``, read and locked by the
    calling service (booking, moving, the waiting list filling a freed slot): one set of checks."""
    slot = _check_slot(appointment, clinician_id, starts_local, minutes, late_reason, ambiguous)
    _take_slot(appointment, slot)
    return slot


def _take_slot(appointment: Appointment, slot: _Slot) -> None:
    """Store the booking; a clash found now or refused by the database is the same Conflict."""
    clash = _clash(slot.clinician.id, slot.starts_at, slot.ends_at, appointment.id)
    if clash is not None:
        raise Conflict(_clash_message(slot.clinician, clash))
    try:
        # A savepoint, so that after the database refuses the row the transaction can still
        # read who took the slot (PostgreSQL aborts the whole transaction otherwise).
        with database_proxy.atomic():
            Appointment.update(status="booked", clinician=slot.clinician.id, starts_at=slot.starts_at,
                               ends_at=slot.ends_at, late_booking_reason=slot.late_reason, cancel_reason=None,
                               updated_at=now_utc()).where(Appointment.id == appointment.id).execute()
    except IntegrityError as error:
        if not any(name in str(error) for name in _DOUBLE_BOOKING_CONSTRAINTS):
            raise
        clash = _clash(slot.clinician.id, slot.starts_at, slot.ends_at, appointment.id)
        if clash is None:
            raise Conflict(f"{slot.clinician.full_name} was booked at that time from another workstation "
                           "a moment ago: choose another time") from None
        raise Conflict(_clash_message(slot.clinician, clash)) from None


def _clash(clinician_id: int, starts_at: datetime, ends_at: datetime, exclude_id: int) -> Appointment | None:
    return (Appointment.select()
            .where((Appointment.clinician == clinician_id) & Appointment.status.in_(SLOT_HOLDING_STATUSES)
                   & (Appointment.id != exclude_id)
                   & (Appointment.starts_at < ends_at) & (Appointment.ends_at > starts_at))
            .order_by(Appointment.starts_at).first())


def _clash_message(clinician: User, clash: Appointment) -> str:
    """Dr Alys Jones already has SMITH, Ann 10:00–10:20 on Tue 1 Dec."""
    zone = load_settings().zone
    starts, ends = to_local(clash.starts_at, zone), to_local(clash.ends_at, zone)
    return (f"{clinician.full_name} already has {clash.episode.patient.display_name} "
            f"{format_time(starts)}–{format_time(ends)} on {format_short_day(starts.date())}")


def _slot_input(appointment_id, clinician_id, late_reason) -> tuple[int, int, str | None]:
    """The record numbers and late-booking reason of a booking, checked before anything is read."""
    return (validation.record_id(appointment_id, "appointment"), validation.record_id(clinician_id, "clinician"),
            validation.text(late_reason, "late_reason", label="reason for booking late") or None)


def _appointment_of_locked_episode(appointment_id: int, statuses: tuple[str, ...]) -> tuple[Appointment, Episode]:
    """The appointment and its episode, locked in the order discharge takes them (episode
    first), both read after the locks so a discharge committed meanwhile is seen."""
    found = Appointment.select(Appointment.episode).where(Appointment.id == appointment_id).first()
    if found is None:
        raise NotFound("That appointment is not on record")
    lock_episode(found.episode_id)
    appointment = _appointment_in(appointment_id, statuses)
    return appointment, Episode.get_by_id(appointment.episode_id)


def _started(appointment: Appointment) -> Appointment:
    """A booked appointment whose time has come: attendance is a fact only once it has started."""
    if now_utc() < appointment.starts_at:
        raise InvalidTransition(f"{capitalised(describe(appointment))} starts at {when(appointment.starts_at)}: "
                                "attendance can be recorded once it has started")
    return appointment


def _on_its_day(appointment: Appointment) -> Appointment:
    """A patient can be checked in from the start of the appointment's clinic day, not before."""
    zone = load_settings().zone
    if today(zone) < to_local(appointment.starts_at, zone).date():
        raise InvalidTransition(f"{capitalised(describe(appointment))} is on {when(appointment.starts_at)}: "
                                "a patient can be checked in on the day of the appointment")
    return appointment


def _appointment_in(appointment_id: int, statuses: tuple[str, ...]) -> Appointment:
    appointment = _appointment(appointment_id)
    _require_status(appointment, statuses)
    return appointment


def _appointment(appointment_id: int, lock: bool = True) -> Appointment:
    """The appointment, locked on PostgreSQL so two workstations change it one after the other."""
    query = Appointment.select().where(Appointment.id == appointment_id)
    appointment = (query.for_update() if lock and not is_sqlite() else query).first()
    if appointment is None:
        raise NotFound("That appointment is not on record")
    return appointment


def _require_status(appointment: Appointment, statuses: tuple[str, ...]) -> None:
    if appointment.status not in statuses:
        raise InvalidTransition(f"{capitalised(describe(appointment))} {_state_wording(appointment)}")


def _state_wording(appointment: Appointment) -> str:
    """Where the appointment stands, for a refusal: "is already booked for Tue 1 Dec 10:00"."""
    if appointment.status == "to_book":
        return "is not booked"
    if appointment.status == "booked":
        return f"is already booked for {when(appointment.starts_at, short=True)}"
    if appointment.status == "cancelled":
        return f"was cancelled ({appointment.cancel_reason})"
    day = f" on {format_day(to_local(appointment.starts_at, load_settings().zone).date())}"
    return ("was attended" if appointment.status == "attended" else "was missed (did not attend)") + day


def describe(appointment: Appointment) -> str:
    """the 2-week review for SMITH, Ann."""
    return f"the {APPOINTMENT_LABELS[appointment.kind]} for {appointment.episode.patient.display_name}"


def when(moment: datetime, short: bool = False) -> str:
    """"Tue 1 Dec 2026 10:00" (short: "Tue 1 Dec 10:00"), as the clinic's staff read it."""
    local = to_local(moment, load_settings().zone)
    day = format_short_day(local.date()) if short else format_day(local.date())
    return f"{day} {format_time(local)}"


def _slot_details(slot: _Slot) -> dict:
    return {"clinician_id": slot.clinician.id, "starts_at": slot.starts_at.isoformat(),
            "ends_at": slot.ends_at.isoformat(), "late_booking_reason": slot.late_reason}


def _required_reason(reason: str | None) -> str:
    return validation.text(reason, "reason", required="Give a reason")


def _patient_id(appointment: Appointment) -> int:
    return appointment.episode.patient_id


def record_of(row: Appointment) -> AppointmentRecord:
    """The appointment as windows read it; its episode, patient and clinician joined if they were."""
    clinician = row.clinician if row.clinician_id else None  # read with the row when joined
    return AppointmentRecord(
        id=row.id, episode_id=row.episode_id, patient_id=row.episode.patient_id,
        patient_name=row.episode.patient.display_name, kind=row.kind, status=row.status, due_by=row.due_by,
        clinician_id=row.clinician_id, clinician_name=clinician.full_name if clinician else None,
        starts_at=row.starts_at, ends_at=row.ends_at, late_booking_reason=row.late_booking_reason,
        cancel_reason=row.cancel_reason, rebooked_from_id=row.rebooked_from_id, reason=row.reason,
        pathway_key=row.pathway_key)
