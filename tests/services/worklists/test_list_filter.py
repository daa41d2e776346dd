"""A worklist's filter box, answered by the database (services/worklists/text_filter.py), on both
databases: the words typed keep the rows whose patient, kind or member of staff they match, the
total counts what matches, and the overdue list names each item's clinician."""
from __future__ import annotations

from datetime import date, datetime, timezone

from database_fixtures import PASSWORD

from clinic_desktop.services.appointments import appointments, day_book
from clinic_desktop.services.core.clock import frozen_at
from clinic_desktop.services.episodes import episodes
from clinic_desktop.services.patients import patients
from clinic_desktop.services.referrals import referrals
from clinic_desktop.services.referrals.letters_to_send import to_send
from clinic_desktop.services.worklists import obligations, worklists

CLINIC_TIME = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)  # Mon 23 Nov 2026


def _episode(staff, family_name: str, given_name: str, first_contact: date, nhs_number: str = "",
             **facts) -> int:
    patient = patients.register_patient(staff.receptionist, family_name=family_name, given_name=given_name,
                                        date_of_birth=date(1970, 1, 1), nhs_number=nhs_number)
    return episodes.open_episode(staff.clinician, patient.id, first_contact_on=first_contact,
                                 presentation="non_specific", severity="moderate", **facts).episode_id


def _to_book(actor, text: str) -> list[tuple[str, str]]:
    page = worklists.to_book(actor, text=text)
    assert page.total == len(page.rows)
    return [(row.patient_name, row.kind_title) for row in page.rows]


def test_words_match_the_start_of_either_name_ignoring_case(staff):
    _episode(staff, "Smith", "Ann", date(2026, 11, 20))
    _episode(staff, "Jones", "Smithy", date(2026, 11, 20))
    _episode(staff, "Brown", "Bob", date(2026, 11, 20))
    assert {name for name, _ in _to_book(staff.receptionist, "SMI")} == {"SMITH, Ann", "JONES, Smithy"}
    assert {name for name, _ in _to_book(staff.receptionist, "smith ann")} == {"SMITH, Ann"}
    assert _to_book(staff.receptionist, "mith") == []  # a name is matched from its start, on its index
    assert len(_to_book(staff.receptionist, "   ")) == 6  # nothing typed: the whole list


def test_an_nhs_number_matches_with_or_without_its_spaces(staff):
    _episode(staff, "Smith", "Ann", date(2026, 11, 20), nhs_number="9434765919")
    _episode(staff, "Brown", "Bob", date(2026, 11, 20))
    assert {name for name, _ in _to_book(staff.receptionist, "943 476")} == {"SMITH, Ann"}
    assert {name for name, _ in _to_book(staff.receptionist, "9434765919")} == {"SMITH, Ann"}


def test_a_word_of_the_kind_keeps_that_kind_and_words_narrow_together(staff):
    _episode(staff, "Smith", "Ann", date(2026, 11, 20))
    _episode(staff, "Brown", "Bob", date(2026, 11, 20))
    assert set(_to_book(staff.receptionist, "12-week")) == {("BROWN, Bob", "12-week check"),
                                                            ("SMITH, Ann", "12-week check")}
    assert _to_book(staff.receptionist, "smith 12-week") == [("SMITH, Ann", "12-week check")]


def test_the_overdue_list_names_each_items_clinician_and_filters_by_them(staff):
    booked = _episode(staff, "Smith", "Ann", date(2026, 10, 1))
    _episode(staff, "Brown", "Bob", date(2026, 10, 1), red_flags=["suspected spinal fracture"])
    review = next(row for row in appointments.appointments_for_episode(staff.receptionist, booked)
                  if row.kind == "two_week_review")
    with frozen_at(datetime(2026, 10, 2, 9, 0, tzinfo=timezone.utc)):
        appointments.book_appointment(staff.receptionist, review.id, clinician_id=staff.other_clinician.user_id,
                                      starts_local=datetime(2026, 10, 5, 9, 0))
    rows = worklists.overdue(staff.manager).rows
    assert {(row.patient_name, row.kind_title, row.clinician_name) for row in rows} == {
        ("BROWN, Bob", "Urgent red-flag referral", "Dr Alys Jones"),
        ("BROWN, Bob", "2-week review", "Dr Alys Jones"),
        ("SMITH, Ann", "2-week review", "Sam Physio"),  # booked with Sam Physio, never seen
    }
    physio = worklists.overdue(staff.manager, text="physio")
    assert [(row.patient_name, row.clinician_name) for row in physio.rows] == [("SMITH, Ann", "Sam Physio")]
    assert physio.total == 1
    assert worklists.overdue(staff.manager, text="red-flag").total == 1
    assert worklists.overdue(staff.manager, text="overdue").total == 3  # the list's own title: every row


def test_the_safety_nets_lists_filter_by_patient_kind_and_owner(staff):
    _episode(staff, "Smith", "Ann", date(2026, 11, 23), red_flags=["suspected cauda equina syndrome"])
    _episode(staff, "Brown", "Bob", date(2026, 11, 23))
    assert obligations.obligation_list(staff.clinician, "referral_to_write", text="brown").total == 0
    assert obligations.obligation_list(staff.clinician, "referral_to_write", text="smith").total == 1
    work = obligations.open_work(staff.manager, text="jones")  # the owner's name
    assert [(row.kind, row.patient_name) for row in work.rows] == [("referral_to_write", "SMITH, Ann")]
    assert obligations.open_work(staff.manager, text="reception brown").total == 2  # Brown's two reviews
    assert worklists.awaiting_signature(staff.clinician, text="smith").total == 0


def test_todays_book_and_the_letters_to_send_filter_too(staff):
    smith = _episode(staff, "Smith", "Ann", date(2026, 11, 16))
    brown = _episode(staff, "Brown", "Bob", date(2026, 11, 16))
    review = next(row for row in appointments.appointments_for_episode(staff.receptionist, smith)
                  if row.kind == "two_week_review")
    appointments.book_appointment(staff.receptionist, review.id, clinician_id=staff.clinician.user_id,
                                  starts_local=datetime(2026, 11, 23, 11, 0))
    assert day_book.todays_page(staff.receptionist, text="smith").total == 1
    assert day_book.todays_page(staff.receptionist, text="brown").total == 0
    referral = referrals.raise_referral(staff.clinician, brown, kind="spinal_surgical", reason="Seen")
    referrals.draft_referral(staff.clinician, referral.id, "Dear colleague,")
    referrals.sign_referral(staff.clinician, referral.id, PASSWORD)
    assert [row.patient_name for row in to_send(staff.receptionist, text="bro").rows] == ["BROWN, Bob"]
    assert to_send(staff.receptionist, text="smith").total == 0
