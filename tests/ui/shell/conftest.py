"""What the shell's tests share."""
import pytest

from clinic_desktop.ui.shell.change_hub import ChangeHub


@pytest.fixture
def hub(sqlite_staff):
    """A practice manager's hub that reads the feed only when a test asks (``poll``) or tells it a change."""
    return ChangeHub(sqlite_staff.manager, poll_seconds=3600)
