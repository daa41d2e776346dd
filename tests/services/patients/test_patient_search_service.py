"""Finding patients by NHS number, birth date or name prefix (services/patients/patient_search.py)."""
from datetime import date

import pytest
from test_patients import CLINIC_TIME, register  # noqa: F401 (the clinic's clock: Sun 15 Jun 2025)

from clinic_desktop.models import Patient
from clinic_desktop.services.patients import patient_search


@pytest.fixture
def registered(staff):
    """Four patients, registered out of order; SMITH and SMITHERS share a birth date."""
    return {
        "ann_younger": register(staff.receptionist, date_of_birth=date(1990, 3, 4), confirm_not_duplicate=True),
        "bob": register(staff.receptionist, family_name="smithers", given_name="Bob", nhs_number="4010232137"),
        "ann": register(staff.receptionist, nhs_number="9434765919"),
        "cruz": register(staff.receptionist, family_name="De la Cruz", given_name="Maria",
                         date_of_birth=date(1975, 5, 5)),
    }


def _search(staff, text, **kwargs):
    return [record.id for record in patient_search.search_patients(staff.receptionist, text, **kwargs)]


@pytest.mark.parametrize("text", ["943 476 5919", "9434765919", "943-476-5919"])
def test_search_by_nhs_number_finds_exactly_that_patient(staff, registered, text):
    assert _search(staff, text) == [registered["ann"].id]


@pytest.mark.parametrize("text", ["01/02/1980", "1/2/1980", "1980-02-01"])
def test_search_by_date_of_birth(staff, registered, text):
    assert _search(staff, text) == [registered["ann"].id, registered["bob"].id]


@pytest.mark.parametrize("text", ["31/02/1980", "943 476", "9434765918"])
def test_search_for_an_impossible_date_or_unknown_number_finds_nobody(staff, registered, text):
    assert _search(staff, text) == []


def test_search_by_family_name_prefix_orders_by_family_given_and_birth(staff, registered):
    assert _search(staff, "SMI") == [registered["ann"].id, registered["ann_younger"].id, registered["bob"].id]


@pytest.mark.parametrize("text", ["smith ann", "Smith, Ann", "smith,a", "  smith   an "])
def test_search_by_family_and_given_name_prefixes(staff, registered, text):
    assert _search(staff, text) == [registered["ann"].id, registered["ann_younger"].id]


def test_search_by_two_words_of_one_family_name(staff, registered):
    assert _search(staff, "de la") == [registered["cruz"].id]


@pytest.mark.parametrize("text", ["", "   ", None, "s%", "_mith", "smith, carl"])
def test_search_that_matches_nobody_is_empty(staff, registered, text):
    assert _search(staff, text) == []


def test_search_returns_at_most_the_limit(staff, registered):
    assert len(_search(staff, "s", limit=2)) == 2


def test_name_search_reads_the_family_name_key_index(sqlite_database):
    sql, params = Patient.select().where(patient_search._search_condition("smith, a")).sql()
    plan = sqlite_database.execute_sql(f"EXPLAIN QUERY PLAN {sql}", params).fetchall()
    assert "USING INDEX patient_family_name_key" in " ".join(row[-1] for row in plan)
