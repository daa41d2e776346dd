"""The appointment book as reception sees it, shared by the book's tests and its journeys."""
import pytest

from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.ui.book.appointment_book import AppointmentBookView
from clinic_desktop.ui.shell.change_hub import ChangeHub


@pytest.fixture
def book_hub(sqlite_staff):
    """The book's change hub, reading the feed only when a test asks (``poll``)."""
    hub = ChangeHub(sqlite_staff.receptionist, poll_seconds=600)
    yield hub
    hub.stop()


@pytest.fixture
def book_view(qtbot, sqlite_staff, book_hub):
    view = AppointmentBookView(sqlite_staff.receptionist, load_settings(), book_hub)
    qtbot.addWidget(view)
    view.show()
    return view
