"""A child process of the freed-slot race (test_waiting_list.py): one workstation filling the slot.

It opens the clinic database itself, waits at the shared barrier so every workstation
writes at the same moment, and reports filled, conflict or error on the queue.
"""
from __future__ import annotations


def fill_through_the_service(location, barrier, results, actor, entry_id, clinician_id, starts_at, ends_at, now):
    from clinic_desktop.models import database_proxy
    from clinic_desktop.services.appointments.waiting_list import fill_freed_slot
    from clinic_desktop.services.core.clock import frozen_at
    from clinic_desktop.services.core.errors import Conflict
    from clinic_desktop.services.core.startup import open_clinic_database

    open_clinic_database(location)
    try:
        barrier.wait(timeout=60)
        with frozen_at(now):
            fill_freed_slot(actor, entry_id, clinician_id=clinician_id, starts_at=starts_at, ends_at=ends_at)
        results.put(("filled", entry_id, ""))
    except Conflict as conflict:
        results.put(("conflict", entry_id, str(conflict)))
    except Exception as error:  # noqa: BLE001 - reported to the test, which fails on it
        results.put(("error", entry_id, repr(error)))
    finally:
        database_proxy.close()
