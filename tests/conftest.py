import os

# Must come before anything imports Qt: without a display, Qt's default (xcb)
# platform aborts the process. `QT_QPA_PLATFORM=xcb pytest` still overrides it.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

# Test directories have no __init__.py; make the helpers next to this file
# importable whatever --import-mode is used.
_TESTS_DIR = str(Path(__file__).resolve().parent)
if _TESTS_DIR not in sys.path:
    sys.path.insert(0, _TESTS_DIR)

from postgres_server import ThrowawayPostgres  # noqa: E402

POSTGRES_FIXTURES = {"postgres_server", "postgres_url", "password_postgres"}


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def pytest_collection_modifyitems(config, items):
    # Tests that use the PostgreSQL fixtures get the `postgres` marker, so
    # `pytest -m "not postgres"` deselects them.
    for item in items:
        if POSTGRES_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.postgres)


_started_servers: list[ThrowawayPostgres] = []


def pytest_terminal_summary(terminalreporter):
    for server in _started_servers:
        if server.external_url:
            terminalreporter.write_line(f"PostgreSQL: external server ({server.reason})")
        else:
            terminalreporter.write_line(
                f"PostgreSQL: throw-away server {server.version} on "
                f"{server.host}:{server.port}, initdb+start took {server.start_seconds:.2f}s"
            )


# --- PostgreSQL server ---


@pytest.fixture(scope="session")
def postgres_server():
    """A started ThrowawayPostgres (private server on a free port), stopped at session end.

    Skips when PostgreSQL's binaries are missing, except under CI (CI=true),
    where that is a failure. CLINIC_TEST_POSTGRES_URL selects an external server.
    """
    yield from _throwaway_server(ThrowawayPostgres())


def _throwaway_server(server: ThrowawayPostgres):
    if not server.available():
        message = f"PostgreSQL binaries not found (install Debian's postgresql): {server.reason}"
        if _in_ci():
            pytest.fail(f"{message} -- CI must run the PostgreSQL tests", pytrace=False)
        pytest.skip(message)
    server.start()
    _started_servers.append(server)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def password_postgres():
    """A second throw-away server whose TCP logins must give their password, as a clinic's server does:
    the server-enforced roles' tests show a wrong or locked login refused (the first trusts every login)."""
    yield from _throwaway_server(ThrowawayPostgres(password_auth=True))


@pytest.fixture(scope="session")
def postgres_url(postgres_server):
    """URL of an empty database `clinic_test` on the session's PostgreSQL server."""
    return postgres_server.create_database("clinic_test")


# --- application database fixtures ---
# `database`, `staff` and friends: a real SQLite file or the PostgreSQL database above.
pytest_plugins = ["database_fixtures", "message_servers", "enforcing_server"]


@pytest.fixture(autouse=True)
def clinic_clock(request):
    """The clinic's clock, frozen at the test module's ``CLINIC_TIME`` (an aware datetime) if it sets one.

    What is due, overdue or late depends on today, so a module whose tests read the clinic's
    day names its moment once (``CLINIC_TIME = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)``)
    and every test in it runs there; a test moves the clock further with ``frozen_at`` itself.
    Yields the moment, or None where the clock runs free.
    """
    from clinic_desktop.services.core.clock import frozen_at

    moment = getattr(request.module, "CLINIC_TIME", None)
    if moment is None:
        yield None
        return
    with frozen_at(moment):
        yield moment


@pytest.fixture(autouse=True)
def private_window_layout(tmp_path):
    """Remembered window layouts go to the test's own folder, never the developer's settings."""
    from PySide6.QtCore import QSettings

    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(tmp_path / "qsettings"))


@pytest.fixture(autouse=True)
def quiet_change_hubs(monkeypatch):
    """A hub in a test polls the database only when the test asks it to (poll_seconds=…), and
    listens for the server's announcements only when asked (listen=True).

    Otherwise a window left over from one test would keep reading every 3 s, into the
    next test's database, or keep a listening connection and its thread open.
    """
    from clinic_desktop.ui.shell import change_hub

    monkeypatch.setattr(change_hub, "POLL_SECONDS", 3600)
    monkeypatch.setattr(change_hub, "LISTEN", False)


@pytest.fixture(autouse=True)
def windows_deleted_within_their_test():
    """Widgets a test closed or scheduled for deletion go before the next test starts.

    Qt deletes them only when an event loop next runs; left pending, they would be
    deleted inside some later test's wait, and a fault would point at the wrong test.
    """
    yield
    from PySide6.QtCore import QCoreApplication, QEvent

    if QCoreApplication.instance() is not None:
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture(scope="session", autouse=True)
def no_windows_left_at_exit():
    """Every window still open is deleted before Python shuts down.

    Left to the interpreter's final clean-up, Qt objects go in no particular order, some
    after the application object they need; that ended a fully passed run with a fault.
    """
    yield
    import gc

    from PySide6.QtCore import QCoreApplication, QEvent
    from PySide6.QtWidgets import QApplication

    if QApplication.instance() is None:
        return
    for widget in QApplication.topLevelWidgets():
        widget.close()
        widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()


@pytest.fixture(autouse=True)
def background_work_done_within_its_test():
    """A background read a test started (a hidden list's count, the dashboard's redraw) ends in
    that test, not on into the next test's database."""
    yield
    from clinic_desktop.ui.ops.op import Op
    from clinic_desktop.ui.ops.readers import Readers

    Op.settle()
    Readers.stop()  # their kept connections would hold the test's database open
    Readers.resume()
