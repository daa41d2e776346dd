"""A child process of the double-booking race (test_double_booking.py).

Each child opens the clinic database itself, as a second workstation would, waits at the
shared barrier so all of them write at the same moment, and reports its outcome on a queue.
"""
from __future__ import annotations

import time


def book_through_the_service(location, barrier, results, actor, appointment_id, clinician_id, starts_local, now):
    """Book one "to book" appointment via book_appointment; report booked, conflict or error."""
    from clinic_desktop.models import database_proxy
    from clinic_desktop.services.appointments.appointments import book_appointment
    from clinic_desktop.services.core.clock import frozen_at
    from clinic_desktop.services.core.errors import Conflict
    from clinic_desktop.services.core.startup import open_clinic_database

    open_clinic_database(location)
    try:
        barrier.wait(timeout=60)
        with frozen_at(now):
            book_appointment(actor, appointment_id, clinician_id=clinician_id, starts_local=starts_local)
        results.put(("booked", appointment_id, ""))
    except Conflict as conflict:
        results.put(("conflict", appointment_id, str(conflict)))
    except Exception as error:  # noqa: BLE001 - reported to the test, which fails on it
        results.put(("error", appointment_id, repr(error)))
    finally:
        database_proxy.close()


def insert_raw_row(location, barrier, results, episode_id, clinician_id, starts_at, ends_at, hold_seconds):
    """Insert a booked row straight into the table, bypassing the service and its check.

    The transaction stays open ``hold_seconds`` after the insert so that every other
    child's insert meets the uncommitted row: only the database's constraint decides.
    PostgreSQL may also refuse a waiting insert as a deadlock: two waiters of an exclusion
    constraint can wait on each other, and it aborts one (the service retries those).
    """
    from peewee import IntegrityError, OperationalError

    from clinic_desktop.models import Appointment, database_proxy
    from clinic_desktop.services.core.startup import open_clinic_database

    open_clinic_database(location)
    try:
        barrier.wait(timeout=60)
        with database_proxy.atomic():
            Appointment.insert(episode=episode_id, kind="follow_up", status="booked", due_by=starts_at.date(),
                               clinician=clinician_id, starts_at=starts_at, ends_at=ends_at,
                               created_at=starts_at, updated_at=starts_at).execute()
            time.sleep(hold_seconds)
        results.put(("inserted", None, ""))
    except IntegrityError as error:
        results.put(("refused", None, str(error)))
    except OperationalError as error:
        deadlock = getattr(error.__cause__, "pgcode", None) == "40P01" or "deadlock detected" in str(error)
        results.put(("refused" if deadlock else "error", None, str(error)))
    except Exception as error:  # noqa: BLE001 - reported to the test, which fails on it
        results.put(("error", None, repr(error)))
    finally:
        database_proxy.close()
