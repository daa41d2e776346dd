"""The wrapper every public service function runs in.

It checks the acting user's permission, runs the function in one transaction, makes
sure a change wrote its audit event, and turns database trouble into a message a user
can act on, naming the real cause (services/core/database_trouble.py). PostgreSQL
serialization failures and deadlocks are retried. A value or a
clash the service's own checks missed is still refused with a sentence, never SQL.
"""
from __future__ import annotations

import functools
import re
import time
from contextlib import contextmanager
from typing import Iterator

from peewee import DataError, IntegrityError, InterfaceError, InternalError, OperationalError, ProgrammingError

from clinic_desktop.models import User, database_proxy, is_sqlite
from clinic_desktop.services.audit import audit
from clinic_desktop.services.core.database_trouble import BUSY, cause_in_words
from clinic_desktop.services.core.errors import (
    Conflict,
    DatabaseBusy,
    DatabaseUnavailable,
    PermissionDenied,
    ServiceError,
    ValidationError,
)
from clinic_desktop.services.core.permissions import require

__all__ = ["close_thread_connection", "database_errors_in_words", "permission_checked", "service", "unavailable"]

_RETRYABLE_PGCODES = {"40001", "40P01"}  # serialization_failure, deadlock_detected
_ATTEMPTS = 4
# SQLite names the column in its message ("UNIQUE constraint failed: patient.nhs_number").
_SQLITE_CONSTRAINT = re.compile(r"constraint failed: ([\w.]{1,63})")


def service(permission: str, *, changes: bool = True):
    """Decorate a service function ``fn(actor, ...)``.

    ``changes`` says the function changes data and so must write exactly one audit event.
    """

    def decorate(function):
        @functools.wraps(function)
        def run(actor, *args, **kwargs):
            require(actor, permission)
            for attempt in range(1, _ATTEMPTS + 1):
                try:
                    return _run_once(function, changes, actor, args, kwargs)
                except (OperationalError, InternalError, InterfaceError) as error:
                    retryable = _pgcode(error) in _RETRYABLE_PGCODES
                    if retryable and attempt < _ATTEMPTS:
                        time.sleep(0.02 * attempt)
                        continue
                    if retryable:
                        raise DatabaseBusy(BUSY) from error
                    raise unavailable(error) from error
                except ProgrammingError as error:  # a permission the server refused; anything else is a bug
                    named = cause_in_words(error)
                    if named is None:
                        raise
                    raise named from error
                except DataError as error:
                    raise ValidationError("A value was too long or of the wrong kind; nothing was saved.") from error
                except IntegrityError as error:
                    # A clash the service maps itself (a double booking) never gets here.
                    name = _constraint_name(error)
                    which = f" ({name})" if name else ""
                    raise Conflict(f"The change clashes with the stored record{which}; nothing was saved.") from error

        run.permission = permission
        return run

    return decorate


def permission_checked(permission: str):
    """Decorate a public service ``fn(actor, ...)`` that cannot be one transaction.

    A file copy, a restore, an export read in batches or a call on to another service opens
    its own transactions (or must run outside one); its permission, and that the account is
    still active in its role, are still checked before anything happens, and it is marked as
    part of the API like any other service.
    """

    def decorate(function):
        @functools.wraps(function)
        def run(actor, *args, **kwargs):
            require(actor, permission)
            with database_errors_in_words():
                _check_still_allowed(actor)
            return function(actor, *args, **kwargs)

        run.permission = permission
        return run

    return decorate


def _run_once(function, changes, actor, args, kwargs):
    counter, token = audit.counting()
    try:
        with database_proxy.atomic():
            _check_still_allowed(actor)
            result = function(actor, *args, **kwargs)
            if changes and counter[0] != 1:
                raise AssertionError(
                    f"{function.__qualname__} wrote {counter[0]} audit events; a change writes exactly one"
                )
        return result
    finally:
        audit.stop_counting(token)


def close_thread_connection() -> None:
    """Close the calling thread's own database connection (peewee keeps one per thread).

    For work run on a thread of its own (a backup copy): its connection would otherwise stay
    open after the thread ends, holding an SQLite file handle or a PostgreSQL session.
    """
    database_proxy.obj.close()


def unavailable(error: Exception) -> ServiceError:
    """Database trouble that is nobody's input: a full disk, a read-only file, the server gone.

    The cause is named when the driver's code says it; the network is blamed only for a lost
    server connection, or when nothing better is known on PostgreSQL.
    """
    lost = _connection_lost()
    named = cause_in_words(error)
    if named is not None:
        return named
    if lost and not is_sqlite():
        return DatabaseUnavailable("the connection to the database was lost; nothing was saved. "
                                   "Check the network or the database server, then try again")
    first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    check = "the disk holding the database file" if is_sqlite() else "the network or the database server"
    return DatabaseUnavailable(f"the database could not be used ({first_line}); nothing was saved. "
                               f"Check {check}, then try again")


@contextmanager
def database_errors_in_words() -> Iterator[None]:
    """For the few database reads outside a service (signing in, unlocking): trouble becomes a sentence."""
    try:
        yield
    except (OperationalError, InternalError, InterfaceError, ProgrammingError) as error:
        if isinstance(error, ProgrammingError) and cause_in_words(error) is None:
            raise
        raise unavailable(error) from error


def _connection_lost() -> bool:
    """Whether the server went away (PostgreSQL restarted, network down).

    The broken connection is closed, so that the next service call connects afresh
    instead of failing forever on a dead socket.
    """
    database = database_proxy.obj
    if database is None:
        return False
    if database.is_closed():
        return True  # connecting again failed: the server is still out of reach
    if not getattr(database.connection(), "closed", 0):
        return False
    database.close()
    return True


def _check_still_allowed(actor) -> None:
    """An account deactivated or re-roled on another workstation stops acting at once."""
    if actor.user_id is None:
        return
    user = User.get_or_none(User.id == actor.user_id)
    if user is None or not user.active or user.role != actor.role:
        raise PermissionDenied(f"the account {actor.username} is no longer active in this role: sign in again")


def _driver_errors(error: Exception) -> tuple:
    """Where the database driver's own exception may sit behind peewee's wrapper."""
    return (error.args[0] if error.args else None, error.__cause__, error.__context__)


def _pgcode(error: Exception) -> str | None:
    for candidate in _driver_errors(error):
        code = getattr(candidate, "pgcode", None)
        if code:
            return code
    return None


def _constraint_name(error: IntegrityError) -> str | None:
    """The constraint's short name: PostgreSQL reports it, SQLite names the column."""
    for candidate in _driver_errors(error):
        name = getattr(getattr(candidate, "diag", None), "constraint_name", None)
        if name:
            return name
    found = _SQLITE_CONSTRAINT.search(str(error))
    return found.group(1) if found else None
