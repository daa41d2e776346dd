"""The database itself keeps the audit log append-only and signed letters unchanged."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from bare_records import bare_episode
from peewee import IntegrityError

from clinic_desktop.models import AuditEvent, LetterVersion, Referral, database_proxy

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def event(staff):
    return AuditEvent.create(at=NOW, user=staff.manager.user_id, actor_label="Morag", action="test",
                             entity="none", entity_id=None, summary="a test event")


@pytest.fixture
def letter(staff):
    referral = Referral.create(episode=bare_episode(staff.clinician.user_id, NOW), kind="spinal_surgical", due_by=NOW.date(), raised_at=NOW,
                               updated_at=NOW)
    return LetterVersion.create(referral=referral, version=1, pdf=b"%PDF-1.4 signed", sha256="0" * 64,
                                signed_by=staff.clinician.user_id, signed_at=NOW, signer_name="Dr Alys Jones",
                                signer_role="clinician", signer_registration="GMC 7012345")


def _refused(statement, message):
    with pytest.raises(IntegrityError, match=message):
        with database_proxy.atomic():
            statement()


def test_an_audit_event_cannot_be_changed(event):
    _refused(lambda: AuditEvent.update(summary="rewritten").execute(), "append-only")
    assert AuditEvent.get_by_id(event.id).summary == "a test event"


def test_an_audit_event_cannot_be_deleted(event):
    _refused(lambda: AuditEvent.delete().execute(), "append-only")
    assert AuditEvent.get_or_none(AuditEvent.id == event.id) is not None


def test_a_signed_letter_cannot_be_changed(letter):
    _refused(lambda: LetterVersion.update(pdf=b"%PDF-1.4 forged").execute(), "never changes")
    assert bytes(LetterVersion.get_by_id(letter.id).pdf) == b"%PDF-1.4 signed"


def test_a_signed_letter_cannot_be_deleted(letter):
    _refused(lambda: LetterVersion.delete().execute(), "never changes")
    assert LetterVersion.select().count() == 1
