"""Registering, reading and correcting patients (services/patients/patients.py)."""
import json
from datetime import date, datetime, timezone

import pytest

from clinic_desktop.models import (
    AuditEvent,
    Episode,
    Medication,
    PathwayWarning,
    Patient,
    User,
)
from clinic_desktop.services.admin import users
from clinic_desktop.services.core import clock
from clinic_desktop.services.core.actor import Actor
from clinic_desktop.services.core.errors import NotFound, PermissionDenied, ValidationError
from clinic_desktop.services.episodes import pathway_sync
from clinic_desktop.services.patients import patient_search, patients
from clinic_desktop.services.patients.patients import ChangedSinceRead, PossibleDuplicate

# Clinic's today is Sunday 15 June 2025 (Europe/London).
NOW = datetime(2025, 6, 15, 10, 0, tzinfo=timezone.utc)
ANN = dict(family_name="Smith", given_name="Ann", date_of_birth=date(1980, 2, 1))


CLINIC_TIME = NOW  # every test here runs at this moment (tests/conftest.py: clinic_clock)


def register(actor, **details):
    return patients.register_patient(actor, **{**ANN, **details})


def last_event() -> AuditEvent:
    return AuditEvent.select().order_by(AuditEvent.id.desc()).first()


# --- registering ---


def test_receptionist_registers_a_patient(staff):
    record = register(staff.receptionist, family_name="  Smith ", given_name=" Ann  Marie", nhs_number="943 476 5919",
                      sex="female", address="1 High St\nLondon", postcode="sw1a1aa", telephone="020 7946 0000",
                      hepatic_impairment="mild")
    assert record == patients.get_patient(staff.clinician, record.id)
    assert (record.display_name, record.nhs_number, record.nhs_number_display) == (
        "SMITH, Ann Marie", "9434765919", "943 476 5919")
    assert (record.age, record.postcode, record.hepatic_impairment) == (45, "SW1A 1AA", "mild")


def test_registration_stores_casefolded_name_keys(staff):
    record = register(staff.receptionist, family_name="STRAUß", given_name="Ännie")
    stored = Patient.get_by_id(record.id)
    assert (stored.family_name_key, stored.given_name_key) == ("strauss", "ännie")


def test_registration_writes_one_audit_event_naming_the_patient(staff):
    record = register(staff.receptionist, nhs_number="9434765919")
    event = last_event()
    assert (event.action, event.patient_id, event.user_id) == ("register_patient", record.id,
                                                               staff.receptionist.user_id)
    assert event.summary == "registered SMITH, Ann, born 1 Feb 1980, NHS number 943 476 5919"


def test_patient_without_nhs_number_is_registered_with_none(staff):
    record = register(staff.receptionist, nhs_number="  ")
    assert (record.nhs_number, record.nhs_number_display) == (None, "")


@pytest.mark.parametrize("born, age", [(date(1980, 6, 15), 45), (date(1980, 6, 16), 44), (date(2025, 6, 15), 0)])
def test_age_counts_whole_years_as_of_the_clinic_today(staff, born, age):
    assert register(staff.receptionist, date_of_birth=born).age == age


def test_age_uses_the_clinic_time_zone_not_utc(staff):
    # 23:30 UTC on 14 June is already 15 June in London (BST).
    with clock.frozen_at(datetime(2025, 6, 14, 23, 30, tzinfo=timezone.utc)):
        assert register(staff.receptionist, date_of_birth=date(2000, 6, 15)).age == 25


@pytest.mark.parametrize("details, field, message", [
    (dict(family_name="  "), "family_name", "Enter the patient's family name"),
    (dict(given_name=None), "given_name", "Enter the patient's given name"),
    (dict(family_name="x" * 101), "family_name", "The family name is 101 characters long; at most 100 fit"),
    (dict(given_name="x" * 101), "given_name", "The given name is 101 characters long"),
    (dict(date_of_birth=date(2025, 6, 16)), "date_of_birth", "The date of birth 16 Jun 2025 is in the future"),
    (dict(date_of_birth=date(1905, 6, 14)), "date_of_birth", "more than 120 years ago: check the year"),
    (dict(date_of_birth="1980-02-01"), "date_of_birth", "Enter the date of birth"),
    (dict(nhs_number="943 476 5918"), "nhs_number", "check digit does not match"),
    (dict(nhs_number="12345"), "nhs_number", "An NHS number is 10 digits; '12345' has 5"),
    (dict(hepatic_impairment="slight"), "hepatic_impairment", "one of none, mild, moderate, severe, not 'slight'"),
    (dict(postcode="12345"), "postcode", "'12345' does not look like a UK postcode"),
    (dict(telephone="0" * 41), "telephone", "The telephone number is 41 characters long"),
    (dict(sex="x" * 17), "sex", "The sex is 17 characters long"),
])
def test_registration_refuses_a_bad_field_and_saves_nothing(staff, details, field, message):
    with pytest.raises(ValidationError, match=message) as refused:
        register(staff.receptionist, **details)
    assert refused.value.field == field
    assert Patient.select().count() == 0


@pytest.mark.parametrize("born", [date(2025, 6, 15), date(1905, 6, 15)])
def test_birth_dates_today_and_exactly_120_years_ago_are_accepted(staff, born):
    assert register(staff.receptionist, date_of_birth=born).date_of_birth == born


@pytest.mark.parametrize("typed, stored", [("sw1a1aa", "SW1A 1AA"), (" m1  1ae ", "M1 1AE"), ("B33 8TH", "B33 8TH"),
                                           ("cr2 6xh", "CR2 6XH"), ("gir0aa", "GIR 0AA"), ("", "")])
def test_postcode_is_stored_in_capitals_with_one_space(staff, typed, stored):
    assert register(staff.receptionist, postcode=typed).postcode == stored


def test_receptionist_may_register_but_not_manage_users(staff):
    register(staff.receptionist)
    users_before, events_before = User.select().count(), AuditEvent.select().count()
    with pytest.raises(PermissionDenied, match="Rita Reception .receptionist. may not manage users"):
        users.create_user(staff.receptionist, "newbie", "New Person", "receptionist", "long enough password")
    assert (User.select().count(), AuditEvent.select().count()) == (users_before, events_before)


def test_command_line_may_not_register_patients(staff):
    with pytest.raises(PermissionDenied, match="may not register patient"):
        register(Actor.command_line())
    assert Patient.select().count() == 0


# --- duplicates ---


def test_same_nhs_number_is_refused_even_when_confirmed_naming_the_existing_record(staff):
    first = register(staff.receptionist, nhs_number="9434765919")
    with pytest.raises(PossibleDuplicate) as refused:
        patients.register_patient(staff.receptionist, family_name="Jones", given_name="Bob",
                                  date_of_birth=date(1970, 1, 1), nhs_number="943-476-5919",
                                  confirm_not_duplicate=True)
    assert refused.value.matches == (first,)
    assert str(refused.value) == ("NHS number 943 476 5919 is already registered to SMITH, Ann, born 1 Feb 1980, "
                                  "NHS number 943 476 5919: open that record rather than registering the patient again")
    assert Patient.select().count() == 1


def test_same_name_and_birth_date_in_any_case_is_refused_unless_confirmed(staff):
    first = register(staff.receptionist)
    with pytest.raises(PossibleDuplicate, match="SMITH, ann, born 1 Feb 1980, may already be registered: "
                                                "SMITH, Ann, born 1 Feb 1980. Open that record") as refused:
        register(staff.receptionist, family_name="SMITH", given_name="ann")
    assert refused.value.matches == (first,)
    assert Patient.select().count() == 1


def test_confirmed_different_person_is_registered_and_the_audit_says_so(staff):
    first = register(staff.receptionist)
    second = register(staff.receptionist, confirm_not_duplicate=True)
    assert second.id != first.id
    assert json.loads(last_event().details)["confirmed_different_from"] == [first.id]


def test_same_name_with_another_birth_date_is_not_a_duplicate(staff):
    register(staff.receptionist)
    assert register(staff.receptionist, date_of_birth=date(1980, 2, 2)).date_of_birth == date(1980, 2, 2)


def test_nhs_number_registered_meanwhile_on_another_workstation_is_a_duplicate(staff, monkeypatch):
    first = register(staff.receptionist, nhs_number="9434765919")
    real = patients._with_nhs_number
    calls = []

    def misses_the_first_time(*args, **kwargs):  # as if the other workstation committed after our check
        calls.append(args)
        return () if len(calls) == 1 else real(*args, **kwargs)

    monkeypatch.setattr(patients, "_with_nhs_number", misses_the_first_time)
    with pytest.raises(PossibleDuplicate) as refused:
        register(staff.receptionist, family_name="Jones", nhs_number="9434765919")
    assert refused.value.matches == (first,)
    assert Patient.select().count() == 1


def test_form_is_warned_of_nhs_number_and_name_matches_before_saving(staff):
    by_number = register(staff.receptionist, family_name="Jones", nhs_number="9434765919")
    by_name = register(staff.receptionist)
    found = patients.find_possible_duplicates(staff.receptionist, "smith", "ANN", date(1980, 2, 1), "943 476 5919")
    assert found == (by_number, by_name)


def test_half_filled_form_warns_of_nothing(staff):
    register(staff.receptionist, nhs_number="9434765919")
    assert patients.find_possible_duplicates(staff.receptionist, "Smith", "", None, "943 476") == ()


# --- editing ---


def test_edit_changes_details_and_audit_lists_old_and_new_values(staff):
    record = register(staff.receptionist, postcode="M1 1AE")
    edited = patients.edit_patient(staff.receptionist, record.id, family_name="Smyth", postcode="m11ae",
                                   date_of_birth=date(1980, 2, 3), nhs_number="9434765919")
    assert (edited.display_name, edited.date_of_birth, edited.nhs_number_display) == (
        "SMYTH, Ann", date(1980, 2, 3), "943 476 5919")
    event = last_event()
    assert json.loads(event.details)["changes"] == {
        "family_name": {"old": "Smith", "new": "Smyth"},
        "date_of_birth": {"old": "1980-02-01", "new": "1980-02-03"},
        "nhs_number": {"old": None, "new": "9434765919"},
    }
    assert event.summary == ("changed SMITH, Ann's details: family name 'Smith' → 'Smyth'; "
                             "date of birth '1980-02-01' → '1980-02-03'; nhs number (blank) → '9434765919'")
    assert (event.action, event.patient_id) == ("edit_patient", record.id)


def test_saving_unchanged_details_is_audited_as_no_change(staff):
    record = register(staff.receptionist, postcode="M1 1AE")
    assert patients.edit_patient(staff.receptionist, record.id, family_name=" Smith ", postcode="m11ae") == record
    event = last_event()
    assert (event.summary, json.loads(event.details)["changes"]) == ("saved SMITH, Ann's details with no changes", {})


def test_edited_name_is_found_by_its_new_key(staff):
    record = register(staff.receptionist)
    patients.edit_patient(staff.receptionist, record.id, family_name="O'BRIEN", given_name="Áine")
    assert Patient.get_by_id(record.id).given_name_key == "áine"
    assert [found.id for found in patient_search.search_patients(staff.receptionist, "o'brien, ái")] == [record.id]


def test_edit_refuses_a_bad_field_and_changes_nothing(staff):
    record = register(staff.receptionist)
    with pytest.raises(ValidationError, match="does not look like a UK postcode") as refused:
        patients.edit_patient(staff.receptionist, record.id, family_name="Smyth", postcode="nowhere")
    assert refused.value.field == "postcode"
    assert patients.get_patient(staff.receptionist, record.id) == record


def test_edit_refuses_another_patients_nhs_number(staff):
    holder = register(staff.receptionist, family_name="Jones", nhs_number="9434765919")
    record = register(staff.receptionist)
    with pytest.raises(PossibleDuplicate, match="already registered to JONES, Ann") as refused:
        patients.edit_patient(staff.receptionist, record.id, nhs_number="943 476 5919")
    assert refused.value.matches == (holder,)
    assert patients.get_patient(staff.receptionist, record.id).nhs_number is None


def test_edit_keeping_the_patients_own_nhs_number_is_no_duplicate(staff):
    record = register(staff.receptionist, nhs_number="9434765919")
    edited = patients.edit_patient(staff.receptionist, record.id, nhs_number="943 476 5919", telephone="01632 960001")
    assert (edited.nhs_number, edited.telephone) == ("9434765919", "01632 960001")


def test_edit_refuses_an_unknown_detail(staff):
    record = register(staff.receptionist)
    with pytest.raises(ValidationError, match="'nickname' is not a patient detail that can be changed"):
        patients.edit_patient(staff.receptionist, record.id, nickname="Annie")


def test_editing_a_missing_patient_is_not_found(staff):
    with pytest.raises(NotFound, match="There is no patient with record number 999"):
        patients.edit_patient(staff.receptionist, 999, given_name="Bob")


def test_getting_a_missing_patient_is_not_found(staff):
    with pytest.raises(NotFound, match="There is no patient with record number 42"):
        patients.get_patient(staff.clinician, 42)


def _on_muscle_relaxant(staff, record):
    """An open episode in which a muscle relaxant was started: hepatic impairment matters to it."""
    episode = Episode.create(patient=record.id, first_contact_on=date(2025, 6, 2), presentation="non_specific",
                             severity="moderate", clinician=staff.clinician.user_id, created_at=NOW)
    Medication.create(episode=episode, name="cyclobenzaprine", category="muscle_relaxant", dose="5 mg",
                      started_on=date(2025, 6, 2), recorded_by=staff.clinician.user_id, recorded_at=NOW)
    return episode


def test_hepatic_impairment_change_warns_on_an_open_episode(staff):
    record = register(staff.receptionist)
    episode = _on_muscle_relaxant(staff, record)
    patients.edit_patient(staff.receptionist, record.id, hepatic_impairment="moderate")
    message = "Moderate hepatic impairment: muscle relaxant not recommended."
    assert [warning.message for warning in PathwayWarning.select().where(PathwayWarning.episode == episode)] == [
        message]
    assert message in json.loads(last_event().details)["pathway"]


def test_worse_hepatic_impairment_raises_the_warning_that_needs_acknowledging(staff):
    record = register(staff.receptionist)
    episode = _on_muscle_relaxant(staff, record)
    patients.edit_patient(staff.receptionist, record.id, hepatic_impairment="mild")
    patients.edit_patient(staff.receptionist, record.id, hepatic_impairment="severe")
    needing = PathwayWarning.select().where((PathwayWarning.episode == episode)
                                            & PathwayWarning.requires_acknowledgement)
    assert [warning.message for warning in needing] == ["Severe hepatic impairment: muscle relaxant not recommended."]


def test_other_changes_do_not_rerun_the_pathway(staff, monkeypatch):
    calls = []
    monkeypatch.setattr(pathway_sync, "synchronise_patient_episodes", lambda *args: calls.append(args) or [])
    record = register(staff.receptionist)
    _on_muscle_relaxant(staff, record)
    patients.edit_patient(staff.receptionist, record.id, telephone="01632 960001", hepatic_impairment="none")
    assert calls == []


# --- an edit read before someone else's ---


def test_an_edit_read_before_another_change_is_refused_and_saves_nothing(staff):
    read = register(staff.receptionist)
    patients.edit_patient(staff.clinician, read.id, hepatic_impairment="severe")  # another workstation, same tick
    events = AuditEvent.select().count()
    with pytest.raises(ChangedSinceRead) as refused:
        patients.edit_patient(staff.receptionist, read.id, as_read=read.updated_at, telephone="01632 960001")
    stored = patients.get_patient(staff.receptionist, read.id)
    assert (stored.hepatic_impairment, stored.telephone) == ("severe", "")
    assert AuditEvent.select().count() == events
    assert str(refused.value) == (
        "SMITH, Ann's details were changed by Dr Alys Jones since you opened them (hepatic impairment); "
        "nothing was saved. Your changes are still in the form: check them against the new details and save again.")
    assert refused.value.current == stored


def test_an_edit_of_the_version_just_refused_with_is_saved(staff):
    read = register(staff.receptionist)
    patients.edit_patient(staff.clinician, read.id, hepatic_impairment="severe")
    with pytest.raises(ChangedSinceRead) as refused:
        patients.edit_patient(staff.receptionist, read.id, as_read=read.updated_at, telephone="01632 960001")
    edited = patients.edit_patient(staff.receptionist, read.id, as_read=refused.value.current.updated_at,
                                   telephone="01632 960001")
    assert (edited.hepatic_impairment, edited.telephone) == ("severe", "01632 960001")


def test_a_save_that_changes_nothing_leaves_other_open_forms_current(staff):
    read = register(staff.receptionist, telephone="01632 960001")
    patients.edit_patient(staff.clinician, read.id, telephone=" 01632 960001 ")
    edited = patients.edit_patient(staff.receptionist, read.id, as_read=read.updated_at, postcode="ls2 9zz")
    assert edited.postcode == "LS2 9ZZ"


def test_an_edit_of_only_the_telephone_keeps_a_hepatic_impairment_set_since_it_was_read(staff):
    read = register(staff.receptionist)
    patients.edit_patient(staff.clinician, read.id, hepatic_impairment="severe")
    patients.edit_patient(staff.receptionist, read.id, telephone="01632 960001")  # no as_read
    assert patients.get_patient(staff.clinician, read.id).hepatic_impairment == "severe"
    assert json.loads(last_event().details)["changes"] == {"telephone": {"old": "", "new": "01632 960001"}}


def test_a_telephone_edit_writes_only_the_telephone(staff, monkeypatch):
    record = register(staff.receptionist)
    real = patients._patient

    def changed_after_reading(patient_id, **kwargs):  # a change the row lock would hold off, had it been taken
        row = real(patient_id, **kwargs)
        Patient.update(hepatic_impairment="severe").where(Patient.id == patient_id).execute()
        return row

    monkeypatch.setattr(patients, "_patient", changed_after_reading)
    patients.edit_patient(staff.receptionist, record.id, telephone="01632 960001")
    assert Patient.get_by_id(record.id).hepatic_impairment == "severe"


def test_as_read_must_be_an_instant(staff):
    record = register(staff.receptionist)
    with pytest.raises(ValidationError, match="as_read is the record's updated_at"):
        patients.edit_patient(staff.receptionist, record.id, as_read=record.updated_at.replace(tzinfo=None),
                              telephone="01632 960001")
