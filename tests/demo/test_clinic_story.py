"""The demo clinic: every pathway stage present, the same clinic for the same seed."""
from __future__ import annotations

import io
from datetime import datetime, timezone

import pytest
from database_fixtures import open_test_database
from pypdf import PdfReader

from clinic_desktop.demo.clinic_story import build_demo
from clinic_desktop.models import (
    Appointment,
    AuditEvent,
    Episode,
    ImagingRequest,
    InitialManagement,
    LetterVersion,
    ManagementPlan,
    PathwayWarning,
    Patient,
    Referral,
    TwelveWeekOutcome,
)
from clinic_desktop.models.schema import prepare_database
from clinic_desktop.services.admin import users
from clinic_desktop.services.core.actor import Actor
from clinic_desktop.services.core.clock import frozen_at
from clinic_desktop.services.core.errors import ValidationError
from clinic_desktop.services.worklists.worklists import overdue, to_book

NOW = datetime(2026, 11, 25, 7, 30, tzinfo=timezone.utc)


def _snapshot():
    patients = [(p.family_name, p.given_name, p.date_of_birth, p.nhs_number) for p in Patient.select().order_by(Patient.id)]
    appointments = [(a.kind, a.status, a.due_by) for a in Appointment.select().order_by(Appointment.id)]
    return patients, appointments


def test_demo_reaches_every_stage_of_the_pathway(database):
    with frozen_at(NOW):
        summary = build_demo(40, seed=3)
        late = overdue(Actor.command_line())
        waiting = to_book(Actor.command_line())
    assert summary.patients == 40 == Patient.select().count()
    statuses = {row.status for row in Appointment.select(Appointment.status)}
    assert {"attended", "to_book", "did_not_attend"} <= statuses
    referral_statuses = {row.status for row in Referral.select(Referral.status)}
    assert {"sent", "drafted"} <= referral_statuses
    assert LetterVersion.select().count() > 0
    assert late.total > 0 and waiting.total > 0
    assert AuditEvent.select().count() > 40
    assert InitialManagement.select().count() == Episode.select().count() == 40
    (request,) = ImagingRequest.select()
    (warning,) = PathwayWarning.select().where(PathwayWarning.pathway_key == f"pitfall:imaging:{request.id}")
    assert warning.requires_acknowledgement and warning.acknowledged_at is not None
    assert ManagementPlan.select().count() > 0
    kinds = {row.kind for row in PathwayWarning.select(PathwayWarning.kind)}
    assert {"plan_needed", "passive_plan"} <= kinds  # a plan still to agree, and one relying on passive care


def test_demo_staff_can_sign_in_with_the_printed_passwords(database):
    with frozen_at(NOW):
        summary = build_demo(2, seed=1)
    for username, password in summary.usernames.items():
        assert users.authenticate(username, password).username == username


def test_the_same_seed_gives_the_same_clinic(tmp_path):
    snapshots = []
    for name in ("a", "b"):
        database = open_test_database(str(tmp_path / f"{name}.sqlite3"))
        prepare_database(database)
        with frozen_at(NOW):
            build_demo(15, seed=11)
        snapshots.append(_snapshot())
        database.close()
    assert snapshots[0] == snapshots[1]


def test_another_seed_gives_another_clinic(tmp_path):
    names = []
    for seed in (11, 12):
        database = open_test_database(str(tmp_path / f"{seed}.sqlite3"))
        prepare_database(database)
        with frozen_at(NOW):
            build_demo(15, seed=seed)
        names.append(_snapshot()[0])
        database.close()
    assert names[0] != names[1]


def test_demo_data_goes_only_into_an_empty_database(database):
    with frozen_at(NOW):
        build_demo(1, seed=1)
        with pytest.raises(ValidationError, match="only into an empty database"):
            build_demo(1, seed=1)
    assert Patient.select().count() == 1


def test_a_signed_demo_letter_never_reports_an_outcome_recorded_after_it_was_signed(sqlite_database):
    with frozen_at(NOW):
        build_demo(120, seed=7)  # the default clinic, where this once happened
    checked = 0
    for version in LetterVersion.select():
        episode_id = version.referral.episode_id
        later = (TwelveWeekOutcome.select().where((TwelveWeekOutcome.episode == episode_id)
                                                  & (TwelveWeekOutcome.recorded_at > version.signed_at)))
        text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(bytes(version.pdf))).pages)
        for outcome in later:
            checked += 1
            assert f"12-week outcome {outcome.recorded_on.day} " not in text
    assert checked > 0


def test_the_demo_staff_passwords_are_kept_at_the_full_hashing_cost(database):
    from argon2 import extract_parameters

    from clinic_desktop.models import User

    with frozen_at(NOW):
        build_demo(3, seed=1)
    full_cost = extract_parameters(users._hasher.hash("any password"))
    assert [extract_parameters(password_hash) for password_hash in User.select(User.password_hash).scalars()] == [full_cost] * 4


def test_the_demo_reports_each_patients_story_as_it_plays_it(database):
    from clinic_desktop.services.core.progress import Watcher, watched_by

    steps = []
    with frozen_at(NOW), watched_by(Watcher(lambda done, total, text: steps.append((done, total, text)))):
        build_demo(3, seed=1)
    assert [step[:2] for step in steps] == [(0, 3), (1, 3), (2, 3), (3, 3)]
    assert steps[0][2] == "Playing the story of patient 1 of 3…"


def test_demo_patients_have_varied_contact_details_some_consents_and_interpreters(sqlite_database):
    with frozen_at(NOW):
        build_demo(40, seed=3)
    people = list(Patient.select())
    assert len({patient.mobile_key for patient in people if patient.mobile}) > 25
    assert len({patient.postcode_key[:3] for patient in people}) > 3  # several postcode areas
    assert all(patient.mobile or patient.telephone for patient in people)
    consented = [patient for patient in people if patient.sms_reminders_consented_on]
    assert 0 < len(consented) < len(people) and all(patient.mobile for patient in consented)
    assert any(patient.email_reminders_consented_on for patient in people)
    assert 0 < sum(patient.interpreter_language is not None for patient in people) < len(people) // 2
    assert all(patient.gp_practice_ods for patient in people)
