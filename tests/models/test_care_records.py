"""The database keeps every answer of the first contact's advice explicit: none is stored as "not given" by default.

Before schema 6 the advice was three check boxes defaulting to unticked, so a box left alone
read as "not advised" (hazard log H-37). InitialManagement's answers are NOT NULL with no
default: whatever writes the row must say yes or no to each, or the row is refused.
"""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from bare_records import bare_episode
from peewee import IntegrityError

from clinic_desktop.models import database_proxy
from clinic_desktop.models.care import InitialManagement

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc)
ANSWERS = ("reactivation_advised", "bed_rest_advised", "resources_online", "resources_helpline", "resources_paper",
           "heat_advised", "massage_advised")


@pytest.fixture
def advice(staff):
    """Every answer given (no), and who recorded them, for an episode just opened."""
    return {"episode": bare_episode(staff.clinician.user_id, NOW), "recorded_by": staff.clinician.user_id, "recorded_at": NOW,
            **dict.fromkeys(ANSWERS, False)}


def test_every_answer_given_is_stored_as_given(advice):
    row = InitialManagement.create(**{**advice, "reactivation_advised": True})
    stored = InitialManagement.get_by_id(row.id)
    assert stored.reactivation_advised is True
    assert [getattr(stored, answer) for answer in ANSWERS[1:]] == [False] * 6


@pytest.mark.parametrize("answer", ANSWERS)
def test_an_answer_left_out_is_refused_not_stored_as_no(advice, answer):
    without = {key: value for key, value in advice.items() if key != answer}
    with pytest.raises(IntegrityError), database_proxy.atomic():
        InitialManagement.create(**without)
    assert InitialManagement.select().count() == 0


@pytest.mark.parametrize("answer", ANSWERS)
def test_an_answer_given_as_none_is_refused(advice, answer):
    with pytest.raises(IntegrityError), database_proxy.atomic():
        InitialManagement.create(**{**advice, answer: None})
    assert InitialManagement.select().count() == 0
