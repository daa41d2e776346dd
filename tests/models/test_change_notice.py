"""Each audit event committed on PostgreSQL is announced, and a database made before that gets the announcement."""
from __future__ import annotations

import json
import select
from datetime import date

import psycopg2
import pytest

from clinic_desktop.models import AuditEvent, constraints
from clinic_desktop.models.schema import prepare_database
from clinic_desktop.services.patients import patients

pytestmark = pytest.mark.parametrize("database", [pytest.param("postgres", marks=pytest.mark.postgres)],
                                     indirect=True)


def _listening(url: str):
    connection = psycopg2.connect(url)
    connection.autocommit = True
    connection.cursor().execute(f"LISTEN {constraints.CHANGE_CHANNEL}")
    return connection


def _notices(connection) -> list[dict]:
    select.select([connection], [], [], 5)
    connection.poll()
    return [json.loads(notice.payload) for notice in connection.notifies]


def test_a_committed_audit_event_is_announced_with_its_id_kind_and_patient(staff, postgres_url):
    listener = _listening(postgres_url)
    try:
        patient = patients.register_patient(staff.receptionist, family_name="Smith", given_name="Ann",
                                            date_of_birth=date(1970, 1, 1))
        event = AuditEvent.select().order_by(AuditEvent.id.desc()).first()
        assert _notices(listener) == [{"id": event.id, "entity": "patient", "patient": patient.id}]
    finally:
        listener.close()


def test_a_database_made_before_changes_were_announced_gets_the_announcement_on_opening(database):
    database.execute_sql(f"DROP TRIGGER {constraints.CHANGE_NOTICE_TRIGGER} ON audit_event")
    assert not constraints.change_notice_installed(database)

    prepare_database(database)

    assert constraints.change_notice_installed(database)
