"""The waiting list for earlier appointments: a freed slot goes to the review due soonest.

Runs on SQLite and PostgreSQL; the race runs two OS processes, as two workstations, that
fill the same freed slot with different waiting patients.
"""
from datetime import date, datetime, timedelta, timezone

import pytest
import waiting_worker
from test_double_booking import location, race  # noqa: F401 (location is a fixture)

from clinic_desktop.models import Appointment, AuditEvent, Patient, WaitingListEntry
from clinic_desktop.services.appointments import appointments, waiting_list
from clinic_desktop.services.core.clock import frozen_at
from clinic_desktop.services.core.errors import Conflict, InvalidTransition, ValidationError
from clinic_desktop.services.episodes import episodes

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)  # Mon 30 Nov 2026, 09:00 in London (GMT)
CLINIC_TIME = NOW
TUESDAY_10 = datetime(2026, 12, 1, 10, 0, tzinfo=timezone.utc)  # 10:00 in London
TUESDAY_10_20 = TUESDAY_10 + timedelta(minutes=20)


def review(staff, family, first_contact_on=date(2026, 11, 26)):
    """The 2-week review of FAMILY, Ann, due 14 days after the first contact."""
    patient = Patient.create(family_name=family, given_name="Ann", family_name_key=family.lower(),
                             given_name_key="ann", date_of_birth=date(1970, 5, 1), created_at=NOW, updated_at=NOW)
    episode_id = episodes.open_episode(staff.clinician, patient.id, first_contact_on=first_contact_on,
                                       presentation="non_specific", severity="mild").episode_id
    return Appointment.get((Appointment.episode == episode_id) & (Appointment.kind == "two_week_review")).id


def book(staff, appointment_id, starts_local, clinician=None):
    return appointments.book_appointment(staff.receptionist, appointment_id, starts_local=starts_local,
                                         clinician_id=(clinician or staff.clinician).user_id)


def wait(staff, appointment_id, **options):
    return waiting_list.add_to_waiting_list(staff.receptionist, appointment_id, **options)


def freed_at_ten(staff):
    """SMITH, Ann's Tuesday 10:00 booking with Dr Jones, cancelled: the slot it leaves."""
    smith = review(staff, "Smith")
    book(staff, smith, datetime(2026, 12, 1, 10, 0))
    appointments.cancel_booking(staff.receptionist, smith, "patient phoned: away")
    return waiting_list.freed_slot_offer(staff.receptionist, staff.clinician.user_id, TUESDAY_10, TUESDAY_10_20)


def test_a_freed_slot_goes_first_to_the_review_due_soonest_among_those_who_can_come(staff):
    price = review(staff, "Price", date(2026, 11, 26))  # due Thu 10 Dec, on the list first
    book(staff, price, datetime(2026, 12, 9, 10, 0))
    wait(staff, price)
    jones = review(staff, "Jones", date(2026, 11, 24))  # due Tue 8 Dec
    book(staff, jones, datetime(2026, 12, 7, 11, 0), staff.other_clinician)
    wait(staff, jones, note="works nights", times="morning")
    evans = wait(staff, review(staff, "Evans", date(2026, 11, 20)), days="1")  # due Fri 4 Dec, to book; Tuesdays
    hughes = review(staff, "Hughes", date(2026, 11, 20))  # already booked before the freed slot
    book(staff, hughes, datetime(2026, 12, 1, 9, 0))
    wait(staff, hughes)
    wait(staff, review(staff, "Davies", date(2026, 11, 20)), days="4")  # Fridays only

    offer = freed_at_ten(staff)

    assert offer.taken is None
    assert offer.label == "Tue 1 Dec 2026 10:00–10:20 with Dr Alys Jones"
    assert [(entry.patient_name, entry.due_by, entry.booked_for) for entry in offer.candidates] == [
        ("EVANS, Ann", evans.due_by, None),
        ("JONES, Ann", date(2026, 12, 8), "Mon 7 Dec 11:00 with Sam Physio"),
        ("PRICE, Ann", date(2026, 12, 10), "Wed 9 Dec 10:00 with Dr Alys Jones"),
    ]
    assert offer.cannot_come == 1
    assert offer.candidates[0].can_come == "Tue" and offer.candidates[1].can_come == "Any day mornings"
    assert offer.candidates[1].note == "works nights"


def test_filling_the_freed_slot_moves_the_review_and_closes_the_entry(staff):
    jones = review(staff, "Jones", date(2026, 11, 24))
    book(staff, jones, datetime(2026, 12, 7, 11, 0), staff.other_clinician)
    entry = wait(staff, jones)
    offer = freed_at_ten(staff)

    moved = waiting_list.fill_freed_slot(staff.receptionist, entry.id, clinician_id=offer.clinician_id,
                                         starts_at=offer.starts_at, ends_at=offer.ends_at)

    assert (moved.status, moved.starts_at, moved.clinician_name) == ("booked", TUESDAY_10, "Dr Alys Jones")
    assert waiting_list.waiting_list(staff.receptionist) == ()
    assert WaitingListEntry.get_by_id(entry.id).closed_reason == "moved_earlier"
    event = AuditEvent.select().order_by(AuditEvent.id.desc()).first()
    assert event.summary == ("moved the 2-week review for JONES, Ann from the waiting list into the freed slot "
                             "Tue 1 Dec 2026 10:00 with Dr Alys Jones (was Mon 7 Dec 2026 11:00 with Sam Physio)")
    with pytest.raises(InvalidTransition, match="is no longer on the waiting list .moved into an earlier slot"):
        waiting_list.fill_freed_slot(staff.receptionist, entry.id, clinician_id=offer.clinician_id,
                                     starts_at=offer.starts_at, ends_at=offer.ends_at)


def test_a_slot_after_the_due_by_date_needs_a_reason_as_any_late_booking_does(staff):
    late = wait(staff, review(staff, "Evans", date(2026, 11, 16)))  # due Mon 30 Nov: the slot is late
    offer = freed_at_ten(staff)
    assert [entry.late for entry in offer.candidates] == [True]
    with pytest.raises(ValidationError, match="give a reason for booking it later"):
        waiting_list.fill_freed_slot(staff.receptionist, late.id, clinician_id=offer.clinician_id,
                                     starts_at=offer.starts_at, ends_at=offer.ends_at)
    moved = waiting_list.fill_freed_slot(staff.receptionist, late.id, clinician_id=offer.clinician_id,
                                         starts_at=offer.starts_at, ends_at=offer.ends_at,
                                         late_reason="earliest we could offer")
    assert moved.late_booking_reason == "earliest we could offer"


def test_a_slot_taken_meanwhile_is_not_offered(staff):
    wait(staff, review(staff, "Jones"))
    smith = review(staff, "Smith")
    book(staff, smith, datetime(2026, 12, 1, 10, 0))
    offer = waiting_list.freed_slot_offer(staff.receptionist, staff.clinician.user_id, TUESDAY_10, TUESDAY_10_20)
    assert (offer.candidates, offer.taken) == ((), "Dr Alys Jones has been booked at that time since: the slot is "
                                                   "no longer free.")


def test_one_entry_per_review_which_leaves_the_list_when_the_review_moves_on(staff):
    jones = review(staff, "Jones")
    book(staff, jones, datetime(2026, 12, 7, 11, 0))
    wait(staff, jones)
    with pytest.raises(Conflict, match="has been on the waiting list since Mon 30 Nov 09:00"):
        wait(staff, jones)
    appointments.reschedule_appointment(staff.receptionist, jones, clinician_id=staff.clinician.user_id,
                                        starts_local=datetime(2026, 12, 3, 11, 0))
    assert waiting_list.waiting_list(staff.receptionist) == ()
    again = wait(staff, jones)
    appointments.cancel_booking(staff.receptionist, jones, "unwell")
    assert WaitingListEntry.get_by_id(again.id).closed_reason == "cancelled"
    asked = wait(staff, jones)
    removed = waiting_list.remove_from_waiting_list(staff.receptionist, asked.id)
    assert removed.patient_name == "JONES, Ann"
    assert WaitingListEntry.get_by_id(asked.id).closed_reason == "patient_asked"
    assert waiting_list.waiting_list(staff.receptionist) == ()


def test_an_attended_review_leaves_the_list_and_cannot_join_it(staff):
    jones = review(staff, "Jones")
    with frozen_at(NOW - timedelta(minutes=30)):
        book(staff, jones, datetime(2026, 11, 30, 8, 40))
    entry = wait(staff, jones)
    appointments.record_attended(staff.receptionist, jones)
    assert WaitingListEntry.get_by_id(entry.id).closed_reason == "attended"
    with pytest.raises(InvalidTransition, match="only a review still to come can wait"):
        wait(staff, jones)


def test_two_workstations_filling_one_freed_slot_fill_it_once(staff, location):  # noqa: F811
    entries = {wait(staff, review(staff, family)).id: f"{family.upper()}, Ann" for family in ("Jones", "Evans")}
    freed_at_ten(staff)
    outcomes = race(location, waiting_worker.fill_through_the_service, [
        (staff.receptionist, entry_id, staff.clinician.user_id, TUESDAY_10, TUESDAY_10_20, NOW)
        for entry_id in entries])
    assert [outcome for outcome in outcomes if outcome[0] == "error"] == []
    (winner,) = [entry_id for kind, entry_id, _ in outcomes if kind == "filled"]
    assert [message for kind, _, message in outcomes if kind == "conflict"] == [
        f"Dr Alys Jones already has {entries[winner]} 10:00–10:20 on Tue 1 Dec"]
    (loser,) = set(entries) - {winner}
    assert WaitingListEntry.get_by_id(loser).closed_at is None
