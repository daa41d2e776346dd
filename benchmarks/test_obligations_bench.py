"""How fast the safety net's lists answer at 100,000 patients / 1,000,000 appointments.

Each list a role sees (services/worklists/obligations.py: first page of 50 and its count, as the tab
title needs) against the 50 ms target, on SQLite and PostgreSQL; every query EXPLAINed, a
full scan of appointment failing the run. The manager's "All open work" reads every kind at
once (nine counts and a nine-sided page) and is held to the same target.
"""
from __future__ import annotations

from datetime import datetime, timezone

import bulk_data
import pytest
from test_worklist_bench import MANAGER, TARGET_MS, timed

from clinic_desktop.services.core.actor import Actor
from clinic_desktop.services.referrals.cancelled_red_flags import cancelled_red_flags
from clinic_desktop.services.worklists import obligations

TODAY = bulk_data.BENCH_TODAY
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=timezone.utc)  # noon of the generated clinic's today
# User 3 of the generated clinic: the first clinician.
CLINICIAN = Actor(user_id=3, username="clinician0", full_name="Dr Clinician 0", role="clinician")
RECEPTIONIST = Actor(user_id=2, username="reception", full_name="Rita Reception", role="receptionist")

# (kind, who reads it): a clinician reads their own items and the unassigned ones.
LISTS = [
    ("referral_to_write", CLINICIAN), ("letter_to_sign", CLINICIAN), ("warning_to_acknowledge", CLINICIAN),
    ("finding_to_record", CLINICIAN), ("relaxant_to_review", CLINICIAN), ("outcome_to_record", RECEPTIONIST),
    ("acknowledgement_to_chase", RECEPTIONIST), ("appointment_to_book", RECEPTIONIST),
    ("letter_to_send", RECEPTIONIST),
]


def _list(kind: str, actor: Actor):
    owner = actor.user_id if actor.role == "clinician" else None
    return lambda: obligations.obligation_list(actor, kind, owner_user_id=owner, as_of=TODAY, now=NOW)


@pytest.mark.parametrize("kind, actor", LISTS, ids=[kind for kind, _ in LISTS])
def test_list_first_page_and_count(benchmark, sqlite_clinic, kind, actor):
    built, database = sqlite_clinic(bulk_data.ONE_MILLION)
    page = timed(benchmark, f"sqlite 1M: {kind} page 1 + count", built, _list(kind, actor), database,
                 target_ms=TARGET_MS)
    assert page.total >= 1


def test_cancelled_red_flags(benchmark, sqlite_clinic):
    built, database = sqlite_clinic(bulk_data.ONE_MILLION)
    page = timed(benchmark, "sqlite 1M: cancelled_red_flags() page 1 + count", built,
                 lambda: cancelled_red_flags(MANAGER, now=NOW), database, target_ms=TARGET_MS)
    assert page.total >= 1


def test_all_open_work_first_page_and_count(benchmark, sqlite_clinic):
    built, database = sqlite_clinic(bulk_data.ONE_MILLION)
    page = timed(benchmark, "sqlite 1M: open_work() page 1 + count", built,
                 lambda: obligations.open_work(MANAGER, as_of=TODAY, now=NOW), database, target_ms=TARGET_MS)
    assert len(page.rows) == 50


def test_all_open_work_counts(benchmark, sqlite_clinic):
    built, database = sqlite_clinic(bulk_data.ONE_MILLION)
    counts = timed(benchmark, "sqlite 1M: open_work_counts()", built,
                   lambda: obligations.open_work_counts(MANAGER, as_of=TODAY, now=NOW), database, target_ms=TARGET_MS)
    assert set(counts) == set(obligations.KINDS)


# --- PostgreSQL ---


@pytest.mark.parametrize("kind, actor", LISTS, ids=[kind for kind, _ in LISTS])
def test_postgres_list_first_page_and_count(benchmark, postgres_clinic, kind, actor):
    built, database = postgres_clinic
    page = timed(benchmark, f"postgres: {kind} page 1 + count", built, _list(kind, actor), database,
                 postgres=True, target_ms=TARGET_MS)
    assert page.total >= 1


def test_postgres_cancelled_red_flags(benchmark, postgres_clinic):
    built, database = postgres_clinic
    page = timed(benchmark, "postgres: cancelled_red_flags() page 1 + count", built,
                 lambda: cancelled_red_flags(MANAGER, now=NOW), database, postgres=True, target_ms=TARGET_MS)
    assert page.total >= 1


def test_postgres_all_open_work_first_page_and_count(benchmark, postgres_clinic):
    built, database = postgres_clinic
    page = timed(benchmark, "postgres: open_work() page 1 + count", built,
                 lambda: obligations.open_work(MANAGER, as_of=TODAY, now=NOW), database, postgres=True,
                 target_ms=TARGET_MS)
    assert len(page.rows) == 50


def test_postgres_all_open_work_counts(benchmark, postgres_clinic):
    built, database = postgres_clinic
    counts = timed(benchmark, "postgres: open_work_counts()", built,
                   lambda: obligations.open_work_counts(MANAGER, as_of=TODAY, now=NOW), database, postgres=True,
                   target_ms=TARGET_MS)
    assert set(counts) == set(obligations.KINDS)
