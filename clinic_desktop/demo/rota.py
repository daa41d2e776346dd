"""The demo clinic's sessions and leave beyond the opening hours everyone starts with.

Laid on after the patients' stories (which book into the opening hours), from the week after
the demo is built, so the book shows an evening clinic, alternate weeks, a session for some
kinds of review only and leave, and the manager's Sessions and leave page has something to list.
"""
from __future__ import annotations

from datetime import date, time, timedelta

from clinic_desktop.demo.staff import DemoStaff
from clinic_desktop.services.appointments import sessions


def create_rota(staff: DemoStaff, today: date) -> None:
    doctor, physio = staff.clinicians
    next_monday = today + timedelta(days=7 - today.weekday())
    manager = staff.manager
    sessions.add_session(manager, doctor.user_id, on_date=next_monday + timedelta(days=2), starts=time(18, 0),
                         ends=time(20, 0), slot_minutes=30, kinds=("two_week_review", "twelve_week_review"))
    sessions.add_session(manager, physio.user_id, weekday=3, starts=time(17, 30), ends=time(19, 30),
                         every_weeks=2, first_day=next_monday + timedelta(days=3))
    sessions.add_leave(manager, physio.user_id, first_day=next_monday + timedelta(weeks=3),
                       last_day=next_monday + timedelta(weeks=3, days=4), reason="annual_leave",
                       note="Booked in January", confirm=True)
    sessions.add_leave(manager, doctor.user_id, first_day=next_monday + timedelta(days=1), from_time=time(13, 0),
                       to_time=time(17, 30), reason="training", note="Spinal triage course", confirm=True)
