"""The Reminders tab, driven as reception drives it: what is due, Send now, a failure's reason, Retry."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from PySide6.QtCore import Qt
from reminder_records import booked_visit, set_up_messaging

CLINIC_TIME = datetime(2026, 12, 7, 9, 0, tzinfo=timezone.utc)  # Mon 7 Dec 2026
WEDNESDAY_10 = datetime(2026, 12, 9, 10, 0, tzinfo=timezone.utc)


@pytest.fixture
def clinic(sqlite_staff, smtp_server, notify_server, memory_keyring):
    set_up_messaging(sqlite_staff.manager, smtp_server, notify_server)
    booked_visit(sqlite_staff.clinician.user_id, WEDNESDAY_10)
    return sqlite_staff


def tab_titles(page) -> list[str]:
    return [page.lists.tabText(index).replace("&", "") for index in range(page.lists.count())]


def rows(model) -> list[list[str]]:
    return [[model.index(row, column).data() for column in range(model.columnCount())]
            for row in range(model.rowCount())]


def click(qtbot, button) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def sent_and_redrawn(qtbot, page) -> None:
    qtbot.waitUntil(lambda: page.sending is None, timeout=30_000)


@pytest.fixture
def page(clinic, main_window):
    window = main_window(clinic.receptionist, shown=True)
    window.tabs.setCurrentWidget(window.manager.reminders)
    return window.manager.reminders


def test_reception_has_a_reminders_tab_and_a_clinician_does_not(clinic, main_window):
    reception = main_window(clinic.receptionist)
    assert "Reminders" in [reception.tabs.tabText(index) for index in range(reception.tabs.count())]
    clinician = main_window(clinic.clinician)
    assert clinician.manager.reminders is None


def test_send_now_sends_what_is_due_and_moves_it_to_sent(qtbot, page, smtp_server, notify_server):
    assert tab_titles(page) == ["Due (2)", "Sent (0)", "Failed (0)"]
    assert rows(page.due) == [["Wed 9 Dec 10:00", "SMITH, Ann", "SMS", "07700 900123"],
                              ["Wed 9 Dec 10:00", "SMITH, Ann", "E-mail", "ann.smith@example.org"]]
    click(qtbot, page.send_button)
    sent_and_redrawn(qtbot, page)
    assert page.status.text() == "2 reminders sent (1 by e-mail, 1 by SMS)."
    assert tab_titles(page) == ["Due (0)", "Sent (2)", "Failed (0)"]
    assert not page.send_button.isEnabled()
    assert len(notify_server.requests) == 1 and len(smtp_server.messages) == 1


def test_a_failure_shows_its_reason_and_retry_sends_it(qtbot, page, notify_server):
    notify_server.mode = "refuse"
    click(qtbot, page.send_button)
    sent_and_redrawn(qtbot, page)
    assert tab_titles(page) == ["Due (0)", "Sent (1)", "Failed (1)"]
    assert "1 reminder sent; 1 failed." in page.status.text()
    page.lists.setCurrentWidget(page.tables["failed"])
    [failed] = rows(page.failed)
    assert failed[2:] == ["SMITH, Ann", "SMS", "GOV.UK Notify refused the message (400: phone_number Not a UK "
                                               "mobile number)", "1"]
    assert not page.retry_button.isEnabled()
    table = page.tables["failed"]
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton,
                     pos=table.visualRect(page.failed.index(0, 0)).center())
    notify_server.mode = "ok"
    click(qtbot, page.retry_button)
    sent_and_redrawn(qtbot, page)
    assert tab_titles(page) == ["Due (0)", "Sent (2)", "Failed (0)"]
    assert page.status.text() == "1 reminder sent."
