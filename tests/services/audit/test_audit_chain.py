"""The audit trail's hash chain: every entry linked to the one before, tampering found and named."""
from __future__ import annotations

import threading
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest
from audit_tampering import drop_fork_guard, rehash, tamper
from peewee import IntegrityError

from clinic_desktop.models import AuditEvent, database_proxy, is_sqlite
from clinic_desktop.models.audit import GENESIS_HASH
from clinic_desktop.services.audit import audit_chain, audit_log
from clinic_desktop.services.core import progress
from clinic_desktop.services.core.actor import Actor
from clinic_desktop.services.core.clock import frozen_at
from clinic_desktop.services.core.errors import PermissionDenied
from clinic_desktop.services.patients import patients

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc)
LONDON = ZoneInfo("Europe/London")


def register(staff, family: str, nhs: str | None = None):
    with frozen_at(NOW):
        return patients.register_patient(staff.receptionist, family_name=family, given_name="Ann",
                                         date_of_birth=date(1970, 1, 1), nhs_number=nhs)


@pytest.fixture
def trail(staff):
    """Four staff accounts (entries #1-#4) and five registrations (#5-#9)."""
    for family in ("Smith", "Jones", "Brown", "Evans", "Hughes"):
        register(staff, family)
    return staff


def verify(staff):
    return audit_chain.verify_chain(staff.manager)


def test_each_entry_carries_the_hash_of_the_one_before(trail):
    events = list(AuditEvent.select().order_by(AuditEvent.id))
    assert [event.id for event in events] == list(range(1, 10))
    assert events[0].previous_hash == GENESIS_HASH
    assert [event.previous_hash for event in events[1:]] == [event.entry_hash for event in events[:-1]]
    assert len({event.entry_hash for event in events}) == 9


def test_an_untouched_trail_is_reported_intact_with_every_entry_checked(trail):
    report = verify(trail)
    assert report.message(LONDON) == "Audit trail intact: 9 entries checked"
    assert (report.intact, report.newest_id) == (True, 9)
    assert report.newest_hash == AuditEvent.get_by_id(9).entry_hash


def test_an_empty_trail_is_intact_with_nothing_checked(database):
    report = audit_chain.verify_chain(Actor.command_line())
    assert report.message(LONDON) == "Audit trail intact: 0 entries checked"


def test_a_rewritten_summary_is_found_and_named(trail):
    tamper("UPDATE audit_event SET summary = ? WHERE id = ?", "registered nobody", 6)
    report = verify(trail)
    assert (report.broken.entry_id, report.broken.kind, report.checked) == (6, "altered", 5)
    assert report.message(LONDON) == ("Audit trail broken at entry #6 (25 Nov 2026 09:00): its contents were "
                                      "changed after it was written (5 entries before it intact)")


def test_a_changed_time_is_found(trail):
    tamper("UPDATE audit_event SET at = ? WHERE id = ?",
           "2026-11-24 09:00:00.000000+00:00" if is_sqlite() else datetime(2026, 11, 24, 9, tzinfo=timezone.utc), 7)
    assert (verify(trail).broken.entry_id, verify(trail).broken.kind) == (7, "altered")


def test_a_changed_patient_is_found(trail):
    other = AuditEvent.get_by_id(9).patient_id
    tamper("UPDATE audit_event SET patient_id = ? WHERE id = ?", other, 5)
    assert (verify(trail).broken.entry_id, verify(trail).broken.kind) == (5, "altered")


def test_a_deleted_entry_is_found_as_a_gap(trail):
    tamper("DELETE FROM audit_event WHERE id = ?", 7)
    report = verify(trail)
    assert (report.broken.entry_id, report.broken.kind, report.checked) == (8, "deleted", 6)
    assert report.broken.what == "entry #7 before it is missing (deleted)"


def test_several_deleted_entries_are_named_as_a_range(trail):
    tamper("DELETE FROM audit_event WHERE id IN (?, ?, ?)", 2, 3, 4)
    report = verify(trail)
    assert (report.broken.entry_id, report.broken.what) == (5, "entries #2 to #4 before it are missing (deleted)")


def test_deleting_the_first_entry_is_found(trail):
    tamper("DELETE FROM audit_event WHERE id = ?", 1)
    assert (verify(trail).broken.entry_id, verify(trail).broken.what) == (2, "entry #1 before it is missing (deleted)")


def test_a_rewrite_hidden_by_a_recomputed_hash_breaks_the_next_link(trail):
    rehash(6, summary="registered nobody")
    report = verify(trail)
    assert (report.broken.entry_id, report.broken.kind) == (7, "out of order")
    assert "#6 was changed and its hash recomputed" in report.broken.what


def test_two_entries_swapped_are_found_out_of_order(trail):
    drop_fork_guard()
    fifth, sixth = AuditEvent.get_by_id(5), AuditEvent.get_by_id(6)
    rehash(5, summary=sixth.summary, patient_id=sixth.patient_id, entity_id=sixth.entity_id,
           previous_hash=sixth.previous_hash)
    rehash(6, summary=fifth.summary, patient_id=fifth.patient_id, entity_id=fifth.entity_id,
           previous_hash=fifth.previous_hash)
    report = verify(trail)
    assert (report.broken.entry_id, report.broken.kind) == (5, "out of order")


def test_an_entry_linked_after_a_later_one_is_named_with_it(trail):
    drop_fork_guard()
    rehash(7, previous_hash=AuditEvent.get_by_id(8).entry_hash)
    report = verify(trail)
    assert (report.broken.entry_id, report.broken.kind) == (7, "out of order")
    assert report.broken.what == "it was written after entry #8, not after #6: entries were moved"


def test_the_database_refuses_a_second_entry_after_the_same_one(trail):
    last = AuditEvent.get_by_id(9)
    with pytest.raises(IntegrityError), database_proxy.atomic():
        AuditEvent.insert(id=10, at=NOW, actor_label="forger", action="x", entity="x", summary="fork",
                          previous_hash=last.previous_hash, entry_hash="f" * 64).execute()
    assert verify(trail).intact


def test_an_entry_without_its_chain_is_refused(trail):
    with pytest.raises(IntegrityError), database_proxy.atomic():
        AuditEvent.insert(id=10, at=NOW, actor_label="forger", action="x", entity="x", summary="unchained").execute()


def test_a_receptionist_may_not_check_the_trail(trail):
    with pytest.raises(PermissionDenied, match="may not view audit"):
        audit_chain.verify_chain(trail.receptionist)


def test_progress_is_reported_a_batch_at_a_time(trail, monkeypatch):
    monkeypatch.setattr(audit_chain, "BATCH", 4)
    seen = []
    with progress.watched_by(progress.Watcher(lambda done, total, text: seen.append(text))):
        report = audit_chain.verify_chain(trail.manager)
    assert report.checked == 9
    assert seen == [f"Checking the audit trail: {count} entries intact so far…" for count in (4, 8, 9)]


def test_a_check_the_user_stopped_ends_at_the_next_batch(trail, monkeypatch):
    monkeypatch.setattr(audit_chain, "BATCH", 4)
    watcher = progress.Watcher()
    watcher.cancel()
    with progress.watched_by(watcher), pytest.raises(progress.Cancelled):
        audit_chain.verify_chain(trail.manager)


def test_two_workstations_writing_at_once_keep_one_chain(trail):
    """Each thread has its own connection (peewee keeps one per thread), as two workstations would."""
    errors = []

    def workstation(prefix: str):
        try:
            for number in range(15):
                register(trail, f"{prefix}{'abcdefghijklmnopq'[number]}")
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            database_proxy.close()

    threads = [threading.Thread(target=workstation, args=(name,)) for name in ("Ward", "Wong")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert audit_log.verify_chain(trail.manager).message(LONDON) == "Audit trail intact: 39 entries checked"


def test_entries_appended_in_bulk_continue_the_chain(trail):
    rows = [dict(at=NOW, actor_label="Rita Reception (reception)", action="book_appointment", entity="appointment",
                 entity_id=number, summary=f"booked review {number}") for number in range(2500)]
    assert AuditEvent.append_many(rows) == 2500
    assert audit_chain.verify_chain(trail.manager).message(LONDON) == "Audit trail intact: 2,509 entries checked"


def test_deleting_the_newest_registration_is_found_by_the_patient_it_leaves_behind(trail):
    hughes = AuditEvent.get_by_id(9).patient_id
    tamper("DELETE FROM audit_event WHERE id = ?", 9)
    report = verify(trail)
    assert (report.intact, report.broken.kind, report.newest_hash) == (False, "deleted from the end", None)
    assert report.message(LONDON) == (f"Audit trail broken: the newest entry is #8, yet no entry registered patient "
                                      f"#{hughes}: entries were deleted from the end of the trail (8 entries intact)")


def test_deleting_the_newest_account_creation_is_found_by_the_account_it_leaves_behind(staff):
    tamper("DELETE FROM audit_event WHERE id = ?", 4)
    assert verify(staff).message(LONDON) == (
        f"Audit trail broken: the newest entry is #3, yet no entry created user #{staff.other_clinician.user_id} "
        "(physio): entries were deleted from the end of the trail (3 entries intact)")


def test_an_emptied_trail_is_broken_while_the_database_holds_patients_and_accounts(trail):
    tamper("DELETE FROM audit_event")
    report = verify(trail)
    assert (report.intact, report.checked, report.newest_id) == (False, 0, None)
    assert report.message(LONDON) == ("Audit trail broken: the audit trail is empty but the database holds "
                                      "5 patients and 4 users: entries were deleted")


def test_imported_patients_count_as_created_by_their_import(staff, tmp_path):
    from clinic_desktop.services.exchange import patient_import
    from clinic_desktop.services.exchange.patient_csv import COLUMNS

    path = tmp_path / "patients.csv"
    path.write_text(",".join(COLUMNS) + "\n9434765919,Smith,Ann,1961-02-09,,,,,\n4010232137,Wang,Fang,1975-02-09,,,,,\n",
                    encoding="utf-8")
    with frozen_at(NOW):
        patient_import.import_patients(staff.manager, patient_import.preview_patient_import(staff.manager, path))
    assert verify(staff).message(LONDON) == "Audit trail intact: 5 entries checked"


def anchor_at(event_id: int) -> audit_chain.Anchor:
    return audit_chain.Anchor(event_id, AuditEvent.get_by_id(event_id).entry_hash)


def test_an_anchor_still_in_the_trail_keeps_it_intact(trail):
    kept = anchor_at(7)
    register(trail, "Lloyd")
    assert audit_chain.verify_chain(trail.manager, expect=kept).message(LONDON) == (
        "Audit trail intact: 10 entries checked")


def test_deleting_newest_entries_no_record_misses_is_found_by_the_anchor_kept_elsewhere(trail, tmp_path):
    audit_log.export_events_csv(trail.manager, tmp_path / "all.csv")  # entry #10 creates no record
    kept = anchor_at(10)
    tamper("DELETE FROM audit_event WHERE id = ?", 10)
    assert verify(trail).intact  # what the records alone can tell
    report = audit_chain.verify_chain(trail.manager, expect=kept)
    assert (report.intact, report.broken.kind) == (False, "deleted from the end")
    assert report.message(LONDON) == (
        f"Audit trail broken: the entry #10 with hash {kept.entry_hash[:12]}… that an earlier check saw is gone "
        "(the newest entry is now #9): entries were deleted from the end of the trail (9 entries intact)")


def test_an_anchor_given_as_its_hash_alone_is_found_or_missed(trail, tmp_path):
    audit_log.export_events_csv(trail.manager, tmp_path / "all.csv")
    kept = audit_chain.Anchor.parse(AuditEvent.get_by_id(10).entry_hash.upper())
    assert audit_chain.verify_chain(trail.manager, expect=kept).intact
    tamper("DELETE FROM audit_event WHERE id = ?", 10)
    assert audit_chain.verify_chain(trail.manager, expect=kept).broken.what.startswith(
        f"the entry with hash {kept.entry_hash[:12]}… that an earlier check saw is gone")


def test_an_anchored_entry_rewritten_with_a_recomputed_hash_is_found(trail):
    kept = anchor_at(9)
    rehash(9, summary="registered nobody")
    assert verify(trail).intact  # the newest entry has no successor whose link would break
    assert audit_chain.verify_chain(trail.manager, expect=kept).broken.what == (
        f"entry #9 no longer has the hash {kept.entry_hash[:12]}… that an earlier check saw: the trail was "
        "rewritten from entry #9 on")


@pytest.mark.parametrize("text, anchor", [
    ("972:" + "ab" * 32, (972, "ab" * 32)), ("AB" * 32, (None, "ab" * 32)), (" #12:" + "0f" * 32 + "\n", (12, "0f" * 32)),
])
def test_an_anchor_is_read_as_the_check_printed_it(text, anchor):
    parsed = audit_chain.Anchor.parse(text)
    assert (parsed.entry_id, parsed.entry_hash) == anchor


@pytest.mark.parametrize("text", ["", "abc", "0:" + "ab" * 32, "12:" + "zz" * 32, "12-" + "ab" * 32])
def test_text_that_is_no_anchor_is_refused(text):
    with pytest.raises(ValueError):
        audit_chain.Anchor.parse(text)
