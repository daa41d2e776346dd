"""How fast a clinician's week and the earliest free slots are read now that slots come from each
clinician's sessions and leave (issue 15), at 100,000 patients / 1,000,000 appointments.

Context figures, no target of their own: the book's week (book_days, 7 days of one clinician)
and the booking dialog's offer (earliest_free_slots across every clinician) each read the
sessions and leave once for the span they cover (services/appointments/rota.py), besides the
appointments they read already.
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from measuring import plans, record
from window_clinic import (  # noqa: F401 - the fixtures are used by name
    BACKENDS,
    ONE_MILLION,
    RECEPTION,
    clinic_morning,
    million_clinic,
)

from clinic_desktop.models import Appointment
from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.services.appointments import appointment_book, slot_offers
from clinic_desktop.services.core.clock import today

CLINICIAN_ID = 3  # the generated clinic's first clinician


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_clinicians_week(benchmark, request, backend):
    built, database, postgres = million_clinic(request, backend)
    settings = load_settings()
    first = today(settings.zone)

    def week():
        return appointment_book.book_days(settings, CLINICIAN_ID, first, 7)

    days = benchmark(week)
    record(benchmark, f"{backend} 1M: a clinician's week (book_days, 7 days)", built,
           plans=plans(database, week, postgres))
    assert sum(len(day.working) for day in days) == 5


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_earliest_free_slots(benchmark, request, backend):
    built, database, postgres = million_clinic(request, backend)
    fortnight = today(load_settings().zone) + timedelta(days=14)  # today's slots are mostly taken
    due = (Appointment.select(Appointment.id).where((Appointment.status == "to_book") & (Appointment.due_by >= fortnight))
           .order_by(Appointment.due_by).first())

    def offer():
        return slot_offers.earliest_free_slots(RECEPTION, due.id, limit=8)

    offered = benchmark(offer)
    record(benchmark, f"{backend} 1M: earliest free slots (every clinician)", built,
           plans=plans(database, offer, postgres))
    assert len(offered.slots) == 8
