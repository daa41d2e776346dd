"""A clinician's appointments as an iCalendar file that a calendar reads back at the right times."""
import re
import uuid
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import icalendar
import pytest
from ical_readers import read_with_ical_js, read_with_icalendar, read_with_vobject

from clinic_desktop.models import Appointment, AuditEvent, ClinicSetting
from clinic_desktop.models.settings import store_installation_id
from clinic_desktop.services.appointments import appointments
from clinic_desktop.services.core.actor import Actor
from clinic_desktop.services.core.clock import frozen_at
from clinic_desktop.services.core.errors import NotFound, PermissionDenied, ValidationError
from clinic_desktop.services.episodes import episodes
from clinic_desktop.services.exchange import calendar_export
from clinic_desktop.services.patients import patients

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 10, 19, 8, 0, tzinfo=timezone.utc)  # Mon 19 Oct 2026; the clocks go back on Sun 25 Oct
FRIDAY_BEFORE = datetime(2026, 10, 23, 10, 0)  # 10:00 BST = 09:00 UTC
MONDAY_AFTER = datetime(2026, 10, 26, 10, 0)  # 10:00 GMT = 10:00 UTC


CLINIC_TIME = NOW  # every test here runs at this moment (tests/conftest.py: clinic_clock)


@pytest.fixture
def booked(staff):
    """SMITH, Ann's 2-week review (Fri, BST) and a follow-up (Mon, GMT) with Dr Jones."""
    patient = patients.register_patient(staff.receptionist, family_name="Smith", given_name="Ann",
                                        date_of_birth=date(1961, 2, 9), nhs_number="9434765919")
    episode_id = episodes.open_episode(staff.clinician, patient.id, first_contact_on=date(2026, 10, 16),
                                       presentation="non_specific", severity="mild").episode_id
    review = Appointment.get((Appointment.episode == episode_id) & (Appointment.kind == "two_week_review")).id
    follow_up = appointments.add_follow_up(staff.clinician, episode_id, due_by=date(2026, 11, 6),
                                           reason="check progress").id
    for appointment_id, when in ((review, FRIDAY_BEFORE), (follow_up, MONDAY_AFTER)):
        appointments.book_appointment(staff.receptionist, appointment_id, clinician_id=staff.clinician.user_id,
                                      starts_local=when)
    return review, follow_up


def export(staff, tmp_path, actor=None, **options):
    path = tmp_path / "jones.ics"
    result = calendar_export.export_calendar(actor or staff.receptionist, "drjones", path, **options)
    return result, icalendar.Calendar.from_ical(path.read_bytes())


def test_each_appointment_is_an_event_at_its_clinic_time_across_the_clock_change(staff, booked, tmp_path):
    _, calendar = export(staff, tmp_path)
    starts = [event.start for event in calendar.events]
    assert [(start.astimezone(LONDON).strftime("%a %d %b %H:%M")) for start in starts] == [
        "Fri 23 Oct 10:00", "Mon 26 Oct 10:00"]
    assert [start.astimezone(timezone.utc).hour for start in starts] == [9, 10]


def test_times_are_utc_instants_with_no_time_zone_definition_to_misread(staff, booked, tmp_path):
    result, calendar = export(staff, tmp_path)
    text = result.path.read_text()
    assert "DTSTART:20261023T090000Z" in text and "DTSTART:20261026T100000Z" in text
    assert "TZID" not in text and calendar.timezones == []


def test_each_description_gives_the_clinic_wall_time_in_words(staff, booked, tmp_path):
    _, calendar = export(staff, tmp_path)
    assert str(calendar.events[0]["DESCRIPTION"]).startswith(
        "2-week review for SMITH, Ann (patient record 1) at 10:00 on Fri 23 Oct 2026, clinic time (Europe/London).")


def test_the_summary_names_the_kind_and_the_patient(staff, booked, tmp_path):
    _, calendar = export(staff, tmp_path)
    assert [str(event["SUMMARY"]) for event in calendar.events] == [
        "2-week review: SMITH, Ann", "Follow-up: SMITH, Ann"]


def test_an_event_keeps_its_uid_and_sequence_from_one_export_to_the_next(staff, booked, tmp_path):
    _, first = export(staff, tmp_path)
    _, second = export(staff, tmp_path)
    assert [(str(event["UID"]), event["SEQUENCE"]) for event in first.events] == [
        (str(event["UID"]), event["SEQUENCE"]) for event in second.events]
    assert [event["SEQUENCE"] for event in first.events] == [0, 0]


def test_a_uid_names_the_appointment_the_clinician_and_this_installation(staff, booked, tmp_path):
    _, calendar = export(staff, tmp_path)
    uid = str(calendar.events[0]["UID"])
    match = re.fullmatch(r"appointment-(\d+)-clinician-(\d+)-([0-9a-f-]{36})@clinic-desktop", uid)
    assert match and (int(match[1]), int(match[2])) == (booked[0], staff.clinician.user_id)
    assert str(uuid.UUID(match[3])) == match[3]


def test_another_installation_gives_the_same_appointment_another_uid(staff, booked, tmp_path):
    _, calendar = export(staff, tmp_path)
    ClinicSetting.delete().where(ClinicSetting.name == "installation").execute()  # as a new clinic's database
    store_installation_id()
    _, elsewhere = export(staff, tmp_path)
    assert str(calendar.events[0]["UID"]) != str(elsewhere.events[0]["UID"])


def test_a_rescheduled_appointment_keeps_its_uid_with_a_higher_sequence(staff, booked, tmp_path):
    _, before = export(staff, tmp_path)
    appointments.reschedule_appointment(staff.receptionist, booked[1], clinician_id=staff.clinician.user_id,
                                        starts_local=datetime(2026, 10, 27, 11, 0))
    path = export(staff, tmp_path)[0].path
    moved = [event for event in read_with_ical_js(path) if event.uid == str(before.events[1]["UID"])]
    assert [(event.start, event.sequence, event.status) for event in moved] == [
        (datetime(2026, 10, 27, 11, 0, tzinfo=timezone.utc), 1, "CONFIRMED")]


def test_a_cancelled_appointment_is_marked_cancelled_with_a_higher_sequence_not_left_out(staff, booked, tmp_path):
    export(staff, tmp_path)
    appointments.cancel_appointment(staff.receptionist, booked[1], "patient moved away")
    path = export(staff, tmp_path)[0].path
    assert [(event.summary, event.status, event.sequence) for event in read_with_ical_js(path)] == [
        ("2-week review: SMITH, Ann", "CONFIRMED", 0), ("Follow-up: SMITH, Ann (cancelled)", "CANCELLED", 1)]


def test_a_booking_cancelled_back_to_the_to_book_list_is_cancelled_in_the_calendar(staff, booked, tmp_path):
    export(staff, tmp_path)
    appointments.cancel_booking(staff.receptionist, booked[0], "patient asked")
    path = export(staff, tmp_path)[0].path
    assert [(event.summary, event.status, event.sequence, event.start) for event in read_with_ical_js(path)][0] == (
        "2-week review: SMITH, Ann (booking cancelled, to be booked again)", "CANCELLED", 1,
        datetime(2026, 10, 23, 9, 0, tzinfo=timezone.utc))


def test_an_appointment_moved_to_a_colleague_is_cancelled_here_and_new_there(staff, booked, tmp_path):
    _, before = export(staff, tmp_path)
    appointments.reschedule_appointment(staff.receptionist, booked[1], clinician_id=staff.other_clinician.user_id,
                                        starts_local=datetime(2026, 10, 27, 11, 0))
    jones = read_with_ical_js(export(staff, tmp_path)[0].path)
    physio = read_with_ical_js(calendar_export.export_calendar(staff.receptionist, "physio",
                                                               tmp_path / "physio.ics").path)
    assert [(event.uid, event.summary, event.status, event.sequence) for event in jones][1] == (
        str(before.events[1]["UID"]), "Follow-up: SMITH, Ann (moved to Sam Physio)", "CANCELLED", 1)
    assert [(event.summary, event.status, event.start) for event in physio] == [
        ("Follow-up: SMITH, Ann", "CONFIRMED", datetime(2026, 10, 27, 11, 0, tzinfo=timezone.utc))]
    assert physio[0].uid != jones[1].uid


def test_an_appointment_moved_back_is_confirmed_again_with_a_higher_sequence(staff, booked, tmp_path):
    export(staff, tmp_path)
    for clinician in (staff.other_clinician, staff.clinician):
        appointments.reschedule_appointment(staff.receptionist, booked[1], clinician_id=clinician.user_id,
                                            starts_local=datetime(2026, 10, 27, 11, 0))
        export(staff, tmp_path)
    event = read_with_ical_js(tmp_path / "jones.ics")[1]
    assert (event.summary, event.status, event.sequence) == ("Follow-up: SMITH, Ann", "CONFIRMED", 2)


@pytest.mark.parametrize("reader", [read_with_ical_js, read_with_vobject, read_with_icalendar])
def test_names_with_commas_semicolons_and_any_script_read_back_exactly(staff, booked, tmp_path, reader):
    patient = patients.register_patient(staff.receptionist, family_name="O'Brien; Łukasiewicz-Núñez",
                                        given_name="Zoë 王芳, \\Jr", date_of_birth=date(1970, 1, 2))
    episode_id = episodes.open_episode(staff.clinician, patient.id, first_contact_on=date(2026, 10, 16),
                                       presentation="non_specific", severity="mild").episode_id
    review = Appointment.get((Appointment.episode == episode_id) & (Appointment.kind == "two_week_review")).id
    appointments.book_appointment(staff.receptionist, review, clinician_id=staff.clinician.user_id,
                                  starts_local=datetime(2026, 10, 22, 11, 0))
    summaries = [event.summary for event in reader(export(staff, tmp_path)[0].path)]
    assert "2-week review: O'BRIEN; ŁUKASIEWICZ-NÚÑEZ, Zoë 王芳, \\Jr" in summaries


def test_an_appointment_moved_out_of_the_range_is_written_at_its_new_time(staff, booked, tmp_path):
    export(staff, tmp_path, end=date(2026, 10, 23))
    appointments.reschedule_appointment(staff.receptionist, booked[0], clinician_id=staff.clinician.user_id,
                                        starts_local=datetime(2026, 10, 27, 11, 0))
    path = export(staff, tmp_path, end=date(2026, 10, 23))[0].path
    assert [(event.summary, event.status, event.sequence, event.start) for event in read_with_ical_js(path)] == [
        ("2-week review: SMITH, Ann", "CONFIRMED", 1, datetime(2026, 10, 27, 11, 0, tzinfo=timezone.utc))]


def test_a_date_range_keeps_only_the_days_in_it(staff, booked, tmp_path):
    result, calendar = export(staff, tmp_path, start=date(2026, 10, 26), end=date(2026, 10, 26))
    assert [event.start.astimezone(LONDON).date() for event in calendar.events] == [date(2026, 10, 26)]
    assert result.appointments == 1


def test_by_default_the_export_starts_today(staff, booked, tmp_path):
    with frozen_at(datetime(2026, 10, 24, 12, 0, tzinfo=timezone.utc)):
        result, calendar = export(staff, tmp_path)
    assert result.first_day == date(2026, 10, 24)
    assert len(calendar.events) == 1


def test_another_clinicians_appointments_are_not_in_the_file(staff, booked, tmp_path):
    path = tmp_path / "physio.ics"
    result = calendar_export.export_calendar(staff.receptionist, "physio", path)
    assert result.appointments == 0
    assert icalendar.Calendar.from_ical(path.read_bytes()).events == []


def test_an_unknown_clinician_is_refused_by_name(staff, tmp_path):
    with pytest.raises(NotFound, match="There is no clinician with the username 'drwho'"):
        calendar_export.export_calendar(staff.receptionist, "drwho", tmp_path / "x.ics")
    assert not (tmp_path / "x.ics").exists()


def test_a_receptionists_username_is_not_a_clinician(staff, tmp_path):
    with pytest.raises(NotFound, match="'reception'"):
        calendar_export.export_calendar(staff.manager, "reception", tmp_path / "x.ics")


def test_a_range_ending_before_it_starts_is_refused(staff, tmp_path):
    with pytest.raises(ValidationError, match=r"The last day \(1 Oct 2026\) is before the first \(2 Oct 2026\)"):
        calendar_export.export_calendar(staff.receptionist, "drjones", tmp_path / "x.ics",
                                        start=date(2026, 10, 2), end=date(2026, 10, 1))


def test_an_export_is_recorded_in_the_audit_trail(staff, booked, tmp_path):
    export(staff, tmp_path)
    event = AuditEvent.select().order_by(AuditEvent.id.desc()).get()
    assert (event.action, event.summary) == (
        "export_calendar", "exported 2 appointments of Dr Alys Jones from 19 Oct 2026 onwards as iCalendar to jones.ics")


def test_a_file_that_cannot_be_written_is_refused_and_not_audited(staff, booked, tmp_path):
    events_before = AuditEvent.select().count()
    with pytest.raises(ValidationError, match="Cannot write the calendar to .*No such file or directory"):
        calendar_export.export_calendar(staff.receptionist, "drjones", tmp_path / "missing" / "x.ics")
    assert AuditEvent.select().count() == events_before


def test_the_command_line_may_export_a_calendar(staff, booked, tmp_path):
    result = calendar_export.export_calendar(Actor.command_line(), "drjones", tmp_path / "x.ics")
    assert result.appointments == 2


def test_calendar_clinicians_lists_every_clinician(staff):
    assert [clinician.username for clinician in calendar_export.calendar_clinicians(staff.receptionist)] == [
        "drjones", "physio"]


def test_only_staff_and_the_command_line_may_export(staff, tmp_path):
    stranger = Actor(user_id=None, username="x", full_name="X", role="auditor")
    with pytest.raises(PermissionDenied):
        calendar_export.export_calendar(stranger, "drjones", tmp_path / "x.ics")
