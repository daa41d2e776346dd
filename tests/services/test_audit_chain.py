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
from clinic_desktop.services import audit_chain, audit_log, patients
from clinic_desktop.services.actor import Actor
from clinic_desktop.services.clock import frozen_at
from clinic_desktop.services.errors import PermissionDenied

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
    report = audit_chain.verify_chain(trail.manager, progress=seen.append)
    assert (seen, report.checked) == ([4, 8, 9], 9)


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
