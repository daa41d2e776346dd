"""The To send list (signed letters not yet sent) and the checks a batch run makes, on both databases."""
from __future__ import annotations

import re
from datetime import date, datetime, timezone

import pytest
from database_fixtures import PASSWORD
from held_letters import signed_then_superseded

from clinic_desktop.services.core.errors import PermissionDenied, ServiceError, ValidationError
from clinic_desktop.services.episodes import episodes
from clinic_desktop.services.episodes.episode_records import get_episode
from clinic_desktop.services.patients import patients
from clinic_desktop.services.referrals import destinations, letter_batch, referrals
from clinic_desktop.services.referrals.letters_to_send import export_letter, letter_still_unsent, to_send

MONDAY_2_JUNE = datetime(2025, 6, 2, 9, 0, tzinfo=timezone.utc)
TEXT = "Dear colleague,\n\nPlease see this patient.\n\nYours sincerely,"


CLINIC_TIME = MONDAY_2_JUNE  # every test here runs at this moment (tests/conftest.py: clinic_clock)


def referral_for(staff, family: str, kind: str = "spinal_surgical", due_by: date | None = None) -> int:
    """A referral raised by hand for a new patient: still to be drafted and signed."""
    patient = patients.register_patient(staff.receptionist, family_name=family, given_name="Ann",
                                        date_of_birth=date(1961, 2, 9))
    episode_id = episodes.open_episode(staff.clinician, patient.id, first_contact_on=date(2025, 5, 26),
                                       presentation="non_specific", severity="moderate").episode_id
    return referrals.raise_referral(staff.clinician, episode_id, kind=kind, reason="Seen today",
                                    due_by=due_by).id


def signed(staff, referral_id: int) -> int:
    referrals.draft_referral(staff.clinician, referral_id, TEXT)
    referrals.sign_referral(staff.clinician, referral_id, PASSWORD)
    return referral_id


def test_the_list_holds_signed_letters_only_urgent_first_then_by_due_date(staff):
    later = signed(staff, referral_for(staff, "Later"))  # due by 16 Jun, as the pathway says
    sooner = signed(staff, referral_for(staff, "Sooner", due_by=date(2025, 6, 9)))
    urgent = signed(staff, referral_for(staff, "Urgent", kind="urgent_red_flag"))
    referrals.draft_referral(staff.clinician, referral_for(staff, "Drafted"), TEXT)
    referrals.mark_referral_sent(staff.receptionist, signed(staff, referral_for(staff, "Sent")))

    page = to_send(staff.receptionist)

    assert [row.referral_id for row in page.rows] == [urgent, sooner, later]
    assert page.total == 3
    first = page.rows[0]
    assert (first.patient_name, first.urgent, first.kind_title, first.days_left) == (
        "URGENT, Ann", True, "Urgent red-flag referral", 0)
    assert (first.version, first.signer_name, first.status) == (1, "Dr Alys Jones", "signed")


def test_an_amended_letter_is_listed_once_with_its_latest_version(staff):
    referral_id = signed(staff, referral_for(staff, "Smith"))
    referrals.amend_referral(staff.clinician, referral_id, clinician_text=TEXT + " Amended.", reason="Typo",
                             password=PASSWORD)

    rows = to_send(staff.manager).rows

    assert [(row.referral_id, row.version) for row in rows] == [(referral_id, 2)]


def test_the_database_counts_and_pages_the_list(staff):
    ids = [signed(staff, referral_for(staff, name, due_by=date(2025, 6, 9 + number)))
           for number, name in enumerate(("Adams", "Baker", "Cole"))]

    page = to_send(staff.receptionist, offset=1, limit=1)

    assert (page.total, [row.referral_id for row in page.rows]) == (3, [ids[1]])


def test_a_page_outside_the_limits_is_refused(staff):
    with pytest.raises(ValidationError, match="between 1 and 1000 rows"):
        to_send(staff.receptionist, limit=0)


def test_each_letter_names_its_destination_if_the_directory_has_one(staff):
    without = signed(staff, referral_for(staff, "Before"))
    destinations.create_destination(staff.manager, name="Leeds General Infirmary", department="Spinal surgery",
                                    kinds=("spinal_surgical",), default_for=("spinal_surgical",))
    addressed = signed(staff, referral_for(staff, "After"))

    names = {row.referral_id: row.destination_name for row in to_send(staff.receptionist).rows}

    assert names == {without: "", addressed: "Leeds General Infirmary – Spinal surgery"}


def test_a_letter_is_still_unsent_until_it_is_sent_or_amended(staff):
    sent_one = signed(staff, referral_for(staff, "Sent"))
    amended = signed(staff, referral_for(staff, "Amended"))
    waiting = signed(staff, referral_for(staff, "Waiting"))
    referrals.mark_referral_sent(staff.receptionist, sent_one)
    referrals.amend_referral(staff.clinician, amended, clinician_text=TEXT, reason="New finding", password=PASSWORD)

    assert letter_still_unsent(staff.receptionist, waiting, 1)
    assert not letter_still_unsent(staff.receptionist, sent_one, 1)
    assert not letter_still_unsent(staff.receptionist, amended, 1)
    assert letter_still_unsent(staff.receptionist, amended, 2)


def test_only_staff_who_export_letters_may_check_them(staff):
    with pytest.raises(PermissionDenied):
        letter_still_unsent(staff.clinician, 1, 1)


def _first_unsent(staff):
    return next(letter_batch.each_unsent_letter(staff.receptionist))


def test_an_exported_letter_is_the_signed_bytes_exactly(staff, tmp_path):
    referral_id = signed(staff, referral_for(staff, "Zoë"))
    letter, pdf = _first_unsent(staff)

    written = export_letter(tmp_path, letter, pdf)

    assert written == tmp_path / f"ZOË-Ann_referral-{referral_id}_v1.pdf"
    assert written.read_bytes() == referrals.letter_pdf(staff.receptionist, referral_id)


def test_a_letter_that_cannot_be_written_says_why(staff, tmp_path):
    signed(staff, referral_for(staff, "Smith"))
    letter, pdf = _first_unsent(staff)
    gone = tmp_path / "unplugged memory stick"

    with pytest.raises(ServiceError, match=re.escape(f"SMITH, Ann's letter could not be written to {gone}: "
                                                     "No such file or directory")):
        export_letter(gone, letter, pdf)


def test_a_file_that_does_not_read_back_as_signed_is_refused(staff, tmp_path):
    signed(staff, referral_for(staff, "Smith"))
    letter, pdf = _first_unsent(staff)

    with pytest.raises(ServiceError, match="did not read back as it was signed"):
        export_letter(tmp_path, letter, pdf[:-10])


def test_the_list_is_read_through_the_referral_status_index(sqlite_staff, sqlite_database, monkeypatch):
    """SQLite without statistics plans the same for a handful of referrals as for a million."""
    statements = []
    run = sqlite_database.execute_sql
    monkeypatch.setattr(sqlite_database, "execute_sql",
                        lambda sql, params=None, **options: statements.append((sql, params)) or run(sql, params))
    to_send(sqlite_staff.receptionist)

    plans = [" / ".join(row[-1] for row in run("EXPLAIN QUERY PLAN " + sql, params).fetchall())
             for sql, params in statements if '"referral" AS' in sql]
    assert len(plans) == 2  # the count and the page
    assert "USING COVERING INDEX referral_status_due_by (status=?)" in plans[0]
    assert "SEARCH t1 USING INDEX referral_status_due_by (status=?)" in plans[1]


def test_a_letter_held_for_a_clinicians_decision_is_listed_with_why_and_its_bytes_are_not_given_out(staff):
    held = signed_then_superseded(staff)
    (letter,) = letter_batch.signed_unsent_letters(staff.receptionist)
    assert letter.referral_id == held
    assert letter.held.startswith("JONES, Bryn's standard physiotherapy letter is held, not sent: the warning")
    assert letter_batch.unsent_letter_pdf(staff.receptionist, held, letter.version) is None


def test_an_export_leaves_a_held_letter_out_and_says_why_while_the_others_are_written(staff, tmp_path):
    held = signed_then_superseded(staff)
    other = signed(staff, referral_for(staff, "Other"))
    report = letter_batch.export_signed_unsent(staff.receptionist, tmp_path)
    assert [path.name for path in report.written] == [f"OTHER-Ann_referral-{other}_v1.pdf"]
    assert report.skipped == ()
    assert [reason.split(":")[0] for reason in report.held] == ["JONES, Bryn's standard physiotherapy letter is held, "
                                                                 "not sent"]
    assert referrals.get_referral(staff.receptionist, held).status == "signed"


def test_a_letter_superseded_after_signing_says_to_check_with_the_clinician(staff):
    """The risk changed after the standard physiotherapy letter was signed: To send says so in words."""
    patient = patients.register_patient(staff.receptionist, family_name="Moved", given_name="Ann",
                                        date_of_birth=date(1961, 2, 9))
    episode_id = episodes.open_episode(staff.clinician, patient.id, first_contact_on=date(2025, 5, 12),
                                       presentation="non_specific", severity="moderate").episode_id
    episodes.record_start_back(staff.clinician, episode_id, assessed_on=date(2025, 5, 26),
                               answers=(1, 1, 1, 1, 0, 0, 0, 0, 0))  # medium
    physiotherapy = signed(staff, referrals.referrals_for_episode(staff.clinician, episode_id)[0].id)
    other = signed(staff, referral_for(staff, "Steady"))
    assert not any(row.check_with_clinician for row in to_send(staff.receptionist).rows)
    episodes.record_start_back(staff.clinician, episode_id, assessed_on=date(2025, 6, 2),
                               answers=(1, 1, 1, 1, 1, 1, 1, 1, 4))  # high
    held = {row.referral_id: row.check_with_clinician for row in to_send(staff.receptionist).rows}
    assert held == {physiotherapy: True, other: False}
    warning = next(warning for warning in get_episode(staff.clinician, episode_id).open_warnings
                   if warning.requires_acknowledgement)  # not the prompt to agree a plan
    episodes.acknowledge_warning(staff.clinician, warning.id)
    assert not any(row.check_with_clinician for row in to_send(staff.receptionist).rows)
