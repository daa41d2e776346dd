"""A view whose read failed says so, keeps what it showed and is read again as soon as the database
answers: at the change hub's next read that goes through, not only at the next change that concerns it,
which might not come for hours (ui/widgets/redraw_when_seen.py, hazard C-80.3). The worklists, the
dashboard and the book have their own tests beside theirs; these are the other views of care.
"""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from told_changes import shown

from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.services.appointments import waiting_list
from clinic_desktop.services.core.errors import DatabaseUnavailable
from clinic_desktop.services.reminders import reminder_lists
from clinic_desktop.ui.book.waiting_list_view import WaitingListView
from clinic_desktop.ui.letters.letter_batch_dialog import LetterBatchDialog
from clinic_desktop.ui.reminders.reminders_page import RemindersPage
from clinic_desktop.ui.widgets.redraw_when_seen import READ_AGAIN
from clinic_desktop.ui.worklists import worklist_views

CLINIC_TIME = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)  # every test here (tests/conftest.py: clinic_clock)

# Each view: how it is opened, the read that fails (module, name), how it is read again by hand, and where it
# says so.
VIEWS = {
    "waiting-list": (lambda staff, hub: WaitingListView(staff.receptionist, hub), (waiting_list, "waiting_list"),
                     "reload", lambda view: view.title.text()),
    "letters-to-send": (lambda staff, hub: LetterBatchDialog(staff.receptionist, load_settings(), hub,
                                                             choose_folder=lambda _parent: ""),
                        (worklist_views, "to_send"), "reload", lambda view: view.heading.text()),
    "reminders": (lambda staff, hub: RemindersPage(staff.receptionist, load_settings(), hub),
                  (reminder_lists, "due_reminders"), "refresh", lambda view: view.status.text()),
}


@pytest.mark.parametrize("name", sorted(VIEWS))
def test_a_view_whose_read_failed_says_so_and_is_read_again_once_the_database_answers(qtbot, sqlite_staff, hub,
                                                                                      monkeypatch, name):
    make, (module, read), read_again, words = VIEWS[name]
    view = shown(qtbot, make(sqlite_staff, hub))
    assert READ_AGAIN not in words(view)

    def unreachable(*args, **kwargs):
        raise DatabaseUnavailable("the database server could not be reached")

    monkeypatch.setattr(module, read, unreachable)
    getattr(view, read_again)()
    assert "The database server could not be reached." in words(view) and READ_AGAIN in words(view)

    monkeypatch.undo()  # the server is back
    hub.poll()  # the hub's next read goes through, with no change to tell of
    assert READ_AGAIN not in words(view)
