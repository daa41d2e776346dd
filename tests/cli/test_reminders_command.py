"""``clinic-desktop reminders send``, as a scheduled job runs it."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from reminder_records import booked_visit, set_up_messaging

from clinic_desktop.cli import main
from clinic_desktop.models import AuditEvent

CLINIC_TIME = datetime(2026, 12, 7, 9, 0, tzinfo=timezone.utc)
WEDNESDAY_10 = datetime(2026, 12, 9, 10, 0, tzinfo=timezone.utc)


@pytest.fixture
def clinic_file(sqlite_staff, sqlite_database, smtp_server, notify_server, memory_keyring):
    set_up_messaging(sqlite_staff.manager, smtp_server, notify_server)
    booked_visit(sqlite_staff.clinician.user_id, WEDNESDAY_10)
    return sqlite_database.database


def test_send_sends_what_is_due_says_so_and_exits_0(clinic_file, smtp_server, notify_server, capsys):
    assert main(["--database", clinic_file, "reminders", "send"]) == 0
    assert capsys.readouterr().out == "Reminders: 2 reminders sent (1 by e-mail, 1 by SMS).\n"
    assert len(smtp_server.messages) == 1 and len(notify_server.requests) == 1
    [run] = AuditEvent.select().where(AuditEvent.action == "send_reminders")
    assert run.actor_label.startswith("command line (")
    assert main(["--database", clinic_file, "reminders", "send"]) == 0
    assert capsys.readouterr().out == "Reminders: 0 reminders sent.\n"


def test_a_failure_is_named_on_stderr_and_exits_1(clinic_file, notify_server, capsys):
    notify_server.mode = "down"
    assert main(["--database", clinic_file, "reminders", "send"]) == 1
    captured = capsys.readouterr()
    assert captured.out == "Reminders: 1 reminder sent; 1 failed.\n"
    assert captured.err == ("clinic-desktop: not sent: SMITH, Ann (SMS): GOV.UK Notify could not take the message "
                            "just now (500: Internal server error)\n")


def test_a_missing_database_is_refused_in_one_line(tmp_path, capsys):
    assert main(["--database", str(tmp_path / "none.sqlite3"), "reminders", "send"]) == 2
    assert capsys.readouterr().err.startswith("clinic-desktop: ")
